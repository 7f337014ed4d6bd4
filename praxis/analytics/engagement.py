"""Engagement per member over a window: the table stewards and facilitators read, the
command prints, the exports carry and the certificates' criteria are measured with.

Every figure is computed from the other apps' rows when asked, a fixed number of grouped
queries whatever the size of the community (never one query per member, never an aggregate
over every thread of a topic: see ``bench/engagement.py``). What each column counts:

- posts: the member's posts in the community's discussions written in the window, hidden
  ones left out; private replies count (they are the member's contribution);
- replies to others: those of the posts answering someone else's post, or someone else's
  thread (an answer to the opening post is a top-level post: see ``ANSWERS_SOMEONE_ELSE``);
- threads started: the discussions the member opened in the window;
- words: the words of those posts (``Post.word_count``);
- topics: the topics the member posted in, in the window;
- thread reads / resource reads: discussions opened (visits, ``ThreadVisitDay``) and
  resources opened (``ResourceRead``, one a day) in the window;
- feedback given: feedback written on the community's session plans in the window;
- stories: value-creation stories told in the window (drafts never count);
- cascade events: training events the member recorded as held in the window;
- active days: the distinct days (UTC) with any of the above;
- first and last activity: the first and last moment of any of the above in the window.

Filters narrow the rows and the counts alike: a cohort or a tier keeps its members; a topic
keeps the posts, reads, stories and events belonging to it (see ``Scope``): the posts and
visits of its discussions, the stories citing it, the events drawing on it, the feedback on
the session plans it inspired and the reads of its seed resource (the one resource a topic
names as its own). Days and the window are UTC days, whoever reads the table, so the page,
the exports and the command agree; a moment known only as a day (a visit, a resource read,
a cascade event) counts from the start of that day for the first and last activity.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from praxis.analytics import months
from praxis.analytics.models import SettledMonth
from praxis.communities.models import Community, Membership
from praxis.discussions.models import Post, Thread, ThreadVisitDay
from praxis.impact.dashboard import Filters, cascade_events, told_stories
from praxis.library.models import ResourceRead
from praxis.practice.models import Feedback, SessionPlan
from praxis.topics.models import Topic


class UTCDay(Func):
    """The UTC day of a moment, computed by the database itself (Django's ``TruncDate``
    calls a Python function per row on SQLite: far too slow over a million posts). SQLite
    keeps moments as UTC text, ``YYYY-MM-DD HH:MM:SS``; PostgreSQL converts."""

    output_field = DateField()
    template = "CAST(%(expressions)s AS DATE)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 10)",
                           **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection,
                           template="((%(expressions)s) AT TIME ZONE 'UTC')::date", **extra)


class UTCMonday(Func):
    """The Monday (UTC) of the week of a moment, or of a day (``is_day``), in the database."""

    output_field = DateField()

    def __init__(self, expression: Any, *, is_day: bool = False) -> None:
        super().__init__(expression)
        self.is_day = is_day

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # 'weekday 0' moves forward to the Sunday (a Sunday stays), six days back is Monday.
        return self.as_sql(compiler, connection, template=(
            "date(substr(%(expressions)s, 1, 10), 'weekday 0', '-6 days')"), **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        moment = "(%(expressions)s)::timestamp" if self.is_day \
            else "((%(expressions)s) AT TIME ZONE 'UTC')"
        return self.as_sql(compiler, connection,
                           template=f"date_trunc('week', {moment})::date", **extra)


class UTCMonth(Func):
    """The first day of the (UTC) month of a moment, or of a day (``is_day``)."""

    output_field = DateField()

    def __init__(self, expression: Any, *, is_day: bool = False) -> None:
        super().__init__(expression)
        self.is_day = is_day

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection,
                           template="substr(%(expressions)s, 1, 7) || '-01'", **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        moment = "(%(expressions)s)::timestamp" if self.is_day \
            else "((%(expressions)s) AT TIME ZONE 'UTC')"
        return self.as_sql(compiler, connection,
                           template=f"date_trunc('month', {moment})::date", **extra)


# A post answers the author of the post it replies to; a top-level post other than the
# opener answers the thread (the site does not indent an answer to the opening post), that
# is the one who opened it (``Thread.created_by``, the opener's author). Answering oneself
# (one's own post, one's own thread) is not a reply to others.
ANSWERS_SOMEONE_ELSE = (Q(parent__isnull=False) & ~Q(parent__author_id=F("author_id"))) | (
    Q(parent__isnull=True) & ~Q(thread__created_by_id=F("author_id")))


def by_person(column: str) -> Any:
    """A person's id to group posts by, as an expression (``author_id + 0``): grouped by the
    bare column, SQLite walks the (author, created_at) index to have the groups in order and
    reads every post's row (its text: gigabytes over a million posts) instead of the window's
    entries of the covering ``post_engagement`` index (discussions migration 0016)."""
    return ExpressionWrapper(F(column) + 0, output_field=IntegerField())


def midnight(day: date) -> datetime:
    """A day known only as a day counts from its start (UTC) as a moment."""
    return datetime.combine(day, time.min, tzinfo=UTC)


@dataclass(frozen=True)
class Scope:
    """A window (both days included) over one community, narrowed or not."""

    community: Community
    start: date
    end: date
    topic_id: int | None = None
    cohort_id: int | None = None
    tier: str = ""
    user_id: int | None = None  # one member's own row ("mine")

    @property
    def since(self) -> datetime:
        """The window's first moment: days are UTC days, whoever reads the table."""
        return midnight(self.start)

    @property
    def until(self) -> datetime:
        """The first moment after the window."""
        return midnight(self.end + timedelta(days=1))

    @property
    def narrows_people(self) -> bool:
        return self.cohort_id is not None or bool(self.tier) or self.user_id is not None

    def filters(self) -> Filters:
        """The impact dashboard's filters for the same scope (its stories and events)."""
        return Filters(start=self.start, end=self.end, cohort_id=self.cohort_id,
                       tier=self.tier, topic_id=self.topic_id, author_id=self.user_id, tz=UTC)


