"""Writes of the notifications app: choices of what to follow, the emails owed for a new post
or a digest period, and their delivery, each email at most once."""

import logging
import re
import smtplib
import uuid
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend

from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.discussions.models import Post, Thread
from praxis.notifications import emails
from praxis.notifications.models import DigestCursor, Mode, OutboundEmail, Subscription
from praxis.notifications.queries import digest_posts, digest_readers, effective_modes
from praxis.notifications.tokens import UnsubscribeScope
from praxis.topics.models import Topic

log = logging.getLogger(__name__)
Kind = OutboundEmail.Kind
Status = OutboundEmail.Status

MAX_ATTEMPTS = 5
# A worker that claimed an email this long ago and never finished has died.
STALLED_AFTER = timedelta(minutes=30)
# An email queued this long ago without being claimed lost its task: enqueue it again.
LOST_AFTER = timedelta(minutes=5)
DIGEST_HOUR = 7
# "@" and a display name of up to four words (Persian names use the zero-width non-joiner).
MENTION = re.compile(r"(?<![\w@])@(\w[\w\u200c.'-]*(?:[ \u00a0]\w[\w\u200c.'-]*){0,3})")


# ---------------------------------------------------------------- choices


@transaction.atomic
def set_mode(*, user: User, community: Community, mode: str, topic: Topic | None = None,
             thread: Thread | None = None) -> None:
    """Sets how the member hears of a place; ``mode`` "" goes back to what the wider place
    says."""
    if mode and mode not in Mode.values:
        raise ValueError(f"unknown mode {mode!r}")
    place = Subscription.objects.filter(user=user, community=community)
    if thread is not None:
        place = place.filter(thread=thread)
    elif topic is not None:
        place = place.filter(topic=topic, thread__isnull=True)
    else:
        place = place.filter(topic__isnull=True, thread__isnull=True)
    if not mode:
        place.delete()
        return
    if not place.update(mode=mode, updated_at=timezone.now()):
        Subscription.objects.create(
            user=user, community=community, mode=mode, thread=thread,
            topic=thread.topic if thread is not None else topic,
        )


@transaction.atomic
def unsubscribe(scope: UnsubscribeScope) -> User | None:
    """What an unsubscribe link does. Returns the member, None if they are gone."""
    user = User.objects.filter(pk=scope.user_id).first()
    if user is None:
        return None
    if scope.kind == "direct":
        User.objects.filter(pk=user.pk).update(email_direct=False)
    elif scope.kind == "all":
        User.objects.filter(pk=user.pk).update(email_direct=False, digest=Mode.OFF)
        Subscription.objects.filter(user=user).update(mode=Mode.OFF, updated_at=timezone.now())
    elif scope.kind == "thread":
        thread = Thread.objects.filter(pk=scope.object_id).first()
        if thread is not None:
            set_mode(user=user, community=thread.community, thread=thread, mode=Mode.OFF)
    elif scope.kind == "topic":
        topic = Topic.objects.filter(pk=scope.object_id).first()
        if topic is not None:
            set_mode(user=user, community=topic.community, topic=topic, mode=Mode.OFF)
            # A thread of it the member follows on its own would go on sending.
            Subscription.objects.filter(user=user, topic=topic, thread__isnull=False).exclude(
                mode=Mode.OFF).delete()
    elif scope.kind == "community":
        community = Community.objects.filter(pk=scope.object_id).first()
        if community is not None:
            set_mode(user=user, community=community, mode=Mode.OFF)
            Subscription.objects.filter(user=user, community=community,
                                        topic__isnull=False).exclude(mode=Mode.OFF).delete()
    user.refresh_from_db()
    return user


def forget_departed_member(membership: Membership) -> None:
    """Registered on ``communities.hooks.membership_ended``: a member who leaves (or is
    removed) keeps no email choices in that community, so none linger on their settings
    page or come back if they join again."""
    Subscription.objects.filter(user_id=membership.user_id,
                                community_id=membership.community_id).delete()


# ---------------------------------------------------------------- owing emails


