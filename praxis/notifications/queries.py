"""Reads about who hears of what: the effective email mode of members, and digest contents."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.discussions.models import Post, Thread, ThreadRead
from praxis.discussions.queries import visible_to
from praxis.notifications.models import OutboundEmail, Subscription
from praxis.notifications.tokens import UnsubscribeScope
from praxis.topics.models import Topic


@dataclass(frozen=True)
class SubscriptionState:
    """A member's choices for one place, and what they come to."""

    community_mode: str  # "" when the member's default applies
    topic_mode: str
    thread_mode: str
    default_mode: str

    @property
    def effective(self) -> str:
        return self.thread_mode or self.topic_mode or self.community_mode or self.default_mode

    @property
    def inherited(self) -> str:
        """What the thread would get without its own choice."""
        return self.topic_mode or self.community_mode or self.default_mode


def _level(topic_id: int | None, thread_id: int | None) -> str:
    return "thread" if thread_id else "topic" if topic_id else "community"


def _state(levels: dict[str, str], default: str) -> SubscriptionState:
    return SubscriptionState(community_mode=levels.get("community", ""),
                             topic_mode=levels.get("topic", ""),
                             thread_mode=levels.get("thread", ""), default_mode=default)


def _places(topic_id: int | None, thread: Thread | None) -> Q:
    """The community's own subscriptions, and the topic's and thread's when given."""
    places = Q(topic__isnull=True, thread__isnull=True)
    if topic_id is not None:
        places |= Q(topic_id=topic_id, thread__isnull=True)
    if thread is not None:
        places |= Q(thread=thread)
    return places


def subscription_state(user: User, community: Community, topic: Topic | None = None,
                       thread: Thread | None = None) -> SubscriptionState:
    levels = {
        _level(topic_id, thread_id): mode
        for topic_id, thread_id, mode in Subscription.objects.filter(
            _places(topic.pk if topic else None, thread), user=user, community=community,
        ).values_list("topic_id", "thread_id", "mode")
    }
    return _state(levels, user.digest)


def effective_modes(thread: Thread) -> dict[int, str]:
    """The email mode for this thread of every active member of its community, in two
    queries whatever the community's size."""
    defaults = dict(Membership.objects.filter(community_id=thread.community_id,
                                              user__is_active=True)
                    .values_list("user_id", "user__digest"))
    levels: dict[int, dict[str, str]] = {}
    subs = Subscription.objects.filter(
        _places(thread.topic_id, thread), community_id=thread.community_id,
        user_id__in=defaults.keys(),
    ).values_list("user_id", "topic_id", "thread_id", "mode")
    for user_id, topic_id, thread_id, mode in subs:
        levels.setdefault(user_id, {})[_level(topic_id, thread_id)] = mode
    return {user_id: _state(levels.get(user_id, {}), default).effective
            for user_id, default in defaults.items()}


@dataclass(frozen=True)
class UnsubscribePlace:
    user: User
    name: str  # the thread's or topic's title or the community's name; "" for the wider kinds


NAMED_PLACES: dict[str, tuple[type[Thread] | type[Topic] | type[Community], str]] = {
    "thread": (Thread, "title"), "topic": (Topic, "title"),
                "community": (Community, "name")}


def unsubscribe_place(scope: UnsubscribeScope) -> UnsubscribePlace | None:
    """Whose unsubscribe link this is and what it names, for its page; None if the member
    is gone."""
    user = User.objects.filter(pk=scope.user_id).first()
    if user is None:
        return None
    name = ""
    if scope.kind in NAMED_PLACES:
        model, field = NAMED_PLACES[scope.kind]
        name = model.objects.filter(pk=scope.object_id).values_list(field, flat=True).first() or ""
    return UnsubscribePlace(user=user, name=name)


def followed_places(user: User) -> list[Subscription]:
    """The member's own choices, for their settings page."""
    return list(
        Subscription.objects.filter(user=user, community__memberships__user=user)
        .select_related("community", "topic", "thread", "thread__topic")
        .order_by("community__name", "topic_id", "thread_id")
    )


def digest_posts(user: User, mode: str, since: datetime, until: datetime,
                 limit: int = 200) -> tuple[list[Post], int]:
    """New posts, by others, that the member gets by this digest mode: in threads whose
    effective mode for them is ``mode``, in communities they belong to, not hidden, not read
    already on the site, not emailed to them already (a reply to them, say). Oldest first, at
    most ``limit``, with how many there were in all."""
    communities = list(Membership.objects.filter(user=user).values_list("community_id",
                                                                        flat=True))
    candidates = list(
        visible_to(Post.objects.filter(thread__community_id__in=communities,
                                       created_at__gt=since, created_at__lte=until,
                                       is_hidden=False), user)
        .exclude(author=user)
        .select_related("author", "thread", "thread__topic", "thread__community")
        .order_by("created_at", "pk")
    )
    if not candidates:
        return [], 0
    threads = {post.thread_id: post.thread for post in candidates}
    subs = Subscription.objects.filter(user=user, community_id__in=communities)
    by_community: dict[int, str] = {}
    by_topic: dict[int, str] = {}
    by_thread: dict[int, str] = {}
    for sub in subs:
        if sub.thread_id:
            by_thread[sub.thread_id] = sub.mode
        elif sub.topic_id:
            by_topic[sub.topic_id] = sub.mode
        else:
            by_community[sub.community_id] = sub.mode
    read_up_to = dict(ThreadRead.objects.filter(user=user, thread_id__in=threads.keys())
                      .values_list("thread_id", "last_read_post_id"))
    emailed = set(OutboundEmail.objects.filter(
        user=user, post_id__in=[post.pk for post in candidates]).values_list("post_id",
                                                                              flat=True))
    chosen = []
    for post in candidates:
        thread = threads[post.thread_id]
        effective = SubscriptionState(
            community_mode=by_community.get(thread.community_id, ""),
            topic_mode=by_topic.get(thread.topic_id, ""),
            thread_mode=by_thread.get(thread.pk, ""), default_mode=user.digest).effective
        if (effective == mode and post.pk > read_up_to.get(thread.pk, 0)
                and post.pk not in emailed):
            chosen.append(post)
    return chosen[:limit], len(chosen)


def digest_readers(mode: str) -> list[User]:
    """Active members who may get a digest of this mode: it is their default, or one of their
    choices."""
    chosen = Subscription.objects.filter(mode=mode).values("user_id")
    return list(
        User.objects.filter(is_active=True, memberships__isnull=False)
        .filter(Q(digest=mode) | Q(pk__in=chosen)).distinct().order_by("pk")
    )