@dataclass
class MemberEngagement:
    """One member's row of the table."""

    user_id: int
    name: str
    role: str  # Membership.Role value
    tier: str  # Membership.Tier value or ""
    posts: int = 0
    replies_to_others: int = 0
    threads_started: int = 0
    words: int = 0
    topics: int = 0
    active_days: int = 0
    thread_reads: int = 0
    resource_reads: int = 0
    feedback_given: int = 0
    stories: int = 0
    cascade_events: int = 0
    first_activity: datetime | None = None
    last_activity: datetime | None = None

    @property
    def group(self) -> str:
        """contributor, occasional, lurker or inactive (see ``GROUPS``)."""
        return group_of(self)


# The columns in order, as the table, the exports and the command name them.
COLUMNS = ["name", "role", "tier", "posts", "replies_to_others", "threads_started", "words",
           "topics", "active_days", "thread_reads", "resource_reads", "feedback_given",
           "stories", "cascade_events", "first_activity", "last_activity"]
# What each column counts, for the exports' "about" and the table's help.
DEFINITIONS = {
    "name": _("The member's name as the member directory shows it."),
    "role": _("Steward, facilitator or member (steward, facilitator, member)."),
    "tier": _("The member's tier in the training cascade, if any."),
    "posts": _("Posts written in the community's discussions in the window; hidden posts "
               "are left out, private replies count."),
    "replies_to_others": _("Of those posts, the ones answering someone else's post or "
                           "someone else's discussion."),
    "threads_started": _("Discussions the member opened in the window."),
    "words": _("Words in those posts."),
    "topics": _("Topics the member posted in, in the window."),
    "active_days": _("Distinct days (UTC) with any of the activity counted here."),
    "thread_reads": _("Visits to discussions in the window (pages read within half an hour "
                      "count once)."),
    "resource_reads": _("Library resources opened in the window, one a day."),
    "feedback_given": _("Feedback written on the community's session plans in the window."),
    "stories": _("Value-creation stories told in the window (drafts never count)."),
    "cascade_events": _("Training events the member recorded as held in the window."),
    "first_activity": _("The first moment (UTC) of any of the above in the window; days "
                        "known only as a day count from their start."),
    "last_activity": _("The last moment (UTC) of any of the above in the window."),
}
# Columns the table may be sorted by.
SORTABLE = [column for column in COLUMNS if column not in ("role", "tier")]

CONTRIBUTOR_POSTS = 4  # posts in the window that make a member a contributor
GROUPS = ["contributor", "occasional", "lurker", "inactive"]


