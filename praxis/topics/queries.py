"""Reads about topics that views, the community home and reports share.

Every function here answers in a constant number of queries, whatever the number of topics,
threads, posts or members; query shapes are decided here, once.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone

from praxis.accounts.models import AnyUser, User
from praxis.communities.models import Community
from praxis.topics.models import ProposalSupport, Topic, TopicProposal

DECIDED_PROPOSALS_SHOWN = 30


def _facilitators() -> Prefetch:
    return Prefetch(
        "facilitators",
        queryset=User.objects.only("id", "display_name", "email").order_by("display_name"),
    )


def _listed(topics: QuerySet[Topic]) -> QuerySet[Topic]:
    """Topics as lists show them, with facilitators (their thread and post totals are kept
    on the topic)."""
    return topics.select_related("seed_resource", "community").prefetch_related(
        _facilitators())


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


# Proposals -----------------------------------------------------------------------------------

def _with_support(proposals: QuerySet[TopicProposal], user: AnyUser) -> QuerySet[TopicProposal]:
    supported = (
        Exists(ProposalSupport.objects.filter(proposal=OuterRef("pk"), user_id=user.pk))
        if user.is_authenticated else Value(False, output_field=BooleanField())
    )
    return proposals.select_related("proposed_by", "topic", "community").annotate(
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
