"""The cascade in a real browser with JavaScript off: a member records training they gave,
sees it in their events and counted in the tree; the tree (an SVG with its table), the events
and the form do not scroll sideways on a phone, in English and Persian."""

import pytest
from playwright.sync_api import expect

from praxis.accounts.tests.factories import DEFAULT_PASSWORD
from praxis.impact.tests.cascade_world import build

PHONE = {"width": 390, "height": 844}


def submit(page, name: str) -> None:
    page.locator("main").get_by_role("button", name=name).click()
    page.wait_for_load_state()


@pytest.fixture
def scene(make_cast, live_server):
    cast = make_cast()
    cast.member.display_name = "Ali Moradi"
    cast.member.save()
    return build(cast)


def test_a_member_records_training_and_the_tree_counts_it(new_context, scene, log_in,
                                                          screenshot):
    slug = scene.cast.community.slug
    page = new_context().new_page()  # JavaScript off
    log_in(page, scene.cast.member.email, DEFAULT_PASSWORD)
    page.goto(f"/c/{slug}/impact/cascade/")
    tree = page.locator("main")
    expect(tree.locator("td[data-cell=trainer-people]")).to_have_text("47")
    tree.get_by_role("link", name="Record training you gave").first.click()
    main = page.locator("main")
    main.get_by_label("Date").fill("2026-03-15")
    main.get_by_label("Kind").select_option("workshop")
    main.get_by_label("Audience").select_option("teachers")
    main.get_by_label("Number of people").fill("0")
    submit(page, "Record it")
    expect(main.locator(".has-error")).to_have_count(1)
    main.get_by_label("Number of people").fill("20")
    main.get_by_label("Loop input").check()
    submit(page, "Record it")
    expect(page.locator("main")).to_contain_text("Ali Moradi")
    screenshot(page, "cascade-my-events")
    page.goto(f"/c/{slug}/impact/cascade/")
    expect(page.locator("td[data-cell=trainer-people]")).to_have_text("67")
    expect(page.locator("td[data-cell=edge-trainer-people]")).to_have_text("63")
    page.locator("#id_since").fill("2026-03-01")
    page.locator("#id_until").fill("2026-03-31")
    submit(page, "Show")
    expect(page.locator("td[data-cell=trainer-people]")).to_have_text("49")


@pytest.mark.parametrize("language", ["en", "fa"])
def test_cascade_pages_do_not_scroll_sideways_on_a_phone(new_context, scene, log_in,
                                                         screenshot, language):
    page = new_context(viewport=PHONE).new_page()  # JavaScript off
    log_in(page, scene.cast.steward.email, DEFAULT_PASSWORD)
    slug = scene.cast.community.slug
    page.goto(f"/c/{slug}/impact/cascade/")
    if language == "fa":
        page.locator(".lang-switch button[value=fa]").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("dir") == "rtl"
    overflowing = {}
    for path in (f"/c/{slug}/impact/cascade/", f"/c/{slug}/impact/cascade/events/",
                 f"/c/{slug}/impact/cascade/events/new/"):
        page.goto(path)
        screenshot(page, f"phone-{language}-{path.strip('/').replace('/', '-')}")
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
        if widths["scroll"] > widths["inner"]:
            overflowing[path] = widths
    assert not overflowing, f"pages that scroll sideways at {PHONE['width']} px: {overflowing}"
