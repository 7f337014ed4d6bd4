import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from praxis.access import can_create_community, visible_communities
from praxis.accounts.services import set_locale
from praxis.communities import queries
from praxis.practice.queries import diary as diary_queries
from praxis.practice.queries.plans import asked_of
from praxis.site.impact.promises import home_promises

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Signed in: your communities and others to discover. Signed out: what Praxis is."""
    context = {
        "discover": queries.discoverable_communities(
            request.user, visible_communities(request.user))[:50],
        "can_create_community": can_create_community(request.user),
    }
    if request.user.is_authenticated:
        context["memberships"] = queries.communities_of(request.user)
        # Critical friends: invitations to answer, and their new plan versions.
        context["friend_invitations"] = diary_queries.pending_invitations(request.user)
        context["friend_versions"] = diary_queries.friends_new_versions(request.user)
        context["feedback_asked"] = asked_of(request.user)  # session plans to give feedback on
        context["promises_to_tell"] = home_promises(request.user)  # sessions now past
    return render(request, "core/home.html", context)


@csrf_exempt
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switcher, remembering the choice on a signed-in member's profile.

    Signed out, it only sets the language cookie, which no forged request can harm: the form
    carries no CSRF token, so pages for visitors set no cookie and proxies may share them.
    Signed in, it changes the profile, so the token is checked."""
    if request.user.is_authenticated:
        return _set_member_language(request)
    return _switch_language(request)


@csrf_protect
def _set_member_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    if check_for_language(language) and language in dict(settings.LANGUAGES):
        set_locale(user=request.user, locale=language)  # type: ignore[arg-type]
    return _switch_language(request)


def _switch_language(request: HttpRequest) -> HttpResponse:
    response = django_set_language(request)
    target = request.POST.get("next", "/")
    if isinstance(response, HttpResponseRedirect) and not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        response["Location"] = "/"
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not: for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health check: database unreachable")
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A forged or expired form: say so plainly; nothing was changed."""
    return render(request, "403_csrf.html", status=403)
