from django.http import HttpRequest

from praxis.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view that only signed-in people reach (login or permission door)."""

    user: User


def site_url(request: HttpRequest) -> str:
    """The site's address as this request reached it, for links in emails."""
    return request.build_absolute_uri("/")