def group_of(row: MemberEngagement) -> str:
    """A contributor posted at least CONTRIBUTOR_POSTS times in the window; an occasional
    poster posted less; a member who posted nothing but read, opened a resource, gave
    feedback, told a story or recorded an event is a reader who never posts (a lurker); an
    inactive member did nothing the table counts."""
    if row.posts >= CONTRIBUTOR_POSTS:
        return "contributor"
    if row.posts > 0:
        return "occasional"
    if (row.thread_reads or row.resource_reads or row.feedback_given or row.stories
            or row.cascade_events):
        return "lurker"
    return "inactive"


def engagement_table(scope: Scope, *, use_settled: bool = True) -> list[MemberEngagement]:
    """Every current member in the scope (every member of the community, or those of the
    cohort or tier, or the one member), with their figures; sorted by name.

    Whole months of the window that are over are read from their settled figures
    (``months``), settled now if they are not yet or no longer; the days around them, and a
    window narrowed to a topic, from the activity rows (all of it from the rows when not
    ``use_settled``: the benchmark's comparison)."""
    rows = {row.user_id: row for row in _members(scope)}
    if not rows:
        return []
    cut = months.split(scope.start, scope.end)
    if scope.topic_id is not None or not cut.months or not use_settled:
        _measure(scope, rows, with_topics=True)
    else:
        for start, end in cut.raw:
            _measure(replace(scope, start=start, end=end), rows, with_topics=False)
        settled = settled_months(scope.community, cut.months)
        people = _people_ids(scope)
        for found in plain_rows(months.figures(settled, people)):
            row = rows.get(found["user_id"])
            if row is not None:
                _add(row, found, {column: column for column in months.SUMMED})
        _count_topics(rows, [replace(scope, start=start, end=end) for start, end in cut.raw],
                      months.topic_pairs(settled, people))
    return sorted(rows.values(), key=_name_key)


def settle(community: Community, wanted: Iterable[date]) -> list[int]:
    """Reads the figures of months that are over from the rows, for everyone active in
    them, and keeps them: each run of consecutive months in one pass, grouped by month.
    The ids of the months kept."""
    return [kept for run in months.runs(wanted, months.next_month)
            for kept in _settle_run(community, run)]


def _settle_run(community: Community, run: list[date]) -> list[int]:
    read_from = timezone.now()
    scope = Scope(community=community, start=run[0], end=months.last_day(run[-1]))
    found: dict[Any, MemberEngagement] = {}
    _measure(scope, found, with_topics=False, by_month=True)
    topics: dict[tuple[int, int, date], tuple[int, int]] = {}
    for user_id, topic_id, month, posts in _posts(scope).values_list(
            "author_id", "thread__topic_id", UTCMonth("created_at")).annotate(n=Count("*")):
        if topic_id is not None:
            topics[user_id, topic_id, month] = (posts, 0)
    for user_id, topic_id, month, visits in _visit_days(scope).values_list(
            "user_id", "thread__topic_id", UTCMonth("day", is_day=True)).annotate(
            n=Sum("visits")):
        if topic_id is not None:
            posts, _ = topics.get((user_id, topic_id, month), (0, 0))
            topics[user_id, topic_id, month] = (posts, visits)
    replies = [(who, to, month, n) for who, to, month, n
               in reply_pairs(scope, month=UTCMonth("created_at"))
               if who is not None and to is not None]
    return months.store(community, run, read_from, found, topics, replies)


def settle_history(community: Community, *, again: bool = False) -> list[date]:
    """Settles every month that is over since the community's first activity (those whose
    figures are kept and fresh stay, unless ``again``); the months settled."""
    first = first_activity_day(community)
    over = months.current_month()
    wanted = []
    month = months.month_of(first)
    while month < over:
        wanted.append(month)
        month = months.next_month(month)
    if not again:
        fresh = set(months.valid(community, wanted).values_list("month", flat=True))
        wanted = [month for month in wanted if month not in fresh]
    settle(community, wanted)
    return wanted


def first_activity_day(community: Community) -> date:
    """The first day (UTC) of anything the table counts, or the community's creation: an
    import from Moodle or an event recorded for an earlier day may come before it."""
    scope = Scope(community=community, start=date.min, end=date.max - timedelta(days=1))
    candidates = [community.created_at.astimezone(UTC).date()]
    for found in (_posts(scope).aggregate(first=Min("created_at"))["first"],
                  _visit_days(scope).aggregate(first=Min("day"))["first"],
                  _resource_reads(scope).aggregate(first=Min("day"))["first"],
                  cascade_events(community, scope.filters()).aggregate(
                      first=Min("held_on"))["first"]):
        if isinstance(found, datetime):
            found = found.astimezone(UTC).date()
        if found is not None:
            candidates.append(found)
    return min(candidates)


