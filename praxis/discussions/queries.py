"""Reads that the discussion pages, the topic page and the community home share.

Each function decides its ``select_related`` / ``prefetch_related`` once and runs a constant
number of queries, whatever the number of posts, members and threads.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from praxis.accounts.models import AnyUser, User
from praxis.communities.models import Community, Membership
from praxis.discussions.models import Post, Reaction, Thread, ThreadRead
from praxis.topics.models import Topic

POSTS_PER_PAGE = 50
LOW_BANDWIDTH_POSTS_PER_PAGE = 20
# Deeper replies keep this indentation and say whom they answer: a phone stays readable.
MAX_VISUAL_DEPTH = 4
# A permalink opens the thread a few posts before the one linked, so it is read in context.
CONTEXT_POSTS = 3
_PATH = re.compile(r"^[0-9]{1,20}(\.[0-9]{1,20}){0,30}$")


def visible_q(user: AnyUser | None, prefix: str = "") -> Q:
    """Which posts a person may see at all: a private reply only by its author and the one
    it is addressed to (not moderators, researchers, feeds or search). ``user`` None: no one
    in particular (public posts only). ``prefix`` reaches the post from another model
    ("post__")."""
    return viewer_q(user.pk if user is not None and user.is_authenticated else None, prefix)


def viewer_q(viewer_id: int | None, prefix: str = "") -> Q:
    """``visible_q`` for the person with this id (None: anonymous)."""
    public = Q(**{f"{prefix}private_to": None})
    if viewer_id is None:
        return public
    return (public | Q(**{f"{prefix}author_id": viewer_id})
            | Q(**{f"{prefix}private_to_id": viewer_id}))


def visible_to(posts: QuerySet[Post], user: AnyUser | None) -> QuerySet[Post]:
    """``posts`` without the private replies that are not this person's."""
    return posts.filter(visible_q(user))


def public_posts(posts: QuerySet[Post]) -> QuerySet[Post]:
    """``posts`` without any private reply: for what no one person reads (feeds, reports,
    other people's pickers)."""
    return posts.filter(private_to=None)


def is_visible_to(post: Post, viewer_id: int | None) -> bool:
    """The same rule as ``visible_q`` for a post at hand (``viewer_id`` None: anonymous)."""
    return post.private_to_id is None or (
        viewer_id is not None and viewer_id in (post.author_id, post.private_to_id))


def valid_path(value: str | None) -> str | None:
    """A ``?after=`` / ``?before=`` value if it looks like a post path, else None."""
    return value if value and len(value) <= 255 and _PATH.match(value) else None


@dataclass
class PostPage:
    """One page of a thread's posts in reply-tree order, and where the next pages start."""

    posts: list[Post]
    newer_after: str | None = None  # ?after= for the next page, if there is one
    earlier_before: str | None = None  # ?before= for the page before, if there is one
    is_first: bool = True
    post_ids: set[int] = field(default_factory=set)

    @property
    def last_post_id(self) -> int:
        return max(self.post_ids, default=0)


def _page_posts(thread: Thread, user: AnyUser | None) -> QuerySet[Post]:
    return (
        visible_to(Post.objects.filter(thread=thread), user)
        .select_related("author", "parent__author", "private_to")
        .defer("parent__body", "parent__body_html", "parent__hidden_reason")
        .prefetch_related("attachments", "tags")
    )


def thread_page(thread: Thread, *, user: AnyUser | None = None, after: str | None = None,
                before: str | None = None, per_page: int = POSTS_PER_PAGE) -> PostPage:
    """A page of the posts ``user`` may see, by keyset on the materialised path: ``after`` a
    path (the next page), ``before`` one (the page before), or the thread's first page.
    Three queries (posts, their attachments, their tags); no OFFSET, so page 100 costs what
    page 1 costs."""
    posts_query = _page_posts(thread, user)
    if before:
        found = list(posts_query.filter(path__lt=before).order_by("-path")[: per_page + 1])
        has_earlier = len(found) > per_page
        posts = list(reversed(found[:per_page]))
        page = PostPage(posts=posts, is_first=not has_earlier,
                        earlier_before=posts[0].path if has_earlier and posts else None,
                        newer_after=posts[-1].path if posts else None)
    else:
        if after:
            posts_query = posts_query.filter(path__gt=after)
        found = list(posts_query.order_by("path")[: per_page + 1])
        posts = found[:per_page]
        page = PostPage(posts=posts, is_first=not after,
                        newer_after=posts[-1].path if len(found) > per_page else None,
                        earlier_before=posts[0].path if after and posts else None)
    page.post_ids = {post.pk for post in page.posts}
    return page


def posts_per_page(user: AnyUser) -> int:
    """A thread page's length for this reader: shorter for a low-bandwidth member."""
    return LOW_BANDWIDTH_POSTS_PER_PAGE if getattr(user, "low_bandwidth", False) else \
        POSTS_PER_PAGE


