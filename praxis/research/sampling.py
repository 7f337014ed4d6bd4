"""Reproducible sampling: "the top N members of the community by an engagement measure in a
window, then K of them at random with this seed", as the study chose its participants
("the top 10 engaged participants on the Moodle, by counting posts over the last three
months, then five of these 10 at random").

The rules, so that anyone can recompute a draw by hand or with ``sample_participants``:

- The figures are the analytics' engagement table (``praxis.analytics.engagement``) for the
  window: both days included, whole UTC days (a post at 23:59 UTC on the ``until`` day counts,
  one at 00:00 the next day does not); the community's current members only.
- Members whose measure is zero are left out. The rest are ranked by the measure, highest
  first; ties are broken by user id, lowest first (the member who joined the site first).
  Ranks are 1, 2, 3 ... with no two members sharing one.
- The top N of that ranking are kept, then K of them picked with Python's
  ``random.Random(seed).sample(top_n, K)`` over the list in rank order (Mersenne Twister,
  seeded with the integer: the same on every machine and Python 3 release for the same
  data). Fewer than N members with a non-zero measure: all of them are kept; fewer than K:
  all of them are picked.
- Stratified by tier or cohort, each stratum gets its own top N and K picked, with
  ``random.Random(f"{seed}:{stratum}")`` over its own list in rank order (a text seed is
  hashed with SHA-512, the same everywhere, whatever ``PYTHONHASHSEED``). The strata come in
  a fixed order: the cascade's tiers from the top (consultant, master trainer, trainer,
  teacher), or the cohorts by year and name (cohorts without a year last); members without
  a tier or a cohort form the last stratum, named "". A member in several cohorts counts in
  their first one by that order.
"""

import random
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, get_args

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from praxis.accounts.models import User
from praxis.analytics.engagement import MemberEngagement, Scope, engagement_table
from praxis.communities.models import Cohort, Community, Membership
from praxis.research.models import SampleDraw, Study

Measure = Literal["posts", "replies_to_others", "threads_started", "words", "topics",
                  "active_days", "thread_reads", "resource_reads", "feedback_given",
                  "stories", "cascade_events"]
Stratify = Literal["", "tier", "cohort"]

# The engagement counters a sample may rank by, as the forms and pages name them.
MEASURES: dict[str, Promise] = {
    "posts": _("Posts"),
    "replies_to_others": _("Replies to others"),
    "threads_started": _("Discussions started"),
    "words": _("Words written"),
    "topics": _("Topics posted in"),
    "active_days": _("Active days"),
    "thread_reads": _("Discussion visits"),
    "resource_reads": _("Resources opened"),
    "feedback_given": _("Feedback given on session plans"),
    "stories": _("Value stories told"),
    "cascade_events": _("Training events held"),
}
STRATA: dict[str, Promise] = {
    "": _("No strata: the whole community"),
    "tier": _("By cascade tier"),
    "cohort": _("By cohort"),
}
assert set(MEASURES) == set(get_args(Measure))
assert set(STRATA) == set(get_args(Stratify))

MOST_RANKED = 500  # the largest top N: a sample, not the engagement table


class SamplingError(ValueError):
    """Criteria no draw can be made with; the message says what to change."""


@dataclass(frozen=True)
class Criteria:
    """What a draw is made with: enough to make it again."""

    measure: str
    since: date
    until: date
    top: int
    pick: int
    seed: int
    stratify_by: str = ""


@dataclass(frozen=True)
class Ranked:
    """One member of the ranking: their place in their stratum and whether they were
    picked."""

    user_id: int
    name: str
    rank: int
    value: int
    stratum: str
    picked: bool
    stratum_label: str = ""  # as pages show the stratum: a tier's name, "No cohort" ...

    def stored(self) -> dict[str, Any]:
        """As ``SampleDraw.ranking`` keeps it (no name: a name may change, the id not)."""
        return {"user": self.user_id, "rank": self.rank, "value": self.value,
                "stratum": self.stratum, "picked": self.picked}


@dataclass(frozen=True)
class Draw:
    criteria: Criteria
    ranking: list[Ranked]

    @property
    def picked(self) -> list[Ranked]:
        return [row for row in self.ranking if row.picked]

    def stored(self) -> list[dict[str, Any]]:
        return [row.stored() for row in self.ranking]


