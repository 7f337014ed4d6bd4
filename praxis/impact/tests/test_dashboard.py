"""The dashboard's numbers, each checked against the hand-counted world (dashboard_world)."""

from datetime import date

import pytest

from praxis.access.community import community_access
from praxis.access.impact_dashboard import DashboardAccess
from praxis.impact import dashboard
from praxis.impact.dashboard import Filters, Reading
from praxis.impact.models import Cycle
from praxis.impact.tests.dashboard_world import World, build

START, END = date(2026, 1, 1), date(2026, 3, 31)
JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
CYCLES = list(Cycle.values)


@pytest.fixture
def world(cast) -> World:
    return build(cast)


def window(**narrowing) -> Filters:
    return Filters(start=START, end=END, **narrowing)


def per_month(world: World, filters: Filters) -> dict[date, dict[str, int]]:
    chart = dashboard.stories_per_cycle(world.cast.community, filters)
    return {month: dict(zip(CYCLES, counts, strict=True)) for month, counts in chart.rows}


def counts(imm=0, pot=0, app=0, real=0, refr=0) -> dict[str, int]:
    return {"immediate": imm, "potential": pot, "applied": app, "realised": real,
            "reframing": refr}


def test_stories_per_cycle_count_told_stories_by_month_in_every_cycle_they_reach(world):
    assert per_month(world, window()) == {
        JAN: counts(imm=1, app=1, real=1),                  # S1
        FEB: counts(imm=2, pot=1, app=1, refr=1),           # S2, S3 (blank applied)
        MAR: counts(imm=1, pot=1, app=1, real=1),           # S4, S7
    }
    chart = dashboard.stories_per_cycle(world.cast.community, window())
    assert [series.total for series in chart.series] == [4, 2, 3, 2, 1]
    assert chart.months == [JAN, FEB, MAR]


def test_the_tallest_bar_fills_the_chart_and_an_empty_month_draws_none(world):
    chart = dashboard.stories_per_cycle(world.cast.community, window())
    immediate = chart.series[0]
    assert [bar.height for bar in immediate.bars] == [30.0, 60.0, 30.0]
    empty = dashboard.stories_per_cycle(world.cast.community,
                                        Filters(start=date(2024, 1, 1), end=date(2024, 2, 29)))
    assert empty.total == 0 and all(bar.height == 0 for s in empty.series for bar in s.bars)


def test_drafts_and_stories_told_outside_the_window_never_count(world):
    december = Filters(start=date(2025, 12, 1), end=date(2025, 12, 31))
    assert per_month(world, december) == {date(2025, 12, 1): counts(imm=1, app=1)}  # S6


def test_a_cohort_keeps_its_members_stories_and_events(world):
    cohort = window(cohort_id=world.cohort.pk)
    assert per_month(world, cohort) == {JAN: counts(imm=1, app=1, real=1),
                                        FEB: counts(imm=1, pot=1, app=1), MAR: counts()}
    topics = dashboard.top_topics(world.cast.community, cohort)
    assert [(t.title, t.applied, t.realised) for t in topics] == [("Loop input", 2, 1)]
    reach = dashboard.cascade_reach(world.cast.community, cohort)
    assert (reach.events, reach.people) == (2, 42)
    share = dashboard.active_share(world.cast.community, cohort)
    assert (share.active, share.applied, share.percent) == (2, 1, 50)  # Ali, Nadia; Ali
    assert dashboard.reading(world.cast.community, cohort) == Reading(readers=2, lurkers=2,
                                                                      visits=7)  # Nadia, Reza


def test_a_tier_keeps_the_members_of_that_tier(world):
    teachers = window(tier="teacher")  # Sara, Nadia
    assert per_month(world, teachers) == {JAN: counts(), FEB: counts(imm=1, refr=1),
                                          MAR: counts()}
    assert dashboard.top_topics(world.cast.community, teachers) == []
    reach = dashboard.cascade_reach(world.cast.community, teachers)
    assert (reach.events, reach.people) == (1, 4)
    share = dashboard.active_share(world.cast.community, teachers)
    assert (share.active, share.applied) == (2, 0)
    assert dashboard.reading(world.cast.community, teachers) == Reading(readers=1, lurkers=1,
                                                                        visits=3)  # Nadia


def test_a_topic_keeps_the_stories_citing_it_and_the_events_drawing_on_it(world):
    t2 = window(topic_id=world.t2.pk)
    assert per_month(world, t2) == {JAN: counts(), FEB: counts(imm=1, refr=1),
                                    MAR: counts(imm=1, app=1, real=1)}
    topics = dashboard.top_topics(world.cast.community, t2)
    assert [(t.title, t.applied, t.realised) for t in topics] == [
        ("Reflection in every session", 1, 1)]
    reach = dashboard.cascade_reach(world.cast.community, t2)
    assert (reach.events, reach.people) == (1, 12)
    share = dashboard.active_share(world.cast.community, t2)
    assert (share.active, share.applied) == (7, 1)  # only the member's S4 cites T2
    # Reza and the steward read T2's thread; the steward's post is in T1, so both lurk in T2.
    assert dashboard.reading(world.cast.community, t2) == Reading(readers=2, lurkers=2,
                                                                  visits=5)
    assert dashboard.reading(world.cast.community, window(topic_id=world.t1.pk)) == Reading(
        readers=2, lurkers=1, visits=4)  # Nadia, the steward (who posted in T1)
    assert dashboard.reading(world.cast.community, window(topic_id=world.t3.pk)) == Reading(
        readers=0, lurkers=0, visits=0)


