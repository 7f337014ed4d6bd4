from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from praxis.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view that only signed-in people reach (login or permission door)."""

    user: User


def site_url(request: HttpRequest) -> str:
    """The site's address as this request reached it, for links in emails."""
    return request.build_absolute_uri("/")


def safe_next(request: HttpRequest) -> str | None:
    """Where to go back to: the request's ``next`` (posted or in the query) when it is a page
    of this site, else None."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None
