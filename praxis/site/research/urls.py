"""The research pages: each area has its own url module, included here."""

from django.urls import include, path

app_name = "research"

urlpatterns = [
    path("", include("praxis.site.research.studies_urls")),
    path("", include("praxis.site.research.sampling_urls")),
    path("", include("praxis.site.research.instruments_urls")),
    path("", include("praxis.site.research.coding_urls")),
    path("", include("praxis.site.research.analysis_urls")),
    path("", include("praxis.site.research.exchange_urls")),
]
