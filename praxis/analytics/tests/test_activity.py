"""Weekly activity, participation per topic and the reply network, checked against the
hand-counted world (``engagement_world``)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from praxis.analytics import activity
from praxis.analytics.engagement import Scope
from praxis.analytics.tests.engagement_world import END, START, World, at, build
from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions.models import Post
from praxis.discussions.tests.factories import make_thread, make_topic, reply


@pytest.fixture
def world(cast) -> World:
    return build(cast)


def scope(world: World, start: date = START, end: date = END, **narrowing) -> Scope:
    return Scope(community=world.cast.community, start=start, end=end, **narrowing)


def test_weeks_from_monday_with_posts_readers_and_active_members(world):
    weeks = activity.weekly_activity(scope(world))
    assert [(week.monday, week.posts, week.readers, week.active) for week in weeks] == [
        (date(2025, 12, 29), 1, 0, 1),  # p11 on 1 Jan (Reza's 31 Dec is before the window)
        (date(2026, 1, 5), 6, 2, 5),    # p1 p2 p3 p4 p12 p13 (whoever wrote); Ali, Reza
        (date(2026, 1, 12), 3, 0, 2),   # p7 p14, Sara's private p5 at 23:59:59 on Sunday
        (date(2026, 1, 19), 0, 1, 1),   # Reza read B
        (date(2026, 1, 26), 1, 0, 1),   # p8 on Saturday 31 at 23:59
    ]


def test_weeks_narrowed_to_a_cohort_and_a_topic(world):
    cohort = activity.weekly_activity(scope(world, cohort_id=world.cohort.pk))
    assert [(week.posts, week.readers, week.active) for week in cohort] == [
        (1, 0, 1), (2, 2, 2), (2, 0, 1), (0, 1, 1), (0, 0, 0)]
    t2 = activity.weekly_activity(scope(world, topic_id=world.t2.pk))
    assert [(week.posts, week.readers, week.active) for week in t2] == [
        (0, 0, 0), (0, 0, 0), (2, 0, 1), (0, 1, 1), (1, 0, 1)]


def test_a_window_of_one_sunday_has_one_week(world):
    weeks = activity.weekly_activity(scope(world, date(2026, 1, 11), date(2026, 1, 11)))
    assert [(week.monday, week.posts) for week in weeks] == [(date(2026, 1, 5), 0)]


def test_participation_per_topic(world):
    topics = activity.topic_participation(scope(world))
    assert [(t.title, t.posts, t.posters, t.readers) for t in topics] == [
        ("Loop input", 8, 5, 2),  # p1-p5 p11-p13: Farid Ali Sara Olga Shirin; Ali Reza
        ("Reflection", 3, 2, 1),  # p7 p14 p8: Ali Maryam; Reza
    ]
    assert topics[0].slug == world.t1.slug
    teachers = activity.topic_participation(scope(world, tier="teacher"))
    assert [(t.title, t.posts, t.posters, t.readers) for t in teachers] == [
        ("Loop input", 1, 1, 0)]
    assert activity.topic_participation(scope(world, date(2024, 1, 1), date(2024, 1, 2))) \
        == []


def test_the_reply_network(world):
    network = activity.reply_network(scope(world))
    ali, farid, sara, maryam = (world.ali.pk, world.farid.pk, world.sara.pk, world.maryam.pk)
    assert {(edge.source, edge.target, edge.replies) for edge in network.edges} == {
        (ali, farid, 1), (farid, ali, 1), (sara, farid, 1), (maryam, ali, 1), (ali, sara, 1)}
    nodes = {node.name: node for node in network.nodes}
    assert {name: (node.replies_sent, node.replies_received, node.out_degree,
                   node.in_degree) for name, node in nodes.items()} == {
        "Ali": (2, 2, 2, 2), "Farid": (1, 2, 1, 2), "Sara": (1, 1, 1, 1),
        "Maryam": (1, 0, 1, 0)}
    # Either way, counted once: Ali exchanged with Farid (both ways), Sara and Maryam.
    assert {name: node.degree for name, node in nodes.items()} == {
        "Ali": 3, "Farid": 2, "Sara": 2, "Maryam": 1}
    assert nodes["Farid"].role == "facilitator"
    # Shirin answered only the outsider; Reza and Nadia never replied.
    assert (network.members, network.isolated) == (7, 3)
    assert network.reciprocity == pytest.approx(1 / 4)  # Ali-Farid of four pairs
    assert network.clusters == [4]
    assert {node.cluster for node in network.nodes} == {0}


def test_clusters_largest_first_and_repeated_replies_summed(world):
    community = world.cast.community
    topic = make_topic(community)
    x = MembershipFactory(community=community, user__display_name="Xerxes").user
    y = MembershipFactory(community=community, user__display_name="Yasmin").user
    thread = make_thread(topic, x)
    first = reply(thread, y)
    answer = reply(thread, x, parent=first)
    reply(thread, y, parent=answer)
    Post.objects.filter(thread=thread).update(created_at=at(2026, 1, 20))
    network = activity.reply_network(scope(world))
    assert network.clusters == [4, 2]
    nodes = {node.name: node for node in network.nodes}
    assert (nodes["Xerxes"].cluster, nodes["Yasmin"].cluster, nodes["Ali"].cluster) == (1, 1, 0)
    assert {(e.source, e.target, e.replies) for e in network.edges
            if e.source in (x.pk, y.pk)} == {(x.pk, y.pk, 1), (y.pk, x.pk, 2)}
    assert network.reciprocity == pytest.approx(2 / 5)
    assert (network.members, network.isolated) == (9, 3)


def test_no_replies_no_reciprocity(world):
    network = activity.reply_network(scope(world, date(2024, 1, 1), date(2024, 1, 2)))
    assert (network.nodes, network.edges, network.reciprocity, network.clusters,
            network.isolated) == ([], [], None, [], 7)


def _community_of(size: int, make_cast) -> Scope:
    cast = make_cast()
    topic = make_topic(cast.community)
    thread = make_thread(topic, cast.facilitator)
    previous = None
    for _ in range(size):
        person = MembershipFactory(community=cast.community).user
        previous = reply(thread, person, parent=previous)
    return Scope(community=cast.community, start=date(2000, 1, 1), end=date(2100, 1, 1))


def test_the_number_of_queries_does_not_grow_with_the_members(make_cast):
    spent: dict[str, list[int]] = {"settling": [], "settled": []}
    for size in (3, 30):
        scope_ = _community_of(size, make_cast)
        for read in ("settling", "settled"):  # whole weeks over are kept on first read
            with CaptureQueriesContext(connection) as captured:
                activity.weekly_activity(scope_)
                activity.topic_participation(scope_)
                network = activity.reply_network(scope_)
            spent[read].append(len(captured))
            assert len(network.edges) == size
    # Settling takes a few more queries on SQLite (ids read back after inserts).
    assert spent["settling"][0] == spent["settling"][1] <= 46
    assert spent["settled"] == [13, 13]
