"""The steward's report to leadership: what a community did over a period and what it cost,
as the web page and the PDF both show it (``report_pdf``). One function, ``build_report``,
gathers every number; nothing here counts again what another module counts:

- members come from the engagement table (``engagement``): the current members, the
  active ones, the four groups and their shares;
- activity comes from the same rows as the weeks beside it (``activity.weekly_activity``:
  whoever wrote or read, former members too, as the topics' posts): the posts (the sum of
  the weeks' posts) and the readers (the distinct people who opened a discussion in the
  period, ``activity.scope_visits``; not the sum of the weeks' readers, who count once a
  week);
- topics run in the period are those whose run (``starts_at`` to ``ends_at``) overlaps it,
  each with its posts in the period (``activity.topic_participation``) and the opening of
  its published synthesis;
- value-creation evidence is the impact dashboard's: told stories per cycle
  (``impact.dashboard.stories_per_cycle``), the applied and realised totals, and a few
  quotes from told stories the door lets the report quote (never a private story; the
  author is named only under a story shared with the community, ``Quote.author``);
- cascade reach is ``impact.dashboard.cascade_reach``;
- facilitation effort: the posts stewards and facilitators wrote in the period (their rows
  of the engagement table) and the facilitation hours of the period's cost sheet;
- costs: the cost sheet entered for exactly this period (``CostSheet``): hours x rate,
  each other cost, the total, and the total per active participant (a member, neither
  steward nor facilitator, active in the period) and per member.

Higher apps add panels without this app knowing them (analytics sits below credentials):
a panel maker is registered once, in the higher app's ``AppConfig.ready``, and called with
the community and the period each time a report is built, in registration order::

    from praxis.analytics.report import register_panel
    register_panel(certificates_panel)

A maker returns a ``Panel`` (title, figures as (label, number), a table's header and rows)
or None when it has nothing to show for the community.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from praxis.analytics import activity, engagement
from praxis.analytics.forms import GROUP_LABELS
from praxis.analytics.models import CostItem, CostSheet
from praxis.communities.models import Community, Membership
from praxis.core.templatetags.praxis import localnumber
from praxis.impact import dashboard
from praxis.impact.models import Cycle, ValueStory
from praxis.interop.pdf import html_blocks
from praxis.topics.models import Topic

QUOTES = 3
SYNTHESIS_WORDS = 60
QUOTE_WORDS = 45
LEADER_ROLES = (Membership.Role.STEWARD, Membership.Role.FACILITATOR)
ACTIVITY_MEANS = _("Members and active members are the current members; an active member "
                   "posted, read a discussion, opened a resource, gave feedback, told a story "
                   "or recorded a training event in the period. Posts and readers count "
                   "everyone who wrote or opened a discussion in the period, former members "
                   "too, as the weeks do: the posts are the sum of the weeks' posts; a reader "
                   "opened at least one discussion.")
PARTICIPANT_MEANS = _("An active participant is a member, neither steward nor facilitator, "
                      "who was active in the period.")


# Panels added by higher apps ---------------------------------------------------------------

@dataclass(frozen=True)
class Panel:
    """One panel of the report from a higher app: a few figures and a table."""

    title: str
    figures: list[tuple[str, int]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # the table's header
    rows: list[tuple[str | int, ...]] = field(default_factory=list)  # first cell: the row
    note: str = ""


PanelMaker = Callable[[Community, date, date], "Panel | None"]
PANELS: list[PanelMaker] = []


def register_panel(maker: PanelMaker) -> PanelMaker:
    """Adds a panel maker once (``ready`` can run twice in tests and reloads)."""
    if maker not in PANELS:
        PANELS.append(maker)
    return maker


# The period --------------------------------------------------------------------------------

def default_period(today: date | None = None) -> tuple[date, date]:
    """The last twelve months: from the first day of the month eleven months ago to the
    last day of this month, so the period (and the cost sheet entered for it) stays the
    same all month."""
    start, today = dashboard.default_window(today)
    following = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    return start, date.fromordinal(following.toordinal() - 1)


# The report's parts ------------------------------------------------------------------------

@dataclass(frozen=True)
class TopicRun:
    topic_id: int
    title: str
    url: str
    starts_at: datetime
    ends_at: datetime
    posts: int  # in the period
    posters: int
    synthesis: str  # the opening of the published synthesis, plain text, or ""


@dataclass(frozen=True)
class Quote:
    story_id: int
    text: str
    cycle: str  # the cycle the words come from
    cycle_label: str
    author: str  # "" unless the story is shared with the community
    told_at: datetime | None


@dataclass(frozen=True)
class CostLine:
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Costs:
    """The period's cost sheet, worked out."""

    sheet_id: int
    currency: str
    hours: Decimal
    rate: Decimal
    items: list[CostLine]
    active_participants: int
    members: int

    @property
    def facilitation(self) -> Decimal:
        return _cents(self.hours * self.rate)

    @property
    def total(self) -> Decimal:
        return _cents(self.facilitation + sum((item.amount for item in self.items), Decimal(0)))

    @property
    def per_active_participant(self) -> Decimal | None:
        return _cents(self.total / self.active_participants) if self.active_participants else None

    @property
    def per_member(self) -> Decimal | None:
        return _cents(self.total / self.members) if self.members else None


