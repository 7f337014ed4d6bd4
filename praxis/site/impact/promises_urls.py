"""Filled in by the promises part."""

urlpatterns: list[object] = []
