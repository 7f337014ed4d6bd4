"""What a promise's emails say: the invitation to tell what happened after the session
(answerable by replying: the reply becomes a draft story), and the notice that a reply could
not be kept. Rendered when owed, in the reader's language and time zone."""

from datetime import datetime

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from praxis.accounts.models import User
from praxis.core.email import absolute_url, render_text
from praxis.core.templatetags.praxis import isolate
from praxis.impact.models import UsePromise
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
from praxis.notifications.tokens import UnsubscribeScope, promise_reply_address


def promises_url(promise: UsePromise) -> str:
    return absolute_url(None, reverse("impact:promises", args=[promise.community.slug]))


def render_invitation(user: User, promise: UsePromise) -> RenderedEmail:
    """Asks a member, after their session's date, what happened when they used the post they
    promised to use; a reply becomes a draft story."""
    with as_reader(user):
        unsubscribe = unsubscribe_url(UnsubscribeScope(user.pk, "direct"))
        reply_to = promise_reply_address(promise.pk, user.pk)
        post = promise.post
        topic = post.thread.topic if post is not None else None
        context = {
            "user": user, "promise": promise, "community": promise.community, "topic": topic,
            "post": post, "post_url": absolute_url(None, post.get_absolute_url()) if post
            else "", "promises_url": promises_url(promise),
            "settings_url": settings_url(), "unsubscribe_url": unsubscribe,
            "can_reply_by_email": bool(reply_to), "reply_marker": reply_marker(),
            "rtl": translation.get_language_bidi(),
            "why": _("You get this because you said you would use this in your training."),
        }
        subject = _("[%(community)s] How did it go? Tell what happened") % {
            "community": isolate(promise.community.name)}
        text = render_text("impact/email/promise_invitation.txt", context)
        html = render_to_string("impact/email/promise_invitation.html", context)
    headers = _list_headers(unsubscribe, one_line(
        f"{promise.community.name} <{promise.community.slug}.{_host()}>"))
    # A new session date makes a new invitation: its own Message-ID, or mail services drop it.
    headers["Message-ID"] = (f"<promise-{promise.pk}.{user.pk}.{promise.session_date:%Y%m%d}"
                             f"@{_host()}>")
    if reply_to:
        headers["Reply-To"] = reply_to
    return RenderedEmail(subject=one_line(subject), body_text=text, body_html=html,
                         headers=headers)


def _refusal(why: str) -> str:
    return {
        "empty": _("We found no words of yours outside the quoted email, so no story was "
                   "kept. Write above the quoted text, or tell it on the site."),
        "gone": _("The promise you answered no longer exists, so your story has nowhere to "
                  "go. You can still tell it on the site."),
        "expired": _("You answered an invitation that is too old to be answered by email. "
                     "Tell your story on the site instead."),
        "not_member": _("You are no longer a member of this community, so your story could "
                        "not be kept there."),
        "too_long": _("Your email is longer than a story's part can be. Tell your story on "
                      "the site, in its parts."),
        "told": _("You have already told this story, so your email was not added to it. "
                  "Edit it on the site if you want to add something."),
    }.get(why, _("Your story could not be kept."))


def render_refused_story(user: User, why: str, text: str, *, promise: UsePromise | None,
                         received_at: datetime, in_reply_to: str = "") -> RenderedEmail:
    """Tells a member that what they sent in answer to an invitation was not kept, and why,
    with their words quoted back so that nothing is lost."""
    with as_reader(user):
        url = promises_url(promise) if promise is not None and why != "not_member" else ""
        context = {"user": user, "reason": _refusal(why), "text": text, "url": url,
                   "received_at": received_at, "settings_url": settings_url(),
                   "rtl": translation.get_language_bidi()}
        subject = _("Your story could not be kept")
        body_text = render_text("impact/email/promise_refused.txt", context)
        body_html = render_to_string("impact/email/promise_refused.html", context)
    headers = {"Auto-Submitted": "auto-replied"}
    if in_reply_to:
        headers["In-Reply-To"] = headers["References"] = f"<{one_line(in_reply_to)}>"
    return RenderedEmail(subject=one_line(subject), body_text=body_text, body_html=body_html,
                         headers=headers)
