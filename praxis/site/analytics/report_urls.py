"""The steward's report to leadership (``report.py``)."""

from django.urls import path

from praxis.site.analytics import report

urlpatterns = [
    path("c/<slug:slug>/report/", report.report_page, name="report"),
    path("c/<slug:slug>/report/report.pdf", report.report_download, name="report_pdf"),
    path("c/<slug:slug>/report/costs/", report.costs, name="report_costs"),
]
