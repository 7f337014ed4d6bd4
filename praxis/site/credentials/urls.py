"""The credentials pages: programmes and certificates for stewards, one's own for members,
and the public verification pages and Open Badges documents."""

from django.urls import path
from django.views.generic import View

app_name = "credentials"

urlpatterns = [
    # Replaced by the real page (skeleton so Certificate.get_absolute_url resolves).
    path("verify/<str:public_id>/", View.as_view(), name="verify"),
]
