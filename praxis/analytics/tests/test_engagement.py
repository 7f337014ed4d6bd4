"""The engagement table's figures, each checked against the hand-counted world
(``engagement_world``)."""

from dataclasses import astuple
from datetime import date

import pytest

from praxis.analytics import engagement
from praxis.analytics.engagement import MemberEngagement, Scope
from praxis.analytics.tests.engagement_world import END, START, World, at, build

COUNTS = ["posts", "replies_to_others", "threads_started", "words", "topics", "active_days",
          "thread_reads", "resource_reads", "feedback_given", "stories", "cascade_events"]


@pytest.fixture
def world(cast) -> World:
    return build(cast)


def table(world: World, start: date = START, end: date = END, **narrowing
          ) -> dict[str, MemberEngagement]:
    rows = engagement.engagement_table(Scope(community=world.cast.community, start=start,
                                             end=end, **narrowing))
    return {row.name: row for row in rows}


def counts(row: MemberEngagement) -> dict[str, int]:
    return {name: getattr(row, name) for name in COUNTS if getattr(row, name)}


def test_every_column_of_every_member_over_the_window(world):
    rows = table(world)
    assert list(rows) == ["Ali", "Farid", "Maryam", "Nadia", "Reza", "Sara", "Shirin"]
    # p2 p4 p7 p14 p11; answering Farid (p2) and Sara (p11), not himself (p4, p14); thread
    # B; 3+3+4+2+4 words; T1 and T2; 1, 5, 6, 12, 13 Jan and the story on 25 Jan.
    assert counts(rows["Ali"]) == {"posts": 5, "replies_to_others": 2, "threads_started": 1,
                                   "words": 16, "topics": 2, "active_days": 6,
                                   "thread_reads": 1, "stories": 1}
    assert (rows["Ali"].first_activity, rows["Ali"].last_activity) == (
        at(2026, 1, 1, 0), at(2026, 1, 25))
    assert counts(rows["Farid"]) == {"posts": 2, "replies_to_others": 1, "threads_started": 1,
                                     "words": 9, "topics": 1, "active_days": 2}
    assert (rows["Farid"].role, rows["Farid"].tier) == ("facilitator", "")
    # The private reply counts, the hidden one (p6) and the December thread do not.
    assert counts(rows["Sara"]) == {"posts": 1, "replies_to_others": 1, "words": 5,
                                    "topics": 1, "active_days": 2, "cascade_events": 1}
    assert (rows["Sara"].first_activity, rows["Sara"].last_activity) == (
        at(2026, 1, 14, 23, 59, 59), at(2026, 1, 26, 0))
    assert counts(rows["Maryam"]) == {"posts": 1, "replies_to_others": 1, "words": 5,
                                      "topics": 1, "active_days": 2, "feedback_given": 1}
    assert rows["Maryam"].last_activity == at(2026, 1, 31, 23, 59)
    # Answering the outsider is a reply to others.
    assert counts(rows["Shirin"]) == {"posts": 1, "replies_to_others": 1, "words": 9,
                                      "topics": 1, "active_days": 1}
    # Reza reads: 2 + 1 visits in the window (not the 5 of 31 December), R on 21 Jan.
    assert counts(rows["Reza"]) == {"thread_reads": 3, "resource_reads": 1, "active_days": 3}
    assert (rows["Reza"].first_activity, rows["Reza"].last_activity) == (
        at(2026, 1, 7, 0), at(2026, 1, 21, 0))
    assert counts(rows["Nadia"]) == {}
    assert rows["Nadia"].first_activity is None and rows["Nadia"].last_activity is None
    assert "Olga" not in rows  # the outsider posted, but is no member


def test_the_window_includes_both_days_whole_and_nothing_beyond(world):
    first_day = table(world, date(2026, 1, 1), date(2026, 1, 1))
    assert counts(first_day["Ali"]) == {"posts": 1, "replies_to_others": 1, "words": 4,
                                        "topics": 1, "active_days": 1}  # p11 at 00:00
    last_day = table(world, date(2026, 1, 31), date(2026, 1, 31))
    assert last_day["Maryam"].posts == 1  # p8 at 23:59, not p9 at 00:00 on 1 February
    february = table(world, date(2026, 2, 1), date(2026, 2, 28))
    assert counts(february["Maryam"]) == {"posts": 1, "replies_to_others": 1, "words": 2,
                                          "topics": 1, "active_days": 1}
    assert counts(february["Sara"]) == {"thread_reads": 1, "cascade_events": 1,
                                        "active_days": 2}
    december = table(world, date(2025, 12, 1), date(2025, 12, 31))
    assert counts(december["Sara"]) == {"posts": 1, "threads_started": 1, "words": 4,
                                        "topics": 1, "active_days": 1}
    assert counts(december["Reza"]) == {"thread_reads": 5, "active_days": 1}
    assert counts(table(world, date(2026, 1, 15), date(2026, 1, 15))["Sara"]) == {}  # p6


def test_a_cohort_a_tier_and_one_member_keep_their_rows(world):
    cohort = table(world, cohort_id=world.cohort.pk)
    assert list(cohort) == ["Ali", "Reza"]
    assert astuple(cohort["Ali"]) == astuple(table(world)["Ali"])
    teachers = table(world, tier="teacher")
    assert list(teachers) == ["Nadia", "Sara"]
    assert counts(teachers["Sara"])["posts"] == 1
    mine = table(world, user_id=world.sara.pk)
    assert list(mine) == ["Sara"]
    assert astuple(mine["Sara"]) == astuple(table(world)["Sara"])
    assert table(world, user_id=world.cast.outsider.pk) == {}