@dataclass(frozen=True)
class Effort:
    facilitator_posts: int
    steward_posts: int
    hours: Decimal | None  # None without a cost sheet

    @property
    def leader_posts(self) -> int:
        return self.facilitator_posts + self.steward_posts


@dataclass(frozen=True)
class Report:
    community: Community
    start: date
    end: date
    produced_at: datetime
    totals: engagement.Totals  # of the current members (members, active members)
    posts: int  # in the period, by whoever wrote them: the sum of the weeks' posts
    readers: int  # who opened a discussion in the period, whoever they are
    active_participants: int
    groups: list[engagement.GroupShare]
    weeks: list[activity.Week]
    topics: list[TopicRun]
    stories: dashboard.CycleChart
    applied: int
    realised: int
    quotes: list[Quote]
    reach: dashboard.Reach
    effort: Effort
    costs: Costs | None
    panels: list[Panel]

    @property
    def told(self) -> int:
        """Told stories in the period (the engagement table's, one per story whatever the
        cycles it reaches)."""
        return self.totals.stories


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _grouped(value: Decimal, places: int) -> str:
    """Thousands grouped, in the reader's digits and separators (Persian: U+066C, U+066B)."""
    shown = f"{value:,.{places}f}"
    if translation.get_language() == "fa":
        shown = shown.replace(",", "\u066c").replace(".", "\u066b")
    return localnumber(shown)


def money(value: Decimal | None) -> str:
    """An amount as the reader writes it, with two decimals."""
    return "\u2014" if value is None else _grouped(value, 2)


def hours(value: Decimal | None) -> str:
    """Hours as the reader writes them, with a decimal only when there is one."""
    if value is None:
        return "\u2014"
    return _grouped(value, 0 if value == value.to_integral() else 1)


def topics_run(community: Community, scope: engagement.Scope) -> list[TopicRun]:
    """The topics whose run overlaps the period, earliest first, with their posts in it
    (one query, and ``topic_participation``'s)."""
    participation = {row.topic_id: row for row in activity.topic_participation(scope)}
    topics = (Topic.objects.filter(community=community, starts_at__lt=scope.until,
                                   ends_at__gte=scope.since)
              .only("id", "title", "slug", "starts_at", "ends_at", "synthesis_html",
                    "synthesis_published_at")
              .order_by("starts_at", "pk"))
    runs = []
    for topic in topics:
        row = participation.get(topic.pk)
        synthesis = ""
        if topic.synthesis_published_at and topic.synthesis_html:
            # Its paragraphs and items without its headings ("Key points"...).
            text = " ".join(block.text for block in html_blocks(topic.synthesis_html)
                            if block.kind != "heading")
            synthesis = Truncator(text).words(SYNTHESIS_WORDS)
        runs.append(TopicRun(
            topic_id=topic.pk, title=topic.title,
            url=reverse("topics:detail", args=[community.slug, topic.slug]),
            starts_at=topic.starts_at, ends_at=topic.ends_at,
            posts=row.posts if row else 0, posters=row.posters if row else 0,
            synthesis=synthesis))
    return runs


# The words a quote is taken from, the strongest evidence first.
QUOTED_CYCLES = [Cycle.REALISED, Cycle.APPLIED, Cycle.REFRAMING, Cycle.POTENTIAL,
                 Cycle.IMMEDIATE]


