"""The report to leadership's pages: the permission matrix of the page, its PDF and the form
of its costs; what the page shows (charts agreeing with their tables, never a private
story); the costs form (bad amounts refused and nothing changed, re-saving replacing the
items, a forged POST to another community refused); and bounded queries."""

import re
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.urls import reverse

from praxis.analytics import report as reports
from praxis.analytics.models import CostItem, CostSheet
from praxis.analytics.tests.report_world import END, PERIOD, START, build_report_world
from praxis.communities.models import Community
from praxis.communities.tests.cast import ALL_VISITORS
from praxis.communities.tests.factories import MembershipFactory

LOGIN = "login"
VIEWS = ["analytics:report", "analytics:report_pdf", "analytics:report_costs"]
# Per visitor: anonymous, outsider, member, facilitator, steward, researcher, site admin.
LISTED = (LOGIN, 403, 403, 403, 200, 403, 200)
PRIVATE = (LOGIN, 404, 403, 403, 200, 403, 200)


def answer(response) -> int | str:
    if response.status_code == 302 and "/login" in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("visibility, matrix", [(Community.Visibility.LISTED, LISTED),
                                                (Community.Visibility.PRIVATE, PRIVATE),
                                                (Community.Visibility.PUBLIC, LISTED)])
@pytest.mark.parametrize("view", VIEWS)
def test_permission_matrix(make_cast, as_visitor, visibility, matrix, view):
    cast = make_cast(researchers=True, visibility=visibility)
    url = reverse(view, args=[cast.community.slug])
    for who, expected in zip(ALL_VISITORS, matrix, strict=True):
        client = as_visitor(cast, who)
        got = answer(client.get(url))
        if visibility == Community.Visibility.PRIVATE and who == "anonymous":
            assert got in (LOGIN, 404), (who, view)
        else:
            assert got == expected, (who, view)
        client.logout()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "facilitator",
                                 "researcher"])
def test_only_stewards_and_site_admins_post_costs(make_cast, as_visitor, who):
    cast = make_cast(researchers=True)
    client = as_visitor(cast, who)
    response = client.post(reverse("analytics:report_costs", args=[cast.community.slug])
                           + "?start=2026-01-01&end=2026-03-31", _costs_data())
    assert answer(response) in (LOGIN, 403, 404)
    assert not CostSheet.objects.exists()


@pytest.fixture
def world(cast):
    return build_report_world(cast)


def _page(client, world, **query):
    return client.get(reverse("analytics:report", args=[world.cast.community.slug]),
                      {**PERIOD, **query})


def _cells(text: str) -> dict[str, str]:
    """data-cell name -> what the table's cell shows."""
    return dict(re.findall(r'<td data-cell="([^"]+)">([^<]*)</td>', text))


def _chart_values(text: str) -> dict[str, str]:
    return dict(re.findall(r'data-cell="([^"]+)" data-value="([^"]+)"', text))


def test_the_page_shows_every_part_and_never_a_private_story(world, client):
    client.force_login(world.cast.steward)
    response = _page(client, world)
    assert response.status_code == 200
    text = response.content.decode()
    for words in ("Report to leadership", "Members and activity", "Topics run in the period",
                  "We learnt to model loop input first", "They wrote.",
                  "I changed my warm-up.", "Trainees asked for more.",
                  "Certificates issued", "Autumn programme", "Facilitation effort",
                  "Platform hosting", "1,420.50", "236.75", "177.56", "Download PDF",
                  "Change the costs"):
        assert words in text, words
    assert "Trainees set their own rules." not in text
    assert "Assessment for learning" not in text  # ran before the period
    assert "Presenting at conferences" not in text  # ran after it
    assert 'data-figure="facilitator-posts">3<' in text
    assert 'data-figure="steward-posts">1<' in text
    assert 'data-figure="hours">40<' in text
    assert reverse("analytics:report_pdf", args=[world.cast.community.slug]) + \
        "?start=2026-01-01&amp;end=2026-03-31" in text


def test_the_charts_agree_with_their_tables(world, client):
    client.force_login(world.cast.steward)
    text = _page(client, world).content.decode()
    table, chart = _cells(text), _chart_values(text)
    shared = [name for name in chart if name in table]
    assert len(shared) >= 4 + 5 + 2  # groups, cycles, topics (and the weeks)
    for name in shared:
        assert table[name] == chart[name], name
    assert table[f"topic-{world.world.t1.pk}-posts"] == "4"
    assert table["cycle-applied"] == "4" and table["cycle-realised"] == "2"


def test_the_posts_shown_are_the_sum_of_the_weeks_shown(world, client):
    client.force_login(world.cast.steward)
    text = _page(client, world).content.decode()
    figures = dict(re.findall(r'<dd data-figure="([^"]+)">([^<]*)</dd>', text))
    weeks = [int(value) for name, value in _cells(text).items()
             if re.fullmatch(r"week-\d+-posts", name)]
    assert len(weeks) == 14  # the weeks touching 1 January to 31 March 2026
    assert int(figures["posts"]) == sum(weeks) == 5
    assert figures["readers"] == "4" and figures["members"] == "8"
    assert "former members too" in text


