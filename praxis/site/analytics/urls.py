"""The analytics pages: engagement (``engagement_urls``) and the steward's report to
leadership (``report_urls``)."""

from django.urls import include, path

app_name = "analytics"

urlpatterns = [
    path("", include("praxis.site.analytics.engagement_urls")),
    path("", include("praxis.site.analytics.report_urls")),
]
