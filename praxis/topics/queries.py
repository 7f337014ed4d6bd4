"""Reads about topics that views, the community home and reports share.

Every function here answers in a constant number of queries, whatever the number of topics,
threads, posts or members; query shapes are decided here, once.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.communities.permissions import AnyUser
from praxis.discussions.models import Post, Reaction, Thread
from praxis.topics.models import ProposalSupport, Topic, TopicProposal

DECIDED_PROPOSALS_SHOWN = 30


def _facilitators() -> Prefetch:
    return Prefetch(
        "facilitators",
        queryset=User.objects.only("id", "display_name", "email").order_by("display_name"),
    )


def _listed(topics: QuerySet[Topic]) -> QuerySet[Topic]:
    """Topics as lists show them: facilitators, thread and post totals."""
    return (
        topics.select_related("seed_resource")
        .prefetch_related(_facilitators())
        .annotate(thread_count=Count("threads", distinct=True),
                  post_total=Coalesce(Sum("threads__post_count"), 0))
    )


@dataclass(frozen=True)
class TopicBoard:
    """A community's running topics (open or in the apply phase) and the scheduled ones."""

    running: list[Topic]
    upcoming: list[Topic]

    def __bool__(self) -> bool:
        return bool(self.running or self.upcoming)


def running_and_upcoming_topics(community: Community, *,
                                now: datetime | None = None) -> TopicBoard:
    """Open and apply-phase topics (ending soonest first), then scheduled ones (starting
    soonest first): two queries."""
    now = now or timezone.now()
    topics = list(
        _listed(Topic.objects.filter(community=community, archived_at=None, ends_at__gt=now))
        .order_by("starts_at", "pk")
    )
    running = sorted((t for t in topics if t.starts_at <= now), key=lambda t: t.ends_at)
    upcoming = [t for t in topics if t.starts_at > now]
    return TopicBoard(running=running, upcoming=upcoming)


def archived_topics(community: Community, query: str = "", *,
                    now: datetime | None = None) -> QuerySet[Topic]:
    """Closed and archived topics, newest first, optionally those whose title, summary or
    published synthesis contains ``query``."""
    now = now or timezone.now()
    topics = Topic.objects.filter(community=community).filter(
        Q(ends_at__lte=now) | Q(archived_at__isnull=False)
    )
    query = query.strip()
    if query:
        topics = topics.filter(
            Q(title__icontains=query) | Q(summary__icontains=query)
            # A draft synthesis is the facilitator's until published.
            | Q(synthesis__icontains=query, synthesis_published_at__isnull=False)
        )
    return _listed(topics).order_by("-ends_at", "-pk")


def topic_with_details(topic: Topic) -> Topic:
    """The topic again with its seed article and facilitators, for its page."""
    return (
        Topic.objects.select_related("seed_resource", "community")
        .prefetch_related(_facilitators())
        .get(pk=topic.pk)
    )


@dataclass(frozen=True)
class TopicThreads:
    questions: list[Thread]
    apply_thread: Thread | None
    announcements: list[Thread]  # newest first


FACILITATOR_KINDS = (Thread.Kind.QUESTION, Thread.Kind.APPLY, Thread.Kind.ANNOUNCEMENT)


def facilitator_threads(topic: Topic) -> TopicThreads:
    """The open questions in order, the apply thread and the announcements: one query."""
    return split_facilitator_threads(
        Thread.objects.filter(topic=topic, kind__in=FACILITATOR_KINDS)
        .select_related("created_by").order_by("position", "pk"))


def split_facilitator_threads(threads: Iterable[Thread]) -> TopicThreads:
    """The facilitators' threads among ``threads`` (in position order): the open questions,
    the first apply thread, and the announcements newest first. Others are left out."""
    questions, apply_thread, announcements = [], None, []
    for thread in threads:
        if thread.kind not in FACILITATOR_KINDS:
            continue
        if thread.kind == Thread.Kind.APPLY:
            apply_thread = apply_thread or thread
        elif thread.kind == Thread.Kind.ANNOUNCEMENT:
            announcements.append(thread)
        else:
            questions.append(thread)
    announcements.sort(key=lambda thread: (thread.created_at, thread.pk), reverse=True)
    return TopicThreads(questions=questions, apply_thread=apply_thread,
                        announcements=announcements)


def apply_thread_of(topic: Topic) -> Thread | None:
    return Thread.objects.filter(topic=topic, kind=Thread.Kind.APPLY).order_by("pk").first()


def other_threads(topic: Topic) -> QuerySet[Thread]:
    """Members' questions and session plans: pinned first, then the latest activity."""
    return (
        Thread.objects.filter(topic=topic).exclude(kind__in=FACILITATOR_KINDS)
        .select_related("created_by")
        .order_by("-is_pinned", F("last_post_at").desc(nulls_last=True), "-pk")
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
    posts = Post.objects.filter(thread=apply_thread, author=OuterRef("user_id"),
                                is_hidden=False).order_by()
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
    replies = (Post.objects.filter(parent=OuterRef("pk")).order_by()
               .values("parent").annotate(n=Count("pk")).values("n"))
    posts = (
        Post.objects.filter(thread__topic=topic, is_hidden=False)
        .select_related("author", "thread")
        .only("id", "body", "created_at", "author__display_name", "author__email",
              "thread__title", "thread__id")
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


# Proposals -----------------------------------------------------------------------------------

def _with_support(proposals: QuerySet[TopicProposal], user: AnyUser) -> QuerySet[TopicProposal]:
    supported = (
        Exists(ProposalSupport.objects.filter(proposal=OuterRef("pk"), user_id=user.pk))
        if user.is_authenticated else Value(False, output_field=BooleanField())
    )
    return proposals.select_related("proposed_by", "topic").annotate(
        support_count=Count("supports", distinct=True), supported_by_me=supported,
    )


@dataclass(frozen=True)
class ProposalBoard:
    pending: list[TopicProposal]
    decided: list[TopicProposal]


def proposals_board(community: Community, user: AnyUser) -> ProposalBoard:
    """Pending proposals by support (most first), and the latest decided ones."""
    proposals = _with_support(TopicProposal.objects.filter(community=community), user)
    return ProposalBoard(
        pending=list(proposals.filter(status=TopicProposal.Status.PENDING)
                     .order_by("-support_count", "-created_at", "-pk")),
        decided=list(proposals.exclude(status=TopicProposal.Status.PENDING)
                     .order_by("-decided_at", "-pk")[:DECIDED_PROPOSALS_SHOWN]),
    )


def proposal_of(community: Community, proposal_id: int, user: AnyUser) -> TopicProposal | None:
    return _with_support(TopicProposal.objects.filter(community=community, pk=proposal_id),
                         user).first()


def supporters_of(proposal: TopicProposal) -> QuerySet[User]:
    return User.objects.filter(
        pk__in=ProposalSupport.objects.filter(proposal=proposal).values("user_id")
    ).only("id", "display_name", "email").order_by("display_name")