def test_persian_report_has_persian_digits_and_solar_hijri_dates(world, client):
    steward = world.cast.steward
    steward.locale = "fa"
    steward.save()
    client.force_login(steward)
    text = _page(client, world).content.decode()
    assert "۱٬۴۲۰٫۵۰" in text
    assert "۱۴۰۴" in text  # 1 January 2026 is 11 Dey 1404
    assert 'dir="rtl"' in text


def test_without_costs_the_page_says_so_and_links_to_the_form(world, client):
    CostSheet.objects.all().delete()
    client.force_login(world.cast.steward)
    text = _page(client, world).content.decode()
    assert "No costs have been entered for exactly this period." in text
    assert reverse("analytics:report_costs", args=[world.cast.community.slug]) + \
        "?start=2026-01-01&amp;end=2026-03-31" in text


def test_a_bad_period_is_told_and_the_default_shown(world, client):
    client.force_login(world.cast.steward)
    response = _page(client, world, start="2026-05-01", end="2026-01-01")
    assert response.status_code == 200
    assert "The period must start before it ends." in response.content.decode()
    assert response.context["report"].end.month == 12 or response.context["report"].end.day >= 28


def _costs_data(items=(("Hosting", "300"), ("Printing", "120.50")), **sheet):
    data = {"currency": "EUR", "facilitation_hours": "40", "hourly_rate": "25",
            "costs-TOTAL_FORMS": str(len(items) + 2), "costs-INITIAL_FORMS": "0",
            "costs-MIN_NUM_FORMS": "0", "costs-MAX_NUM_FORMS": "40", **sheet}
    for index, (label, amount) in enumerate(items):
        data[f"costs-{index}-label"] = label
        data[f"costs-{index}-amount"] = amount
    return data


def _costs_url(community, period=PERIOD):
    return (reverse("analytics:report_costs", args=[community.slug])
            + f"?start={period['start']}&end={period['end']}")


def test_entering_costs_saves_the_sheet_and_its_items(cast, client):
    client.force_login(cast.steward)
    page = client.get(_costs_url(cast.community))
    assert page.status_code == 200
    assert page.content.decode().count('name="costs-') >= 3 * 2
    response = client.post(_costs_url(cast.community), _costs_data())
    assert response.status_code == 302
    assert response["Location"].endswith("?start=2026-01-01&end=2026-03-31")
    sheet = CostSheet.objects.get(community=cast.community)
    assert (sheet.start, sheet.end) == (START, END)
    assert (sheet.currency, sheet.facilitation_hours, sheet.hourly_rate) == (
        "EUR", Decimal(40), Decimal(25))
    assert sheet.updated_by == cast.steward
    assert [(i.label, i.amount) for i in sheet.items.all()] == [
        ("Hosting", Decimal(300)), ("Printing", Decimal("120.50"))]


def test_saving_again_replaces_the_items(cast, client):
    client.force_login(cast.steward)
    client.post(_costs_url(cast.community), _costs_data())
    page = client.get(_costs_url(cast.community)).content.decode()
    assert 'value="Hosting"' in page and 'value="Printing"' in page
    client.post(_costs_url(cast.community),
                _costs_data(items=[("Venue", "80")], facilitation_hours="12.5"))
    sheet = CostSheet.objects.get(community=cast.community)
    assert sheet.facilitation_hours == Decimal("12.5")
    assert [(i.label, i.amount) for i in sheet.items.all()] == [("Venue", Decimal(80))]
    assert CostItem.objects.count() == 1


@pytest.mark.parametrize("bad", [
    {"hourly_rate": "-3"}, {"facilitation_hours": "many"},
    {"items": [("Hosting", "-300")]}, {"items": [("Hosting", "lots")]},
    {"items": [("", "300")]}, {"items": [("Hosting", "")]},
    {"items": [("Hosting", "1" * 20)]},
])
def test_bad_amounts_are_refused_and_nothing_changes(cast, client, bad):
    client.force_login(cast.steward)
    client.post(_costs_url(cast.community), _costs_data())
    before = list(CostItem.objects.values_list("label", "amount"))
    data = _costs_data(**{k: v for k, v in bad.items() if k != "items"})
    if "items" in bad:
        data = _costs_data(items=bad["items"],
                           **{k: v for k, v in bad.items() if k != "items"})
    response = client.post(_costs_url(cast.community), data)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode() or "errorlist" in \
        response.content.decode()
    sheet = CostSheet.objects.get(community=cast.community)
    assert (sheet.facilitation_hours, sheet.hourly_rate) == (Decimal(40), Decimal(25))
    assert list(CostItem.objects.values_list("label", "amount")) == before


