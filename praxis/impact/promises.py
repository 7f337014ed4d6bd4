"""Promises "I will use this in my training": made, dismissed, invited to tell what
happened once the session's date has passed, and turned into a draft value-creation story
(from the page, or by replying to the invitation's email)."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.discussions.models import Post
from praxis.impact.models import UsePromise, ValueStory
from praxis.notifications.models import OutboundEmail
from praxis.notifications.services import owe

# A session may already have happened: a member who reacts a little late still records it.
RECENT_PAST_DAYS = 60
# And a promise further ahead than this is more a wish than a plan.
FUTURE_DAYS = 2 * 366
NOTE_MAX_LENGTH = 300
APPLIED_MAX_LENGTH = 4000
# Invitations sent by one run of the job, at most: the next run takes the rest.
INVITE_BATCH = 500


class PromiseRuleError(Exception):
    """A promise that breaks a rule; the message says which, in the member's language."""


def _check(session_date: date | None, note: str, today: date) -> str:
    if session_date is None:
        raise PromiseRuleError(_("Give the date of the training session."))
    if session_date < today - timedelta(days=RECENT_PAST_DAYS):
        raise PromiseRuleError(_("That date is too long ago: give the date of a session still "
                                 "to come, or of one in the last two months."))
    if session_date > today + timedelta(days=FUTURE_DAYS):
        raise PromiseRuleError(_("That date is more than two years away."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise PromiseRuleError(_("Please keep the note under 300 characters."))
    return note


@transaction.atomic
def make_promise(*, user: User, community: Community, post: Post, session_date: date | None,
                 note: str = "", today: date | None = None) -> UsePromise:
    """Records (or, for a post promised already, changes) a member's promise to use a post
    in a training session on ``session_date``. A new date still to come asks again."""
    today = today or timezone.localdate()
    note = _check(session_date, note, today)
    assert session_date is not None
    if post.thread.community_id != community.pk:
        raise PromiseRuleError(_("That post is not in this community."))
    promise = (UsePromise.objects.select_for_update()
               .filter(user=user, post=post).first())
    if promise is None:
        return UsePromise.objects.create(user=user, community=community, post=post,
                                         session_date=session_date, note=note)
    if promise.session_date != session_date and session_date >= today:
        promise.invited_at = None  # asked again after the new date
    promise.session_date = session_date
    promise.note = note
    promise.dismissed_at = None
    promise.save(update_fields=["session_date", "note", "invited_at", "dismissed_at"])
    return promise


@transaction.atomic
def dismiss_promise(*, promise: UsePromise, now: datetime | None = None) -> None:
    """The member will not tell of it: it is no longer asked about."""
    UsePromise.objects.filter(pk=promise.pk, dismissed_at__isnull=True).update(
        dismissed_at=now or timezone.now())


def _new_draft(promise: UsePromise, applied: str) -> ValueStory:
    post = promise.post
    now = timezone.now()
    story = ValueStory.objects.create(
        community=promise.community, author=promise.user, status=ValueStory.Status.DRAFT,
        session_date=promise.session_date, applied=applied[:APPLIED_MAX_LENGTH],
        immediate=promise.note, created_at=now, updated_at=now)
    if post is not None:
        story.source_posts.add(post)
        story.source_topics.add(post.thread.topic_id)
    return story


@transaction.atomic
def draft_story(*, promise: UsePromise, applied: str = "") -> ValueStory:
    """The draft story that tells what happened after a promise: made with its sources (the
    post and its topic) the first time, the same one after. Text sent by email is added to
    its "what you did differently" while it is a draft."""
    promise = (UsePromise.objects.select_for_update(of=("self",))
               .select_related("post__thread", "community", "user", "story")
               .get(pk=promise.pk))
    applied = (applied or "").strip()
    story = promise.story
    if story is None:
        story = _new_draft(promise, applied)
        promise.story = story
        promise.dismissed_at = None
        promise.save(update_fields=["story", "dismissed_at"])
    elif applied and story.status == ValueStory.Status.DRAFT:
        joined = f"{story.applied.rstrip()}\n\n{applied}" if story.applied.strip() else applied
        story.applied = joined[:APPLIED_MAX_LENGTH]
        story.updated_at = timezone.now()
        story.save(update_fields=["applied", "updated_at"])
    return story


def due_promises(today: date) -> list[UsePromise]:
    """Promises whose session has passed and whose member was not yet asked: of members
    still in the community, with an account still open."""
    return list(
        UsePromise.objects
        .filter(invited_at__isnull=True, dismissed_at__isnull=True, story__isnull=True,
                session_date__lt=today, user__is_active=True)
        .filter(user__memberships__community=F("community"))
        .select_related("user", "community", "post__thread__topic")
        .order_by("session_date", "pk")[:INVITE_BATCH])


def invite_due(*, now: datetime | None = None) -> int:
    """Asks each member whose session has passed to tell what happened: once (``invited_at``),
    on their home page at once and, if they take direct emails, by one email they can
    answer. Returns how many emails were owed."""
    from praxis.impact.promise_emails import render_invitation

    now = now or timezone.now()
    sent = 0
    for promise in due_promises(timezone.localdate(now)):
        with transaction.atomic():
            claimed = UsePromise.objects.filter(pk=promise.pk, invited_at__isnull=True).update(
                invited_at=now)
            if not claimed:
                continue  # another run took it
            if promise.user.email_direct and promise.user.email:
                sent += owe(key=f"promise:{promise.pk}:{promise.session_date:%Y%m%d}",
                            kind=OutboundEmail.Kind.NOTICE, user=promise.user, post=None,
                            rendered=render_invitation(promise.user, promise))
    return sent


def still_member(promise: UsePromise) -> bool:
    return Membership.objects.filter(user_id=promise.user_id,
                                     community_id=promise.community_id).exists()
