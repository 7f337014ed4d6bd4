"""The steward's report to leadership (``report.py``)."""

urlpatterns: list = []