def test_a_first_save_finding_the_sheet_made_meanwhile_overwrites_it(cast, client,
                                                                     monkeypatch):
    """The second of two first saves at once: it read no sheet for the period, and the
    first made one before it saved. It saves over that one (one sheet per period) instead
    of failing on the unique (community, start, end)."""
    CostSheet.objects.create(community=cast.community, start=START, end=END,
                             facilitation_hours=Decimal(5), hourly_rate=Decimal(5))
    CostItem.objects.create(sheet=CostSheet.objects.get(), label="Tea", amount=Decimal(3))
    monkeypatch.setattr(reports, "cost_sheet", lambda *args: None)  # the read before
    client.force_login(cast.steward)
    response = client.post(_costs_url(cast.community), _costs_data())
    assert response.status_code == 302
    sheet = CostSheet.objects.get(community=cast.community)
    assert (sheet.facilitation_hours, sheet.hourly_rate) == (Decimal(40), Decimal(25))
    assert [(i.label, i.amount) for i in sheet.items.all()] == [
        ("Hosting", Decimal(300)), ("Printing", Decimal("120.50"))]


def test_saving_the_costs_twice_keeps_one_sheet(cast):
    for hours in (Decimal(5), Decimal(40)):
        reports.save_costs(cast.community, START, END, currency="EUR",
                           facilitation_hours=hours, hourly_rate=Decimal(25),
                           items=[("Hosting", hours)], by=cast.steward)
    sheet = CostSheet.objects.get()
    assert sheet.facilitation_hours == Decimal(40) and sheet.updated_by == cast.steward
    assert list(CostItem.objects.values_list("label", "amount")) == [("Hosting", Decimal(40))]


@pytest.mark.django_db(transaction=True)
def test_two_first_saves_at_once_make_one_sheet_on_postgresql(cast):
    """On PostgreSQL, for real: another request's first save has made the sheet and not
    committed yet; this save waits on the unique index, then takes that sheet and saves
    over it once the other commits. (SQLite locks the whole database instead: the test
    above plays the same moment there.)"""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions")
    made, commit = threading.Event(), threading.Event()
    errors: list[Exception] = []

    def other_request() -> None:
        try:
            with transaction.atomic():
                CostSheet.objects.create(community=cast.community, start=START, end=END,
                                         facilitation_hours=Decimal(5),
                                         hourly_rate=Decimal(5))
                made.set()
                commit.wait(30)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    def this_request() -> None:
        made.wait(30)
        try:
            reports.save_costs(cast.community, START, END, currency="EUR",
                               facilitation_hours=Decimal(40), hourly_rate=Decimal(25),
                               items=[("Hosting", Decimal(300))], by=cast.steward)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=other_request), threading.Thread(target=this_request)]
    for thread in threads:
        thread.start()
    with connection.cursor() as cursor:
        for _attempt in range(600):  # until this request waits on the other's row
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                           "current_database() AND wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.05)
    commit.set()
    for thread in threads:
        thread.join(30)
    assert errors == []
    sheet = CostSheet.objects.get(community=cast.community)
    assert (sheet.facilitation_hours, sheet.hourly_rate) == (Decimal(40), Decimal(25))
    assert list(sheet.items.values_list("label", "amount")) == [("Hosting", Decimal(300))]


def test_a_bad_period_saves_nothing(cast, client):
    client.force_login(cast.steward)
    response = client.post(_costs_url(cast.community, {"start": "2026-04-01",
                                                       "end": "2026-01-01"}), _costs_data())
    assert response.status_code == 200
    assert not CostSheet.objects.exists()


def test_a_forged_post_to_another_community_is_refused(make_cast, client):
    ours, theirs = make_cast(), make_cast()
    CostSheet.objects.create(community=theirs.community, start=START, end=END,
                             facilitation_hours=Decimal(5), hourly_rate=Decimal(5))
    client.force_login(ours.steward)
    response = client.post(_costs_url(theirs.community), _costs_data())
    assert response.status_code in (403, 404)
    sheet = CostSheet.objects.get(community=theirs.community)
    assert sheet.facilitation_hours == Decimal(5) and not sheet.items.exists()
    assert not CostSheet.objects.filter(community=ours.community).exists()


def test_stewards_find_the_report_among_their_tools(world, client):
    url = reverse("analytics:report", args=[world.cast.community.slug])
    dashboard = reverse("impact:stories", args=[world.cast.community.slug])
    client.force_login(world.cast.steward)
    assert url in client.get(dashboard).content.decode()
    client.force_login(world.cast.facilitator)
    assert url not in client.get(dashboard).content.decode()


@pytest.mark.parametrize("view", ["analytics:report", "analytics:report_pdf"])
def test_queries_do_not_grow_with_the_community(world, client, view,
                                                django_assert_max_num_queries):
    client.force_login(world.cast.steward)
    url = reverse(view, args=[world.cast.community.slug])
    with django_assert_max_num_queries(60) as captured:
        assert client.get(url, PERIOD).status_code == 200
    first = len(captured.captured_queries)
    for _index in range(6):
        MembershipFactory(community=world.cast.community)
    with django_assert_max_num_queries(first):
        assert client.get(url, PERIOD).status_code == 200