def check_criteria(criteria: Criteria) -> None:
    """Raises SamplingError for criteria no draw can be made with."""
    if criteria.measure not in MEASURES:
        raise SamplingError(gettext("“%(measure)s” is not an engagement measure; choose one "
                                    "of: %(measures)s.") % {
            "measure": criteria.measure, "measures": ", ".join(MEASURES)})
    if criteria.stratify_by not in STRATA:
        raise SamplingError(gettext("Strata are by tier or by cohort, not “%(strata)s”.")
                            % {"strata": criteria.stratify_by})
    if criteria.since > criteria.until:
        raise SamplingError(gettext("The window starts (%(since)s) after it ends "
                                    "(%(until)s).") % {
            "since": criteria.since.isoformat(), "until": criteria.until.isoformat()})
    if not 1 <= criteria.top <= MOST_RANKED:
        raise SamplingError(gettext("The top N is between 1 and %(most)s.")
                            % {"most": MOST_RANKED})
    if not 1 <= criteria.pick <= criteria.top:
        raise SamplingError(gettext("The number picked is between 1 and the top N (%(top)s).")
                            % {"top": criteria.top})
    if not 0 <= criteria.seed < 2**63:
        raise SamplingError(gettext("The seed is a whole number from 0 to %(most)s.")
                            % {"most": 2**63 - 1})


def draw(community: Community, *, measure: str, since: date, until: date, top: int,
         pick: int, seed: int, stratify_by: str = "") -> Draw:
    """The ranking and the picked members for these criteria (see the module's rules): the
    same criteria over the same data give the same draw, on any machine. Writes nothing of
    its own (the engagement table may settle months that are over, as its pages do)."""
    criteria = Criteria(measure=measure, since=since, until=until, top=top, pick=pick,
                        seed=seed, stratify_by=stratify_by)
    check_criteria(criteria)
    return _draw(community, criteria, _table(community, criteria))


def _table(community: Community, criteria: Criteria) -> list[MemberEngagement]:
    return engagement_table(Scope(community=community, start=criteria.since,
                                  end=criteria.until))


def _draw(community: Community, criteria: Criteria, rows: list[MemberEngagement]) -> Draw:
    strata, order = _strata(community, criteria, rows)
    ranking: list[Ranked] = []
    for stratum in order:
        ranked = sorted((row for row in rows if strata[row.user_id] == stratum
                         and getattr(row, criteria.measure) > 0),
                        key=lambda row: (-getattr(row, criteria.measure), row.user_id))
        kept = ranked[:criteria.top]
        generator = random.Random(f"{criteria.seed}:{stratum}" if criteria.stratify_by
                                  else criteria.seed)
        chosen = {row.user_id for row in
                  generator.sample(kept, min(criteria.pick, len(kept)))}
        ranking += [Ranked(user_id=row.user_id, name=row.name, rank=place,
                           value=getattr(row, criteria.measure), stratum=stratum,
                           picked=row.user_id in chosen,
                           stratum_label=stratum_label(criteria.stratify_by, stratum))
                    for place, row in enumerate(kept, start=1)]
    return Draw(criteria=criteria, ranking=ranking)


def _strata(community: Community, criteria: Criteria, rows: list[MemberEngagement]
            ) -> tuple[dict[int, str], list[str]]:
    """Each member's stratum ("" for everyone when the draw is not stratified), and the
    strata in their fixed order, those without a member left out."""
    if criteria.stratify_by == "tier":
        strata = {row.user_id: row.tier for row in rows}
        known = list(Membership.Tier.values)
        order = [*known, *sorted(set(strata.values()) - {*known, ""}), ""]
    elif criteria.stratify_by == "cohort":
        strata = dict.fromkeys((row.user_id for row in rows), "")
        found = sorted(
            Cohort.members.through.objects.filter(cohort__community=community).values_list(
                "cohort__year", "cohort__name", "membership__user_id"),
            key=lambda row: (row[0] is None, row[0] or 0, row[1], row[2]))
        order = []
        for _year, name, user_id in found:  # a member's first cohort by year and name
            if name not in order:
                order.append(name)
            if strata.get(user_id) == "":
                strata[user_id] = name
        order.append("")
    else:
        return dict.fromkeys((row.user_id for row in rows), ""), [""]
    present = set(strata.values())
    return strata, [stratum for stratum in order if stratum in present]


def stratum_label(stratify_by: str, stratum: str) -> str:
    if stratify_by == "tier":
        return str(Membership.Tier(stratum).label) if stratum in Membership.Tier.values \
            else gettext("No tier")
    if stratify_by == "cohort":
        return stratum or gettext("No cohort")
    return ""


