"""The dashboard's pages: the permission matrix, what each shows (never a private story's
title), the filters and their bad input, the CSV, and the query bounds."""

import csv
import io

import pytest
from django.urls import reverse

from praxis.communities.models import Community
from praxis.communities.tests.cast import ALL_VISITORS
from praxis.impact.dashboard import Reading
from praxis.impact.tests.dashboard_world import WINDOW, build

LOGIN = "login"
# view -> answer per visitor (anonymous, outsider, member, facilitator, steward, researcher,
# site admin). The community's dashboard is for its leaders; "mine" for its members.
LISTED = {
    "impact:dashboard": (LOGIN, 403, 403, 200, 200, 403, 200),
    "impact:my_dashboard": (LOGIN, 403, 200, 200, 200, 200, 403),
}
# A private community is not revealed to those outside it, signed in or not.
PRIVATE = {name: (404, 404, *answers[2:]) for name, answers in LISTED.items()}


def answer(response) -> int | str:
    if response.status_code == 302 and "/login" in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("visibility, matrix", [(Community.Visibility.LISTED, LISTED),
                                                (Community.Visibility.PRIVATE, PRIVATE),
                                                (Community.Visibility.PUBLIC, LISTED)])
@pytest.mark.parametrize("view", sorted(LISTED))
def test_permission_matrix(make_cast, as_visitor, visibility, matrix, view):
    cast = make_cast(researchers=True, visibility=visibility)
    url = reverse(view, args=[cast.community.slug])
    for who, expected in zip(ALL_VISITORS, matrix[view], strict=True):
        client = as_visitor(cast, who)
        for query in ("", "?format=csv"):
            got = answer(client.get(url + query))
            assert got == expected, (who, view, query)
        client.logout()


@pytest.fixture
def world(cast):
    return build(cast)


def test_leaders_see_every_panel_and_never_a_private_story(world, client):
    client.force_login(world.cast.steward)
    page = client.get(reverse("impact:dashboard", args=[world.cast.community.slug]), WINDOW)
    text = page.content.decode()
    for title in ("A diary for trainees", "What I gained", "Seeing reflection",
                  "Loop input in a course"):
        assert title in text
    assert "Secret diary" not in text and "Trainees set their own rules" not in text
    assert "Half done" not in text and "Last year" not in text
    assert "Acknowledged" in text
    assert "An active member is a member who" in text
    assert "A reader is a member who opened at least one discussion" in text
    assert page.context["reading"] == Reading(readers=3, lurkers=2, visits=9)
    assert "Of whom read without writing" in text and "(67%)" in text
    assert "<svg" in text and "role=\"img\"" in text


def test_a_member_sees_their_own_numbers_and_stories_only(world, client):
    client.force_login(world.ali)
    page = client.get(reverse("impact:my_dashboard", args=[world.cast.community.slug]), WINDOW)
    text = page.content.decode()
    assert "Secret diary" in text and "Loop input in a course" in text  # their own
    assert "A diary for trainees" not in text and "Seeing reflection" not in text
    assert page.context["reach"].people == 42
    assert page.context["share"] is None
    assert page.context["reading"] is None and "Readers" not in text
    assert 'name="cohort"' not in text


def test_filters_by_cohort_tier_and_topic_reach_every_panel(world, client):
    client.force_login(world.cast.facilitator)
    url = reverse("impact:dashboard", args=[world.cast.community.slug])
    page = client.get(url, {**WINDOW, "cohort": world.cohort.pk})
    assert (page.context["reach"].events, page.context["reach"].people) == (2, 42)
    assert page.context["reading"] == Reading(readers=2, lurkers=2, visits=7)
    page = client.get(url, {**WINDOW, "tier": "teacher"})
    assert page.context["share"].active == 2
    page = client.get(url, {**WINDOW, "topic": world.t2.pk})
    assert [s.title for s in page.context["stories"]] == ["A diary for trainees",
                                                          "Seeing reflection"]
    assert page.context["reading"] == Reading(readers=2, lurkers=2, visits=5)


@pytest.mark.parametrize("bad", [
    {"start": "2026-04-01", "end": "2026-01-01"},
    {"start": "1990-01-01", "end": "2026-01-01"},
    {"start": "not a date"},
    {"cohort": "999999"},
    {"tier": "emperor"},
    {"topic": "x"},
])
def test_bad_filters_are_told_and_the_default_window_shown(world, client, bad):
    client.force_login(world.cast.steward)
    url = reverse("impact:dashboard", args=[world.cast.community.slug])
    page = client.get(url, bad)
    assert page.status_code == 200
    assert not page.context["form"].is_valid()
    assert page.context["filters"].cohort_id is None
    assert 'class="form-errors"' in page.content.decode() or "errorlist" in page.content.decode()
    assert client.get(url, {**bad, "format": "csv"})["Content-Type"].startswith("text/html")


def test_a_topic_of_another_community_is_refused(world, client, make_cast):
    other = make_cast()
    from praxis.discussions.tests.factories import make_topic
    elsewhere = make_topic(other.community)
    client.force_login(world.cast.steward)
    page = client.get(reverse("impact:dashboard", args=[world.cast.community.slug]),
                      {"topic": elsewhere.pk})
    assert not page.context["form"].is_valid()


