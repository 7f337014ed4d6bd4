"""What a session plan's emails say: a request for feedback (with an address to reply to
with the feedback) and the news of feedback given, rendered when owed in the reader's
language and time zone."""

from datetime import datetime

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from praxis.accounts.models import User
from praxis.core.email import absolute_url, render_text
from praxis.core.templatetags.praxis import isolate, localnumber
from praxis.notifications.emails import (
    RenderedEmail,
    _host,
    _list_headers,
    as_reader,
    one_line,
    reply_marker,
    settings_url,
    unsubscribe_url,
)
from praxis.notifications.tokens import UnsubscribeScope, feedback_reply_address
from praxis.practice.models import Feedback, FeedbackRequest

# The headings a request's email asks people to write their reply under; the reply intake
# splits a reply on them (``services.plans.split_reply``).
HEADING_TEXTS = {"works": gettext_noop("What works:"),
                 "change": gettext_noop("What to change:"),
                 "question": gettext_noop("Question:")}


def _version_url(version_path: str) -> str:
    return absolute_url(None, version_path)


def render_request_email(user: User, request: FeedbackRequest, *,
                         is_friend: bool = False) -> RenderedEmail:
    """One request for feedback for one member: a reply to it, written under the headings
    it names, becomes their feedback."""
    version = request.version
    plan = version.plan
    community = plan.community
    with as_reader(user):
        scope = (UnsubscribeScope(user.pk, "community", community.pk)
                 if request.audience == FeedbackRequest.Audience.COMMUNITY
                 else UnsubscribeScope(user.pk, "direct"))
        unsubscribe = unsubscribe_url(scope)
        reply_to = feedback_reply_address(request.pk, user.pk)
        asker = str(request.asked_by or plan.author or _("A member"))
        context = {
            "user": user, "request": request, "version": version, "plan": plan,
            "community": community, "asker": asker, "is_friend": is_friend,
            "stages": list(version.stages.all()),
            "version_url": _version_url(version.get_absolute_url()),
            "feedback_url": absolute_url(None, reverse(
                "practice:feedback", args=[community.slug, plan.pk, version.number])),
            "settings_url": settings_url(), "unsubscribe_url": unsubscribe,
            "can_reply_by_email": bool(reply_to), "rtl": translation.get_language_bidi(),
            "reply_marker": reply_marker(),
            "headline": (_("Your critical friend %(name)s asks for your feedback on a session "
                           "plan.") if is_friend else
                         _("%(name)s asks for your feedback on a session plan."))
            % {"name": isolate(asker)},
            "why": _("You get this because a member of the community asked for your "
                     "feedback."),
            "headings": [_(text) for text in HEADING_TEXTS.values()],
        }
        subject = _("[%(community)s] Feedback asked: %(title)s (v%(number)s)") % {
            "community": isolate(community.name), "title": isolate(version.title),
            "number": localnumber(version.number)}
        text = render_text("practice/email/feedback_request.txt", context)
        html = render_to_string("practice/email/feedback_request.html", context)
    headers = _list_headers(unsubscribe,
                            one_line(f"{community.name} <{community.slug}.{_host()}>"))
    headers["Message-ID"] = f"<plan-request-{request.pk}.{user.pk}@{_host()}>"
    if reply_to:
        headers["Reply-To"] = reply_to
    return RenderedEmail(subject=one_line(subject), body_text=text, body_html=html,
                         headers=headers)


def render_feedback_email(user: User, feedback: Feedback) -> RenderedEmail:
    """News for a plan's author of feedback given on one of its versions."""
    version = feedback.version
    plan = version.plan
    community = plan.community
    with as_reader(user):
        unsubscribe = unsubscribe_url(UnsubscribeScope(user.pk, "direct"))
        context = {
            "user": user, "feedback": feedback, "version": version, "plan": plan,
            "community": community,
            "headline": _("%(name)s gave feedback on your session plan.") % {
                "name": isolate(str(feedback.author or _("A member")))},
            "why": _("You get this because you shared this session plan for feedback."),
            "plan_url": absolute_url(None, plan.get_absolute_url()) + f"#feedback-{feedback.pk}",
            "settings_url": settings_url(), "unsubscribe_url": unsubscribe,
            "rtl": translation.get_language_bidi(),
        }
        subject = _("[%(community)s] Feedback on %(title)s (v%(number)s)") % {
            "community": isolate(community.name), "title": isolate(version.title),
            "number": localnumber(version.number)}
        text = render_text("practice/email/feedback_given.txt", context)
        html = render_to_string("practice/email/feedback_given.html", context)
    headers = _list_headers(unsubscribe,
                            one_line(f"{community.name} <{community.slug}.{_host()}>"))
    headers["Message-ID"] = f"<plan-feedback-{feedback.pk}@{_host()}>"
    return RenderedEmail(subject=one_line(subject), body_text=text, body_html=html,
                         headers=headers)


def _feedback_refusal(why: str, request: FeedbackRequest | None) -> str:
    """Why feedback sent by email was not kept, in plain words; ``why`` is the reply
    intake's reason."""
    if why == "empty":
        return _("We found no words of yours outside the quoted email, so no feedback was "
                 "kept. Write your feedback above the quoted text, or give it on the site.")
    if why == "gone" or request is None:
        return _("The session plan or its request for feedback no longer exists, so your "
                 "feedback has nowhere to go.")
    names = {"title": isolate(request.version.title),
             "community": isolate(request.version.plan.community.name)}
    reasons = {
        "expired": _("You answered a request for feedback that is too old to be answered "
                     "by email. Give your feedback on the site instead."),
        "closed": _("The author has closed this request for feedback on “%(title)s”.")
        % names,
        "too_long": _("Your email is longer than feedback by email can be. Give your "
                      "feedback on the site, in its parts."),
    }
    return reasons.get(why, _("You may not give feedback on “%(title)s” in %(community)s "
                              "now.") % names)


def render_refused_feedback(user: User, why: str, text: str, *,
                            request: FeedbackRequest | None, can_read: bool,
                            received_at: datetime, in_reply_to: str = "") -> RenderedEmail:
    """Tells a member that the feedback they sent by email was not kept, and why, with their
    words quoted back so that nothing is lost (as ``render_refused_reply`` does for posts)."""
    with as_reader(user):
        url = ""
        if can_read and request is not None:
            version = request.version
            url = absolute_url(None, reverse(
                "practice:feedback",
                args=[version.plan.community.slug, version.plan_id, version.number]))
        context = {"user": user, "reason": _feedback_refusal(why, request), "text": text,
                   "url": url, "received_at": received_at, "settings_url": settings_url(),
                   "rtl": translation.get_language_bidi()}
        subject = _("Your feedback could not be kept")
        body_text = render_text("practice/email/feedback_refused.txt", context)
        body_html = render_to_string("practice/email/feedback_refused.html", context)
    headers = {"Auto-Submitted": "auto-replied"}
    if in_reply_to:
        headers["In-Reply-To"] = headers["References"] = f"<{one_line(in_reply_to)}>"
    return RenderedEmail(subject=one_line(subject), body_text=body_text, body_html=body_html,
                         headers=headers)
