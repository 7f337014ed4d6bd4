"""Answers ``304 Not Modified`` before the work of building a feed or a download.

The view asks the door first and then finds when what it would show last changed; if the
reader's copy is as new (``If-Modified-Since``) or the same (``If-None-Match``), it gets a 304
and nothing is rendered. Either way the answer carries ``Last-Modified`` (and the ETag when
there is one), so ConditionalGetMiddleware and readers can ask again cheaply."""

import hashlib
from collections.abc import Callable
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag


def fingerprint(*parts: object) -> str:
    """A weak ETag of what a response depends on beyond its Last-Modified moment."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return "W/" + quote_etag(digest)


def unless_fresh(request: HttpRequest, *, changed_at: datetime, etag: str | None = None,
                 build: Callable[[], HttpResponse]) -> HttpResponse:
    """``build()``'s response, or a 304 when the reader's copy is still good."""
    stamp = int(changed_at.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=stamp)
    if response is None:
        response = build()
    response["Last-Modified"] = http_date(stamp)
    if etag:
        response["ETag"] = etag
    return response
