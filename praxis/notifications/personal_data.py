"""What notifications keeps about a person: their email choices, the emails owed or sent to
them and the replies they sent by email (``core.personal_data``), and what goes of it when
they erase their account (``accounts.hooks.account_erased``). Registered in
``NotificationsConfig.ready``."""

import re
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from praxis.accounts.hooks import Erasure
from praxis.accounts.models import User
from praxis.core.personal_data import Absolute, Field, Row, Section
from praxis.notifications.models import (
    DigestCursor,
    InboundEmail,
    OutboundEmail,
    Subscription,
)


def _choices(user: User, absolute: Absolute) -> Iterator[Row]:
    subscriptions = (Subscription.objects.filter(user=user)
                     .select_related("community", "topic", "thread")
                     .order_by("community__name", "topic_id", "thread_id", "pk"))
    for subscription in subscriptions.iterator(chunk_size=500):
        place = subscription.thread or subscription.topic or subscription.community
        yield {
            "community": subscription.community.name,
            "place": str(place), "place_url": absolute(place.get_absolute_url()),
            "mode": subscription.mode, "mode_name": subscription.get_mode_display(),
            "updated_at": subscription.updated_at,
        }
    for cursor in DigestCursor.objects.filter(user=user).order_by("mode"):
        yield {"place": str(_("your digest: told up to")), "mode": cursor.mode,
               "mode_name": cursor.get_mode_display(), "updated_at": cursor.covered_until}


EMAIL_CHOICES = Section(
    key="email_choices", order=50,
    title=_("How you hear of each place"),
    fields=(
        Field("community", _("community")), Field("place", _("place")),
        Field("place_url", _("address"), "link"), Field("mode", _("email")),
        Field("mode_name", _("email (name)")), Field("updated_at", _("when"), "when"),
    ),
    rows=_choices,
    purpose=_("To send you the emails you asked for, and no others."),
    retention=_("Until you leave the community or erase your account."),
    seen_by=_("You."),
)


def _emails(user: User, absolute: Absolute) -> Iterator[Row]:
    emails = (OutboundEmail.objects.filter(Q(user=user) | Q(to_address__iexact=user.email))
              .order_by("created_at", "pk")
              .only("kind", "to_address", "subject", "status", "created_at", "sent_at"))
    for email in emails.iterator(chunk_size=500):
        yield {"created_at": email.created_at, "kind": email.get_kind_display(),
               "to_address": email.to_address, "subject": email.subject,
               "status": email.get_status_display(), "sent_at": email.sent_at}


EMAILS = Section(
    key="emails", order=51,
    title=_("Emails to you"),
    fields=(
        Field("created_at", _("owed"), "when"), Field("kind", _("kind")),
        Field("to_address", _("to")), Field("subject", _("subject")),
        Field("status", _("status")), Field("sent_at", _("sent"), "when"),
    ),
    rows=_emails,
    purpose=_("To send each email once, retry what failed, and let site admins see what "
              "went out."),
    retention=_("Until you erase your account; invitations and password resets lose their "
                "text once sent."),
    seen_by=_("Site admins."),
)


def _replies(user: User, absolute: Absolute) -> Iterator[Row]:
    replies = (InboundEmail.objects.filter(user=user).select_related("post__thread__community")
               .order_by("received_at", "pk"))
    for reply in replies.iterator(chunk_size=500):
        yield {"received_at": reply.received_at, "sender": reply.sender,
               "outcome": reply.get_outcome_display(), "reason": reply.reason,
               "post_url": absolute(reply.post.get_absolute_url()) if reply.post else ""}


REPLIES = Section(
    key="replies_by_email", order=52,
    title=_("Your replies by email"),
    fields=(
        Field("received_at", _("received"), "when"), Field("sender", _("from")),
        Field("outcome", _("outcome")), Field("reason", _("reason")),
        Field("post_url", _("post"), "link"),
    ),
    rows=_replies,
    purpose=_("To post each reply once, and to find out why one was refused."),
    retention=_("Until you erase your account."),
    seen_by=_("Site admins."),
)

SECTIONS = (EMAIL_CHOICES, EMAILS, REPLIES)


def _forget_name_in_outbox(name: str) -> None:
    """Emails to others that name the person (a digest listing their post, "X replied to
    you"): the copies of those already sent go (the outbox's copy is only a record); those
    still to be sent say "Former member" instead, in their reader's language."""
    if not name.strip():
        return
    names = [re.compile(rf"(?<!\w){re.escape(shown)}(?!\w)") for shown in {name, escape(name)}]
    mentioning = OutboundEmail.objects.filter(
        Q(subject__contains=name) | Q(body_text__contains=name)
        | Q(body_html__contains=escape(name))).select_related("user")
    for email in mentioning.iterator(chunk_size=500):
        texts = (email.subject, email.body_text, email.body_html)
        if not any(pattern.search(text) for pattern in names for text in texts):
            continue
        if email.status != OutboundEmail.Status.QUEUED:
            email.delete()
            continue
        language = email.user.locale if email.user else settings.LANGUAGE_CODE
        with translation.override(language):
            former = gettext("Former member")
        for attribute in ("subject", "body_text", "body_html"):
            text = getattr(email, attribute)
            for pattern in names:
                text = pattern.sub(former, text)
            setattr(email, attribute, text)
        email.save(update_fields=["subject", "body_text", "body_html"])


def forget_erased_member(erasure: Erasure) -> None:
    """Registered on ``accounts.hooks.account_erased``: their email choices and digest
    cursors go; every email to them (queued or sent: it holds their address) and every
    email about a post of theirs goes; emails to others that name them forget the name
    (``_forget_name_in_outbox``); the record of their replies by email keeps what happened
    without who sent it."""
    user = erasure.user
    Subscription.objects.filter(user=user).delete()
    DigestCursor.objects.filter(user=user).delete()
    OutboundEmail.objects.filter(
        Q(user=user) | Q(to_address__iexact=user.email) | Q(post__author=user)).delete()
    _forget_name_in_outbox(user.display_name)
    InboundEmail.objects.filter(Q(user=user) | Q(sender__iexact=user.email)).update(
        user=None, sender="", detail="")
