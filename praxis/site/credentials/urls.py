"""The credentials pages: programmes and certificates for stewards, one's own for members,
the public verification pages (``pages_urls``) and the Open Badges documents
(``openbadges_urls``)."""

from django.urls import include, path

app_name = "credentials"

urlpatterns = [
    path("", include("praxis.site.credentials.pages_urls")),
    path("", include("praxis.site.credentials.openbadges_urls")),
]