def permalink_after(post: Post, user: AnyUser | None = None,
                    per_page: int = POSTS_PER_PAGE) -> str | None:
    """Where a thread page of ``per_page`` posts (those ``user`` sees) starts to show
    ``post``: None for the first page, else the path to show it after (a few posts of context
    above it). One query."""
    # The nearest earlier posts, newest first: fewer than a page means the first page.
    earlier = list(
        visible_to(Post.objects.filter(thread_id=post.thread_id, path__lt=post.path), user)
        .order_by("-path").values_list("path", flat=True)[:per_page]
    )
    if len(earlier) < per_page:
        return None
    return earlier[CONTEXT_POSTS]


def leader_roles(topic: Topic, author_ids: set[int]) -> dict[int, str]:
    """The badge each author of a page wears: "facilitator" (of this topic, or by role in the
    community) or "steward". Two queries, whatever the number of authors."""
    if not author_ids:
        return {}
    roles = dict(
        Membership.objects.filter(
            community_id=topic.community_id, user_id__in=author_ids,
            role__in=[Membership.Role.FACILITATOR, Membership.Role.STEWARD],
        ).values_list("user_id", "role")
    )
    for user_id in topic.facilitators.filter(pk__in=author_ids).values_list("pk", flat=True):
        roles[user_id] = Membership.Role.FACILITATOR
    return roles


def previous_read_mark(user: AnyUser, thread: Thread) -> ThreadRead | None:
    """A member's read mark of a thread before this visit (None: never opened), with only
    ``last_read_post_id`` and ``last_read_at`` loaded."""
    if not user.is_authenticated:
        return None
    return (ThreadRead.objects.filter(user=user, thread=thread)
            .only("last_read_post_id", "last_read_at").first())


# Unread posts are counted up to this many in a thread: "99+" says enough, and counting a
# 100,000-post thread no one has opened would cost a list of threads its budget.
UNREAD_SHOWN_UP_TO = 99


class _CountOf(Subquery):
    """COUNT(*) over a (sliced) subquery: the count stops where the slice does."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"


def _with_unread_counts(threads: QuerySet[Thread], user: User) -> QuerySet[Thread]:
    """Annotates ``last_read`` (0: never opened) and ``unread_count``: posts by others, not
    hidden, newer than the member's read mark, counted up to ``UNREAD_SHOWN_UP_TO`` + 1.
    One query with correlated subqueries."""
    read_mark = ThreadRead.objects.filter(thread=OuterRef("pk"), user=user).values(
        "last_read_post_id")[:1]
    newer = (
        Post.objects.filter(visible_q(user), thread=OuterRef("pk"),
                            pk__gt=OuterRef("last_read"), is_hidden=False)
        .exclude(author=user).order_by().values("pk")[:UNREAD_SHOWN_UP_TO + 1]
    )
    return threads.annotate(
        last_read=Coalesce(Subquery(read_mark), Value(0)),
    ).annotate(
        unread_count=_CountOf(newer, output_field=IntegerField()),
    )


def _active_threads(community: Community) -> QuerySet[Thread]:
    # A scheduled topic's questions are waiting, not news. The community is not joined: its
    # rows first would cost the order that the index ``thread_community_activity`` gives,
    # and then every thread's unread count is worked out before the first page is cut.
    return (
        Thread.objects.filter(community=community, last_post_at__isnull=False,
                              topic__starts_at__lte=timezone.now())
        .select_related("topic").order_by("-last_post_at", "-pk")
    )


def in_community(threads: list[Thread], community: Community) -> list[Thread]:
    """Threads of ``community`` read without joining it (``_active_threads``), given it."""
    for thread in threads:
        thread.community = community
    return threads


def threads_with_news(community: Community, user: AnyUser, limit: int = 10) -> list[Thread]:
    """The threads with the latest activity; for a signed-in person each carries
    ``unread_count`` and ``last_read`` (for anyone else, ``unread_count`` is None). One query."""
    threads = _active_threads(community)
    if not user.is_authenticated:
        found = list(threads[:limit])
        for thread in found:
            thread.unread_count = None  # type: ignore[attr-defined]
        return in_community(found, community)
    return in_community(list(_with_unread_counts(threads, user)[:limit]), community)


def unread_threads(community: Community, user: User) -> QuerySet[Thread]:
    """Threads of a community with posts the member has not read, the latest activity first,
    each with ``unread_count``. Paginate it: one query per page (and one to count)."""
    # ``latest_post_id`` leaves private replies out (``counters``): one to this member
    # newer than their mark is news too.
    private_news = Exists(Post.objects.filter(thread=OuterRef("pk"), private_to=user,
                                              pk__gt=OuterRef("last_read")))
    return (
        _with_unread_counts(_active_threads(community), user)
        .filter(Q(latest_post_id__gt=F("last_read")) | private_news,  # type: ignore[misc]
                unread_count__gt=0)
    )


# A topic's threads and posts, as its page and its downloads show them --------------------------

@dataclass(frozen=True)
class TopicThreads:
    questions: list[Thread]
    apply_thread: Thread | None
    announcements: list[Thread]  # newest first
    count: int  # every facilitator's thread, a second apply thread too


FACILITATOR_KINDS = (Thread.Kind.QUESTION, Thread.Kind.APPLY, Thread.Kind.ANNOUNCEMENT)


def facilitator_threads(topic: Topic) -> TopicThreads:
    """The open questions in order, the apply thread and the announcements: one query."""
    return split_facilitator_threads(
        Thread.objects.filter(topic=topic, kind__in=FACILITATOR_KINDS)
        .select_related("created_by", "community").order_by("position", "pk"))


def split_facilitator_threads(threads: Iterable[Thread]) -> TopicThreads:
    """The facilitators' threads among ``threads`` (in position order): the open questions,
    the first apply thread, and the announcements newest first. Others are left out."""
    questions, apply_thread, announcements = [], None, []
    count = 0
    for thread in threads:
        if thread.kind not in FACILITATOR_KINDS:
            continue
        count += 1
        if thread.kind == Thread.Kind.APPLY:
            apply_thread = apply_thread or thread
        elif thread.kind == Thread.Kind.ANNOUNCEMENT:
            announcements.append(thread)
        else:
            questions.append(thread)
    announcements.sort(key=lambda thread: (thread.created_at, thread.pk), reverse=True)
    return TopicThreads(questions=questions, apply_thread=apply_thread,
                        announcements=announcements, count=count)


def apply_thread_of(topic: Topic) -> Thread | None:
    return (Thread.objects.filter(topic=topic, kind=Thread.Kind.APPLY)
            .select_related("community").order_by("pk").first())


def other_threads(topic: Topic) -> QuerySet[Thread]:
    """Members' questions and session plans: pinned first, then the latest activity."""
    return (
        Thread.objects.filter(topic=topic).exclude(kind__in=FACILITATOR_KINDS)
        .select_related("created_by", "community")
        # As ``thread_topic_page_order`` holds them (a thread always has its first post).
        .order_by("-is_pinned", "-last_post_at", "-pk")
    )


