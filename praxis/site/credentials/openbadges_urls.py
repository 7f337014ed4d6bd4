"""The Open Badges documents (``openbadges.py``)."""

urlpatterns: list = []