def rows(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_holds_the_same_numbers_as_one_tidy_table(world, client):
    client.force_login(world.cast.steward)
    url = reverse("impact:dashboard", args=[world.cast.community.slug])
    response = client.get(url, {**WINDOW, "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    table = rows(response)
    assert table[0] == ["panel", "key", "value"]
    assert all(len(row) == 3 for row in table)
    found = {(panel, key): value for panel, key, value in table[1:]}
    assert found[("window", "start")] == "2026-01-01"
    assert found[("stories_per_cycle", "immediate 2026-02")] == "2"
    assert found[("stories_per_cycle", "reframing 2026-02")] == "1"
    assert found[("stories_per_cycle", "applied 2026-01")] == "1"
    assert found[("topic_applied", "Loop input")] == "3"
    assert found[("topic_realised", "Loop input")] == "2"
    assert found[("topic_applied", "Reflection in every session")] == "1"
    assert found[("cascade", "events")] == "3"
    assert found[("cascade", "people")] == "46"
    assert found[("cascade_people", "teachers")] == "30"
    assert found[("active_members", "active")] == "7"
    assert found[("active_members", "with_applied_story")] == "2"
    assert found[("active_members", "percent")] == "29"
    assert found[("reading", "readers")] == "3"
    assert found[("reading", "read_without_writing")] == "2"
    assert found[("reading", "visits")] == "9"
    assert "Secret diary" not in response.content.decode()


def test_csv_keeps_persian_titles_and_defuses_formulas(world, client):
    world.t1.title = "ورودی حلقه‌ای"
    world.t1.save()
    world.t2.title = "=HYPERLINK(\"http://x\")"
    world.t2.save()
    client.force_login(world.cast.steward)
    url = reverse("impact:dashboard", args=[world.cast.community.slug])
    found = {(p, k): v for p, k, v in rows(client.get(url, {**WINDOW, "format": "csv"}))}
    assert found[("topic_applied", "ورودی حلقه‌ای")] == "3"
    assert found[("topic_applied", "'=HYPERLINK(\"http://x\")")] == "1"


def test_mine_csv_has_no_share_of_active_members(world, client):
    client.force_login(world.cast.member)
    url = reverse("impact:my_dashboard", args=[world.cast.community.slug])
    found = {(p, k): v for p, k, v in rows(client.get(url, {**WINDOW, "format": "csv"}))}
    assert found[("stories_per_cycle", "applied 2026-03")] == "1"
    assert ("active_members", "active") not in found
    assert ("reading", "readers") not in found


@pytest.mark.parametrize("view, who", [("impact:dashboard", "steward"),
                                       ("impact:my_dashboard", "member")])
def test_query_count_does_not_grow_with_the_community(world, client, view, who,
                                                      django_assert_max_num_queries):
    client.force_login(getattr(world.cast, who))
    url = reverse(view, args=[world.cast.community.slug])
    query = {**WINDOW, "cohort": world.cohort.pk, "topic": world.t1.pk}
    if who == "member":
        query.pop("cohort")
    with django_assert_max_num_queries(16):
        client.get(url, query)
    for extra in range(3):
        build(world.cast, cohort_name=f"Cohort {extra}")
    with django_assert_max_num_queries(16):
        assert client.get(url, query).status_code == 200


def test_persian_page_renders_in_solar_hijri_with_persian_digits(world, client):
    world.cast.steward.locale = "fa"
    world.cast.steward.save()
    client.force_login(world.cast.steward)
    page = client.get(reverse("impact:dashboard", args=[world.cast.community.slug]), WINDOW)
    text = page.content.decode()
    assert 'dir="rtl"' in text
    assert "۱۴۰۴" in text  # January 2026 is in the Solar Hijri year 1404
    reading = text[text.index('id="reading-heading"'):]
    assert "<dd>۹</dd>" in reading and "۶۷" in reading  # nine visits; 2 of 3 (67%) lurk


def test_a_site_admin_counts_stories_but_reads_no_leaders_title(world, client,
                                                                 django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.org",
                                                       password="x-long-password-1")
    client.force_login(admin)
    page = client.get(reverse("impact:dashboard", args=[world.cast.community.slug]), WINDOW)
    text = page.content.decode()
    assert page.status_code == 200
    # As the stories door says: a site admin who is no member opens no story, so the list
    # names none; the numbers count them all.
    for title in ("Seeing reflection", "What I gained", "A diary for trainees"):
        assert title not in text
    assert "Applied value" in text


@pytest.mark.parametrize("window", [{"start": "9999-06-01", "end": "9999-12-31"},
                                    {"start": "0001-01-01", "end": "0001-12-31"}])
def test_dates_at_the_ends_of_the_calendar_are_refused_not_a_server_error(
        world, client, window):
    steward = world.cast.steward
    steward.timezone = "Asia/Tehran"
    steward.save()
    client.force_login(steward)
    for view in ("impact:dashboard", "impact:my_dashboard"):
        url = reverse(view, args=[world.cast.community.slug])
        for query in (window, {**window, "format": "csv"}):
            response = client.get(url, query)
            assert response.status_code in (200, 400), (view, query)
            assert "Choose dates from 1990" in response.content.decode()
