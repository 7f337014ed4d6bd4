"""The engagement pages: the permission matrix over every view, what each page shows on a
hand-built community, filters, sorting, pagination, the exports through the web, the charts
agreeing with their tables, query counts that do not grow with the members, and bad input."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from praxis.analytics.forms import AnalyticsFilterForm
from praxis.analytics.report_forms import PeriodForm
from praxis.communities.models import Community, Membership
from praxis.communities.tests.cast import ALL_VISITORS
from praxis.communities.tests.factories import CohortFactory, MembershipFactory
from praxis.discussions.models import ThreadVisitDay
from praxis.discussions.tests.factories import make_thread, make_topic, opener, reply
from praxis.impact.dashboard_forms import DashboardFilterForm

LOGIN = "login"
VIEWS = ["analytics:engagement", "analytics:engagement_csv", "analytics:engagement_xlsx",
         "analytics:activity", "analytics:mine"]
LEADERS = (LOGIN, 403, 403, 200, 200, 403, 200)
# view -> answer per visitor (anonymous, outsider, member, facilitator, steward, researcher,
# site admin): the community's figures for its leaders and site admins; "mine" for members.
LISTED = {view: LEADERS for view in VIEWS[:-1]}
LISTED["analytics:mine"] = (LOGIN, 403, 200, 200, 200, 200, 403)
PRIVATE = {name: (404, 404, *answers[2:]) for name, answers in LISTED.items()}


def answer(response) -> int | str:
    if response.status_code == 302 and "/login" in response["Location"]:
        return LOGIN
    return response.status_code


def url(name: str, cast) -> str:
    return reverse(name, args=[cast.community.slug])


@pytest.mark.parametrize("visibility, matrix", [(Community.Visibility.LISTED, LISTED),
                                                (Community.Visibility.PRIVATE, PRIVATE),
                                                (Community.Visibility.PUBLIC, LISTED)])
def test_permission_matrix(make_cast, as_visitor, visibility, matrix):
    cast = make_cast(researchers=True, visibility=visibility)
    for view in VIEWS:
        for who, expected in zip(ALL_VISITORS, matrix[view], strict=True):
            client = as_visitor(cast, who)
            assert answer(client.get(url(view, cast))) == expected, (who, view)
            client.logout()


@pytest.fixture
def world(make_cast):
    """A thread by the member, answered by the facilitator, whom the member answers; two
    more posts by the member under their own opener; the steward only reads; the
    researcher (a member) does nothing.

    member: 4 posts (contributor), 1 reply to others, 1 thread; facilitator: 1 post
    (occasional), 1 reply to others; steward: a reader who never posts; researcher:
    inactive. Member and facilitator replied to each other: one pair, both ways."""
    cast = make_cast(researchers=True)
    cast.member.display_name = "Maryam"
    cast.member.save()
    cast.facilitator.display_name = "Farid"
    cast.facilitator.save()
    topic = make_topic(cast.community, facilitators=[cast.facilitator], title="Loop input")
    thread = make_thread(topic, cast.member)
    first = opener(thread)
    answer_ = reply(thread, cast.facilitator, parent=first, body="one two three four")
    reply(thread, cast.member, parent=answer_)
    reply(thread, cast.member, parent=first)
    reply(thread, cast.member, parent=first)
    ThreadVisitDay.objects.create(community=cast.community, user=cast.steward, thread=thread,
                                  day=timezone.localdate(), visits=2)
    cast.topic = topic
    return cast


def cells(html: str, part: str = "") -> dict[str, str]:
    """data-cell name -> the text of the element (tables) or its data-value (charts)."""
    found = {}
    for name, value in re.findall(r'data-cell="([^"]+)" data-value="([^"]+)"', html):
        found[name] = value
    for name, text in re.findall(r'<t[dh][^>]*data-cell="([^"]+)"[^>]*>([^<]*)<', html):
        found.setdefault(name, text.strip())
    return {key: value for key, value in found.items() if key.startswith(part)}


def svg_cells(html: str) -> dict[str, str]:
    found = {}
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        found.update(re.findall(r'data-cell="([^"]+)" data-value="([^"]+)"', svg))
    return found


def table_cells(html: str) -> dict[str, str]:
    without = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    return {name: text.strip() for name, text in
            re.findall(r'<(?:td|dd)[^>]*data-cell="([^"]+)"[^>]*>([^<]*)<', without)}


def test_leaders_see_groups_top_and_every_member(world, client):
    client.force_login(world.steward)
    page = client.get(url("analytics:engagement", world), {"top": "1"})
    html = page.content.decode()
    shares = {share.group: (share.members, share.percent) for share in page.context["shares"]}
    assert shares == {"contributor": (1, 25), "occasional": (1, 25), "lurker": (1, 25),
                      "inactive": (1, 25)}
    assert [row.user_id for row in page.context["top"]] == [world.member.pk]
    assert "Top 1 by posts in the window" in html
    totals = page.context["totals"]
    assert (totals.members, totals.active, totals.posts, totals.replies_to_others) == (
        4, 3, 5, 2)
    table = table_cells(html)
    assert table["group-contributor"] == "1" and table["group-inactive"] == "1"
    assert table[f"member-{world.member.pk}-posts"] == "4"
    assert table[f"member-{world.facilitator.pk}-posts"] == "1"
    assert table["total-posts"] == "5"
    compare = {side.side: side for side in page.context["compare"]}
    assert compare["leaders"].members == 2 and compare["leaders"].posts == 1
    assert compare["participants"].members == 2 and compare["participants"].posts == 4
    assert "Maryam" in html and "Farid" in html
    assert "engagement.csv?" in html and "engagement.xlsx?" in html


def test_charts_agree_with_their_tables(world, client):
    client.force_login(world.facilitator)
    for view in ("analytics:engagement", "analytics:activity"):
        html = client.get(url(view, world)).content.decode()
        drawn, tabled = svg_cells(html), table_cells(html)
        assert drawn, view
        for name, value in drawn.items():
            assert tabled[name] == value, (view, name)


def test_activity_weeks_topics_and_network(world, client):
    client.force_login(world.steward)
    page = client.get(url("analytics:activity", world))
    html = page.content.decode()
    assert sum(week.posts for week in page.context["weeks"]) == 5
    this_week = page.context["weeks"][-1]
    assert (this_week.posts, this_week.readers) == (5, 1)
    [topic] = page.context["topics"]
    assert (topic.title, topic.posts, topic.posters, topic.readers) == ("Loop input", 5, 2, 1)
    network = page.context["network"]
    assert network.isolated == 2 and network.reciprocity == 1.0 and network.clusters == [2]
    connected = page.context["connected"]
    assert {item.node.user_id for item in connected} == {world.member.pk,
                                                         world.facilitator.pk}
    assert all(item.degree == 1 for item in connected)
    table = table_cells(html)
    assert table["network-isolated"] == "2" and table["network-reciprocity"] == "100%"
    assert table["cluster-1"] == "2"
    assert html.count("<svg") == 3


def test_a_member_sees_only_their_own_figures(world, client):
    client.force_login(world.member)
    page = client.get(url("analytics:mine", world))
    html = page.content.decode()
    assert page.context["row"].user_id == world.member.pk
    assert table_cells(html)["mine-posts"] == "4"
    assert sum(week.posts for week in page.context["weeks"]) == 4
    assert "Farid" not in html
    assert 'name="cohort"' not in html and 'name="sort"' not in html
    assert "engagement.csv" not in html
    # The facilitator's own page is theirs alone too.
    client.force_login(world.facilitator)
    page = client.get(url("analytics:mine", world))
    assert page.context["row"].user_id == world.facilitator.pk
    assert sum(week.posts for week in page.context["weeks"]) == 1


def test_sorting_by_a_column_both_ways(world, client):
    client.force_login(world.steward)
    base = url("analytics:engagement", world)
    page = client.get(base, {"sort": "posts", "direction": "desc"})
    names = [row.user_id for row in page.context["page"].object_list]
    assert names[:2] == [world.member.pk, world.facilitator.pk]
    html = page.content.decode()
    assert re.search(r'<th scope="col" aria-sort="descending"><a href="\?[^"]*sort=posts'
                     r'[^"]*direction=asc', html)
    assert html.count("aria-sort=") == 1
    page = client.get(base, {"sort": "posts", "direction": "asc"})
    ids = [row.user_id for row in page.context["page"].object_list]
    assert ids[-1] == world.member.pk
    assert 'aria-sort="ascending"' in page.content.decode()
    # Sort links keep the filters.
    page = client.get(base, {"top": "3", "tier": "", "sort": "words", "direction": "desc"})
    [words] = [heading for heading in page.context["headings"] if heading.column == "words"]
    assert "top=3" in words.href and "direction=asc" in words.href


def test_filters_narrow_to_a_cohort_and_a_window(world, client):
    cohort = CohortFactory(community=world.community)
    membership = Membership.objects.get(community=world.community, user=world.facilitator)
    membership.cohorts.add(cohort)
    client.force_login(world.steward)
    page = client.get(url("analytics:engagement", world), {"cohort": cohort.pk})
    assert [row.user_id for row in page.context["page"].object_list] == [world.facilitator.pk]
    long_ago = timezone.localdate() - timedelta(days=400)
    page = client.get(url("analytics:engagement", world), {
        "start": long_ago.isoformat(), "end": (long_ago + timedelta(days=30)).isoformat()})
    assert page.context["totals"].posts == 0
    assert page.context["scope"].start == long_ago


def test_default_window_is_the_last_three_months(world, client):
    client.force_login(world.steward)
    scope = client.get(url("analytics:engagement", world)).context["scope"]
    today = timezone.localdate()
    assert scope.end == today
    assert 89 <= (today - scope.start).days <= 92


def test_pagination_keeps_the_filters(world, client, settings):
    for _ in range(3):
        MembershipFactory(community=world.community)
    client.force_login(world.steward)
    from praxis.site.analytics import engagement as views
    original = views.PER_PAGE
    views.PER_PAGE = 3
    try:
        page = client.get(url("analytics:engagement", world), {"sort": "name",
                                                                "direction": "asc"})
        html = page.content.decode()
        assert page.context["page"].paginator.num_pages == 3
        assert "sort=name&amp;direction=asc&amp;page=2" in html
        second = client.get(url("analytics:engagement", world), {
            "sort": "name", "direction": "asc", "page": "2"})
        assert len(second.context["page"].object_list) == 3
        assert client.get(url("analytics:engagement", world), {"page": "x"}).status_code == 200
    finally:
        views.PER_PAGE = original


def test_csv_and_xlsx_through_the_web(world, client):
    client.force_login(world.steward)
    response = client.get(url("analytics:engagement_csv", world), {"sort": "posts"})
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4
    by_name = {row["name"]: row for row in rows}
    assert by_name["Maryam"]["posts"] == "4"
    assert by_name["Farid"]["replies_to_others"] == "1"
    response = client.get(url("analytics:engagement_xlsx", world))
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    values = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    header = next(row for row in values if "posts" in [str(cell).lower() for cell in row]
                  or "Posts" in row)
    posts_at = [str(cell).lower() for cell in header].index("posts")
    maryam = next(row for row in values if "Maryam" in row)
    assert maryam[posts_at] == 4
    # The cohort filter carries into the export.
    cohort = CohortFactory(community=world.community)
    Membership.objects.get(community=world.community, user=world.member).cohorts.add(cohort)
    response = client.get(url("analytics:engagement_csv", world), {"cohort": cohort.pk})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["name"] for row in rows] == ["Maryam"]


@pytest.mark.parametrize("query", [
    {"start": "not-a-date"}, {"start": "2026-13-45"}, {"end": "1800-01-01"},
    {"start": "2026-05-01", "end": "2026-01-01"}, {"start": "1990-01-01", "end": "2026-01-01"},
    {"topic": "abc"}, {"topic": "999999"}, {"cohort": "-1"}, {"tier": "emperor"},
    {"top": "0"}, {"top": "100000"}, {"top": "1e9"}, {"sort": "password"},
    {"direction": "sideways"}, {"page": "-3"}, {"page": "99999"}, {"start": "\x00"},
])
def test_bad_input_is_told_never_a_500(world, client, query):
    client.force_login(world.steward)
    for view in VIEWS:
        response = client.get(url(view, world), query)
        assert response.status_code == 200, (view, query)
        told = (view == "analytics:engagement" and "page" not in query) or (
            view == "analytics:activity" and not {"top", "sort", "direction", "page"} & set(query))
        if told:
            assert 'role="alert"' in response.content.decode(), (view, query)


def test_queries_do_not_grow_with_the_members(world, client, django_assert_max_num_queries):
    client.force_login(world.steward)
    for view in VIEWS:  # the first visit also keeps the months and weeks that are over
        assert client.get(url(view, world)).status_code == 200
    counts = {}
    for round_ in range(2):
        for view in VIEWS:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url(view, world)).status_code == 200
            counts[round_, view] = len(queries)
        if round_ == 0:
            topic = world.topic
            for _ in range(25):
                person = MembershipFactory(community=world.community).user
                thread = make_thread(topic, person)
                reply(thread, world.member, parent=opener(thread))
    for view in VIEWS:
        assert counts[1, view] <= counts[0, view], (view, counts)
        assert counts[0, view] < 40, (view, counts)


def test_persian_pages_use_persian_digits(world, client):
    world.steward.locale = "fa"
    world.steward.save(update_fields=["locale"])
    client.force_login(world.steward)
    for view in ("analytics:engagement", "analytics:activity"):
        html = client.get(url(view, world)).content.decode()
        assert 'direction="rtl"' in html
        drawn, tabled = svg_cells(html), table_cells(html)
        for name, value in drawn.items():  # raw values in the chart, Persian digits shown
            assert tabled[name] == value.translate(str.maketrans("0123456789",
                                                                  "۰۱۲۳۴۵۶۷۸۹")), name
    assert table_cells(html)["network-isolated"] == "۲"


@pytest.mark.parametrize(("data", "error"), [
    ({"start": "2026-03-01", "end": "2026-02-01"}, "{noun} must start before it ends."),
    ({"start": "2020-01-01", "end": "2026-01-02"}, "Choose a {lower} of at most five years."),
    ({"start": "1989-12-31", "end": "2026-01-02"}, "Choose dates from 1990 to a year from today."),
])
def test_the_three_window_forms_check_the_window_alike(cast, data, error):
    """The analytics filters, the impact dashboard's and the report's period share one
    check (``dashboard_forms.clean_window``), each in its own words."""
    forms = [("The window", "window", AnalyticsFilterForm(data, community=cast.community)),
             ("The window", "window", DashboardFilterForm(data, community=cast.community)),
             ("The period", "period", PeriodForm(data))]
    for noun, lower, form in forms:
        with translation.override("en"):  # a Persian page before leaves Persian on
            assert not form.is_valid()
            assert form.non_field_errors() == [error.format(noun=noun, lower=lower)]
    good = {"start": "2026-01-01", "end": "2026-01-31"}
    for form in (AnalyticsFilterForm(good, community=cast.community),
                 DashboardFilterForm(good, community=cast.community), PeriodForm(good)):
        assert form.is_valid()
        assert (form.cleaned_data["start"].day, form.cleaned_data["end"].day) == (1, 31)


def test_every_table_is_named_and_every_header_says_something(world, client):
    client.force_login(world.steward)
    for view in ("analytics:engagement", "analytics:activity", "analytics:mine"):
        html = client.get(url(view, world)).content.decode()
        tables = re.findall(r"<table([^>]*)>\s*(<caption|)", html)
        assert tables, view
        for attributes, caption in tables:
            assert caption or "aria-labelledby=" in attributes, (view, attributes)
        assert not re.search(r"<th[^>]*>\s*</th>", html), view
        for name in re.findall(r'<table[^>]*aria-labelledby="([^"]+)"', html):
            assert f'id="{name}"' in html, (view, name)


def test_five_years_of_weeks_stay_light(world, client):
    """Over five years (262 weeks) the line is drawn without a dot a week; the weeks'
    table still gives every week."""
    client.force_login(world.steward)
    end = timezone.localdate()
    start = end.replace(year=end.year - 5) + timedelta(days=1)
    html = client.get(url("analytics:activity", world), {
        "start": start.isoformat(), "end": end.isoformat()}).content.decode()
    weeks = re.search(r'<svg[^>]*aria-labelledby="weeks-chart-title.*?</svg>', html, re.S)
    assert weeks is not None
    assert "<circle" not in weeks.group() and weeks.group().count("<polyline") == 3
    assert len(weeks.group()) < 12_000  # 149 kB with a dot a week and series
    rows = len(re.findall(r'data-cell="week-[0-9-]+-posts"', html))
    assert rows >= 260
    assert len(html.encode()) < 80_000  # 207 kB with the dots
    # A short window keeps its dots, one a week and series.
    short = client.get(url("analytics:activity", world)).content.decode()
    assert re.search(r'<circle[^>]*data-cell="week-', short)