def settled_months(community: Community, wanted: list[date]) -> QuerySet[Any]:
    """The months' settled figures, those missing or stale settled now (figures read
    within the margin of a change are used now, and read again next time)."""
    fresh = dict(months.valid(community, wanted).values_list("month", "pk"))
    kept = settle(community, [month for month in wanted if month not in fresh])
    return SettledMonth.objects.filter(pk__in=[*fresh.values(), *kept])


def _measure(scope: Scope, rows: dict[Any, MemberEngagement], *, with_topics: bool,
             by_month: bool = False) -> None:
    """Adds the scope's figures to the rows of their people; or (``by_month``) makes a row
    for everyone active, per month, keyed (person, month)."""

    def merge(found_rows: Iterable[dict[str, Any]] | QuerySet[Any],
              figures: dict[str, str]) -> None:
        if isinstance(found_rows, QuerySet):
            found_rows = plain_rows(found_rows)
        for found in found_rows:
            who = found["who"]
            if who is None:
                continue
            if by_month:
                key = (who, found["month"])
                if key not in rows:
                    rows[key] = MemberEngagement(user_id=who, name="", role="", tier="")
                _add(rows[key], found, figures)
            elif who in rows:  # not a former member, nor someone outside the cohort or tier
                _add(rows[who], found, figures)

    def month(column: str, *, is_day: bool = False) -> dict[str, Any]:
        return {"month": UTCMonth(column, is_day=is_day)} if by_month else {}

    merge(_posts(scope).values(who=by_person("author_id"), **month("created_at")).annotate(
        # COUNT(*), and a never-null column the index carries for the filtered count:
        # counting ids would make PostgreSQL fetch each post's row instead of reading
        # its window index (discussions migration 0017).
        posts=Count("*"), words=Sum("word_count"),
        answers=Count("created_at", filter=ANSWERS_SOMEONE_ELSE),
        first=Min("created_at"), last=Max("created_at"),
        **({"topics": Count("thread__topic_id", distinct=True)} if with_topics else {})),
        {"posts": "posts", "words": "words", "replies_to_others": "answers",
         **({"topics": "topics"} if with_topics else {})})
    merge(_threads(scope).values(who=F("created_by_id"), **month("created_at")).annotate(
        started=Count("pk")), {"threads_started": "started"})
    merge(_visit_days(scope).values(who=F("user_id"), **month("day", is_day=True)).annotate(
        reads=Sum("visits"), first=Min("day"), last=Max("day")), {"thread_reads": "reads"})
    merge(_resource_reads(scope).values(who=F("user_id"), **month("day", is_day=True))
          .annotate(reads=Count("pk"), first=Min("day"), last=Max("day")),
          {"resource_reads": "reads"})
    merge(_feedback(scope).values(who=F("author_id"), **month("created_at")).annotate(
        given=Count("pk"), first=Min("created_at"), last=Max("created_at")),
        {"feedback_given": "given"})
    merge(told_stories(scope.community, scope.filters()).order_by()
          .values(who=F("author_id"), **month("told_at")).annotate(
              told=Count("pk"), first=Min("told_at"), last=Max("told_at")),
          {"stories": "told"})
    merge(cascade_events(scope.community, scope.filters()).order_by()
          .values(who=F("trainer_id"), **month("held_on", is_day=True)).annotate(
              held=Count("pk"), first=Min("held_on"), last=Max("held_on")),
          {"cascade_events": "held"})
    # Days of different windows never overlap: their counts add up.
    merge(({"who": user_id, "month": month, "days": days}
           for user_id, month, days in _active_days(scope, by_month=by_month)),
          {"active_days": "days"})


def plain_rows(queryset: QuerySet[Any]) -> list[dict[str, Any]]:
    """A grouped ``values()`` queryset's rows read with the cursor: Django's converters
    (a parse and a time zone per date, Decimal to int) take as long as the query itself over
    ten thousand members. Moments come back aware in UTC, days as dates, sums as int."""
    sql, params = queryset.query.sql_with_params()
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            _compiled_loaders(cursor.cursor)
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    dated = [name for name in names if name in ("first", "last", "month")]
    summed = [name for name in names if name not in dated and name != "who"]
    for row in found:
        if postgresql:  # sums of big integers are numeric there
            for key in summed:
                if isinstance(value := row[key], Decimal):
                    row[key] = int(value)
        else:  # ISO text on SQLite, moments in UTC
            for key in dated:
                if isinstance(value := row[key], str):
                    row[key] = (date.fromisoformat(value) if len(value) == 10
                                else datetime.fromisoformat(value).replace(tzinfo=UTC))
    return found


