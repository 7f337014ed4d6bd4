"""What a notification or digest email says: rendered once, when it is owed, in the
recipient's language and time zone, as plain text and light HTML with its headers."""

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from praxis.accounts.models import User
from praxis.core.email import absolute_url, in_language_and_zone, render_text
from praxis.core.templatetags.praxis import isolate, localnumber
from praxis.discussions.models import Post, Thread
from praxis.notifications.inbound import REPLY_MARKER_EN, REPLY_MARKER_FA
from praxis.notifications.models import OutboundEmail
from praxis.notifications.tokens import (
    UnsubscribeScope,
    reply_address,
    unsubscribe_token,
)

Kind = OutboundEmail.Kind


@dataclass
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str
    headers: dict[str, str] = field(default_factory=dict)


def one_line(text: str) -> str:
    """A header's text: names and titles written with line breaks must not break headers."""
    return " ".join(text.split())[:300]


def as_reader(user: User) -> AbstractContextManager[None]:
    return in_language_and_zone(user.locale, user.timezone)


def reply_marker() -> str:
    """The line above which a reply is written: the parser knows both languages' lines."""
    return REPLY_MARKER_FA if translation.get_language() == "fa" else REPLY_MARKER_EN


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def post_url(post: Post) -> str:
    return absolute_url(None, post.get_absolute_url())


def thread_url(thread: Thread) -> str:
    return absolute_url(None, thread.get_absolute_url())


def settings_url() -> str:
    return absolute_url(None, reverse("notifications:settings"))


def unsubscribe_url(scope: UnsubscribeScope) -> str:
    return absolute_url(None, reverse("notifications:unsubscribe",
                                      args=[unsubscribe_token(scope)]))


def _list_headers(unsubscribe: str, list_id: str) -> dict[str, str]:
    # RFC 8058: a mail client may POST "List-Unsubscribe=One-Click" to the URL.
    return {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": list_id,
        # RFC 3834: no out-of-office replies to this.
        "Auto-Submitted": "auto-generated",
    }


def _scope_for(kind: str, user: User, post: Post) -> UnsubscribeScope:
    if kind in (Kind.REPLY, Kind.MENTION, Kind.PLAN_FEEDBACK):
        return UnsubscribeScope(user.pk, "direct")
    if kind == Kind.ANNOUNCEMENT:
        return UnsubscribeScope(user.pk, "community", post.thread.community_id)
    return UnsubscribeScope(user.pk, "topic", post.thread.topic_id)


def _why(kind: str, post: Post) -> str:
    thread = post.thread
    reasons: dict[str, str] = {
        Kind.REPLY: _("You get this because %(name)s replied to your post.")
        % {"name": post.author},
        Kind.MENTION: _("You get this because %(name)s mentioned you.")
        % {"name": post.author},
        Kind.PLAN_FEEDBACK: _("You get this because you shared this session plan for feedback."),
        Kind.ANNOUNCEMENT: _("You get this because you are a member of %(community)s.")
        % {"community": thread.community.name},
    }
    return reasons.get(kind, _("You get this because you follow %(topic)s.")
                       % {"topic": thread.topic.title})


def _headline(kind: str, post: Post) -> str:
    name = str(post.author)
    headlines: dict[str, str] = {
        Kind.REPLY: _("%(name)s replied to your post") % {"name": name},
        Kind.MENTION: _("%(name)s mentioned you") % {"name": name},
        Kind.PLAN_FEEDBACK: _("%(name)s gave feedback on your session plan") % {"name": name},
        Kind.ANNOUNCEMENT: _("Announcement from %(name)s") % {"name": name},
    }
    return headlines.get(kind, _("%(name)s wrote") % {"name": name})


def render_post_email(user: User, post: Post, kind: str, *, starts_thread: bool) -> RenderedEmail:
    """One post for one member, as a reply-able email."""
    thread = post.thread
    community = thread.community
    with as_reader(user):
        scope = _scope_for(kind, user, post)
        reply_to = reply_address(post.pk, user.pk)
        unsubscribe = unsubscribe_url(scope)
        context = {
            "user": user, "post": post, "thread": thread, "topic": thread.topic,
            "community": community, "headline": _headline(kind, post),
            "why": _why(kind, post), "post_url": post_url(post),
            "settings_url": settings_url(), "unsubscribe_url": unsubscribe,
            "can_reply_by_email": bool(reply_to), "rtl": translation.get_language_bidi(),
            "reply_marker": reply_marker(),
        }
        title = thread.title if starts_thread else _("Re: %(title)s") % {
            "title": isolate(thread.title)}
        subject = f"[{isolate(community.name)}] {isolate(title)}"
        text = render_text("notifications/email/post.txt", context)
        html = render_to_string("notifications/email/post.html", context)
    headers = _list_headers(unsubscribe,
                           one_line(f"{community.name} <{community.slug}.{_host()}>"))
    headers["Message-ID"] = f"<post-{post.pk}.{user.pk}@{_host()}>"
    thread_id = f"<thread-{thread.pk}@{_host()}>"
    headers["In-Reply-To"] = thread_id
    headers["References"] = thread_id
    if reply_to:
        headers["Reply-To"] = reply_to
    return RenderedEmail(subject=one_line(subject), body_text=text, body_html=html,
                         headers=headers)


@dataclass
class DigestThread:
    thread_title: str
    topic_title: str
    community_name: str
    posts: list[dict[str, object]]