def test_a_topic_keeps_its_posts_reads_stories_events_feedback_and_seed_resource(world):
    t1 = table(world, topic_id=world.t1.pk)
    assert counts(t1["Ali"]) == {"posts": 3, "replies_to_others": 2, "words": 10,
                                 "topics": 1, "thread_reads": 1, "stories": 1,
                                 "active_days": 4}  # 1, 5, 6 and 25 Jan
    assert counts(t1["Reza"]) == {"thread_reads": 2, "resource_reads": 1, "active_days": 2}
    assert counts(t1["Maryam"]) == {}  # her post and feedback are about T2
    assert counts(t1["Sara"]) == {"posts": 1, "replies_to_others": 1, "words": 5,
                                  "topics": 1, "active_days": 1}
    t2 = table(world, topic_id=world.t2.pk)
    assert counts(t2["Maryam"]) == {"posts": 1, "replies_to_others": 1, "words": 5,
                                    "topics": 1, "feedback_given": 1, "active_days": 2}
    assert counts(t2["Sara"]) == {"cascade_events": 1, "active_days": 1}
    assert counts(t2["Reza"]) == {"thread_reads": 1, "active_days": 1}
    assert counts(t2["Ali"]) == {"posts": 2, "threads_started": 1, "words": 6, "topics": 1,
                                 "active_days": 2}


def test_groups_and_their_shares(world):
    rows = list(table(world).values())
    assert {row.name: row.group for row in rows} == {
        "Ali": "contributor", "Farid": "occasional", "Maryam": "occasional",
        "Sara": "occasional", "Shirin": "occasional", "Reza": "lurker", "Nadia": "inactive"}
    assert [(share.group, share.members, share.percent)
            for share in engagement.group_shares(rows)] == [
        ("contributor", 1, 14), ("occasional", 4, 57), ("lurker", 1, 14), ("inactive", 1, 14)]
    assert [share.percent for share in engagement.group_shares([])] == [None] * 4


def test_top_n_by_posts_breaks_ties_by_replies_words_then_name(world):
    rows = list(table(world).values())
    names = [row.name for row in engagement.top_by_posts(rows, 10)]
    # Ali 5, Farid 2; then one post each: Shirin (9 words), Maryam and Sara (5, by name).
    assert names == ["Ali", "Farid", "Shirin", "Maryam", "Sara"]  # no one without a post
    assert [row.name for row in engagement.top_by_posts(rows, 4)] == names[:4]
    assert engagement.top_by_posts(rows, 0) == []


def test_sorting_by_a_column_ties_by_name_and_missing_dates_last(world):
    rows = list(table(world).values())

    def names(column, descending):
        return [row.name for row in engagement.sort_rows(rows, column, descending=descending)]

    assert names("posts", True) == ["Ali", "Farid", "Maryam", "Sara", "Shirin", "Nadia",
                                    "Reza"]
    assert names("posts", False) == ["Nadia", "Reza", "Maryam", "Sara", "Shirin", "Farid",
                                     "Ali"]
    assert names("first_activity", False)[-1] == "Nadia"
    assert names("first_activity", True)[-1] == "Nadia"
    assert names("first_activity", False)[0] == "Ali"
    assert names("name", True)[0] == "Shirin"
    with pytest.raises(ValueError, match="role"):
        engagement.sort_rows(rows, "role", descending=False)


def test_leaders_compared_with_participants(world):
    leaders, participants = engagement.compare_roles(list(table(world).values()))
    assert (leaders.side, leaders.members, leaders.active, leaders.posts,
            leaders.replies_to_others, leaders.words) == ("leaders", 2, 2, 3, 2, 18)
    assert leaders.posts_per_member == 1.5 and leaders.words_per_post == 6.0
    assert (participants.side, participants.members, participants.active,
            participants.posts, participants.replies_to_others, participants.words) == (
        "participants", 5, 4, 7, 4, 26)
    assert participants.posts_per_member == pytest.approx(1.4)
    assert participants.replies_per_member == pytest.approx(0.8)
    assert participants.words_per_post == pytest.approx(26 / 7)


def test_totals(world):
    total = engagement.totals(list(table(world).values()))
    assert (total.members, total.active, total.posts, total.replies_to_others, total.words,
            total.thread_reads, total.resource_reads, total.feedback_given, total.stories,
            total.cascade_events) == (7, 6, 10, 6, 44, 4, 1, 1, 1, 1)
    assert total.extra == {"threads_started": 2, "active_days": 16}


def _community_of(size: int, make_cast) -> Scope:
    from praxis.communities.tests.factories import MembershipFactory
    from praxis.discussions.tests.factories import make_thread, make_topic, reply

    cast = make_cast()
    topic = make_topic(cast.community)
    thread = make_thread(topic, cast.facilitator)
    for _ in range(size):
        person = MembershipFactory(community=cast.community).user
        reply(thread, person)
    return Scope(community=cast.community, start=date(2000, 1, 1), end=date(2100, 1, 1))


def test_the_number_of_queries_does_not_grow_with_the_members(
        make_cast, django_assert_num_queries):
    small, large = _community_of(3, make_cast), _community_of(30, make_cast)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queries: dict[str, list[int]] = {"settling": [], "settled": []}
    for scope in (small, large):
        for read in ("settling", "settled"):  # the months over are settled on first read
            with CaptureQueriesContext(connection) as captured:
                rows = engagement.engagement_table(scope)
            queries[read].append(len(captured))
            assert sum(row.posts for row in rows) == len(rows) - 3 + 1  # each member's reply
    assert queries["settling"][0] == queries["settling"][1] <= 27
    assert queries["settled"] == [12, 12]
