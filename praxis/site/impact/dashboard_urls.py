"""Filled in by the dashboard part."""

urlpatterns: list[object] = []
