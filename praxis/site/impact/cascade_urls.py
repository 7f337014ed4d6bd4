"""Filled in by the cascade part."""

urlpatterns: list[object] = []
