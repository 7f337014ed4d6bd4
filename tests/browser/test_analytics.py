"""The engagement pages in a real browser: at phone and desktop width, in English and
Persian, nothing scrolls sideways and axe finds no serious violation; a steward sorts the
member table by a column with JavaScript off; a member opens their own figures."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from praxis.accounts.tests.factories import DEFAULT_PASSWORD
from praxis.communities.models import Membership
from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions.tests.factories import make_thread, make_topic, opener, reply

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 900}
axe = Axe()


@pytest.fixture
def world(make_cast, live_server):
    """Twelve members, some writing, some replying to each other, across two topics."""
    cast = make_cast()
    cast.member.display_name = "Maryam Ahmadi"
    cast.member.save()
    people = [MembershipFactory(community=cast.community,
                                tier=Membership.Tier.TRAINER).user for _ in range(8)]
    for index, person in enumerate(people):
        person.display_name = ["Reza", "Sara", "Ali", "Neda", "Omid", "Leila", "Babak",
                               "Mina"][index]
        person.save()
    first = make_topic(cast.community, title="Loop input in training sessions")
    second = make_topic(cast.community, title="آموزش بازتابی و گفتگو")
    for index, topic in enumerate((first, second)):
        thread = make_thread(topic, cast.member if index == 0 else people[0])
        top = opener(thread)
        for person in people[: 5 - index]:
            answer = reply(thread, person, parent=top)
            reply(thread, cast.facilitator, parent=answer)
        reply(thread, cast.member, parent=top)
    return cast


def fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def serious(page) -> list[str]:
    results = axe.run(page)
    return [f"{page.url}: {violation['id']} {violation['help']}"
            for violation in results.response["violations"]
            if violation["impact"] in ("serious", "critical")]


def switch_to_persian(page) -> None:
    page.locator(".lang-switch button[value=fa]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "wide"])
def test_the_pages_fit_and_pass_axe_in_both_languages(new_context, world, log_in, screenshot,
                                                      viewport):
    slug = world.community.slug
    size = "phone" if viewport is PHONE else "wide"
    page = new_context(viewport=viewport, javascript=True).new_page()
    log_in(page, world.steward.email, DEFAULT_PASSWORD)
    problems = []
    for language in ("en", "fa"):
        if language == "fa":
            switch_to_persian(page)
        for name, path in (("engagement", f"/c/{slug}/analytics/"),
                           ("activity", f"/c/{slug}/analytics/activity/"),
                           ("mine", f"/c/{slug}/analytics/mine/")):
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            assert fits(page), (name, language, size)
            assert page.locator("svg.chart").count() >= 1
            problems += serious(page)
            screenshot(page, f"analytics-{name}-{size}-{language}")
    assert not problems, "\n".join(problems)


def test_a_steward_sorts_the_table_without_javascript(new_context, world, log_in):
    slug = world.community.slug
    page = new_context(viewport=PHONE).new_page()
    log_in(page, world.steward.email, DEFAULT_PASSWORD)
    page.goto(f"/c/{slug}/analytics/?top=3")
    main = page.locator("main")
    assert main.get_by_role("heading", name="Top 3 by posts in the window").is_visible()
    table = main.locator("table.engagement-table")
    header = table.locator("thead th", has_text="Replies to others")
    assert header.get_attribute("aria-sort") is None
    header.get_by_role("link").click()
    page.wait_for_load_state()
    assert "sort=replies_to_others" in page.url and "top=3" in page.url
    header = table.locator("thead th", has_text="Replies to others")
    assert header.get_attribute("aria-sort") == "descending"
    first = table.locator("tbody tr").first.locator("th").inner_text()
    assert first == world.facilitator.display_name  # nine replies to others
    header.get_by_role("link").click()
    page.wait_for_load_state()
    assert table.locator("thead th", has_text="Replies to others").get_attribute(
        "aria-sort") == "ascending"
    assert table.locator("tbody tr").last.locator("th").inner_text() == \
        world.facilitator.display_name


def test_a_member_sees_only_their_own(new_context, world, log_in):
    slug = world.community.slug
    page = new_context(viewport=PHONE).new_page()
    log_in(page, world.member.email, DEFAULT_PASSWORD)
    response = page.goto(f"/c/{slug}/analytics/")
    assert response is not None and response.status == 403
    page.goto(f"/c/{slug}/analytics/mine/")
    main = page.locator("main")
    assert main.get_by_role("heading", name="Your engagement").is_visible()
    assert "Reza" not in main.inner_text()
    assert main.get_by_role("img", name="Your posts per week").is_visible()
    assert fits(page)
