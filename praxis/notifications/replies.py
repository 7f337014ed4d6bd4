"""Reply by email: a message to a reply address becomes a post under its sender's name, in the
thread of the post it answers, or is rejected with a logged reason and changes nothing."""

import logging
import re
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser

from django.conf import settings
from django.db import IntegrityError, transaction

from praxis.accounts.models import User
from praxis.communities.permissions import topic_access
from praxis.discussions.models import Post
from praxis.discussions.services import publish_post
from praxis.notifications.inbound import InboundMessage, Rejected, parse_message
from praxis.notifications.models import InboundEmail
from praxis.notifications.tokens import ExpiredToken, ForgedToken, find_reply_target

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    posted: bool
    reason: str = ""  # why it was rejected, a short code
    detail: str = ""
    post: Post | None = None
    duplicate: bool = False


def max_inbound_bytes() -> int:
    return int(settings.PRAXIS_MAX_INBOUND_MB) * 1024 * 1024


def receive(raw: bytes, *, channel: str) -> Outcome:
    """Takes one RFC 5322 message as delivered by a mail server; records what became of it.
    The post and the record of the message that made it are saved together, so a message
    delivered twice posts once."""
    message: InboundMessage | None = None
    try:
        message = parse_message(raw, max_bytes=max_inbound_bytes())
    except Rejected as rejected:
        outcome = Outcome(posted=False, reason=rejected.reason, detail=rejected.detail)
    else:
        try:
            with transaction.atomic():
                outcome = _post_reply(message, raw)
                if outcome.posted:
                    _record(raw, channel, message, outcome)
        except IntegrityError:
            outcome = Outcome(posted=False, reason="duplicate", duplicate=True)
    if outcome.duplicate:
        log.info("inbound email %s was posted already", message.message_id if message else "")
        return outcome
    if outcome.posted:
        log.info("inbound email from %s posted as post %s", message.sender if message else "",
                 outcome.post.pk if outcome.post else "")
    else:
        _record(raw, channel, message, outcome)
        log.warning("inbound email rejected (%s): %s", outcome.reason, outcome.detail)
    return outcome


def _record(raw: bytes, channel: str, message: InboundMessage | None, outcome: Outcome) -> None:
    InboundEmail.objects.create(
        channel=channel, size=len(raw), message_id=message.message_id[:300] if message else "",
        sender=message.sender[:254] if message else "",
        outcome=InboundEmail.Outcome.POSTED if outcome.posted else InboundEmail.Outcome.REJECTED,
        reason=outcome.reason, detail=outcome.detail[:2000],
        user=outcome.post.author if outcome.post else None, post=outcome.post,
    )


def _reject(reason: str, detail: str) -> Outcome:
    return Outcome(posted=False, reason=reason, detail=detail)


AUTH_RESULT = re.compile(r"\b(dmarc|dkim|spf)=(\w+)([^;]*)", re.IGNORECASE)
AUTH_DOMAIN = re.compile(r"\b(?:header\.d|header\.i|smtp\.mailfrom|header\.from)="
                         r"(?:[^\s;@]*@)?([A-Za-z0-9.-]+)", re.IGNORECASE)


def sender_authenticated(raw: bytes, sender: str, authserv_id: str) -> bool:
    """Whether our own mail server (its ``authserv_id``) vouched for the From address in an
    Authentication-Results header (RFC 8601): DMARC pass, or a DKIM or SPF pass for the
    sender's own domain. Headers naming another server are ignored: anyone can write one."""
    headers = BytesHeaderParser(policy=policy.default).parsebytes(raw)
    domain = sender.rpartition("@")[2].lower()
    for value in headers.get_all("Authentication-Results") or []:
        server, _, results = str(value).partition(";")
        if server.strip().split()[0:1] != [authserv_id]:
            continue
        for method, result, rest in AUTH_RESULT.findall(results):
            if result.lower() != "pass":
                continue
            if method.lower() == "dmarc":
                return True
            for found in AUTH_DOMAIN.findall(rest):
                if found.lower() == domain or domain.endswith("." + found.lower()):
                    return True
    return False


def _post_reply(message: InboundMessage, raw: bytes) -> Outcome:
    try:
        target = find_reply_target(message.recipients)
    except ForgedToken as forged:
        return _reject("forged_token", f"reply address {forged} does not verify")
    except ExpiredToken as expired:
        return _reject("expired_token", f"reply address {expired} is too old")
    if target is None:
        return _reject("no_reply_address", "sent to none of Praxis's reply addresses")
    user = User.objects.filter(pk=target.user_id, is_active=True).first()
    if user is None or user.email.lower() != message.sender.lower():
        return _reject("unknown_sender",
                       f"{message.sender} is not the member the reply address was made for")
    authserv_id = settings.PRAXIS_INBOUND_AUTHSERV_ID
    if authserv_id and not sender_authenticated(raw, message.sender, authserv_id):
        return _reject("unauthenticated",
                       f"{authserv_id} did not vouch for {message.sender} (DMARC, DKIM, SPF)")
    if message.message_id and InboundEmail.objects.filter(
            message_id=message.message_id[:300], outcome=InboundEmail.Outcome.POSTED).exists():
        return Outcome(posted=False, reason="duplicate", duplicate=True)
    parent = (Post.objects.select_related("thread", "thread__topic", "thread__community")
              .filter(pk=target.post_id).first())
    if parent is None:
        return _reject("gone", "the post replied to no longer exists")
    thread = parent.thread
    access = topic_access(user, thread.topic)
    if not access.can_post_in(thread) or not access.can_see_post_body(parent):
        return _reject("not_allowed", f"{user.email} may not post in thread {thread.pk} now")
    post = publish_post(thread=thread, author=user, body=message.text, parent=parent,
                        source="email")
    return Outcome(posted=True, post=post)
