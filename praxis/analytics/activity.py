"""The community's activity over a window, for the charts beside the engagement table:
posts, readers and active members per week; participation per topic; the reply network.
Each a fixed number of grouped queries, as ``engagement``; weeks start on Monday (UTC)."""

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Count, F, QuerySet, Sum, Value
from django.utils import timezone

from praxis.analytics import months
from praxis.analytics.engagement import (
    Scope,
    UTCMonday,
    _posts,
    _visit_days,
    as_date,
    display_name,
    memberships,
    reply_pairs,
    settled_months,
    union_sql,
)
from praxis.communities.models import Community
from praxis.discussions.models import Post, ThreadVisitDay
from praxis.topics.models import Topic


def scope_posts(scope: Scope) -> QuerySet[Post]:
    """The scope's posts (see ``engagement``): in the whole community, whoever wrote them
    (also those who have left since: the charts show the discussions as they were);
    narrowed to a cohort, a tier or one member, theirs. Asking for current members only
    would make the database walk every member's posts (minutes over a million posts)."""
    return _posts(scope)


def scope_visits(scope: Scope) -> QuerySet[ThreadVisitDay]:
    return _visit_days(scope)


@dataclass(frozen=True)
class Week:
    monday: date
    posts: int = 0
    readers: int = 0  # members who opened a discussion that week
    active: int = 0  # members who posted or opened a discussion that week


def weekly_activity(scope: Scope) -> list[Week]:
    """Every week touching the window, in order, weeks without activity included.
    Whoever wrote or read counts (see ``scope_posts``). Over the whole community, whole
    weeks that are over are read from their kept figures (``months``, settled now if they
    are not yet or no longer); the rest is counted from the rows (``_weeks_from_rows``)."""
    mondays = months.whole_weeks(scope.start, scope.end)
    if mondays and not (scope.narrows_people or scope.topic_id is not None):
        found = {week.monday: week for week in _settled_weeks(scope.community, mondays)}
        if scope.start < mondays[0]:
            found.update(_weeks_from_rows(replace(
                scope, end=mondays[0] - timedelta(days=1))))
        after = mondays[-1] + timedelta(days=7)
        if after <= scope.end:
            found.update(_weeks_from_rows(replace(scope, start=after)))
    else:
        found = _weeks_from_rows(scope)
    weeks = []
    monday = scope.start - timedelta(days=scope.start.weekday())
    while monday <= scope.end:
        weeks.append(found.get(monday) or Week(monday))
        monday += timedelta(days=7)
    return weeks


def settle_weeks(community: Community, mondays: Iterable[date]) -> list[Week]:
    """Counts whole weeks that are over from the rows and keeps them: each run of
    consecutive weeks in one pass."""
    read_from = timezone.now()
    weeks: list[Week] = []
    for run in months.runs(mondays, lambda monday: monday + timedelta(days=7)):
        counted = _weeks_from_rows(Scope(community=community, start=run[0],
                                         end=run[-1] + timedelta(days=6)))
        weeks += [counted.get(monday) or Week(monday) for monday in run]
    months.store_weeks(community, read_from, weeks)
    return weeks


def _settled_weeks(community: Community, mondays: list[date]) -> list[Week]:
    kept = [Week(monday=monday, posts=posts, readers=readers, active=active)
            for monday, posts, readers, active in months.valid_weeks(community, mondays)
            .values_list("monday", "posts", "readers", "active")]
    missing = set(mondays) - {week.monday for week in kept}
    return kept + (settle_weeks(community, missing) if missing else [])


def _weeks_from_rows(scope: Scope) -> dict[date, Week]:
    """The window's weeks counted from the rows (three grouped queries: posts, readers,
    and the UNION of writers and readers for the active); edge weeks count the window's
    days only."""
    posts = {as_date(row["week"]): row["n"] for row in (
        scope_posts(scope).annotate(week=UTCMonday("created_at")).values("week")
        .annotate(n=Count("*")))}
    readers = {as_date(row["week"]): row["n"] for row in (
        scope_visits(scope).annotate(week=UTCMonday("day", is_day=True)).values("week")
        .annotate(n=Count("user_id", distinct=True)))}
    union = (scope_posts(scope).annotate(week=UTCMonday("created_at"), who=F("author_id"))
             .values_list("week", "who")
             .union(scope_visits(scope).annotate(week=UTCMonday("day", is_day=True))
                    .values_list("week", "user_id"), all=True))
    sql, params = union.query.sql_with_params()
    with connection.cursor() as cursor:
        # UNION ALL and distinct people per week: see ``engagement._active_days``.
        cursor.execute(f"SELECT week, COUNT(DISTINCT who) FROM ({sql}) AS pairs "  # noqa: S608 (compiled by Django)
                       "GROUP BY week", params)
        active = {as_date(week): count for week, count in cursor.fetchall()}
    return {monday: Week(monday=monday, posts=posts.get(monday, 0),
                         readers=readers.get(monday, 0), active=active.get(monday, 0))
            for monday in posts.keys() | readers.keys() | active.keys()}


