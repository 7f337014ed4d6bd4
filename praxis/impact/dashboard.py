"""The impact dashboard's reads: one function per panel, each a fixed number of aggregate
queries, whatever the size of the community.

What counts:
- a story counts once it is told (``status`` told), on the day it was told (``told_at``);
  drafts never count. It reaches the cycles its text reaches (``ValueStory.text_cycles``),
  and immediate value also when it has any picked source;
- a cascade event counts on the day it was held (``held_on``);
- an *active member* in the window is a member of the community who, in the window, posted
  in its discussions, gave feedback on one of its session plans, opened one of its
  resources, recorded a cascade event or told a story (``ACTIVE_MEANS`` says so on the page);
- a *reader* in the window is a member who opened one of its discussions on a day in the
  window (``ThreadVisitDay``, kept on each new visit and imported from Moodle's logs); one
  who posted nothing in its discussions in the window read without writing (a lurker);
  visits are the readers' visits summed (``READER_MEANS``).

Filters narrow every panel alike: a cohort or a tier keeps the members in it (the stories
they told, the events they held); a topic keeps the stories citing it, the events drawing
on it and the discussions in it (read and written); "mine" keeps the viewer's own.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from praxis.communities.models import Community, Membership
from praxis.discussions.models import Post, ThreadVisitDay
from praxis.impact.models import CascadeEvent, Cycle, ValueStory
from praxis.library.models import ResourceRead
from praxis.practice.models import Feedback
from praxis.topics.models import Topic

ACTIVE_MEANS = _("An active member is a member who, in the window, posted in a discussion, "
                 "gave feedback on a session plan, opened a resource in the library, recorded "
                 "a cascade event or told a story.")
READER_MEANS = _("A reader is a member who opened at least one discussion in the window; "
                 "one who posted nothing in the window read without writing. A visit is one "
                 "sitting with a discussion: pages read within half an hour count once.")
TOP_TOPICS = 8
STORIES_TO_READ = 10
CHART_HEIGHT = 60
BAR_GAP = 2


@dataclass(frozen=True)
class Filters:
    """The dashboard's window (both days included) and narrowing."""

    start: date
    end: date
    cohort_id: int | None = None
    tier: str = ""
    topic_id: int | None = None
    author_id: int | None = None  # "mine": the viewer's own stories and events
    # The days' time zone: the reader's (None) on the dashboard; UTC for engagement reports,
    # which must read the same whoever asks (``analytics.engagement.Scope``).
    tz: tzinfo | None = None

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min), self.tz)

    @property
    def until(self) -> datetime:
        """The first moment after the window."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min),
                                   self.tz)

    @property
    def narrows_people(self) -> bool:
        return self.cohort_id is not None or bool(self.tier)


def default_window(today: date | None = None) -> tuple[date, date]:
    """The last twelve months, from the first day of the month eleven months ago."""
    today = today or timezone.localdate()
    month = today.month - 11
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, 1), today


def months_between(start: date, end: date) -> list[date]:
    months = []
    current = date(start.year, start.month, 1)
    while current <= end:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def _people(community: Community, filters: Filters) -> QuerySet[Membership]:
    members = Membership.objects.filter(community=community)
    if filters.tier:
        members = members.filter(tier=filters.tier)
    if filters.cohort_id is not None:
        members = members.filter(cohorts__id=filters.cohort_id)
    return members


def told_stories(community: Community, filters: Filters) -> QuerySet[ValueStory]:
    """The told stories in the window, narrowed by the filters."""
    stories = ValueStory.objects.filter(community=community, status=ValueStory.Status.TOLD,
                                        told_at__gte=filters.since, told_at__lt=filters.until)
    if filters.author_id is not None:
        stories = stories.filter(author_id=filters.author_id)
    if filters.narrows_people:
        stories = stories.filter(author_id__in=_people(community, filters).values("user_id"))
    if filters.topic_id is not None:
        through = ValueStory.source_topics.through.objects
        stories = stories.filter(Exists(through.filter(valuestory_id=OuterRef("pk"),
                                                       topic_id=filters.topic_id)))
    return stories


def _has_source() -> Q:
    """Immediate value counts a picked source too (any of the five kinds)."""
    reached = Q()
    for relation in (ValueStory.source_topics, ValueStory.source_posts,
                     ValueStory.source_resources, ValueStory.source_versions,
                     ValueStory.source_feedback):
        reached |= Q(Exists(relation.through.objects.filter(valuestory_id=OuterRef("pk"))))
    return reached


def reaches(cycle: str) -> Q:
    """A filter on ValueStory: the stories reaching ``cycle`` (see the module)."""
    text = ~Q(**{f"{cycle}__regex": r"^\s*$"})
    return text | _has_source() if cycle == Cycle.IMMEDIATE else text


@dataclass(frozen=True)
class Bar:
    month: date
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class CycleSeries:
    cycle: str
    label: str
    total: int
    bars: list[Bar]


@dataclass(frozen=True)
class CycleChart:
    months: list[date]
    series: list[CycleSeries]
    # One row per month: (month, counts in the cycles' order).
    rows: list[tuple[date, list[int]]] = field(default_factory=list)
    width: int = 0
    height: int = CHART_HEIGHT

    @property
    def total(self) -> int:
        return sum(series.total for series in self.series)


def stories_per_cycle(community: Community, filters: Filters) -> CycleChart:
    """Told stories per month for each cycle, and the bars to draw them (one query)."""
    per_month = (told_stories(community, filters)
                 .annotate(month=TruncMonth("told_at")).order_by().values("month")
                 .annotate(**{cycle: Count("pk", filter=reaches(cycle))
                              for cycle in Cycle.values}))
    counts: dict[date, dict[str, int]] = {}
    for row in per_month:
        month = row["month"]
        month = month.date() if isinstance(month, datetime) else month
        counts[month] = {cycle: row[cycle] for cycle in Cycle.values}
    months = months_between(filters.start, filters.end)
    most = max([count for month in counts.values() for count in month.values()] + [1])
    step = 12
    series = []
    for cycle, label in Cycle.choices:
        bars = []
        for index, month in enumerate(months):
            count = counts.get(month, {}).get(cycle, 0)
            height = round(CHART_HEIGHT * count / most, 1)
            bars.append(Bar(month=month, count=count, x=index * step, width=step - BAR_GAP,
                            y=CHART_HEIGHT - height, height=height))
        series.append(CycleSeries(cycle=cycle, label=str(label),
                                  total=sum(bar.count for bar in bars), bars=bars))
    rows = [(month, [counts.get(month, {}).get(cycle, 0) for cycle in Cycle.values])
            for month in months]
    return CycleChart(months=months, series=series, rows=rows, width=max(len(months), 1) * step)


@dataclass(frozen=True)
class TopicValue:
    topic_id: int
    title: str
    slug: str
    applied: int
    realised: int


def top_topics(community: Community, filters: Filters,
               limit: int = TOP_TOPICS) -> list[TopicValue]:
    """The topics cited by the most told stories reaching applied or realised value (one
    query): a story counts once for each topic it cites."""
    stories = told_stories(community, filters)
    through = ValueStory.source_topics.through.objects.filter(valuestory__in=stories)
    if filters.topic_id is not None:
        through = through.filter(topic_id=filters.topic_id)
    applied = Q(valuestory__in=stories.filter(reaches(Cycle.APPLIED)))
    realised = Q(valuestory__in=stories.filter(reaches(Cycle.REALISED)))
    rows = (through.order_by().values("topic_id", "topic__title", "topic__slug")
            .annotate(applied=Count("valuestory_id", filter=applied),
                      realised=Count("valuestory_id", filter=realised))
            .filter(Q(applied__gt=0) | Q(realised__gt=0))
            .order_by("-applied", "-realised", "topic__title", "topic_id")[:limit])
    return [TopicValue(topic_id=row["topic_id"], title=row["topic__title"],
                       slug=row["topic__slug"], applied=row["applied"],
                       realised=row["realised"]) for row in rows]


@dataclass(frozen=True)
class AudienceReach:
    audience: str
    label: str
    events: int
    people: int


@dataclass(frozen=True)
class Reach:
    events: int
    people: int
    by_audience: list[AudienceReach]


def cascade_events(community: Community, filters: Filters) -> QuerySet[CascadeEvent]:
    events = CascadeEvent.objects.filter(community=community, held_on__gte=filters.start,
                                         held_on__lte=filters.end)
    if filters.author_id is not None:
        events = events.filter(trainer_id=filters.author_id)
    if filters.narrows_people:
        events = events.filter(trainer_id__in=_people(community, filters).values("user_id"))
    if filters.topic_id is not None:
        through = CascadeEvent.topics.through.objects
        events = events.filter(Exists(through.filter(cascadeevent_id=OuterRef("pk"),
                                                     topic_id=filters.topic_id)))
    return events


def cascade_reach(community: Community, filters: Filters) -> Reach:
    """Events held in the window and the people they reached, by audience (one query)."""
    rows = {row["audience"]: row for row in cascade_events(community, filters).order_by()
            .values("audience").annotate(events=Count("pk"), people=Sum("people"))}
    by_audience = [AudienceReach(audience=value, label=str(label),
                                 events=rows.get(value, {}).get("events", 0),
                                 people=rows.get(value, {}).get("people", 0) or 0)
                   for value, label in CascadeEvent.Audience.choices]
    return Reach(events=sum(row.events for row in by_audience),
                 people=sum(row.people for row in by_audience), by_audience=by_audience)


@dataclass(frozen=True)
class Share:
    active: int
    applied: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.applied / self.active) if self.active else None


def active_share(community: Community, filters: Filters) -> Share:
    """Active members in the window, and how many of them told a story reaching applied
    value in it (one query; see the module for "active")."""
    since, until = filters.since, filters.until
    person = OuterRef("user_id")
    posted = Post.objects.filter(author_id=person, thread__community=community,
                                 created_at__gte=since, created_at__lt=until)
    gave_feedback = Feedback.objects.filter(author_id=person,
                                            version__plan__community=community,
                                            created_at__gte=since, created_at__lt=until)
    opened = ResourceRead.objects.filter(user_id=person, resource__community=community,
                                         day__gte=filters.start, day__lte=filters.end)
    events = CascadeEvent.objects.filter(trainer_id=person, community=community,
                                         held_on__gte=filters.start, held_on__lte=filters.end)
    stories = ValueStory.objects.filter(author_id=person, community=community,
                                        status=ValueStory.Status.TOLD,
                                        told_at__gte=since, told_at__lt=until)
    applied = told_stories(community, Filters(start=filters.start, end=filters.end,
                                              topic_id=filters.topic_id)
                           ).filter(reaches(Cycle.APPLIED), author_id=person)
    members = _people(community, filters)
    if filters.author_id is not None:
        members = members.filter(user_id=filters.author_id)
    active = (Exists(posted) | Exists(gave_feedback) | Exists(opened) | Exists(events)
              | Exists(stories))
    totals = members.aggregate(active=Count("pk", filter=active),
                               applied=Count("pk", filter=active & Exists(applied)))
    return Share(active=totals["active"], applied=totals["applied"])


@dataclass(frozen=True)
class Reading:
    readers: int
    lurkers: int  # readers who posted nothing in the window
    visits: int

    @property
    def lurking_percent(self) -> int | None:
        return round(100 * self.lurkers / self.readers) if self.readers else None


def reading(community: Community, filters: Filters) -> Reading:
    """Members who opened a discussion in the window, those of them who posted nothing in
    it, and their visits (one query; see the module). It reads the window's days once, by
    the (community, day) index, grouped by reader, with an index lookup of the reader's
    posts; a member who read nothing costs nothing. (Asking per member instead makes the
    database scan the window's days once per member: minutes in a large community.)"""
    members = _people(community, filters)
    if filters.author_id is not None:
        members = members.filter(user_id=filters.author_id)
    visit_days = ThreadVisitDay.objects.filter(community=community, day__gte=filters.start,
                                               day__lte=filters.end,
                                               user_id__in=members.values("user_id"))
    posted = Post.objects.filter(author_id=OuterRef("user_id"), thread__community=community,
                                 created_at__gte=filters.since, created_at__lt=filters.until)
    if filters.topic_id is not None:
        visit_days = visit_days.filter(thread__topic_id=filters.topic_id)
        posted = posted.filter(thread__topic_id=filters.topic_id)
    per_reader = (visit_days.order_by().values("user_id")
                  .annotate(total=Sum("visits"), wrote=Exists(posted)))
    totals = per_reader.aggregate(readers=Count("user_id"),
                                  lurkers=Count("user_id", filter=Q(wrote=False)),
                                  visits=Sum("total"))
    return Reading(readers=totals["readers"], lurkers=totals["lurkers"],
                   visits=totals["visits"] or 0)


def stories_to_read(community: Community, filters: Filters, listed: Q,
                    limit: int = STORIES_TO_READ) -> list[ValueStory]:
    """The newest told stories in the window that the viewer may see listed (``listed``,
    the door's answer), with their authors (one query)."""
    return list(told_stories(community, filters).filter(listed)
                .select_related("author").order_by("-told_at", "-pk")[:limit])


def topic_choices(community: Community) -> QuerySet[Topic]:
    return Topic.objects.filter(community=community).only("id", "title").order_by("title", "pk")
