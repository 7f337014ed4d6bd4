"""Filled in by the stories part."""

urlpatterns: list[object] = []
