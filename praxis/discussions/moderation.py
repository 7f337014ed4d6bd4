"""Reactions, flags and moderation: the writes, and the reads of the moderation pages.

Callers find the post or thread through the door first (``praxis.access.access_post`` or
``access_thread``) and pass the person's ``TopicAccess``; the services read the door's
answers from it, check what only they can know (whose post it is, what state it is in) and
raise ``ModerationRuleError`` with a message for the person, or ``PermissionDenied``.

Every moderation act writes a ``ModerationAction`` (who, what, where, why) in the same
transaction as the change, so the log and the state never disagree.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from praxis.accounts.models import AnyUser, User
from praxis.communities.models import Community
from praxis.core import audit
from praxis.core.history import rewritten, rewritten_between
from praxis.discussions.models import Flag, ModerationAction, Post, Reaction, Thread
from praxis.topics.models import Topic

REASON_MAX_LENGTH = 2000


class ModerationRuleError(Exception):
    """A request the rules refuse; the message is for the person."""


class TopicAccess(Protocol):
    """What the door (``praxis.access.TopicAccess``, a layer above this app) decided for one
    person in one topic, as these services read it."""

    @property
    def topic(self) -> Topic: ...

    @property
    def community(self) -> Community: ...

    @property
    def is_member(self) -> bool: ...

    @property
    def member_id(self) -> int | None: ...

    @property
    def can_moderate(self) -> bool: ...


# The door for one post ------------------------------------------------------------------------

def _same_topic(access: TopicAccess, thread: Thread) -> None:
    if thread.topic_id != access.topic.pk:
        raise ValueError("the access given is for another topic")


def _check_member(access: TopicAccess, user: User, post: Post) -> None:
    """Reactions and flags are for the community's members."""
    _same_topic(access, post.thread)
    if not access.is_member:
        raise PermissionDenied
    if access.member_id != user.pk:
        raise ValueError("the access given is another person's")


# Reactions -----------------------------------------------------------------------------------

@transaction.atomic
def toggle_reaction(*, access: TopicAccess, user: User, post: Post, kind: str) -> bool:
    """Adds the member's reaction of this kind to a post, or takes it back if given already.
    Returns whether the reaction is there now."""
    _check_member(access, user, post)
    if kind not in Reaction.Kind.values:
        raise ModerationRuleError(_("Choose a reaction."))
    if post.author_id == user.pk:
        raise ModerationRuleError(_("You cannot react to your own post."))
    if post.is_hidden:
        raise ModerationRuleError(_("This post is hidden."))
    if access.topic.state == Topic.State.ARCHIVED:
        raise ModerationRuleError(_("This topic is archived: its posts take no more reactions."))
    deleted, _rows = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Reaction.objects.create(post=post, user=user, kind=kind)
    except IntegrityError:
        pass  # a second click that raced the first: the reaction is there either way
    return True


# Flags ---------------------------------------------------------------------------------------

def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ModerationRuleError(_("Please give a reason."))
    if len(reason) > REASON_MAX_LENGTH:
        raise ModerationRuleError(_("Please keep the reason under 2000 characters."))
    return reason


def open_flag_of(user: AnyUser, post: Post) -> Flag | None:
    if not user.is_authenticated:
        return None
    return Flag.objects.filter(post=post, flagged_by=user, resolved_at=None).first()


@transaction.atomic
def flag_post(*, access: TopicAccess, user: User, post: Post, reason: str) -> Flag:
    """A member asks the moderators to look at a post; one open flag per person and post."""
    _check_member(access, user, post)
    if post.author_id == user.pk:
        raise ModerationRuleError(_("You cannot flag your own post."))
    if post.is_hidden:
        raise ModerationRuleError(_("This post is hidden already."))
    reason = _reason(reason)
    if open_flag_of(user, post) is not None:
        raise ModerationRuleError(
            _("You have flagged this post already; a moderator will look at it.")
        )
    try:
        with transaction.atomic():
            return Flag.objects.create(post=post, flagged_by=user, reason=reason)
    except IntegrityError:
        raise ModerationRuleError(
            _("You have flagged this post already; a moderator will look at it.")
        ) from None


# Moderation ----------------------------------------------------------------------------------

def _require_moderator(access: TopicAccess) -> None:
    if not access.can_moderate:
        raise PermissionDenied


def _log(*, access: TopicAccess, actor: User, action: str, thread: Thread,
         post: Post | None = None, reason: str = "",
         details: dict[str, Any] | None = None) -> ModerationAction:
    what = f"post {post.pk}" if post is not None else f"thread {thread.pk}"
    audit.record(audit.Kind.MODERATION, actor=actor,
                 subject=f"{action}: {what} in {access.community.name}")
    return ModerationAction.objects.create(
        community=access.community, actor=actor, action=action, thread=thread, post=post,
        reason=reason, details=details or {},
    )


def _resolve_open_flags(post: Post, actor: User, now: Any) -> int:
    return Flag.objects.filter(post=post, resolved_at=None).update(
        resolved_at=now, resolved_by=actor
    )


