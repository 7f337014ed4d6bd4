"""The engagement pages (``engagement.py``)."""

urlpatterns: list = []