def render_digest(user: User, mode: str, posts: Sequence[Post], *, total: int) -> RenderedEmail:
    """Many posts for one member: grouped by community and thread, each with its link and
    its own reply address."""
    with as_reader(user):
        groups = []
        ordered = sorted(posts, key=lambda p: (p.thread.community.name, p.thread.topic_id,
                                               p.thread_id, p.created_at))
        for _thread_id, thread_posts in groupby(ordered, key=lambda p: p.thread_id):
            items = list(thread_posts)
            thread = items[0].thread
            groups.append(DigestThread(
                thread_title=thread.title, topic_title=thread.topic.title,
                community_name=thread.community.name,
                posts=[{"post": p, "url": post_url(p), "reply_to": reply_address(p.pk, user.pk)}
                       for p in items],
            ))
        topics = len({p.thread.topic_id for p in posts})
        count = total
        shown = {"count": localnumber(count), "topics": localnumber(topics)}
        if mode == "weekly":
            title = ngettext("Your weekly digest: %(count)s new post",
                             "Your weekly digest: %(count)s new posts", count) % shown
        else:
            title = ngettext("Your daily digest: %(count)s new post",
                             "Your daily digest: %(count)s new posts", count) % shown
        summary = ngettext("in %(topics)s topic", "in %(topics)s topics", topics) % shown
        unsubscribe = unsubscribe_url(UnsubscribeScope(user.pk, "all"))
        context = {
            "user": user, "title": title, "summary": summary, "groups": groups,
            "settings_url": settings_url(), "unsubscribe_url": unsubscribe,
            "rtl": translation.get_language_bidi(), "mode": mode,
            "more": total - len(posts), "home_url": absolute_url(None, reverse("core:home")),
        }
        text = render_text("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
        subject = f"[Praxis] {title} {summary}"
    headers = _list_headers(unsubscribe, f"Praxis digest <digest.{_host()}>")
    return RenderedEmail(subject=one_line(subject), body_text=text, body_html=html,
                         headers=headers)


def _refusal(why: str, parent: Post | None) -> str:
    """Why a reply was refused, in plain words; ``why`` is the door's reason (``PostRefusal``:
    "not_member", "not_open", "closed", "locked", "hidden") or the intake's own ("gone",
    "expired", "empty")."""
    if why == "empty":
        return _("We found no words of yours outside the quoted email, so nothing was posted. "
                 "Write your answer above the quoted text, or answer on the site.")
    thread = parent.thread if parent is not None else None
    if why == "gone" or thread is None:
        return _("The post you answered no longer exists, so your reply has nowhere to go.")
    names = {"topic": thread.topic.title, "thread": thread.title,
             "community": thread.community.name}
    if why == "expired":
        days = int(settings.PRAXIS_REPLY_DAYS)
        return ngettext(
            "You answered an email more than %(days)s day old. To keep your account safe, "
            "an email can be answered by email only for %(days)s day after it was sent.",
            "You answered an email more than %(days)s days old. To keep your account safe, "
            "an email can be answered by email only for %(days)s days after it was sent.",
            days) % {"days": localnumber(days)}
    reasons: dict[str, str] = {
        "closed": _("The topic “%(topic)s” is closed: it takes no new posts.") % names,
        "locked": _("The thread “%(thread)s” is locked: it takes no new replies.") % names,
        "not_member": _("You are no longer a member of %(community)s, so you cannot post "
                        "there.") % names,
        "not_open": _("The topic “%(topic)s” has not opened yet: it takes posts from its "
                      "first day.") % names,
        "hidden": _("The post you answered has been hidden by a moderator.") % names,
    }
    return reasons.get(why, _("You may not post in the thread “%(thread)s” now.") % names)


def render_refused_reply(user: User, why: str, text: str, *, parent: Post | None,
                         can_read: bool, received_at: datetime,
                         in_reply_to: str = "", files: Sequence[str] = ()) -> RenderedEmail:
    """Tells a member that the reply they sent by email was not posted, and why, with their
    words quoted back so that nothing is lost. Sent to the member, never to whoever wrote
    the message: see replies.py. A transactional answer to their message: no reply address,
    no unsubscribe link."""
    thread = parent.thread if parent is not None else None
    with as_reader(user):
        url = ""
        if can_read and parent is not None and thread is not None:
            url = post_url(parent) if why != "hidden" else thread_url(thread)
        context = {
            "user": user, "thread": thread, "reason": _refusal(why, parent), "text": text,
            "files": list(files),
            "url": url, "received_at": received_at, "settings_url": settings_url(),
            "rtl": translation.get_language_bidi(),
        }
        subject = _("Your reply could not be posted")
        if url and thread is not None:
            subject = _("Your reply could not be posted: %(title)s") % {
                "title": isolate(thread.title)}
        body_text = render_text("notifications/email/reply_refused.txt", context)
        body_html = render_to_string("notifications/email/reply_refused.html", context)
    # RFC 3834: an automatic answer to the member's own message; their mail client threads
    # it under what they sent.
    headers = {"Auto-Submitted": "auto-replied"}
    if in_reply_to:
        headers["In-Reply-To"] = headers["References"] = f"<{one_line(in_reply_to)}>"
    return RenderedEmail(subject=one_line(subject), body_text=body_text, body_html=body_html,
                         headers=headers)


def render_notice(to: User | str, subject_template: str, body_template: str,
                  context: dict[str, object]) -> RenderedEmail:
    """A plain-text notice (see core.email.send_notice) as its reader reads it."""
    if isinstance(to, User):
        reader = as_reader(to)
    else:
        reader = in_language_and_zone(translation.get_language() or settings.LANGUAGE_CODE,
                                      "UTC")
    with reader:
        subject = render_text(subject_template, context)
        body = render_text(body_template, context)
    # RFC 3834: written by Praxis, not a person; auto-responders should not answer it.
    return RenderedEmail(subject=one_line(subject), body_text=body, body_html="",
                         headers={"Auto-Submitted": "auto-generated"})