def post_published(post: Post) -> None:
    """Registered on ``discussions.hooks.post_published``: the emails a new post owes are
    worked out by a background task once the post is committed."""
    from praxis.notifications.tasks import fan_out_post

    enqueue_with_write(fan_out_post, post.pk)


def enqueue_with_write(task: Task[..., Any], *args: Any) -> None:
    """Enqueues a task as part of the write that owes it. The database queue takes it in the
    same transaction (both are saved or neither); another queue (Redis) is given it once the
    transaction has committed, so its worker never looks for rows not yet there."""
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args), robust=True)


def mentioned_members(post: Post) -> set[int]:
    candidates: set[str] = set()
    for match in MENTION.finditer(post.body):
        words = match[1].split()
        candidates.update(" ".join(words[:n]) for n in range(1, len(words) + 1))
    if not candidates:
        return set()
    names = Q()
    for name in sorted(candidates)[:60]:
        names |= Q(user__display_name__iexact=name)
    return set(Membership.objects.filter(names, community_id=post.thread.community_id)
               .values_list("user_id", flat=True))


def fan_out_post(post_id: int) -> int:
    """Owes one email about a new post to each member who should hear of it at once, for the
    most personal reason they have; returns how many were newly owed. Running it again owes
    nothing twice."""
    post = (Post.objects.select_related("thread", "thread__community", "thread__topic",
                                        "author", "parent").filter(pk=post_id).first())
    if post is None or post.is_hidden:
        return 0
    thread = post.thread
    starts_thread = not Post.objects.filter(thread=thread, pk__lt=post.pk).exists()
    modes = effective_modes(thread)
    # The most personal reason wins. Announcements reach everyone who has not turned this
    # thread's email off; replies, mentions and plan feedback reach those who want them
    # whatever their mode (User.email_direct).
    reasons: dict[int, str] = {uid: Kind.POST for uid, mode in modes.items()
                               if mode == Mode.INSTANT}
    if thread.kind == Thread.Kind.ANNOUNCEMENT and starts_thread:
        reasons.update((uid, Kind.ANNOUNCEMENT) for uid, mode in modes.items()
                       if mode != Mode.OFF)
    direct: dict[int, str] = {}
    if thread.kind == Thread.Kind.SESSION_PLAN and not starts_thread and thread.created_by_id:
        direct[thread.created_by_id] = Kind.PLAN_FEEDBACK
    if post.parent is not None:
        direct[post.parent.author_id] = Kind.REPLY
    for uid in mentioned_members(post):
        direct[uid] = Kind.MENTION
    direct.pop(post.author_id, None)
    reasons.pop(post.author_id, None)
    if post.private_to_id is not None:
        # A private reply is news for the one person it is addressed to, and no one else.
        reasons = {uid: kind for uid, kind in reasons.items() if uid == post.private_to_id}
        direct = {uid: kind for uid, kind in direct.items() if uid == post.private_to_id}
    people = User.objects.in_bulk([uid for uid in {*reasons, *direct} if uid in modes])
    owed = 0
    for uid, user in people.items():
        kind = direct[uid] if uid in direct and user.email_direct else reasons.get(uid)
        if kind is None:
            continue
        rendered = emails.render_post_email(user, post, kind, starts_thread=starts_thread)
        owed += owe(key=f"post:{post.pk}:{uid}", kind=kind, user=user, post=post,
                     rendered=rendered)
    return owed


def owe(*, key: str, kind: str, user: User | None, post: Post | None,
        rendered: emails.RenderedEmail, to_address: str = "") -> int:
    """Puts one email in the outbox, in the current transaction, unless the email under this
    key is owed already; its delivery is enqueued with the write. Returns 1, or 0."""
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                key=key, kind=kind, user=user, post=post,
                to_address=to_address or (user.email if user else ""),
                subject=rendered.subject, body_text=rendered.body_text,
                body_html=rendered.body_html, headers=rendered.headers,
            )
    except IntegrityError:
        return 0  # owed already
    _enqueue_delivery(email.pk)
    return 1


