"""Reads of the interop app: whose token a feed address carries, what the feeds and the
downloads show, and when that last changed.

Every read here takes a community or topic the permission door has already let through."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.db.models import Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.core.tokens import hash_token
from praxis.discussions.models import ModerationAction, Post, Thread
from praxis.discussions.queries import (
    FACILITATOR_KINDS,
    MAX_VISUAL_DEPTH,
    public_posts,
    split_facilitator_threads,
    viewer_q,
)
from praxis.interop.models import FeedToken
from praxis.topics.models import Topic
from praxis.topics.queries import topic_with_details

FEED_LENGTH = 50


def user_for_token(token: str) -> User | None:
    """The active member a secret feed token belongs to, or None."""
    if not token or len(token) > 100:
        return None
    found = (
        FeedToken.objects.select_related("user")
        .filter(token_hash=hash_token(token), user__is_active=True).first()
    )
    return found.user if found else None


def feed_token_of(user: User) -> FeedToken | None:
    return FeedToken.objects.filter(user=user).first()


def _visible_posts() -> QuerySet[Post]:
    return (
        # A feed is read by no one person in particular: private replies are never in it.
        public_posts(Post.objects.filter(is_hidden=False))
        .select_related("author", "thread")
        .order_by("-created_at", "-pk")
    )


def community_feed_posts(community: Community) -> list[Post]:
    """The latest visible posts of a community's topics, newest first."""
    return list(_visible_posts().filter(thread__community=community)[:FEED_LENGTH])


def topic_feed_posts(topic: Topic) -> list[Post]:
    return list(_visible_posts().filter(thread__topic=topic)[:FEED_LENGTH])


def calendar_topics(community: Community) -> list[Topic]:
    """The topics a community's calendar shows: all but the archived ones."""
    return list(
        Topic.objects.filter(community=community, archived_at=None).order_by("starts_at", "pk")
    )


def memberships_with_topics(user: User, *, with_topics: bool = True,
                            ) -> list[tuple[Membership, list[Topic]]]:
    """The member's communities, each with its topics that are not archived (for the page
    listing their feed addresses): two queries, one without the topics."""
    memberships = list(
        Membership.objects.filter(user=user).select_related("community")
        .order_by("community__name")
    )
    if not with_topics:
        return [(m, []) for m in memberships]
    topics: dict[int, list[Topic]] = {m.community_id: [] for m in memberships}
    for topic in Topic.objects.filter(community_id__in=topics, archived_at=None).order_by(
        "-starts_at"
    ):
        topics[topic.community_id].append(topic)
    return [(m, topics[m.community_id]) for m in memberships]


# A whole topic, for the downloads (HTML and PDF) ---------------------------------------------

@dataclass(frozen=True)
class OfflinePost:
    post: Post
    indent: int
    show_body: bool


@dataclass(frozen=True)
class OfflineThread:
    thread: Thread
    posts: list[OfflinePost]


@dataclass(frozen=True)
class OfflineTopic:
    topic: Topic
    sections: list[tuple[str, list[OfflineThread]]]  # headed groups, in reading order


def _posts(viewer_id: int | None) -> Prefetch:
    return Prefetch(
        "posts",
        queryset=Post.objects.filter(viewer_q(viewer_id)).select_related("author")
        .only("id", "thread_id", "author_id", "parent_id", "path", "depth", "body_html",
              "created_at", "edited_at", "is_hidden", "private_to_id",
              "author__id", "author__display_name", "author__email")
        .order_by("path"),
    )


class PostReader(Protocol):
    """The door's answer (``praxis.access.TopicAccess``) for the reader of a download."""

    @property
    def topic(self) -> Topic: ...

    @property
    def viewer_id(self) -> int | None: ...

    def can_see_post_body(self, post: Post) -> bool: ...


def offline_topic(access: PostReader) -> OfflineTopic:
    """The topic with its details and every thread with every post, each post's body shown
    only where the door lets this reader see it (private replies only for their two
    people): four queries (topic, facilitators, threads, posts)."""
    topic = topic_with_details(access.topic)
    threads = list(
        Thread.objects.filter(topic=topic).select_related("created_by")
        .prefetch_related(_posts(access.viewer_id)).order_by("position", "created_at", "pk")
    )

    def shown(thread: Thread) -> OfflineThread:
        return OfflineThread(thread=thread, posts=[
            OfflinePost(post=post, indent=min(post.depth, MAX_VISUAL_DEPTH),
                        show_body=access.can_see_post_body(post))
            for post in thread.posts.all()
        ])

    facilitators = split_facilitator_threads(threads)
    others = sorted(
        (t for t in threads if t.kind not in FACILITATOR_KINDS),
        key=lambda t: (not t.is_pinned, t.created_at, t.pk),
    )
    groups = [
        (_("Announcements"), facilitators.announcements),
        (_("Open questions"), facilitators.questions),
        (_("Applying it to our contexts"),
         [facilitators.apply_thread] if facilitators.apply_thread else []),
        (_("Members' questions and session plans"), others),
    ]
    return OfflineTopic(topic=topic, sections=[
        (heading, [shown(t) for t in group]) for heading, group in groups if group])


# When a feed or download last changed --------------------------------------------------------
# The newest of the moments the models record; a topic's edits move its updated_at.

def _newest(*moments: datetime | None) -> datetime:
    return max(m for m in moments if m is not None)


def _moderation_times(community_id: int | OuterRef) -> QuerySet[ModerationAction, datetime]:
    """A hide, restore or move changes what a feed or download shows: the community's
    moderation times, newest first (one index seek for the first)."""
    return (ModerationAction.objects.filter(Q(community_id=community_id))
            .order_by("-created_at").values_list("created_at", flat=True))


def latest_moderation_at(community: Community) -> datetime | None:
    return _moderation_times(community.pk).first()


def topic_changed_at(topic: Topic) -> datetime:
    """When the topic's download last changed: its creation, archiving and synthesis, its
    threads, its posts (written or edited) and the community's moderation: one query."""
    row = (
        Topic.objects.filter(pk=topic.pk)
        .annotate(
            thread_at=Max("threads__created_at"),
            post_at=Max("threads__posts__created_at"),
            edit_at=Max("threads__posts__edited_at"),
            moderated_at=Subquery(_moderation_times(OuterRef("community_id"))[:1]),
        )
        .values("thread_at", "post_at", "edit_at", "moderated_at")
        .get()
    )
    return _newest(topic.created_at, topic.updated_at, topic.archived_at,
                   topic.synthesis_published_at, *row.values())


def posts_changed_at(posts: Iterable[Post], *moments: datetime | None) -> datetime:
    """When a feed of these posts last changed: the newest post written or edited, or the
    newest of ``moments`` (the community's or topic's creation, its newest moderation...)."""
    return _newest(*moments, *(p.edited_at or p.created_at for p in posts))


def calendar_changed_at(community: Community) -> datetime:
    """When the calendar's topics last changed (made, edited or archived): one query."""
    row = Topic.objects.filter(community=community).aggregate(
        made=Max("created_at"), archived=Max("archived_at"), updated=Max("updated_at"),
    )
    return _newest(community.created_at, row["made"], row["archived"], row["updated"])