def _compiled_loaders(cursor: Any) -> None:
    """psycopg's own loaders for moments, days and numbers on this cursor: Django registers
    pure-Python ones for moments (its time zone handling), ten times slower than psycopg's
    compiled ones, which give the same aware moment in the connection's time zone (UTC)."""
    import psycopg
    from psycopg.pq import Format

    for name in ("timestamptz", "date", "numeric"):
        oid = psycopg.adapters.types[name].oid
        loader = psycopg.adapters.get_loader(oid, Format.TEXT)
        if loader is not None:
            cursor.adapters.register_loader(oid, loader)


def _add(row: MemberEngagement, found: dict[str, Any], figures: dict[str, str]) -> None:
    for column, key in figures.items():
        if value := found[key]:
            setattr(row, column, getattr(row, column) + value)
    first = found.get("first")
    if first is None:
        return
    last = found["last"]
    if type(first) is date:  # a day known only as a day
        first, last = midnight(first), midnight(last)
    _widen(row, first, last)


def _count_topics(rows: dict[int, MemberEngagement], raw: list[Scope],
                  settled_pairs: QuerySet[Any]) -> None:
    """Topics posted in over the whole window: the settled months' (person, topic) pairs
    and those of the days around them, each topic counted once per person."""
    parts = [settled_pairs.values_list("user_id", "topic_id")] + [
        _posts(part).values_list("author_id", "thread__topic_id") for part in raw]
    sql, params = union_sql(parts)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT user_id, COUNT(DISTINCT topic_id) FROM ({sql}) AS pairs "  # noqa: S608 (compiled by Django)
                       "GROUP BY user_id", params)
        for user_id, topics in cursor.fetchall():
            if user_id in rows:
                rows[user_id].topics = topics


def sort_rows(rows: list[MemberEngagement], column: str, *, descending: bool
              ) -> list[MemberEngagement]:
    """The rows sorted by a SORTABLE column, ties by name; members without a first or last
    activity last whichever the direction."""
    if column not in SORTABLE:
        raise ValueError(f"not a sortable column: {column}")
    by_name = sorted(rows, key=_name_key)
    if column == "name":
        return by_name[::-1] if descending else by_name
    present = [row for row in by_name if getattr(row, column) is not None]
    missing = [row for row in by_name if getattr(row, column) is None]
    # Python's sort is stable also in reverse: ties keep the order by name.
    return sorted(present, key=lambda row: getattr(row, column), reverse=descending) + missing


def top_by_posts(rows: list[MemberEngagement], n: int) -> list[MemberEngagement]:
    """The n members with the most posts in the window, as the study sampled them: ties at
    the n-th place broken by replies to others, then words, then name."""
    posters = [row for row in rows if row.posts > 0]
    posters.sort(key=lambda row: (-row.posts, -row.replies_to_others, -row.words,
                                  *_name_key(row)))
    return posters[:max(n, 0)]


@dataclass(frozen=True)
class GroupShare:
    group: str
    members: int
    percent: int | None


def group_shares(rows: list[MemberEngagement]) -> list[GroupShare]:
    """The four groups in GROUPS order, with their share of the rows."""
    counts = dict.fromkeys(GROUPS, 0)
    for row in rows:
        counts[row.group] += 1
    return [GroupShare(group=group, members=counts[group],
                       percent=round(100 * counts[group] / len(rows)) if rows else None)
            for group in GROUPS]


@dataclass(frozen=True)
class RoleFigures:
    """Averages per member of one side: those who lead (stewards and facilitators) or the
    participants (members)."""

    side: str  # "leaders" or "participants"
    members: int
    active: int
    posts: int
    replies_to_others: int
    words: int
    posts_per_member: float
    replies_per_member: float
    words_per_post: float


