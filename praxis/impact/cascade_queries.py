"""Reading the cascade: the events of a community, and its tree (consultants, master
trainers, trainers, teachers) with the reach at each level and how far each topic travelled.

Every number comes from a constant number of aggregate queries, whatever the size of the
community: no loop over members or events touches the database.

A filter by cohort keeps the cohort's members: their places in the tree, their events and
their stories. A date window keeps events held in it and stories of sessions held in it (a
story without a session date, by the day it was told).
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from praxis.communities.models import Cohort, Community, Membership
from praxis.impact.models import CascadeEvent, ValueStory
from praxis.topics.models import Topic

Tier = Membership.Tier
Audience = CascadeEvent.Audience
NO_TIER = ""  # members whose tier is not given, and former members
TIERS = [Tier.CONSULTANT, Tier.MASTER_TRAINER, Tier.TRAINER, Tier.TEACHER]
# A level reaches the next one down: master trainers are trained by consultants, trainers by
# master trainers, teachers by trainers. Colleagues stay within a level.
EDGES = [(Tier.CONSULTANT, Tier.MASTER_TRAINER, Audience.TRAINERS),
         (Tier.MASTER_TRAINER, Tier.TRAINER, Audience.TRAINERS),
         (Tier.TRAINER, Tier.TEACHER, Audience.TEACHERS)]

# The table's column headings, in the order of ``Audience``.
REACHED: dict[str, object] = {Audience.TEACHERS: _("Teachers reached"),
                              Audience.TRAINERS: _("Trainers reached"),
                              Audience.COLLEAGUES: _("Colleagues reached")}


@dataclass(frozen=True)
class Window:
    """What the tree is filtered by."""

    since: datetime.date | None = None
    until: datetime.date | None = None
    cohort: Cohort | None = None


@dataclass
class Reach:
    events: int = 0
    people: int = 0


@dataclass
class Level:
    tier: str
    label: str
    members: int = 0
    active: int = 0  # members who recorded events
    events: int = 0
    people: int = 0
    cohorts: int = 0  # cohorts formed by its events
    by_audience: dict[str, Reach] = field(default_factory=dict)

    def audience_cells(self) -> list[dict[str, object]]:
        """People reached in each audience, in the order of ``Audience``."""
        cells: list[dict[str, object]] = []
        for value in Audience.values:
            reach = self.by_audience.get(value, Reach())
            cells.append({"value": value, "label": REACHED[value], "events": reach.events,
                          "people": reach.people})
        return cells


@dataclass
class Edge:
    upper: Level
    lower: Level
    events: int
    people: int


@dataclass
class TopicTravel:
    topic: Topic
    applied: int  # members who told an applied-value story drawing on it
    events: int
    people: int


@dataclass
class Tree:
    levels: list[Level]
    edges: list[Edge]
    topics: list[TopicTravel]
    events: int
    people: int
    cohorts: int


def community_events(community: Community, *, trainer_id: int | None = None,
                     ) -> QuerySet[CascadeEvent]:
    """A community's events, newest first (one member's with ``trainer_id``)."""
    events = CascadeEvent.objects.filter(community=community)
    if trainer_id is not None:
        events = events.filter(trainer_id=trainer_id)
    return events.select_related("trainer", "cohort").order_by("-held_on", "-pk")


def with_topics(events: list[CascadeEvent]) -> list[CascadeEvent]:
    """Prefetches a page of events' topics: one query."""
    prefetch_related_objects(events, "topics")
    return events


def _events(community: Community, window: Window) -> QuerySet[CascadeEvent]:
    events = CascadeEvent.objects.filter(community=community)
    if window.since:
        events = events.filter(held_on__gte=window.since)
    if window.until:
        events = events.filter(held_on__lte=window.until)
    if window.cohort is not None:
        events = events.filter(trainer__in=Membership.objects.filter(
            cohorts=window.cohort).values("user_id"))
    return events