@transaction.atomic
def hide_post(*, access: TopicAccess, actor: User, post: Post, reason: str) -> ModerationAction:
    """Hides a post: it keeps its place in the thread, its words are for moderators and its
    author, search no longer finds it. Open flags on it are resolved."""
    _require_moderator(access)
    _same_topic(access, post.thread)
    reason = _reason(reason)
    if Post.objects.select_for_update().get(pk=post.pk).is_hidden:
        raise ModerationRuleError(_("This post is hidden already."))
    now = timezone.now()
    rewritten(post.thread.community_id, post.created_at)  # hidden posts are not counted
    Post.objects.filter(pk=post.pk).update(
        is_hidden=True, hidden_reason=reason, hidden_by=actor, hidden_at=now
    )
    post.is_hidden, post.hidden_reason, post.hidden_by, post.hidden_at = True, reason, actor, now
    resolved = _resolve_open_flags(post, actor, now)
    return _log(access=access, actor=actor, action=ModerationAction.Action.HIDE,
                thread=post.thread, post=post, reason=reason,
                details={"flags_resolved": resolved} if resolved else {})


@transaction.atomic
def restore_post(*, access: TopicAccess, actor: User, post: Post,
                 reason: str) -> ModerationAction:
    """Shows a hidden post again; the log keeps why it was hidden."""
    _require_moderator(access)
    _same_topic(access, post.thread)
    reason = _reason(reason)
    if not Post.objects.select_for_update().get(pk=post.pk).is_hidden:
        raise ModerationRuleError(_("This post is not hidden."))
    rewritten(post.thread.community_id, post.created_at)
    Post.objects.filter(pk=post.pk).update(
        is_hidden=False, hidden_reason="", hidden_by=None, hidden_at=None
    )
    post.is_hidden, post.hidden_reason, post.hidden_by, post.hidden_at = False, "", None, None
    return _log(access=access, actor=actor, action=ModerationAction.Action.RESTORE,
                thread=post.thread, post=post, reason=reason)


@transaction.atomic
def dismiss_flags(*, access: TopicAccess, actor: User, post: Post,
                  reason: str) -> ModerationAction:
    """Resolves the open flags on a post without hiding it."""
    _require_moderator(access)
    _same_topic(access, post.thread)
    reason = _reason(reason)
    resolved = _resolve_open_flags(post, actor, timezone.now())
    if not resolved:
        raise ModerationRuleError(_("This post has no open flags."))
    return _log(access=access, actor=actor, action=ModerationAction.Action.RESOLVE_FLAG,
                thread=post.thread, post=post, reason=reason,
                details={"flags_resolved": resolved})


_THREAD_STATES: dict[str, tuple[str, bool]] = {
    ModerationAction.Action.LOCK: ("is_locked", True),
    ModerationAction.Action.UNLOCK: ("is_locked", False),
    ModerationAction.Action.PIN: ("is_pinned", True),
    ModerationAction.Action.UNPIN: ("is_pinned", False),
}


def _set_thread_state(*, access: TopicAccess, actor: User, thread: Thread, action: str,
                      reason: str) -> ModerationAction:
    _require_moderator(access)
    _same_topic(access, thread)
    reason = _reason(reason)
    attribute, value = _THREAD_STATES[action]
    current = Thread.objects.select_for_update().get(pk=thread.pk)
    if getattr(current, attribute) == value:
        refusals: dict[str, str] = {
            ModerationAction.Action.LOCK: _("This thread is locked already."),
            ModerationAction.Action.UNLOCK: _("This thread is not locked."),
            ModerationAction.Action.PIN: _("This thread is pinned already."),
            ModerationAction.Action.UNPIN: _("This thread is not pinned."),
        }
        raise ModerationRuleError(refusals[action])
    Thread.objects.filter(pk=thread.pk).update(**{attribute: value})
    setattr(thread, attribute, value)
    return _log(access=access, actor=actor, action=action, thread=thread, reason=reason)


@transaction.atomic
def lock_thread(*, access: TopicAccess, actor: User, thread: Thread,
                reason: str) -> ModerationAction:
    """Closes a thread to new posts (moderators may still post)."""
    return _set_thread_state(access=access, actor=actor, thread=thread,
                             action=ModerationAction.Action.LOCK, reason=reason)


@transaction.atomic
def unlock_thread(*, access: TopicAccess, actor: User, thread: Thread,
                  reason: str) -> ModerationAction:
    return _set_thread_state(access=access, actor=actor, thread=thread,
                             action=ModerationAction.Action.UNLOCK, reason=reason)


@transaction.atomic
def pin_thread(*, access: TopicAccess, actor: User, thread: Thread,
               reason: str) -> ModerationAction:
    """Keeps a thread at the top of its topic's list."""
    return _set_thread_state(access=access, actor=actor, thread=thread,
                             action=ModerationAction.Action.PIN, reason=reason)


@transaction.atomic
def unpin_thread(*, access: TopicAccess, actor: User, thread: Thread,
                 reason: str) -> ModerationAction:
    return _set_thread_state(access=access, actor=actor, thread=thread,
                             action=ModerationAction.Action.UNPIN, reason=reason)