def compare_roles(rows: list[MemberEngagement]) -> list[RoleFigures]:
    """Leaders beside participants."""
    leading = (Membership.Role.STEWARD, Membership.Role.FACILITATOR)
    sides = {"leaders": [row for row in rows if row.role in leading],
             "participants": [row for row in rows if row.role not in leading]}
    figures = []
    for side, members in sides.items():
        posts = sum(row.posts for row in members)
        replies = sum(row.replies_to_others for row in members)
        words = sum(row.words for row in members)
        count = len(members)
        figures.append(RoleFigures(
            side=side, members=count, active=sum(row.group != "inactive" for row in members),
            posts=posts, replies_to_others=replies, words=words,
            posts_per_member=posts / count if count else 0.0,
            replies_per_member=replies / count if count else 0.0,
            words_per_post=words / posts if posts else 0.0))
    return figures


@dataclass(frozen=True)
class Totals:
    members: int
    active: int
    posts: int
    replies_to_others: int
    words: int
    thread_reads: int
    resource_reads: int
    feedback_given: int
    stories: int
    cascade_events: int
    extra: dict[str, int] = field(default_factory=dict)


def totals(rows: list[MemberEngagement]) -> Totals:
    """The table's sums (active: members with any activity)."""
    return Totals(
        members=len(rows), active=sum(row.group != "inactive" for row in rows),
        posts=sum(row.posts for row in rows),
        replies_to_others=sum(row.replies_to_others for row in rows),
        words=sum(row.words for row in rows),
        thread_reads=sum(row.thread_reads for row in rows),
        resource_reads=sum(row.resource_reads for row in rows),
        feedback_given=sum(row.feedback_given for row in rows),
        stories=sum(row.stories for row in rows),
        cascade_events=sum(row.cascade_events for row in rows),
        extra={"threads_started": sum(row.threads_started for row in rows),
               "active_days": sum(row.active_days for row in rows)})


# The pieces: each measure's rows in the scope, one queryset each (grouped by the caller).

def display_name(display_name: str, email: str, erased: bool) -> str:
    """As ``User.__str__`` names a person (the member directory shows ``str(user)``)."""
    if display_name:
        return display_name
    return gettext("Former member") if erased else email


def _name_key(row: MemberEngagement) -> tuple[str, int]:
    return row.name.casefold(), row.user_id


def _widen(row: MemberEngagement, first: datetime, last: datetime) -> None:
    if row.first_activity is None or first < row.first_activity:
        row.first_activity = first
    if row.last_activity is None or last > row.last_activity:
        row.last_activity = last


def memberships(scope: Scope) -> QuerySet[Membership]:
    """The current members in the scope."""
    members = Membership.objects.filter(community=scope.community)
    if scope.tier:
        members = members.filter(tier=scope.tier)
    if scope.cohort_id is not None:
        members = members.filter(cohorts__id=scope.cohort_id)
    if scope.user_id is not None:
        members = members.filter(user_id=scope.user_id)
    return members


def _members(scope: Scope) -> list[MemberEngagement]:
    found = memberships(scope).order_by().values_list(
        "user_id", "role", "tier", "user__display_name", "user__email", "user__erased_at")
    return [MemberEngagement(user_id=user_id, name=display_name(name, email, erased is not None),
                             role=role, tier=tier)
            for user_id, role, tier, name, email, erased in found]


