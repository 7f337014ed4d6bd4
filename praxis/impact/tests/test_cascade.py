"""The cascade tree's numbers, each against the hand-counted world of ``cascade_world``: the
queries, the page's table, and the SVG beside it."""

import datetime
import re
from xml.etree.ElementTree import Element

import pytest
from defusedxml import ElementTree
from django.urls import reverse

from praxis.impact import svg
from praxis.impact.cascade_queries import Tree, Window, cascade_tree
from praxis.impact.tests.cascade_world import COHORT, EXPECTED, WINDOWED, World, build

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def world(cast) -> World:
    return build(cast)


def _numbers(tree: Tree) -> dict:
    levels = {}
    for level in tree.levels:
        by = {cell["value"]: cell["people"] for cell in level.audience_cells()}
        levels[level.tier] = (level.members, level.active, level.events, level.people,
                              by["teachers"], by["trainers"], by["colleagues"], level.cohorts)
    return {
        "levels": levels,
        "edges": {edge.upper.tier: (edge.events, edge.people) for edge in tree.edges},
        "topics": {key: (t.applied, t.events, t.people) for t in tree.topics
                   for key, topic_key in (("T1", 1), ("T2", 2), ("T3", 3))
                   if t.topic.title.startswith(_TITLES[key])},
        "totals": (tree.events, tree.people, tree.cohorts),
    }


_TITLES = {"T1": "Loop input", "T2": "Trainees set", "T3": "Presenting"}


def test_every_number_of_the_whole_tree(world):
    assert _numbers(cascade_tree(world.cast.community)) == EXPECTED


def test_a_date_window_keeps_events_and_stories_held_in_it(world):
    window = Window(since=D(2026, 1, 1), until=D(2026, 3, 31))
    assert _numbers(cascade_tree(world.cast.community, window)) == WINDOWED


def test_a_cohort_keeps_its_members_their_events_and_stories(world):
    assert _numbers(cascade_tree(world.cast.community, Window(cohort=world.cohort))) == COHORT


def test_levels_run_from_consultants_to_teachers(world):
    tiers = [level.tier for level in cascade_tree(world.cast.community).levels]
    assert tiers == ["consultant", "master_trainer", "trainer", "teacher", ""]


def test_the_tree_costs_the_same_queries_however_big_the_community(world,
                                                                   django_assert_num_queries):
    from praxis.impact.tests.cascade_world import _event

    community = world.cast.community
    with django_assert_num_queries(7):
        cascade_tree(community)
    for n in range(20):
        _event(world.people, community, "member", D(2026, 6, 1 + n % 28), "course",
               "teachers", 5 + n, list(world.topics.values()))
    with django_assert_num_queries(7):
        cascade_tree(community)


SVG = re.compile(r"<svg .*?</svg>", re.S)
CELL = re.compile(r'<td [^>]*data-cell="([^"]+)">([^<]*)</td>')


def _svg(content: bytes) -> Element:
    """The page's drawing, parsed as XML: it fails unless it is well formed."""
    (found,) = SVG.findall(content.decode())
    return ElementTree.fromstring(found)


def _svg_cells(root: Element) -> dict[str, str]:
    return {node.get("data-cell"): "".join(node.itertext()).strip()
            for node in root.iter() if node.get("data-cell")}


def _cells(content: bytes) -> dict[str, str]:
    """The table cells of a page, by name."""
    return {name: value.strip() for name, value in CELL.findall(content.decode())}


def _page(client, world, query="", language="en"):
    world.cast.member.locale = language
    world.cast.member.save(update_fields=["locale"])
    client.force_login(world.cast.member)
    url = reverse("impact:cascade", args=[world.cast.community.slug]) + query
    return client.get(url)