def quotes(community: Community, filters: dashboard.Filters, quotable: Q,
           limit: int = QUOTES) -> list[Quote]:
    """A few told stories of the period the door lets the report quote (``quotable``; a
    private story never), those reaching realised or applied value first, newest first
    (one query)."""
    stories = (dashboard.told_stories(community, filters)
               .filter(quotable).exclude(visibility=ValueStory.Visibility.PRIVATE)
               .filter(dashboard.reaches(Cycle.REALISED) | dashboard.reaches(Cycle.APPLIED))
               .select_related("author").order_by("-told_at", "-pk")[:limit])
    labels = dict(Cycle.choices)
    found = []
    for story in stories:
        for cycle in QUOTED_CYCLES:
            words = getattr(story, cycle).strip()
            if words:
                break
        else:
            continue
        named = story.visibility == ValueStory.Visibility.COMMUNITY and story.author
        found.append(Quote(story_id=story.pk, text=Truncator(words).words(QUOTE_WORDS),
                           cycle=cycle, cycle_label=str(labels[cycle]),
                           author=str(story.author) if named else "",
                           told_at=story.told_at))
    return found


def cost_sheet(community: Community, start: date, end: date) -> CostSheet | None:
    """The sheet entered for exactly this period, with its items (two queries)."""
    return (CostSheet.objects.filter(community=community, start=start, end=end)
            .prefetch_related("items").first())


def save_costs(community: Community, start: date, end: date, *, currency: str,
               facilitation_hours: Decimal, hourly_rate: Decimal,
               items: list[tuple[str, Decimal]], by: Any) -> CostSheet:
    """Enters the period's costs: the sheet (made on the first save) and its other costs,
    which replace those it had, in one transaction. Two first saves at once are safe: the
    sheet is got or made under a row lock (``get_or_create`` makes it in a savepoint and,
    when another request made it meanwhile, takes that one), so the later save waits for
    the earlier and overwrites it, as a second save does, instead of failing on the unique
    (community, start, end)."""
    with transaction.atomic():
        sheet, _made = CostSheet.objects.select_for_update().get_or_create(
            community=community, start=start, end=end)
        sheet.currency = currency
        sheet.facilitation_hours = facilitation_hours
        sheet.hourly_rate = hourly_rate
        sheet.updated_by = by
        sheet.updated_at = timezone.now()
        sheet.save()
        sheet.items.all().delete()
        CostItem.objects.bulk_create([CostItem(sheet=sheet, label=label, amount=amount)
                                      for label, amount in items])
    return sheet


def build_report(community: Community, start: date, end: date, *, quotable: Q) -> Report:
    """Every number of the report for the period (both days included), in a fixed number
    of queries whatever the size of the community."""
    scope = engagement.Scope(community=community, start=start, end=end)
    filters = dashboard.Filters(start=start, end=end, tz=UTC)
    rows = engagement.engagement_table(scope)
    totals = engagement.totals(rows)
    participants = [row for row in rows if row.role not in LEADER_ROLES]
    active_participants = sum(1 for row in participants if engagement.group_of(row) != "inactive")
    chart = dashboard.stories_per_cycle(community, filters)
    by_cycle = {series.cycle: series.total for series in chart.series}
    sheet = cost_sheet(community, start, end)
    costs = None
    if sheet is not None:
        costs = Costs(sheet_id=sheet.pk, currency=sheet.currency,
                      hours=sheet.facilitation_hours, rate=sheet.hourly_rate,
                      items=[CostLine(label=item.label, amount=item.amount)
                             for item in sheet.items.all()],
                      active_participants=active_participants, members=totals.members)
    effort = Effort(
        facilitator_posts=sum(row.posts for row in rows
                              if row.role == Membership.Role.FACILITATOR),
        steward_posts=sum(row.posts for row in rows if row.role == Membership.Role.STEWARD),
        hours=sheet.facilitation_hours if sheet is not None else None)
    panels = [panel for maker in PANELS
              if (panel := maker(community, start, end)) is not None]
    weeks = activity.weekly_activity(scope)
    return Report(
        community=community, start=start, end=end, produced_at=timezone.now(),
        totals=totals, posts=sum(week.posts for week in weeks),
        readers=activity.readers(scope),
        active_participants=active_participants, groups=engagement.group_shares(rows),
        weeks=weeks, topics=topics_run(community, scope),
        stories=chart, applied=by_cycle.get(Cycle.APPLIED, 0),
        realised=by_cycle.get(Cycle.REALISED, 0),
        quotes=quotes(community, filters, quotable),
        reach=dashboard.cascade_reach(community, filters), effort=effort, costs=costs,
        panels=panels)


# What the page and the PDF call things ----------------------------------------------------

def group_label(group: str) -> str:
    return str(GROUP_LABELS.get(group, group))