def test_topics_ranked_by_the_applied_and_realised_stories_citing_them(world):
    topics = dashboard.top_topics(world.cast.community, window())
    assert [(t.title, t.applied, t.realised) for t in topics] == [
        ("Loop input", 3, 2),                     # S1, S2, S4 applied; S1, S4 realised
        ("Reflection in every session", 1, 1),    # S4 (S3's applied is blank)
    ]


def test_cascade_reach_counts_events_and_people_by_audience_in_the_window(world):
    reach = dashboard.cascade_reach(world.cast.community, window())
    assert (reach.events, reach.people) == (3, 46)
    assert [(row.audience, row.events, row.people) for row in reach.by_audience] == [
        ("teachers", 1, 30), ("trainers", 1, 12), ("colleagues", 1, 4)]


def test_share_of_active_members_with_an_applied_value_story(world):
    share = dashboard.active_share(world.cast.community, window())
    assert (share.active, share.applied, share.percent) == (7, 2, 29)
    nobody = dashboard.active_share(world.cast.community,
                                    Filters(start=date(2024, 1, 1), end=date(2024, 1, 31)))
    assert (nobody.active, nobody.applied, nobody.percent) == (0, 0, None)


def test_readers_lurkers_and_visits_count_the_days_in_the_window_only(world):
    # Nadia, the steward, Reza; not Sara (1 April), Ali (31 December), the outsider.
    assert dashboard.reading(world.cast.community, window()) == Reading(readers=3, lurkers=2,
                                                                        visits=9)
    december = Filters(start=date(2025, 12, 1), end=date(2025, 12, 31))
    # Reza read on the day he posted; Ali read without writing.
    assert dashboard.reading(world.cast.community, december) == Reading(readers=2, lurkers=1,
                                                                        visits=6)
    first_day = Filters(start=date(2026, 1, 5), end=date(2026, 1, 5))
    assert dashboard.reading(world.cast.community, first_day) == Reading(readers=1, lurkers=0,
                                                                         visits=1)
    nobody = Filters(start=date(2024, 1, 1), end=date(2024, 1, 31))
    assert dashboard.reading(world.cast.community, nobody) == Reading(readers=0, lurkers=0,
                                                                      visits=0)


def test_reading_in_another_community_does_not_count(world, make_cast):
    other = make_cast()
    build(other, cohort_name="Elsewhere")
    assert dashboard.reading(world.cast.community, window()) == Reading(readers=3, lurkers=2,
                                                                        visits=9)


def leader_view(world: World, who: str = "steward") -> DashboardAccess:
    person = getattr(world.cast, who, None) or getattr(world, who)
    return DashboardAccess(community_access=community_access(person, world.cast.community),
                           scope="community", user_id=person.pk)


def test_leaders_read_shared_stories_newest_first_and_never_a_private_one(world):
    for who in ("steward", "facilitator"):
        listed = dashboard.stories_to_read(world.cast.community, window(),
                                           leader_view(world, who).listed_stories())
        assert [s.title for s in listed] == ["A diary for trainees", "What I gained",
                                             "Seeing reflection", "Loop input in a course"]


def test_an_author_does_not_see_their_own_private_story_on_the_community_dashboard(world):
    world.ali.memberships.update(role="facilitator")
    listed = dashboard.stories_to_read(world.cast.community, window(),
                                       leader_view(world, "ali").listed_stories())
    assert "Secret diary" not in [s.title for s in listed]


def test_mine_counts_only_the_viewers_own_stories_and_events(world):
    mine = window(author_id=world.cast.member.pk)
    assert per_month(world, mine) == {JAN: counts(), FEB: counts(),
                                      MAR: counts(imm=1, app=1, real=1)}
    reach = dashboard.cascade_reach(world.cast.community, mine)
    assert (reach.events, reach.people) == (0, 0)  # E4 was before the window
    ali = window(author_id=world.ali.pk)
    access = DashboardAccess(community_access=community_access(world.ali, world.cast.community),
                             scope="mine", user_id=world.ali.pk)
    listed = dashboard.stories_to_read(world.cast.community, ali, access.listed_stories())
    assert [s.title for s in listed] == ["Secret diary", "Loop input in a course"]


def test_each_panel_costs_a_fixed_number_of_queries(world, django_assert_num_queries):
    community = world.cast.community
    listed = leader_view(world).listed_stories()
    for narrowing in ({}, {"cohort_id": world.cohort.pk, "tier": "trainer",
                           "topic_id": world.t1.pk}):
        filters = window(**narrowing)
        with django_assert_num_queries(1):
            dashboard.stories_per_cycle(community, filters)
        with django_assert_num_queries(1):
            dashboard.top_topics(community, filters)
        with django_assert_num_queries(1):
            dashboard.cascade_reach(community, filters)
        with django_assert_num_queries(1):
            dashboard.active_share(community, filters)
        with django_assert_num_queries(1):
            dashboard.reading(community, filters)
        with django_assert_num_queries(1):
            dashboard.stories_to_read(community, filters, listed)


def test_the_default_window_is_the_last_twelve_months():
    assert dashboard.default_window(date(2026, 3, 15)) == (date(2025, 4, 1), date(2026, 3, 15))
    assert dashboard.default_window(date(2026, 12, 7)) == (date(2026, 1, 1), date(2026, 12, 7))