def readers(scope: Scope) -> int:
    """How many people opened a discussion in the window (each once), whoever they are (see
    ``scope_posts``): over the whole community, whole months that are over from their kept
    figures, the days around them from the rows."""
    cut = months.split(scope.start, scope.end)
    if not cut.months or scope.narrows_people or scope.topic_id is not None:
        return scope_visits(scope).values("user_id").distinct().count()
    parts: list[QuerySet[Any]] = [
        months.member_rows(settled_months(scope.community, cut.months))
        .filter(thread_reads__gt=0).values_list("user_id")]
    parts += [scope_visits(replace(scope, start=start, end=end)).values_list("user_id")
              for start, end in cut.raw]
    sql, params = union_sql(parts)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(DISTINCT user_id) FROM ({sql}) AS people", params)  # noqa: S608 (compiled by Django)
        return int(cursor.fetchone()[0])


@dataclass(frozen=True)
class TopicParticipation:
    topic_id: int
    title: str
    slug: str
    posts: int
    posters: int  # distinct members who posted in it in the window
    readers: int  # distinct members who opened one of its discussions in the window


def topic_participation(scope: Scope) -> list[TopicParticipation]:
    """The topics with posts or readers in the window, most posts first (then posters,
    readers, title). Whoever wrote or read counts (see ``scope_posts``). Over the whole
    community, whole months that are over are read from their kept (person, topic) figures
    (``months``); the rest from the rows."""
    cut = months.split(scope.start, scope.end)
    if cut.months and not (scope.narrows_people or scope.topic_id is not None):
        counted = _topics_settled(scope, cut)
    else:
        counted = _topics_from_rows(scope)
    topics = Topic.objects.filter(pk__in=list(counted)).only("id", "title", "slug")
    found = [TopicParticipation(topic_id=topic.pk, title=topic.title, slug=topic.slug,
                                posts=counted[topic.pk][0], posters=counted[topic.pk][1],
                                readers=counted[topic.pk][2]) for topic in topics]
    return sorted(found, key=lambda row: (-row.posts, -row.posters, -row.readers,
                                          row.title.casefold(), row.topic_id))


def _topics_from_rows(scope: Scope) -> dict[int, tuple[int, int, int]]:
    """(posts, posters, readers) by topic, from the rows."""
    written = {row["topic"]: row for row in (
        scope_posts(scope).values(topic=F("thread__topic_id"))
        .annotate(n=Count("*"), people=Count("author_id", distinct=True)))}
    read = {row["topic"]: row["people"] for row in (
        scope_visits(scope).values(topic=F("thread__topic_id"))
        .annotate(people=Count("user_id", distinct=True)))}
    return {topic: (written[topic]["n"] if topic in written else 0,
                    written[topic]["people"] if topic in written else 0, read.get(topic, 0))
            for topic in (written.keys() | read.keys()) - {None}}


def _topics_settled(scope: Scope, cut: months.Split) -> dict[int, tuple[int, int, int]]:
    """(posts, posters, readers) by topic: the kept (person, topic) figures of the whole
    months and those of the days around them, each person counted once per topic."""

    parts: list[QuerySet[Any]] = [months.topic_rows(settled_months(scope.community, cut.months))
                                  .values_list("user_id", "topic_id", "posts", "visits")]
    for start, end in cut.raw:
        part = replace(scope, start=start, end=end)
        parts.append(scope_posts(part).values(who=F("author_id"), topic=F("thread__topic_id"))
                     .annotate(posts=Count("*"), visits=Value(0))
                     .values_list("who", "topic", "posts", "visits"))
        parts.append(scope_visits(part).values(who=F("user_id"), topic=F("thread__topic_id"))
                     .annotate(posts=Value(0), visits=Sum("visits"))
                     .values_list("who", "topic", "posts", "visits"))
    sql, params = union_sql(parts)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT topic_id, CAST(SUM(posts) AS INTEGER), "  # noqa: S608 (compiled by Django)
            "COUNT(DISTINCT CASE WHEN posts > 0 THEN user_id END), "
            "COUNT(DISTINCT CASE WHEN visits > 0 THEN user_id END) "
            f"FROM ({sql}) AS pairs WHERE topic_id IS NOT NULL GROUP BY topic_id", params)
        return {topic: (posts, posters, readers)
                for topic, posts, posters, readers in cursor.fetchall()}


@dataclass(frozen=True)
class Node:
    user_id: int
    name: str
    role: str
    replies_sent: int  # replies to others written in the window
    replies_received: int
    out_degree: int  # distinct people replied to
    in_degree: int  # distinct people who replied to them
    cluster: int  # index of the connected group of repliers they belong to, 0 = largest
    # Distinct people they replied to or who replied to them, either way counted once
    # (what the chart ranks and sizes by: no need to walk every edge again).
    degree: int = 0


class Edge(NamedTuple):
    """A plain tuple (source, target, replies): a large community's year has hundreds of
    thousands of pairs, and a tuple is made in C where a dataclass runs Python per edge."""

    source: int  # user id of the one replying
    target: int  # user id of the one replied to
    replies: int


