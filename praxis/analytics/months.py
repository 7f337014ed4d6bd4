"""Where the engagement figures of months that are over are kept (``SettledMonth``: per
person, per person and topic, replies per pair) and those of whole weeks that are over
(``SettledWeek``, community-wide): read once from the activity rows, they spare a window of
a year or more from reading every post, visit and read of it again (the engagement table of
a year of a million-post community read from the rows takes seconds; ``bench/engagement.py``).

A month is settled once it is over (UTC). A use case that writes activity into a month after
the fact (``core.history.activity_rewritten``) marks it changed (``MonthChange``); figures
read before the change are stale and read again. Because a write's transaction may still be
open while a month is read, figures count as read ``SETTLING_MARGIN`` earlier than they were:
a change in a transaction shorter than that can never be missed, and a month changed within
that margin is read from the rows again until it has passed.

The figures are per person, whoever is a member today; the table keeps today's members.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from praxis.analytics.models import (
    MemberMonth,
    MemberMonthTopic,
    MonthChange,
    MonthReply,
    SettledMonth,
    SettledWeek,
)
from praxis.communities.models import Community

SETTLING_MARGIN = timedelta(minutes=10)
# The figures a settled month keeps per person, summed over months.
SUMMED = ["posts", "replies_to_others", "threads_started", "words", "active_days",
          "thread_reads", "resource_reads", "feedback_given", "stories", "cascade_events"]


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after the day's."""
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def last_day(month: date) -> date:
    return next_month(month) - timedelta(days=1)


def current_month(now: datetime | None = None) -> date:
    return month_of((now or timezone.now()).astimezone(UTC).date())


def runs(days: Iterable[date], following: Callable[[date], date]) -> list[list[date]]:
    """The days (months' or weeks' first days) in order, cut into runs of consecutive ones
    (``following``: the next one after a day): each run is read from the rows in one pass."""
    found: list[list[date]] = []
    for day in sorted(set(days)):
        if found and day == following(found[-1][-1]):
            found[-1].append(day)
        else:
            found.append([day])
    return found


@dataclass(frozen=True)
class Split:
    """A window (days, both included) cut into whole months that are over, read from
    ``SettledMonth``, and the days before and after them, read from the rows."""

    months: list[date]
    raw: list[tuple[date, date]]


def split(start: date, end: date, *, now: datetime | None = None) -> Split:
    """Whole months of the window that are over; the rest as at most two runs of days. All
    of it as one run of days when that is faster."""
    first = start if start.day == 1 else next_month(start)
    over = current_month(now)
    months = []
    month = first
    while month < over and last_day(month) <= end:
        months.append(month)
        month = next_month(month)
    whole = Split(months=[], raw=[(start, end)])
    if not months:
        return whole
    raw = []
    if start < months[0]:
        raw.append((start, months[0] - timedelta(days=1)))
    after = next_month(months[-1])
    if after <= end:
        raw.append((after, end))
    # Each run of days read from the rows costs a pass over every measure whatever its
    # length: settled months pay only when they cover twice the days read around them
    # (a year: yes; an unaligned quarter: no, one pass is faster; bench/engagement.py).
    today = (now or timezone.now()).astimezone(UTC).date()  # days to come hold nothing
    settled_days = (next_month(months[-1]) - months[0]).days
    if settled_days < 2 * sum(max((min(last, today) - first).days + 1, 0)
                              for first, last in raw):
        return whole
    return Split(months=months, raw=raw)


def _changes(*month_fields: str, **where: Any) -> QuerySet[MonthChange]:
    """Changes, made after the outer kept row was read, to the months its ``month_fields``
    name, or to the whole history."""
    months = Q(month=None)
    for name in month_fields:
        months |= Q(month=OuterRef(name))
    return MonthChange.objects.filter(months, at__gte=OuterRef("read_at"), **where)


def valid(community: Community, months: Sequence[date]) -> QuerySet[SettledMonth]:
    """The months' settled figures that no change has made stale since they were read."""
    return SettledMonth.objects.filter(community=community, month__in=months).exclude(
        Exists(_changes("month", community=community)))


def stale(*, before: datetime) -> QuerySet[SettledMonth]:
    """Kept months of every community changed after they were read, the change made
    before ``before``."""
    return SettledMonth.objects.filter(Exists(_changes(
        "month", community=OuterRef("community"), at__lt=before)))


def store(community: Community, run: Sequence[date], read_from: datetime,
          rows: dict[tuple[int, date], Any],
          topics: dict[tuple[int, int, date], tuple[int, int]],
          replies: Iterable[tuple[int, int, date, int]]) -> list[int]:
    """Keeps the figures of a run of months (``rows``: ``MemberEngagement`` by person and
    month, of everyone active then; ``topics``: (posts, visits) by person, topic and month;
    ``replies``: who, to whom, month, how many) in place of any kept before; their ids.
    When another request settled them at the same moment, its."""
    try:
        with transaction.atomic():
            SettledMonth.objects.filter(community=community, month__in=run).delete()
            settled = {month: SettledMonth(community=community, month=month,
                                           read_at=read_from - SETTLING_MARGIN)
                       for month in run}
            # Ids come back from bulk_create on PostgreSQL and on SQLite >= 3.35.
            SettledMonth.objects.bulk_create(settled.values())
            MemberMonth.objects.bulk_create(
                [MemberMonth(settled=settled[month], user_id=user_id,
                             first_activity=row.first_activity,
                             last_activity=row.last_activity,
                             **{column: getattr(row, column) for column in SUMMED})
                 for (user_id, month), row in rows.items() if month in settled],
                batch_size=2000)
            MemberMonthTopic.objects.bulk_create(
                [MemberMonthTopic(settled=settled[month], user_id=user_id, topic_id=topic_id,
                                  posts=posts, visits=visits)
                 for (user_id, topic_id, month), (posts, visits) in topics.items()
                 if month in settled],
                batch_size=2000)
            MonthReply.objects.bulk_create(
                [MonthReply(settled=settled[month], source_id=source, target_id=target,
                            replies=count)
                 for source, target, month, count in replies if month in settled],
                batch_size=2000)
    except IntegrityError:
        return list(SettledMonth.objects.filter(community=community, month__in=run)
                    .values_list("pk", flat=True))
    return [month.pk for month in settled.values()]