def queue_notice(to: AbstractBaseUser | str, subject_template: str, body_template: str,
                 context: dict[str, object], private_link: bool = False) -> None:
    """The outbox's side of ``core.email.send_notice`` (registered on its hook): renders the
    notice in the reader's language and time zone (for an address without an account: the
    sender's language, UTC) and queues it with the write, retried if the mail server is
    down. A private link's text is removed once it is settled (see ``settle``)."""
    if not isinstance(to, User | str):
        raise TypeError(f"a notice goes to a member or an address, not {type(to).__name__}")
    rendered = emails.render_notice(to, subject_template, body_template, context)
    owe(key=f"notice:{uuid.uuid4().hex}",
        kind=Kind.PRIVATE_LINK if private_link else Kind.NOTICE,
        user=to if isinstance(to, User) else None, post=None, rendered=rendered,
        to_address=to.email if isinstance(to, User) else to)


def _enqueue_delivery(email_id: int, run_after: datetime | None = None) -> None:
    from praxis.notifications.tasks import deliver_email

    task = deliver_email
    if run_after is not None:
        if not deliver_email.get_backend().supports_defer:
            return  # the outbox sweep enqueues it once it is due
        task = deliver_email.using(run_after=run_after)
    enqueue_with_write(task, email_id)


# ---------------------------------------------------------------- delivering


def retry_delay(attempts: int) -> timedelta:
    return timedelta(minutes=2 ** attempts)  # 2, 4, 8, 16 minutes


def _still_wanted(email: OutboundEmail) -> bool:
    """A post hidden, or a member gone, since the email was owed: it is not sent."""
    if email.post_id is None or email.user_id is None:  # a digest, a notice
        return True
    return Post.objects.filter(pk=email.post_id, is_hidden=False,
                               thread__community__memberships__user_id=email.user_id).exists()