@dataclass(frozen=True)
class ReplyNetwork:
    nodes: list[Node]  # members who sent or received a reply in the window
    edges: list[Edge]
    members: int  # members in the scope
    isolated: int  # members in the scope who neither sent nor received a reply
    reciprocity: float | None  # share of connected pairs that replied both ways
    clusters: list[int]  # sizes of the connected groups (undirected), largest first


def reply_network(scope: Scope) -> ReplyNetwork:
    """Who replies to whom (a reply to one's own post is no edge), among the scope's
    members. Two queries: the members, and the replies grouped by who and whom (the
    pairs). Everything else is counted over the pairs as plain tuples, a few passes in C
    (grouping, sorting, set operations) rather than Python steps per pair: a large
    community's years have hundreds of thousands of pairs (``bench/engagement.py``)."""
    members = {user_id: (display_name(name, email, erased is not None), role)
               for user_id, role, name, email, erased in memberships(scope).order_by()
               .values_list("user_id", "role", "user__display_name", "user__email",
                            "user__erased_at")}
    # Oneself is no edge (``replies_to_others``).
    cut = months.split(scope.start, scope.end)
    if cut.months and scope.topic_id is None:
        # Whole months that are over from their kept pairs, summed with the days around.
        parts: list[QuerySet[Any]] = [
            months.reply_rows(settled_months(scope.community, cut.months))
            .values_list("source_id", "target_id", "replies")]
        parts += [reply_pairs(replace(scope, start=start, end=end))
                  for start, end in cut.raw]
        inner, params = union_sql(parts)
        sql = ("SELECT source_id, target_id, CAST(SUM(replies) AS INTEGER) "  # noqa: S608 (compiled by Django)
               f"FROM ({inner}) AS pairs "
               "GROUP BY source_id, target_id ORDER BY source_id, target_id")
    else:
        sql, params = reply_pairs(scope).order_by("who", "to").query.sql_with_params()
    # Plain integers, read without the ORM's per-value converters.
    with connection.cursor() as cursor, _without_cycle_collection():
        cursor.execute(sql, params)
        edges = list(map(Edge._make, [row for row in cursor.fetchall()
                                      if row[0] in members and row[1] in members]))
        # Per person, from the pairs by who (as the query sorted them) and by whom: the
        # people replied to and the replies sent, those who replied and the replies
        # received.
        replied_to, sent = _per_person(edges, SOURCE, TARGET)
        replied_by, received = _per_person(sorted(edges, key=TARGET), TARGET, SOURCE)
        # Pairs of people with a reply either way; of them, those with replies both ways
        # (each seen from both ends).
        both = sum(len(people & replied_by.get(person, set()))
                   for person, people in replied_to.items()) // 2
        connected = len(edges) - both
        neighbours = {person: replied_to.get(person, set()) | replied_by.get(person, set())
                      for person in replied_to.keys() | replied_by.keys()}
        ordered = _clusters(neighbours)
        cluster_of = {user_id: index for index, group in enumerate(ordered)
                      for user_id in group}
        nodes = [Node(user_id=user_id, name=members[user_id][0], role=members[user_id][1],
                      replies_sent=sent.get(user_id, 0),
                      replies_received=received.get(user_id, 0),
                      out_degree=len(replied_to.get(user_id, ())),
                      in_degree=len(replied_by.get(user_id, ())), cluster=cluster_of[user_id],
                      degree=len(neighbours[user_id]))
                 for user_id in sorted(cluster_of, key=lambda user_id: (
                     cluster_of[user_id], members[user_id][0].casefold(), user_id))]
    return ReplyNetwork(nodes=nodes, edges=edges, members=len(members),
                        isolated=len(members) - len(cluster_of),
                        reciprocity=both / connected if connected else None,
                        clusters=[len(group) for group in ordered])


SOURCE, TARGET, REPLIES = itemgetter(0), itemgetter(1), itemgetter(2)


def _per_person(edges: Iterable[Edge], person: Callable[[Edge], int],
                other: Callable[[Edge], int]) -> tuple[dict[int, set[int]], dict[int, int]]:
    """For pairs sorted by ``person``: each person's others (a set) and replies (a sum)."""
    others: dict[int, set[int]] = {}
    replies: dict[int, int] = {}
    for key, group in groupby(edges, person):
        pairs = list(group)
        others[key] = set(map(other, pairs))
        replies[key] = sum(map(REPLIES, pairs))
    return others, replies


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while the network's hundreds of thousands of
    tuples are made (none of them cyclic): otherwise it walks every object again and
    again as they pile up, tripling the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _clusters(neighbours: dict[int, set[int]]) -> list[list[int]]:
    """The connected groups (replies either way) of the people in the network, largest
    first; equal sizes by their smallest member id, so the order is stable. A breadth-first
    walk merging whole sets of neighbours at a time (set operations in C, not a Python step
    per pair)."""
    unseen = set(neighbours)
    groups = []
    for user_id in neighbours:
        if user_id not in unseen:
            continue
        group = {user_id}
        frontier = {user_id}
        while frontier:
            reached = set().union(*(neighbours[person] for person in frontier))
            frontier = reached - group
            group |= frontier
        unseen -= group
        groups.append(sorted(group))
    return sorted(groups, key=lambda group: (-len(group), group[0]))