def figures(settled: QuerySet[SettledMonth], people: QuerySet[Any] | None
            ) -> QuerySet[MemberMonth, dict[str, Any]]:
    """Per person: the sums over the settled months, the first and last activity."""
    rows = MemberMonth.objects.filter(settled__in=settled)
    if people is not None:
        rows = rows.filter(user_id__in=people)
    return rows.order_by().values("user_id").annotate(
        **{column: Sum(column) for column in SUMMED},
        first=Min("first_activity"), last=Max("last_activity"))


def topic_pairs(settled: QuerySet[SettledMonth], people: QuerySet[Any] | None
                ) -> QuerySet[MemberMonthTopic]:
    """(person, topic) for every topic posted in during the settled months."""
    pairs = MemberMonthTopic.objects.filter(settled__in=settled, posts__gt=0)
    if people is not None:
        pairs = pairs.filter(user_id__in=people)
    return pairs.order_by()


def whole_weeks(start: date, end: date, *, now: datetime | None = None) -> list[date]:
    """The Mondays of the weeks wholly inside the window (both days included) and over."""
    today = (now or timezone.now()).astimezone(UTC).date()
    monday = start + timedelta(days=-start.weekday() % 7)
    mondays = []
    while monday + timedelta(days=6) <= end and monday + timedelta(days=6) < today:
        mondays.append(monday)
        monday += timedelta(days=7)
    return mondays


def valid_weeks(community: Community, mondays: Sequence[date]) -> QuerySet[SettledWeek]:
    """The weeks' kept figures that no change to their months has made stale."""
    return SettledWeek.objects.filter(community=community, monday__in=mondays).exclude(
        Exists(_changes("month", "last_month", community=community)))


def store_weeks(community: Community, read_from: datetime, weeks: Iterable[Any]) -> None:
    """Keeps whole weeks' figures (``activity.Week``) in place of any kept before; a week
    another request kept at the same moment is left as it kept it."""
    rows = [SettledWeek(community=community, monday=week.monday,
                        month=month_of(week.monday),
                        last_month=month_of(week.monday + timedelta(days=6)),
                        read_at=read_from - SETTLING_MARGIN, posts=week.posts,
                        readers=week.readers, active=week.active) for week in weeks]
    try:
        with transaction.atomic():
            SettledWeek.objects.filter(community=community,
                                       monday__in=[row.monday for row in rows]).delete()
            SettledWeek.objects.bulk_create(rows)
    except IntegrityError:
        pass


def stale_weeks(*, before: datetime) -> QuerySet[SettledWeek]:
    """Kept weeks of every community changed after they were read, before ``before``."""
    return SettledWeek.objects.filter(Exists(_changes(
        "month", "last_month", community=OuterRef("community"), at__lt=before)))


def member_rows(settled: QuerySet[SettledMonth]) -> QuerySet[MemberMonth]:
    """Everyone's figures in the settled months, month by month."""
    return MemberMonth.objects.filter(settled__in=settled).order_by()


def topic_rows(settled: QuerySet[SettledMonth]) -> QuerySet[MemberMonthTopic]:
    """Everyone's posts and visits per topic in the settled months."""
    return MemberMonthTopic.objects.filter(settled__in=settled).order_by()


def reply_rows(settled: QuerySet[SettledMonth]) -> QuerySet[MonthReply]:
    """Everyone's replies to others, by who and whom, in the settled months."""
    return MonthReply.objects.filter(settled__in=settled).order_by()


def mark_changed(community_id: int | None, days: Sequence[date] | None) -> None:
    """The receiver of ``core.history.activity_rewritten``: the months of ``days`` (all of
    them when None) of the community (every community when None) are stale from now."""
    now = timezone.now()
    over = current_month(now)
    months: set[date | None]
    if days is None:
        months = {None}
    else:
        months = {month_of(day.astimezone(UTC).date() if isinstance(day, datetime) else day)
                  for day in days}
        months = {month for month in months if month is not None and month < over}
    if not months:  # this month's activity: never settled, nothing to mark
        return
    communities = [community_id] if community_id is not None else list(
        Community.objects.values_list("pk", flat=True))
    for community in communities:
        for month in months:
            MonthChange.objects.update_or_create(community_id=community, month=month,
                                                 defaults={"at": now})


def forget_erased(erasure: Any) -> None:
    """An erased person's figures go from every settled month, their replies and the
    replies to them too. No one else's change: a post answered by others stays, emptied,
    under its author, and threads go only when no post is left in them."""
    person = erasure.user.pk
    MemberMonth.objects.filter(user_id=person).delete()
    MemberMonthTopic.objects.filter(user_id=person).delete()
    MonthReply.objects.filter(Q(source_id=person) | Q(target_id=person)).delete()
