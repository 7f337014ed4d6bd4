"""Signed addresses and links that act for a member without a session.

Reply addresses: ``reply+p<post>u<user>d<day>k<mac>@<PRAXIS_REPLY_DOMAIN>`` to answer a post,
``reply+f<request>u<user>d<day>k<mac>@...`` to give feedback on a session plan,
``reply+s<promise>u<user>d<day>k<mac>@...`` to tell what happened after a promise to use
something in one's training (it becomes a draft story), all lower case
and digits because mail servers may change the case of an address's local part. The MAC (80
bits of HMAC-SHA256 under SECRET_KEY) binds the post replied to, the member who may reply and
the day the address was made; it works for PRAXIS_REPLY_DAYS days, so an address that leaks
(a forwarded email) does not work for ever.

Unsubscribe links: Django's signing of (user, scope), with no expiry (an old email's link must
still work, RFC 8058).
"""

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

REPLY_SALT = "praxis.notifications.reply"
UNSUBSCRIBE_SALT = "praxis.notifications.unsubscribe"
REPLY_LOCAL = re.compile(r"^reply\+([pfs])(\d{1,18})u(\d{1,18})d(\d{1,6})k([0-9a-f]{20})$")


def _reply_mac(post_id: int, user_id: int, day: int, kind: str = "p") -> str:
    # A post's MAC is as it always was; a feedback request's names its kind, so one
    # kind's address never verifies as the other's.
    subject = f"{post_id}:{user_id}:{day}" if kind == "p" else f"{kind}{post_id}:{user_id}:{day}"
    return salted_hmac(REPLY_SALT, subject, algorithm="sha256").hexdigest()[:20]


def _today() -> int:
    return (timezone.now().date() - date(1970, 1, 1)).days


def reply_address(post_id: int, user_id: int, *, day: int | None = None) -> str:
    """The address a member replies to, to answer a post; "" when replies by email are off."""
    if not settings.PRAXIS_REPLY_DOMAIN:
        return ""
    day = _today() if day is None else day
    local = f"reply+p{post_id}u{user_id}d{day}k{_reply_mac(post_id, user_id, day)}"
    return f"{local}@{settings.PRAXIS_REPLY_DOMAIN}"


def feedback_reply_address(request_id: int, user_id: int, *, day: int | None = None) -> str:
    """The address a member replies to, to give feedback asked for by a session plan's
    feedback request; "" when replies by email are off."""
    if not settings.PRAXIS_REPLY_DOMAIN:
        return ""
    day = _today() if day is None else day
    mac = _reply_mac(request_id, user_id, day, "f")
    return f"reply+f{request_id}u{user_id}d{day}k{mac}@{settings.PRAXIS_REPLY_DOMAIN}"


def promise_reply_address(promise_id: int, user_id: int, *, day: int | None = None) -> str:
    """The address a member replies to, to tell what happened after a promise to use a post
    in their training (the reply becomes a draft story); "" when replies by email are off."""
    if not settings.PRAXIS_REPLY_DOMAIN:
        return ""
    day = _today() if day is None else day
    mac = _reply_mac(promise_id, user_id, day, "s")
    return f"reply+s{promise_id}u{user_id}d{day}k{mac}@{settings.PRAXIS_REPLY_DOMAIN}"


@dataclass(frozen=True)
class ReplyTarget:
    """What a reply address answers: a post (``post_id``) or, for the feedback kind, a
    feedback request (``request_id``, with ``post_id`` 0), or for the story kind, a use
    promise (``promise_id``, with ``post_id`` 0)."""

    post_id: int
    user_id: int
    request_id: int = 0
    promise_id: int = 0


class ForgedToken(Exception):
    pass


class ExpiredToken(Exception):
    """A reply address that verified but is too old; ``target`` says whom it was made for."""

    def __init__(self, address: str, target: "ReplyTarget") -> None:
        super().__init__(address)
        self.target = target


def find_reply_target(recipients: tuple[str, ...]) -> ReplyTarget | None:
    """The first recipient that is a reply address of ours: None if there is none, ForgedToken
    if one looks like ours but its MAC is wrong, ExpiredToken if it is too old."""
    domain = settings.PRAXIS_REPLY_DOMAIN.lower()
    for address in recipients:
        local, _, at = address.lower().rpartition("@")
        if not domain or at != domain or not local.startswith("reply+"):
            continue
        match = REPLY_LOCAL.match(local)
        if match is None:
            raise ForgedToken(address)
        kind, object_id, user_id, day, mac = (match[1], int(match[2]), int(match[3]),
                                              int(match[4]), match[5])
        if not constant_time_compare(mac, _reply_mac(object_id, user_id, day, kind)):
            raise ForgedToken(address)
        if kind == "p":
            target = ReplyTarget(post_id=object_id, user_id=user_id)
        elif kind == "s":
            target = ReplyTarget(post_id=0, user_id=user_id, promise_id=object_id)
        else:
            target = ReplyTarget(post_id=0, user_id=user_id, request_id=object_id)
        if _today() - day > settings.PRAXIS_REPLY_DAYS:
            raise ExpiredToken(address, target)
        return target
    return None


@dataclass(frozen=True)
class UnsubscribeScope:
    """What one link turns off: a thread, a topic, a community, or ("all") every email."""

    user_id: int
    kind: str  # "thread", "topic", "community", "direct" (replies, mentions...) or "all"
    object_id: int = 0


def unsubscribe_token(scope: UnsubscribeScope) -> str:
    return signing.dumps([scope.user_id, scope.kind, scope.object_id], salt=UNSUBSCRIBE_SALT,
                         compress=True)


def read_unsubscribe_token(token: str) -> UnsubscribeScope | None:
    try:
        user_id, kind, object_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in ("thread", "topic", "community", "direct", "all"):
        return None
    return UnsubscribeScope(user_id=int(user_id), kind=str(kind), object_id=int(object_id))