# Apply-phase participation -------------------------------------------------------------------

@dataclass(frozen=True)
class ApplyParticipation:
    apply_thread: Thread | None
    posted: Sequence[Membership]  # with apply_posts and last_apply_post_at
    not_yet: QuerySet[Membership]
    member_count: int


def apply_participation(topic: Topic) -> ApplyParticipation:
    """Who among the community's members has posted in the topic's apply thread, with how
    many posts, and who has not yet. A constant number of queries."""
    apply_thread = apply_thread_of(topic)
    members = (
        Membership.objects.filter(community_id=topic.community_id)
        .select_related("user").order_by("user__display_name", "user_id")
    )
    if apply_thread is None:
        return ApplyParticipation(apply_thread=None, posted=[], not_yet=members,
                                  member_count=members.count())
    # Private replies are their two people's: a facilitator's count leaves them out.
    posts = Post.objects.filter(thread=apply_thread, author=OuterRef("user_id"),
                                is_hidden=False, private_to=None).order_by()
    members = members.annotate(
        apply_posts=Coalesce(
            Subquery(posts.values("author").annotate(n=Count("pk")).values("n"),
                     output_field=IntegerField()),
            0,
        ),
        last_apply_post_at=Subquery(posts.values("author").annotate(
            last=Max("created_at")).values("last")),
    )
    posted = list(members.filter(apply_posts__gt=0))
    return ApplyParticipation(
        apply_thread=apply_thread, posted=posted, not_yet=members.filter(apply_posts=0),
        member_count=Membership.objects.filter(community_id=topic.community_id).count(),
    )


# Posts worth linking from a synthesis ------------------------------------------------------------

@dataclass(frozen=True)
class NotablePosts:
    most_reacted: list[Post]
    most_replied: list[Post]


def notable_posts(topic: Topic, limit: int = 8) -> NotablePosts:
    """The topic's visible posts with the most reactions and with the most replies, each with
    ``reaction_total`` and ``reply_total``: two queries."""
    reactions = (Reaction.objects.filter(post=OuterRef("pk")).order_by()
                 .values("post").annotate(n=Count("pk")).values("n"))
    replies = (Post.objects.filter(parent=OuterRef("pk"), private_to=None).order_by()
               .values("parent").annotate(n=Count("pk")).values("n"))
    posts = (
        Post.objects.filter(thread__topic=topic, is_hidden=False, private_to=None)
        .select_related("author", "thread__community")
        .only("id", "body", "created_at", "author__display_name", "author__email",
              "thread__title", "thread__id", "thread__community__slug")
        .annotate(
            reaction_total=Coalesce(Subquery(reactions, output_field=IntegerField()), 0),
            reply_total=Coalesce(Subquery(replies, output_field=IntegerField()), 0),
        )
    )
    return NotablePosts(
        most_reacted=list(posts.filter(reaction_total__gt=0)
                          .order_by("-reaction_total", "-reply_total", "pk")[:limit]),
        most_replied=list(posts.filter(reply_total__gt=0)
                          .order_by("-reply_total", "-reaction_total", "pk")[:limit]),
    )
