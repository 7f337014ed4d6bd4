import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from praxis.access import TopicAccess, access_thread, access_topic, readable_emails
from praxis.communities.models import Membership
from praxis.discussions.models import Thread
from praxis.notifications import queries, services
from praxis.notifications.forms import CommunityModesForm, DefaultsForm, PlaceModeForm
from praxis.notifications.models import OutboundEmail, Subscription
from praxis.notifications.tokens import read_unsubscribe_token
from praxis.site.decorators import login_on_refusal
from praxis.site.http import AuthenticatedHttpRequest, safe_next
from praxis.site.notifications import replies


@login_required
@require_http_methods(["GET", "POST"])
def email_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    memberships = list(Membership.objects.filter(user=user).select_related("community")
                       .order_by("community__name"))
    chosen = queries.followed_places(user)
    current = {sub.community_id: sub.mode for sub in chosen
               if not sub.topic_id and not sub.thread_id}
    data = request.POST if request.method == "POST" else None
    defaults = DefaultsForm(data, instance=user)
    communities = CommunityModesForm(data, memberships=memberships, current=current)
    if request.method == "POST" and defaults.is_valid() and communities.is_valid():
        with transaction.atomic():
            defaults.save()
            for membership, mode in communities.chosen():
                services.set_mode(user=user, community=membership.community, mode=mode)
        messages.success(request, _("Your email settings have been saved."))
        return redirect("notifications:settings")
    places = [sub for sub in chosen if sub.topic_id or sub.thread_id]
    return render(request, "notifications/settings.html", {
        "defaults": defaults, "communities": communities, "places": places,
        "replies_by_email": bool(settings.PRAXIS_REPLY_DOMAIN),
    })


def _save_place_mode(request: AuthenticatedHttpRequest, access: TopicAccess, *, saved: str,
                     back: str, thread: Thread | None = None) -> HttpResponse:
    form = PlaceModeForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose one of the offered settings."), status=400)
    services.set_mode(user=request.user, community=access.community, topic=access.topic,
                      thread=thread, mode=form.cleaned_data["mode"])
    messages.success(request, saved)
    return redirect(safe_next(request) or back)


@login_on_refusal
@require_POST
def topic_mode(request: AuthenticatedHttpRequest, slug: str, topic_slug: str) -> HttpResponse:
    access = access_topic(request.user, slug, topic_slug, need="follow")
    return _save_place_mode(
        request, access, saved=_("Your email setting for this topic has been saved."),
        back=reverse("topics:detail", args=[slug, topic_slug]))


@login_on_refusal
@require_POST
def thread_mode(request: AuthenticatedHttpRequest, slug: str, thread_id: int) -> HttpResponse:
    access, thread = access_thread(request.user, slug, thread_id, need="follow")
    return _save_place_mode(
        request, access, thread=thread,
        saved=_("Your email setting for this thread has been saved."),
        back=reverse("discussions:thread", args=[slug, thread_id]))


@login_required
@require_POST
def forget_place(request: AuthenticatedHttpRequest, subscription_id: int) -> HttpResponse:
    """Removes one of the member's own topic or thread choices, from the settings page."""
    get_object_or_404(Subscription, pk=subscription_id, user=request.user).delete()
    messages.success(request, _("That choice has been removed."))
    return redirect("notifications:settings")


# The link in every email's List-Unsubscribe header: a GET shows what it will do (link
# checkers and previews must not unsubscribe anyone), a POST does it. Mail clients POST
# "List-Unsubscribe=One-Click" without a session or CSRF token (RFC 8058): the signed token
# is the authority.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    scope = read_unsubscribe_token(token)
    place = queries.unsubscribe_place(scope) if scope else None
    if scope is None or place is None:
        raise Http404
    # The page speaks the language of the member the email went to, signed in or not.
    with translation.override(place.user.locale):
        if request.method == "POST":
            services.unsubscribe(scope)
            return render(request, "notifications/unsubscribed.html", {"scope": scope})
        return render(request, "notifications/unsubscribe.html",
                      {"scope": scope, "place_name": place.name})


def _bearer_ok(request: HttpRequest) -> bool:
    secret = settings.PRAXIS_INBOUND_SECRET
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(secret) and hmac.compare_digest(given.encode(), secret.encode())


@csrf_exempt
@require_POST
def inbound_email(request: HttpRequest) -> HttpResponse:
    """Where an inbound-mail relay posts a whole message: the raw RFC 5322 bytes as the body
    (``message/rfc822``), or a form with the message in a ``message`` field or file."""
    if not settings.PRAXIS_INBOUND_SECRET:
        raise Http404
    if not _bearer_ok(request):
        response = JsonResponse({"status": "unauthorized"}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="praxis-inbound"'
        return response
    limit = replies.max_inbound_bytes()
    length = int(request.headers.get("Content-Length") or 0)
    if length > limit + 64 * 1024:
        return JsonResponse({"status": "rejected", "reason": "oversized"}, status=413)
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        upload = request.FILES.get("message")
        raw = upload.read(limit + 1) if upload else request.POST.get("message", "").encode()
    else:
        # Read as a stream: request.body would stop at DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).
        raw = request.read(limit + 1)
    outcome = replies.receive(raw, channel="http")
    if outcome.posted or outcome.duplicate:
        return JsonResponse({"status": "posted",
                             "post": outcome.post.pk if outcome.post else None}, status=201
                            if outcome.posted else 200)
    # A message refused for what it is (not for a fault of ours) is accepted and dropped:
    # a relay must not retry it.
    return JsonResponse({"status": "rejected", "reason": outcome.reason}, status=200)


@login_required
def outbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    emails = readable_emails(request.user).order_by("-created_at", "-pk")
    kind = request.GET.get("kind", "")
    if kind in OutboundEmail.Kind.values:
        emails = emails.filter(kind=kind)
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/outbox.html", {
        "page": page, "kind": kind, "kinds": OutboundEmail.Kind.choices,
    })


@login_required
def outbox_email(request: AuthenticatedHttpRequest, email_id: int) -> HttpResponse:
    email = get_object_or_404(readable_emails(request.user), pk=email_id)
    return render(request, "notifications/outbox_email.html", {"email": email})


@login_required
@xframe_options_sameorigin
def outbox_email_html(request: AuthenticatedHttpRequest, email_id: int) -> HttpResponse:
    """The email's HTML part as a mail client would show it, sandboxed: no scripts, no
    forms, nothing sent from the reader's session."""
    email = get_object_or_404(readable_emails(request.user), pk=email_id)
    response = HttpResponse(email.body_html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = "sandbox allow-popups; default-src 'none'; " \
        "style-src 'unsafe-inline'; img-src data:"
    return response
