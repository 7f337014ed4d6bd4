"""The report to leadership's numbers on a community built by hand (``report_world``): costs
per participant and per member, facilitators' posts, the topics run in the period, the
quotes (never a private story; the author named only when shared with the community), the
panels registered by higher apps, and a bounded number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from praxis.access.reports import quotable_stories
from praxis.analytics import report as reports
from praxis.analytics.models import CostSheet
from praxis.analytics.tests.report_world import END, START, build_report_world, moment
from praxis.communities.models import Membership
from praxis.communities.tests.factories import MembershipFactory
from praxis.credentials.report_panel import certificates_panel
from praxis.discussions.models import Post, ThreadVisitDay
from praxis.discussions.tests.factories import opener, reply


@pytest.fixture
def world(cast):
    return build_report_world(cast)


def _report(world, start=START, end=END):
    return reports.build_report(world.cast.community, start, end, quotable=quotable_stories())


def test_members_activity_and_effort(world):
    report = _report(world)
    assert report.totals.members == 8
    assert report.totals.posts == 5
    assert report.active_participants == 6
    assert report.effort.facilitator_posts == 3
    assert report.effort.steward_posts == 1
    assert report.effort.leader_posts == 4
    assert report.effort.hours == Decimal(40)
    assert report.posts == 5  # the same five: every author is a member still
    # Nadia, the steward, Reza, and the outsider's visit (as the weeks count it: whoever
    # read, a former member too).
    assert report.readers == 4
    assert [share.group for share in report.groups] == ["contributor", "occasional", "lurker",
                                                        "inactive"]
    assert sum(share.members for share in report.groups) == 8


def test_posts_and_readers_count_the_same_people_as_the_weeks(world):
    """A former member's post and visit count in the posts, the readers, the weeks and the
    topics alike; the members and active members stay the current ones."""
    cast = world.cast
    former = MembershipFactory(community=cast.community).user
    thread = Post.objects.get(thread__topic=world.world.t1, author=cast.steward).thread
    Post.objects.filter(pk=reply(thread, former, parent=opener(thread)).pk).update(
        created_at=moment(2026, 2, 10))
    ThreadVisitDay.objects.create(community=cast.community, user=former, thread=thread,
                                  day=date(2026, 2, 11), visits=2)
    Membership.objects.filter(community=cast.community, user=former).delete()

    report = _report(world)
    assert report.totals.members == 8  # the current members, as before
    assert report.posts == 6  # the five of the period and the former member's
    assert report.posts == sum(week.posts for week in report.weeks)
    assert report.readers == 5  # Nadia, the steward, Reza, the outsider, the former member
    assert report.readers <= sum(week.readers for week in report.weeks)
    week = next(week for week in report.weeks if week.monday == date(2026, 2, 9))
    assert (week.posts, week.readers) == (1, 2)  # the former member's post; Reza and them
    assert next(run for run in report.topics if run.title == "Loop input").posts == 5
    # Outside the period nothing counts: a month's posts are that month's weeks'.
    january = _report(world, START, date(2026, 1, 31))
    assert january.posts == sum(week.posts for week in january.weeks) == 2


def test_costs_per_active_participant_and_per_member(world):
    costs = _report(world).costs
    assert costs is not None
    assert costs.facilitation == Decimal("1000.00")
    assert [(item.label, item.amount) for item in costs.items] == [
        ("Platform hosting", Decimal("300.00")), ("Printed materials", Decimal("120.50"))]
    assert costs.total == Decimal("1420.50")
    assert costs.active_participants == 6 and costs.members == 8
    assert costs.per_active_participant == Decimal("236.75")
    assert costs.per_member == Decimal("177.56")
    assert reports.money(costs.total) == "1,420.50"
    with translation.override("fa"):
        assert reports.money(costs.total) == "۱٬۴۲۰٫۵۰"
        assert reports.hours(Decimal("12.5")) == "۱۲٫۵"


def test_costs_are_those_of_exactly_the_period(world):
    assert _report(world, START, date(2026, 3, 30)).costs is None
    assert _report(world, START, date(2026, 3, 30)).effort.hours is None
    CostSheet.objects.all().delete()
    assert _report(world).costs is None


def test_no_participant_no_division(make_cast):
    cast = make_cast()
    CostSheet.objects.create(community=cast.community, start=START, end=END,
                             facilitation_hours=Decimal(2), hourly_rate=Decimal(10))
    costs = reports.build_report(cast.community, START, END, quotable=quotable_stories()).costs
    assert costs is not None and costs.total == Decimal("20.00")
    assert costs.active_participants == 0 and costs.per_active_participant is None
    assert costs.per_member == Decimal("6.67")  # steward, facilitator, member
    assert reports.money(None) == "—"


def test_topics_run_are_those_whose_run_overlaps_the_period(world):
    runs = _report(world).topics
    assert [run.title for run in runs] == ["Loop input", "Reflection in every session"]
    loop, reflection = runs
    assert (loop.posts, loop.posters) == (4, 3)  # steward, facilitator x2, member
    assert (reflection.posts, reflection.posters) == (1, 1)
    assert loop.synthesis.startswith("We learnt to model loop input first")
    assert loop.url == reverse("topics:detail", args=[world.cast.community.slug,
                                                      world.world.t1.slug])
    assert reflection.synthesis == ""


def test_value_evidence_and_reach(world):
    report = _report(world)
    assert report.told == 6  # S1, S2, S3, S4, S7, S8
    assert report.applied == 4  # S1, S2, S4, S8 (S3's applied is blank)
    assert report.realised == 2  # S1, S4
    assert report.reach.events == 3 and report.reach.people == 46


def test_quotes_never_from_a_private_story_and_name_only_community_ones(world):
    quotes = _report(world).quotes
    assert [quote.text for quote in quotes] == ["They wrote.", "I changed my warm-up.",
                                                "Trainees asked for more."]
    assert [quote.cycle for quote in quotes] == ["realised", "applied", "realised"]
    assert [quote.author for quote in quotes] == [str(world.cast.member), "", "Ali"]
    assert all("own rules" not in quote.text for quote in quotes)


def test_a_private_story_is_never_quoted_whatever_the_door_says(world):
    everything = reports.build_report(world.cast.community, START, END, quotable=Q())
    assert "Trainees set their own rules." not in [quote.text for quote in everything.quotes]
    # Even when it is the only story there is.
    only_private = reports.quotes(world.cast.community,
                                  reports.dashboard.Filters(start=date(2026, 2, 5),
                                                            end=date(2026, 2, 5)), Q())
    assert only_private == []


def test_the_certificates_panel_counts_revoked_ones_apart(world):
    panel = certificates_panel(world.cast.community, START, END)
    assert panel.title == "Certificates issued"
    assert panel.figures == [("Certificates in force", 2), ("Revoked since", 1)]
    assert panel.rows == [("Autumn programme", 1, 1), ("Winter programme", 1, 0)]


def test_the_credentials_app_registers_its_panel(world):
    assert certificates_panel in reports.PANELS
    titles = [panel.title for panel in _report(world).panels]
    assert "Certificates issued" in titles


def test_register_panel_adds_a_maker_once():
    def maker(community, start, end):
        return None

    try:
        reports.register_panel(maker)
        reports.register_panel(maker)
        assert reports.PANELS.count(maker) == 1
    finally:
        reports.PANELS.remove(maker)


def test_default_period_is_the_last_twelve_months_to_the_end_of_this_month():
    assert reports.default_period(date(2026, 12, 7)) == (date(2026, 1, 1), date(2026, 12, 31))
    assert reports.default_period(date(2026, 2, 28)) == (date(2025, 3, 1), date(2026, 2, 28))


def test_the_report_takes_as_many_queries_whatever_the_community(world,
                                                                 django_assert_max_num_queries):
    community = world.cast.community
    with django_assert_max_num_queries(50):
        _report(world)  # also settles the months and weeks that are over
    with django_assert_max_num_queries(40) as captured:
        _report(world)
    first = len(captured.captured_queries)
    for _index in range(5):
        MembershipFactory(community=community)
    with django_assert_max_num_queries(first):
        _report(world)
