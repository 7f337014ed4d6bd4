"""View decorators around the permission door, shared by every app's views."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from praxis.access import CommunityNeed, access_community

View = Callable[..., HttpResponseBase]


def _this_page(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    return request.get_full_path()


def login_on_refusal(view: View, back: Callable[[HttpRequest, dict[str, Any]], str] = _this_page,
                     ) -> View:
    """Someone signed out whom the door refuses is sent to log in, and brought back to
    ``back(request, view_kwargs)`` (this page unless told); anyone else gets the 403 (or the
    404 where the community is not theirs to know about)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            if not request.user.is_authenticated:
                return redirect_to_login(back(request, kwargs))
            raise

    return wrapper


def community_view(need: CommunityNeed) -> Callable[[View], View]:
    """Resolves ``slug`` through ``access_community`` and hands the view a CommunityAccess
    (``need``: what the page needs of the community)."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_on_refusal
        def wrapper(request: HttpRequest, slug: str, *args: Any,
                    **kwargs: Any) -> HttpResponseBase:
            access = access_community(request.user, slug, need=need)
            return view(request, access, *args, **kwargs)

        return wrapper

    return decorate