def test_the_page_table_gives_every_number(client, world):
    response = _page(client, world)
    assert response.status_code == 200
    cells = _cells(response.content)
    for tier, numbers in EXPECTED["levels"].items():
        name = tier or "none"
        members, active, events, people, teachers, trainers, colleagues, cohorts = numbers
        assert cells[f"{name}-members"] == str(members)
        assert cells[f"{name}-active"] == str(active)
        assert cells[f"{name}-events"] == str(events)
        assert cells[f"{name}-people"] == str(people)
        assert cells[f"{name}-teachers-people"] == str(teachers)
        assert cells[f"{name}-trainers-people"] == str(trainers)
        assert cells[f"{name}-colleagues-people"] == str(colleagues)
        assert cells[f"{name}-cohorts"] == str(cohorts)
    for tier, (events, people) in EXPECTED["edges"].items():
        assert cells[f"edge-{tier}-events"] == str(events)
        assert cells[f"edge-{tier}-people"] == str(people)
    for key, (applied, events, people) in EXPECTED["topics"].items():
        pk = world.topics[key].pk
        assert (cells[f"topic-{pk}-applied"], cells[f"topic-{pk}-events"],
                cells[f"topic-{pk}-people"]) == (str(applied), str(events), str(people))


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_svg_is_well_formed_and_agrees_with_the_table(client, world, language):
    response = _page(client, world, language=language)
    drawing = _svg(response.content)
    assert drawing.tag == "{http://www.w3.org/2000/svg}svg"
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert drawing.find("s:title", ns).text and drawing.find("s:desc", ns).text
    pictured = _svg_cells(drawing)
    table = _cells(response.content)
    assert len(pictured) == 5 * 4 + 3 * 2
    for name, value in pictured.items():
        assert table[name] == value, name
    if language == "fa":
        assert pictured["trainer-people"] == "۴۷"


def test_the_svg_alone_parses_as_xml(world):
    text = str(svg.draw(cascade_tree(world.cast.community)))
    root = ElementTree.fromstring(text)
    assert root.get("viewBox").startswith("0 0 360 ")
    assert "<script" not in text and "http://" not in text.replace(
        "http://www.w3.org/2000/svg", "")


def test_filters_on_the_page(client, world):
    response = _page(client, world, "?since=2026-01-01&until=2026-03-31")
    cells = _cells(response.content)
    assert cells["trainer-people"] == "29" and cells["edge-trainer-people"] == "25"
    response = _page(client, world, f"?cohort={world.cohort.pk}")
    cells = _cells(response.content)
    assert cells["master_trainer-events"] == "0" and cells["trainer-events"] == "3"


@pytest.mark.parametrize("query", ["?since=2026-13-45", "?since=2026-04-01&until=2026-01-01",
                                   "?cohort=abc", "?cohort=999999", "?until=%00"])
def test_bad_filters_say_what_is_wrong_and_show_the_whole_tree(client, world, query):
    response = _page(client, world, query)
    assert response.status_code == 400
    assert b"has-error" in response.content or b"form-errors" in response.content
    assert _cells(response.content)["trainer-people"] == "47"


def test_a_cohort_of_another_community_is_refused(client, world):
    from praxis.communities.tests.factories import CohortFactory

    foreign = CohortFactory()
    response = _page(client, world, f"?cohort={foreign.pk}")
    assert response.status_code == 400


def test_the_page_asks_a_bounded_number_of_queries(client, world,
                                                   django_assert_max_num_queries):
    client.force_login(world.cast.member)
    url = reverse("impact:cascade", args=[world.cast.community.slug])
    with django_assert_max_num_queries(16):
        assert client.get(url + f"?cohort={world.cohort.pk}").status_code == 200


def test_a_story_without_a_session_date_counts_by_the_day_it_was_told(world):
    from django.utils import timezone

    from praxis.impact.tests.cascade_world import _story

    _story(world.cast.community, world.people["teacher2"], applied="Reflection every session",
           topics=[world.topics["T3"]])
    today = timezone.localdate()
    inside = cascade_tree(world.cast.community, Window(since=today, until=today))
    before = cascade_tree(world.cast.community,
                          Window(until=today - datetime.timedelta(days=1)))
    applied = {t.topic.pk: t.applied for t in inside.topics}
    assert applied[world.topics["T3"].pk] == 1
    assert {t.topic.pk: t.applied for t in before.topics}[world.topics["T3"].pk] == 0
