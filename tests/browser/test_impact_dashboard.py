"""The impact dashboard in a real browser with JavaScript off, at phone width: a steward
narrows the numbers to a cohort with the filter form, downloads them as CSV, and reads the
page in Persian; a member opens their own. The hand-counted world is the unit tests'."""

from pathlib import Path

import pytest

from praxis.accounts.tests.factories import DEFAULT_PASSWORD
from praxis.impact.tests.dashboard_world import WINDOW, build

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(make_cast, live_server):
    return build(make_cast())


def fits_the_phone(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth")


def test_a_steward_filters_the_dashboard_and_downloads_it_on_a_phone(new_context, world, log_in,
                                                                     screenshot):
    slug = world.cast.community.slug
    page = new_context(viewport=PHONE, accept_downloads=True).new_page()
    log_in(page, world.cast.steward.email, DEFAULT_PASSWORD)
    page.goto(f"/c/{slug}/impact/dashboard/?start={WINDOW['start']}&end={WINDOW['end']}")
    main = page.locator("main")
    assert main.get_by_role("heading", name="Impact dashboard").is_visible()
    stats = main.locator(".stats").first  # the cascade's reach; reading comes after it
    assert "46" in stats.inner_text() and "7" in stats.inner_text()
    assert main.get_by_role("img", name="Applied value: 3").is_visible()
    stories = main.locator(".story-list")
    assert "A diary for trainees" in stories.inner_text()
    assert "Secret diary" not in page.content()
    assert fits_the_phone(page)
    screenshot(page, "impact-dashboard-phone-en")

    main.get_by_label("Cohort").select_option(label="Master trainers 2012")
    main.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert "cohort=" in page.url
    assert main.get_by_role("img", name="Applied value: 2").is_visible()
    people = main.locator(".stats").first.locator("div").nth(1).inner_text()
    assert "42" in people

    with page.expect_download() as download:
        main.get_by_role("link", name="Download these numbers (CSV)").click()
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert body.splitlines()[0] == "panel,key,value"
    assert "cascade,people,42" in body

    page.locator(".lang-switch button[value=fa]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert fits_the_phone(page)
    screenshot(page, "impact-dashboard-phone-fa")


def test_a_member_opens_their_own_numbers(new_context, world, log_in, screenshot):
    slug = world.cast.community.slug
    page = new_context(viewport=PHONE).new_page()
    log_in(page, world.cast.member.email, DEFAULT_PASSWORD)
    page.goto(f"/c/{slug}/impact/dashboard/")
    assert "403" in page.title() or page.locator("main").get_by_role(
        "heading", name="Impact dashboard").count() == 0
    page.goto(f"/c/{slug}/impact/dashboard/mine/?start={WINDOW['start']}&end={WINDOW['end']}")
    main = page.locator("main")
    assert main.get_by_role("heading", name="Your impact").is_visible()
    assert main.get_by_role("img", name="Realised value: 1").is_visible()
    assert main.get_by_label("Cohort").count() == 0
    assert fits_the_phone(page)
    screenshot(page, "impact-mine-phone-en")
    page.locator(".lang-switch button[value=fa]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert fits_the_phone(page)
    screenshot(page, "impact-mine-phone-fa")