def _people(scope: Scope, field_name: str, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Narrowed to the scope's people when it narrows them (a cohort, a tier, one member)."""
    if scope.user_id is not None:
        return queryset.filter(**{field_name: scope.user_id})
    if scope.narrows_people:
        return queryset.filter(**{f"{field_name}__in": Subquery(
            memberships(scope).values("user_id"))})
    return queryset


def union_sql(parts: list[QuerySet[Any]]) -> tuple[str, tuple[Any, ...]]:
    """The SQL of ``UNION ALL`` of the querysets (the first names the columns), for a query
    around it."""
    sql, params = parts[0].union(*parts[1:], all=True).query.sql_with_params()
    return sql, tuple(params)


def _people_ids(scope: Scope) -> QuerySet[Any] | None:
    """The ids of the scope's people when it narrows them, else None (everyone)."""
    return memberships(scope).values("user_id") if scope.narrows_people else None


def _posts(scope: Scope) -> QuerySet[Post]:
    """The scope's posts in the window: hidden ones left out, private replies kept."""
    posts = Post.objects.filter(thread__community=scope.community, is_hidden=False,
                                created_at__gte=scope.since, created_at__lt=scope.until)
    if scope.topic_id is not None:
        posts = posts.filter(thread__topic_id=scope.topic_id)
    return _people(scope, "author_id", posts).order_by()


def reply_pairs(scope: Scope, **by: Any) -> QuerySet[Any, tuple[Any, ...]]:
    """(who, to whom, *by, replies) for the scope's posts answering someone else: whom is
    the parent post's author, or for an answer to the thread (a top-level post) the one who
    opened it (``ANSWERS_SOMEONE_ELSE``). ``by``: more to group by (the month)."""
    return (_posts(scope).filter(ANSWERS_SOMEONE_ELSE)
            .values(who=by_person("author_id"),
                    to=Coalesce("parent__author_id", "thread__created_by_id"), **by)
            .annotate(n=Count("*")).values_list("who", "to", *by, "n"))


def _threads(scope: Scope) -> QuerySet[Thread]:
    threads = Thread.objects.filter(community=scope.community, created_at__gte=scope.since,
                                    created_at__lt=scope.until)
    if scope.topic_id is not None:
        threads = threads.filter(topic_id=scope.topic_id)
    return _people(scope, "created_by_id", threads).order_by()


def _visit_days(scope: Scope) -> QuerySet[ThreadVisitDay]:
    days = ThreadVisitDay.objects.filter(community=scope.community, day__gte=scope.start,
                                         day__lte=scope.end)
    if scope.topic_id is not None:
        days = days.filter(thread__topic_id=scope.topic_id)
    return _people(scope, "user_id", days).order_by()


def _resource_reads(scope: Scope) -> QuerySet[ResourceRead]:
    """Resources opened in the window; with a topic, only the topic's seed resource (the
    one resource a topic names as its own)."""
    reads = ResourceRead.objects.filter(resource__community=scope.community,
                                        day__gte=scope.start, day__lte=scope.end)
    if scope.topic_id is not None:
        reads = reads.filter(resource_id__in=Topic.objects.filter(
            pk=scope.topic_id).values("seed_resource_id"))
    return _people(scope, "user_id", reads).order_by()


def _feedback(scope: Scope) -> QuerySet[Feedback]:
    """Feedback written on the community's session plans in the window; with a topic, on
    the plans that topic inspired."""
    feedback = Feedback.objects.filter(version__plan__community=scope.community,
                                       created_at__gte=scope.since,
                                       created_at__lt=scope.until)
    if scope.topic_id is not None:
        through = SessionPlan.topics.through.objects
        feedback = feedback.filter(Exists(through.filter(
            sessionplan_id=OuterRef("version__plan_id"), topic_id=scope.topic_id)))
    return _people(scope, "author_id", feedback).order_by()


def _active_days(scope: Scope, *, by_month: bool = False
                 ) -> list[tuple[int, date | None, int]]:
    """(user id, month or None, distinct UTC days with any activity): one query, the
    (person, day) pairs of every measure put together in the database and their distinct
    days counted per person, or per person and month (``by_month``)."""
    pairs = [
        # The first names the columns for all.
        _posts(scope).annotate(who=F("author_id"), active_day=UTCDay("created_at"))
        .values_list("who", "active_day"),
        _visit_days(scope).values_list("user_id", "day"),
        _resource_reads(scope).values_list("user_id", "day"),
        _feedback(scope).values_list("author_id", UTCDay("created_at")),
        told_stories(scope.community, scope.filters()).order_by()
        .values_list("author_id", UTCDay("told_at")),
        cascade_events(scope.community, scope.filters()).order_by()
        .values_list("trainer_id", "held_on"),
    ]
    # UNION ALL, then the distinct days within each person's group: SQLite sorts the rows
    # by person and keeps one small set of days at a time, three times faster than a UNION
    # deduplicating every (person, day) pair of the window in one large temporary index.
    sql, params = union_sql(pairs)
    month = "NULL"
    if by_month:
        month = ("date_trunc('month', active_day::timestamp)::date"
                 if connection.vendor == "postgresql" else "substr(active_day, 1, 7) || '-01'")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT who, {month} AS month, COUNT(DISTINCT active_day) "  # noqa: S608 (compiled by Django)
                       f"FROM ({sql}) AS days WHERE who IS NOT NULL GROUP BY who, month",
                       params)
        return [(user_id, as_date(month) if by_month else None, days)
                for user_id, month, days in cursor.fetchall()]


def as_date(value: Any) -> date:
    """A day from raw SQL: a date (or moment) on PostgreSQL, ISO text on SQLite."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
