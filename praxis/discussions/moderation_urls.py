"""Routes for reactions, flags, moderation and search (namespace "discussions")."""

urlpatterns: list = []