def _tiered(events: QuerySet[CascadeEvent], community: Community) -> Any:
    """The events with their trainer's tier (a subquery: the same one query)."""
    tier = Membership.objects.filter(community=community, user=OuterRef("trainer_id"))
    return events.annotate(tier=Subquery(tier.values("tier")[:1]))


def _applied_by_topic(community: Community, window: Window) -> dict[int, int]:
    through = ValueStory.source_topics.through
    rows = through.objects.filter(valuestory__community=community,
                                  valuestory__status=ValueStory.Status.TOLD,
                                  valuestory__author__isnull=False,
                                  topic__community=community).exclude(
        valuestory__applied__regex=r"^\s*$")
    # A story's date is its session's, else the day it was told.
    if window.since:
        rows = rows.filter(Q(valuestory__session_date__gte=window.since)
                           | Q(valuestory__session_date__isnull=True,
                               valuestory__told_at__date__gte=window.since))
    if window.until:
        rows = rows.filter(Q(valuestory__session_date__lte=window.until)
                           | Q(valuestory__session_date__isnull=True,
                               valuestory__told_at__date__lte=window.until))
    if window.cohort is not None:
        rows = rows.filter(valuestory__author__in=Membership.objects.filter(
            cohorts=window.cohort).values("user_id"))
    return {row["topic_id"]: row["n"] for row in rows.values("topic_id").annotate(
        n=Count("valuestory__author_id", distinct=True))}


def cascade_tree(community: Community, window: Window = Window()) -> Tree:
    """The tree: seven aggregate queries."""
    labels = dict(Tier.choices)
    levels: dict[str, Level] = {str(tier): Level(tier=str(tier), label=str(labels[tier]))
                                for tier in TIERS}
    unplaced = Level(tier=NO_TIER, label=str(_("Tier not given")))

    def level(tier: str | None) -> Level:
        return levels.get(tier or NO_TIER, unplaced)

    members = Membership.objects.filter(community=community)
    if window.cohort is not None:
        members = members.filter(cohorts=window.cohort)
    for row in members.values("tier").annotate(n=Count("pk")).order_by():
        level(row["tier"]).members += row["n"]

    events = _tiered(_events(community, window), community)
    for row in (events.values("tier", "audience")
                .annotate(n=Count("pk"), people=Sum("people")).order_by()):
        found = level(row["tier"])
        reach = found.by_audience.setdefault(row["audience"], Reach())
        reach.events += row["n"]
        reach.people += row["people"] or 0
        found.events += row["n"]
        found.people += row["people"] or 0
    for row in (events.values("tier").annotate(
            active=Count("trainer", distinct=True),
            cohorts=Count("cohort", distinct=True)).order_by()):
        found = level(row["tier"])
        found.active += row["active"]
        found.cohorts += row["cohorts"]
    totals = _events(community, window).aggregate(
        n=Count("pk"), people=Sum("people"), cohorts=Count("cohort", distinct=True))

    edges = []
    for upper, lower, audience in EDGES:
        reach = levels[upper].by_audience.get(audience, Reach())
        edges.append(Edge(upper=levels[upper], lower=levels[lower], events=reach.events,
                          people=reach.people))

    through = CascadeEvent.topics.through
    used = {row["topic_id"]: row for row in (
        through.objects.filter(cascadeevent__in=_events(community, window))
        .values("topic_id").annotate(n=Count("cascadeevent_id"),
                                     people=Sum("cascadeevent__people")).order_by())}
    applied = _applied_by_topic(community, window)
    travels = []
    for topic in Topic.objects.filter(community=community).order_by("-starts_at", "pk"):
        row = used.get(topic.pk, {})
        topic.community = community
        travels.append(TopicTravel(topic=topic, applied=applied.get(topic.pk, 0),
                                   events=row.get("n", 0), people=row.get("people") or 0))
    travels.sort(key=lambda t: (-t.people, -t.events, -t.applied))

    shown = [levels[tier] for tier in TIERS]
    if unplaced.members or unplaced.events:
        shown.append(unplaced)
    return Tree(levels=shown, edges=edges, topics=travels, events=totals["n"],
                people=totals["people"] or 0, cohorts=totals["cohorts"])
