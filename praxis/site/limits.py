"""The pages' side of the limits on how often one may try something (core.throttle)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from praxis.core import throttle


def over_limit(request: HttpRequest, limit: throttle.Limit,
               who: str | None = None) -> HttpResponse | None:
    """Counts this attempt by ``who`` (the client's address unless told); past the limit,
    the page that says so (429), else None."""
    if throttle.hit(limit, who if who is not None else throttle.client_address(request)):
        return None
    message = _("You have done this many times in a short while. Please wait %(minutes)s "
                "minutes and try again.") % {"minutes": limit.minutes()}
    return render(request, "429.html", {"message": message}, status=429)

