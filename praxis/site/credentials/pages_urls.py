"""The certificate pages (``pages.py``)."""

from django.urls import path
from django.views.generic import View

urlpatterns = [
    # Skeleton so Certificate.get_absolute_url resolves; the pages replace it.
    path("verify/<str:public_id>/", View.as_view(), name="verify"),
]
