"""URLs of the Spirit forum served by `make bench-peer` (bench/peer_spirit_settings.py)."""

import spirit.urls
from django.urls import include, path

urlpatterns = [path("", include(spirit.urls))]
