from django.http import HttpRequest

from praxis.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view that only signed-in people reach (login or permission door)."""

    user: User
