"""HTTP caching for pages: an ETag that survives CSRF masking, and personal pages kept private.

Django's ConditionalGetMiddleware (placed outside this one) answers 304 Not Modified when the
browser's If-None-Match matches the ETag. Its own ETag is a hash of the whole body, but every
form carries a CSRF token masked afresh on each request, so the body of any page with a form
(the header's log-out and language forms: every page) differs on each request and would
never match. This middleware sets the ETag itself: a hash of the body with those masked
tokens left out, plus the CSRF secret they are masks of, so a 304 never leaves a browser with
a token for a secret it no longer holds.

Responses that depend on the cookie (the session or CSRF middleware add ``Vary: Cookie``, or
a cookie is set) or on a signed-in person get ``Cache-Control: private, no-cache`` unless the
view said otherwise: shared proxies never store them, browsers revalidate them with the ETag.

A page for someone signed out who sent no cookie that changes it (none but the CSRF cookie,
which a page with no form does not read) and set none is the same for everyone with the
same URL and language: it loses ``Vary: Cookie`` (the session middleware adds it whenever the
messages were looked for) and gets ``Cache-Control: public, max-age=0, s-maxage=N``, so a
proxy in front may keep it ``PRAXIS_PUBLIC_CACHE_SECONDS`` while browsers still ask again
(one who has just signed in never sees the signed-out page from their own cache).
"""

import hashlib
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re, has_vary_header, patch_cache_control

CSRF_VALUE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def page_etag(content: bytes, csrf_secret: str) -> str:
    body = CSRF_VALUE.sub(rb"\1\2", content)
    digest = hashlib.md5(body, usedforsecurity=False)
    digest.update(csrf_secret.encode())
    return f'"{digest.hexdigest()}"'


def _signed_in(request: HttpRequest) -> bool:
    # Only a user already loaded: loading one here would cost queries on pages that never
    # looked at who is asking (and so do not differ per person).
    user = getattr(request, "_cached_user", None)
    return bool(user is not None and user.is_authenticated)


def _shareable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the response is the same for every signed-out visitor of this URL."""
    return (request.method in ("GET", "HEAD") and response.status_code == 200
            and not response.cookies and not _signed_in(request)
            and set(request.COOKIES) <= {settings.CSRF_COOKIE_NAME}
            and not response.has_header("Cache-Control"))


def _drop_vary_cookie(response: HttpResponse) -> None:
    kept = [name for name in cc_delim_re.split(response.get("Vary", ""))
            if name and name.lower() != "cookie"]
    if kept:
        response.headers["Vary"] = ", ".join(kept)
    elif response.has_header("Vary"):
        del response.headers["Vary"]


class PageCachingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _shareable(request, response):
            _drop_vary_cookie(response)
            patch_cache_control(response, public=True, max_age=0,
                                s_maxage=settings.PRAXIS_PUBLIC_CACHE_SECONDS)
        personal = (has_vary_header(response, "Cookie") or bool(response.cookies)
                    or _signed_in(request))
        if personal and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        if (request.method in ("GET", "HEAD") and response.status_code == 200
                and not response.streaming and not response.has_header("ETag")
                and "no-store" not in response.get("Cache-Control", "")):
            response.headers["ETag"] = page_etag(
                response.content, str(request.META.get("CSRF_COOKIE", "")))
        return response