def deliver(email_id: int) -> str:
    """Sends one owed email unless another worker has it or it went already. A failure before
    the server took the message is tried again later, up to MAX_ATTEMPTS; a refused address
    is not tried again; a connection lost while the message was being handed over leaves it
    "uncertain", not sent again."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=email_id, status=Status.QUEUED,
    ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    email = OutboundEmail.objects.get(pk=email_id)
    if not _still_wanted(email):
        settle(OutboundEmail.objects.filter(pk=email.pk), status=Status.CANCELLED)
        return "cancelled"
    headers = dict(email.headers)
    reply_to = headers.pop("Reply-To", "")
    try:
        message = EmailMultiAlternatives(
            subject=email.subject, body=email.body_text, to=[email.to_address],
            headers=headers, reply_to=[reply_to] if reply_to else None,
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        connection = get_connection()
        connection.open()
    except (smtplib.SMTPException, OSError) as error:  # nothing was handed over yet
        final = email.attempts >= MAX_ATTEMPTS
        _record_failure(email, error, final=final)
        return "failed" if final else "retry"
    except Exception as error:  # a message that cannot be built will not be built later
        _record_failure(email, error, final=True)
        return "failed"
    try:
        connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        _record_failure(email, error, final=True)
        return "failed"
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        # The server answered with a refusal: it did not take the message.
        final = email.attempts >= MAX_ATTEMPTS or error.smtp_code >= 500
        _record_failure(email, error, final=final)
        return "failed" if final else "retry"
    except (smtplib.SMTPException, OSError) as error:
        log.warning("email %s to %s: connection lost while sending: %s", email.pk,
                    email.to_address, error)
        settle(OutboundEmail.objects.filter(pk=email.pk), status=Status.UNCERTAIN,
                last_error=str(error)[:2000])
        return "uncertain"
    finally:
        connection.close()
    settle(OutboundEmail.objects.filter(pk=email.pk), status=Status.SENT,
            sent_at=timezone.now(), last_error="")
    return "sent"


def settle(emails: QuerySet[OutboundEmail], **fields: Any) -> int:
    """Gives emails their final state. An email carrying a private link (an invitation, a
    password reset) keeps no text once settled: the link must not outlive its one use in the
    database, where only its hash is meant to be."""
    emails.filter(kind=Kind.PRIVATE_LINK).update(body_text="", body_html="")
    return emails.update(**fields)


def _record_failure(email: OutboundEmail, error: Exception, *, final: bool) -> None:
    log.warning("email %s to %s failed (attempt %s): %s", email.pk, email.to_address,
                email.attempts, error)
    if final:
        settle(OutboundEmail.objects.filter(pk=email.pk), status=Status.FAILED,
                last_error=str(error)[:2000])
        return
    run_after = timezone.now() + retry_delay(email.attempts)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=Status.QUEUED, next_attempt_at=run_after, last_error=str(error)[:2000])
    _enqueue_delivery(email.pk, run_after=run_after)


def sweep_outbox(now: datetime | None = None) -> dict[str, int]:
    """Enqueues again what lost its task; marks uncertain what a dead worker had claimed (it
    may have gone out, so it is not sent again)."""
    now = now or timezone.now()
    stalled = OutboundEmail.objects.filter(status=Status.SENDING,
                                           claimed_at__lt=now - STALLED_AFTER)
    uncertain = settle(stalled, status=Status.UNCERTAIN)
    lost = list(OutboundEmail.objects.filter(status=Status.QUEUED,
                                             next_attempt_at__lt=now - LOST_AFTER)
                .order_by("next_attempt_at")
                .values_list("pk", flat=True)[:500])
    # Counted from now: a backlog is enqueued again once per LOST_AFTER, not at every sweep.
    OutboundEmail.objects.filter(pk__in=lost).update(next_attempt_at=now)
    for email_id in lost:
        _enqueue_delivery(email_id)
    return {"uncertain": uncertain, "requeued": len(lost)}


# ---------------------------------------------------------------- digests


def week_start(user: User) -> int:
    """Weekday the member's week starts: Saturday in Persian (Iran's week), else Monday."""
    return 5 if user.locale == "fa" else 0


def period_length(mode: str) -> timedelta:
    return timedelta(days=7 if mode == Mode.WEEKLY else 1)


def digest_period_start(user: User, mode: str, now: datetime) -> datetime:
    """When the member's current digest period began: DIGEST_HOUR local time today (daily) or
    on the first day of their week (weekly), or the period before if that is still ahead."""
    zone = zoneinfo.ZoneInfo(user.timezone)
    local = now.astimezone(zone)
    day: date = local.date()
    if mode == Mode.WEEKLY:
        day -= timedelta(days=(local.weekday() - week_start(user)) % 7)
    start = datetime.combine(day, time(DIGEST_HOUR), tzinfo=zone)
    if start > now:
        start -= period_length(mode)
    return start


def send_due_digests(now: datetime | None = None) -> int:
    """Owes each member the digests whose period has begun and that they have not had;
    returns how many were owed. Safe to run as often as wished, by several schedulers."""
    now = now or timezone.now()
    owed = 0
    for mode in (Mode.DAILY, Mode.WEEKLY):
        readers = digest_readers(mode)
        cursors = dict(DigestCursor.objects.filter(mode=mode, user__in=readers)
                       .values_list("user_id", "covered_until"))
        for user in readers:
            period_start = digest_period_start(user, mode, now)
            covered = cursors.get(user.pk)
            if covered is not None and covered >= period_start:
                continue
            owed += owe_digest(user, mode, period_start, covered)
    return owed


def owe_digest(user: User, mode: str, period_start: datetime,
               covered: datetime | None) -> int:
    """Owes the member the digest of the period that began at ``period_start``, with what
    came since ``covered`` (at most one period back: a member who just chose this mode does
    not get weeks of old news)."""
    length = period_length(mode)
    since = max(covered or period_start - length, period_start - length)
    with transaction.atomic():
        DigestCursor.objects.update_or_create(user=user, mode=mode,
                                              defaults={"covered_until": period_start})
        posts, total = digest_posts(user, mode, since, period_start)
        if not posts:
            return 0
        rendered = emails.render_digest(user, mode, posts, total=total)
        # The period's start in UTC: a member who changes time zone gets no second digest
        # of a period, and loses none.
        key = f"digest:{mode}:{user.pk}:{period_start.astimezone(UTC):%Y-%m-%dT%H:%M}"
        return owe(key=key, kind=Kind.DIGEST, user=user, post=None, rendered=rendered)