@transaction.atomic
def move_thread(*, access: TopicAccess, actor: User, thread: Thread, to: TopicAccess,
                reason: str) -> ModerationAction:
    """Moves a thread, with all its posts, to another topic of the same community; ``to`` is
    the actor's access to that topic, where they must moderate too."""
    to_topic = to.topic
    _require_moderator(access)
    _same_topic(access, thread)
    reason = _reason(reason)
    if to_topic.community_id != thread.community_id:
        raise ModerationRuleError(_("A thread can only move to a topic of its own community."))
    if to_topic.pk == thread.topic_id:
        raise ModerationRuleError(_("The thread is in this topic already."))
    if to_topic.state == Topic.State.ARCHIVED:
        raise ModerationRuleError(_("A thread cannot move to an archived topic."))
    if not to.can_moderate:
        raise PermissionDenied
    from_topic = access.topic
    # Locked, so a post published meanwhile counts in the topic the thread ends up in.
    posts = Thread.objects.select_for_update().values_list("post_count", flat=True).get(
        pk=thread.pk)
    Thread.objects.filter(pk=thread.pk).update(topic=to_topic)
    # Its posts now count among another topic's, since the thread began.
    rewritten_between(thread.community_id, thread.created_at, timezone.now())
    # The two topics' rows in id order, so opposite moves at once cannot deadlock.
    for topic_id, sign in sorted([(from_topic.pk, -1), (to_topic.pk, 1)]):
        Topic.objects.filter(pk=topic_id).update(
            thread_count=F("thread_count") + sign, post_count=F("post_count") + sign * posts)
    thread.topic = to_topic
    return _log(access=access, actor=actor, action=ModerationAction.Action.MOVE,
                thread=thread, reason=reason, details={
                    "from_topic": from_topic.pk, "from_title": from_topic.title,
                    "to_topic": to_topic.pk, "to_title": to_topic.title,
                })


# Reads of the moderation pages -------------------------------------------------------------

@dataclass(frozen=True)
class ModeratorScope:
    """Where a person moderates in a community: everywhere (its facilitators and stewards)
    or in the topics they facilitate."""

    community: Community
    everywhere: bool
    topic_ids: frozenset[int] = field(default_factory=frozenset)

    def covers(self, topic_id: int) -> bool:
        return self.everywhere or topic_id in self.topic_ids

    def thread_filter(self, prefix: str) -> Q:
        if self.everywhere:
            return Q()
        return Q(**{f"{prefix}topic_id__in": self.topic_ids})


@dataclass
class FlaggedPost:
    post: Post
    post_url: str
    flags: list[Flag]


FLAGGED_POSTS_SHOWN = 50


def _open_flags(scope: ModeratorScope) -> QuerySet[Flag]:
    # Moderators never see a private reply (``Post.private_to``): not even when flagged.
    return Flag.objects.filter(scope.thread_filter("post__thread__"), resolved_at=None,
                               post__thread__community=scope.community,
                               post__private_to=None)


def flagged_posts(scope: ModeratorScope) -> list[FlaggedPost]:
    """Posts with open flags, the longest waiting first, each with its open flags; at most
    FLAGGED_POSTS_SHOWN posts, in one query."""
    flags = (
        _open_flags(scope)
        .select_related("flagged_by", "post__author", "post__thread__topic")
        .order_by("created_at", "id")
    )
    grouped: dict[int, FlaggedPost] = {}
    for flag in flags[:FLAGGED_POSTS_SHOWN * 10]:
        entry = grouped.get(flag.post_id)
        if entry is None:
            if len(grouped) == FLAGGED_POSTS_SHOWN:
                continue
            entry = grouped[flag.post_id] = FlaggedPost(
                post=flag.post, post_url=Post.address(scope.community.slug, flag.post_id), flags=[]
            )
        entry.flags.append(flag)
    return list(grouped.values())


def flagged_post_count(scope: ModeratorScope) -> int:
    return _open_flags(scope).values("post_id").distinct().count()


def moderation_log(scope: ModeratorScope) -> QuerySet[ModerationAction]:
    """The community's moderation acts, newest first (a topic facilitator sees those on the
    threads now in their topics)."""
    return (
        ModerationAction.objects.filter(scope.thread_filter("thread__"),
                                        community=scope.community)
        .select_related("actor", "thread", "post__author")
        .order_by("-created_at", "-id")
    )


def thread_log(thread: Thread) -> QuerySet[ModerationAction]:
    return (
        ModerationAction.objects.filter(thread=thread)
        .select_related("actor", "post__author")
        .order_by("-created_at", "-id")
    )


def with_links(entries: Iterable[ModerationAction], slug: str) -> list[ModerationAction]:
    """The log's entries, each with ``link``: the post or thread it was about."""
    rows = list(entries)
    for entry in rows:
        entry.link = (  # type: ignore[attr-defined]
            Post.address(slug, entry.post_id) if entry.post_id
            else Thread.address(slug, entry.thread_id) if entry.thread_id else ""
        )
    return rows
