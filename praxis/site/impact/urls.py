"""The impact pages: each area has its own url module, included here."""

from django.urls import include, path

app_name = "impact"

urlpatterns = [
    path("", include("praxis.site.impact.stories_urls")),
    path("", include("praxis.site.impact.promises_urls")),
    path("", include("praxis.site.impact.cascade_urls")),
    path("", include("praxis.site.impact.dashboard_urls")),
]