def draw_for_study(study: Study, *, measure: str, since: date, until: date, top: int,
                   pick: int, seed: int, stratify_by: str = "",
                   drawn_by: User | None) -> SampleDraw:
    """Draws a sample of the study's community and keeps it with the study: its criteria,
    window, seed and ranking, so that anyone can recompute it (``check_draw``,
    ``sample_participants``). Only while the study is open."""
    if study.status != Study.Status.OPEN:
        raise SamplingError(gettext("The study is closed: no new sample can be drawn."))
    made = draw(study.community, measure=measure, since=since, until=until, top=top,
                pick=pick, seed=seed, stratify_by=stratify_by)
    with transaction.atomic():
        return SampleDraw.objects.create(
            study=study, measure=measure, since=since, until=until, top=top, pick=pick,
            seed=seed, stratify_by=stratify_by, ranking=made.stored(), drawn_by=drawn_by)


def criteria_of(sample: SampleDraw) -> Criteria:
    return Criteria(measure=sample.measure, since=sample.since, until=sample.until,
                    top=sample.top, pick=sample.pick, seed=sample.seed,
                    stratify_by=sample.stratify_by)


def check_draw(sample: SampleDraw) -> bool:
    """Whether the draw made again now, from the same criteria over today's data, gives the
    list that was kept (False once the data changed: a member left, a post was hidden)."""
    return check_draws([sample])[sample.pk]


def check_draws(samples: list[SampleDraw]) -> dict[int, bool]:
    """``check_draw`` for each draw, by id; the engagement table of a window is read once
    for all the draws over it."""
    tables: dict[tuple[int, date, date], list[MemberEngagement]] = {}
    same: dict[int, bool] = {}
    for sample in samples:
        community = sample.study.community
        criteria = criteria_of(sample)
        key = (community.pk, criteria.since, criteria.until)
        if key not in tables:
            tables[key] = _table(community, criteria)
        same[sample.pk] = _draw(community, criteria, tables[key]).stored() == sample.ranking
    return same


@dataclass(frozen=True)
class KeptDraw:
    """A draw kept with a study, and whether making it again now gives the same list."""

    sample: SampleDraw
    criteria: Criteria
    same: bool

    @property
    def measure_label(self) -> str:
        return str(MEASURES.get(self.criteria.measure, self.criteria.measure))

    @property
    def strata_label(self) -> str:
        return str(STRATA.get(self.criteria.stratify_by, self.criteria.stratify_by))

    @property
    def picked(self) -> int:
        return sum(1 for row in self.sample.ranking if row.get("picked"))

    def command(self) -> str:
        return command_line(self.sample.study.community, self.criteria)


EARLIER_SHOWN = 10  # the study's most recent draws, each recomputed when the page is read


def kept_draws(study: Study, *, also: int | None = None) -> list[KeptDraw]:
    """The study's most recent draws (and the draw ``also``, when it is the study's and
    older), newest first, each checked against today's data."""
    samples = list(SampleDraw.objects.filter(study=study).select_related(
        "study__community").order_by("-drawn_at", "-pk")[:EARLIER_SHOWN])
    if also is not None and all(sample.pk != also for sample in samples):
        samples += SampleDraw.objects.filter(study=study, pk=also).select_related(
            "study__community")
    same = check_draws(samples)
    return [KeptDraw(sample=sample, criteria=criteria_of(sample), same=same[sample.pk])
            for sample in samples]


def ranking_of(sample: SampleDraw) -> list[Ranked]:
    """A kept draw's ranking with the members' names as the member directory shows them
    (for the researcher, who draws from their community before anyone consents)."""
    names = {user.pk: str(user) for user in User.objects.filter(
        pk__in=[row["user"] for row in sample.ranking])}
    return [Ranked(user_id=row["user"], name=names.get(row["user"], gettext("Former member")),
                   rank=row["rank"], value=row["value"], stratum=row["stratum"],
                   picked=row["picked"],
                   stratum_label=stratum_label(sample.stratify_by, row["stratum"]))
            for row in sample.ranking]


def picked_members(sample: SampleDraw) -> list[User]:
    """The members a kept draw picked, in the order of the ranking (those whose account is
    gone left out)."""
    order = [row["user"] for row in sample.ranking if row.get("picked")]
    found = {user.pk: user for user in User.objects.filter(pk__in=order)}
    return [found[user_id] for user_id in order if user_id in found]


def command_line(community: Community, criteria: Criteria) -> str:
    """The ``manage.py`` command that prints the same draw."""
    words = ["python", "manage.py", "sample_participants", "--community", community.slug,
             "--measure", criteria.measure, "--since", criteria.since.isoformat(),
             "--until", criteria.until.isoformat(), "--top", str(criteria.top),
             "--pick", str(criteria.pick), "--seed", str(criteria.seed)]
    if criteria.stratify_by:
        words += ["--stratify", criteria.stratify_by]
    return " ".join(words)
