"""What every email needs: the reader's language and time zone, absolute links."""

import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import timezone, translation


@contextmanager
def in_language_and_zone(language: str, zone: str) -> Iterator[None]:
    """Renders as a reader sees it: their language, their time zone."""
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        yield


def absolute_url(site_url: str | None, path: str) -> str:
    return (site_url or settings.SITE_URL).rstrip("/") + path
