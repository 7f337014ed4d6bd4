"""Flags, moderation and search clicked through in Chromium with JavaScript off; axe on the
search and moderation pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from praxis.accounts.tests.factories import DEFAULT_PASSWORD
from praxis.discussions.models import Flag, ModerationAction, Post
from praxis.discussions.tests.test_moderation_support import make_discussion, reply

FAILING_IMPACTS = {"serious", "critical"}
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def discussion(make_cast, live_server):
    cast = make_cast()
    found = make_discussion(cast)
    found.other = reply(found.thread, cast.steward,
                        "Microteaching rounds: <script>alert(1)</script> then feedback.")
    return found


def submit(page, name: str) -> None:
    page.locator("main").get_by_role("button", name=name).click()
    page.wait_for_load_state()


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url}: {violation['id']} [{violation['impact']}] {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]


def test_a_member_flags_and_the_facilitator_hides_with_a_reason(
    new_context, discussion, log_in, screenshot
):
    cast, post = discussion.cast, discussion.post
    member = new_context().new_page()
    log_in(member, cast.member.email, DEFAULT_PASSWORD)
    member.goto(f"/c/{discussion.slug}/posts/{post.pk}/")
    member.locator(f"#post-{post.pk}").get_by_role("link", name="Flag").click()
    member.wait_for_load_state()
    screenshot(member, "flag-form")
    member.locator("main").get_by_label("Why should a moderator look at this post?").fill(
        "It names a trainee and her school."
    )
    submit(member, "Send the flag")
    expect(member.locator(".messages")).to_contain_text("A moderator will look at this post.")
    assert Flag.objects.get().flagged_by == cast.member

    facilitator = new_context().new_page()
    log_in(facilitator, cast.facilitator.email, DEFAULT_PASSWORD)
    facilitator.goto(f"/c/{discussion.slug}/moderation/")
    flagged = facilitator.locator("article.flagged")
    expect(flagged).to_contain_text("It names a trainee and her school.")
    expect(flagged).to_contain_text(cast.member.display_name)
    screenshot(facilitator, "moderation-queue")
    flagged.get_by_label("Reason for hiding").fill("Personal data of a trainee")
    flagged.get_by_role("button", name="Hide the post").click()
    facilitator.wait_for_load_state()
    expect(facilitator.locator(".messages")).to_contain_text("The post is hidden.")
    expect(facilitator.locator("article.flagged")).to_have_count(0)
    log = facilitator.locator("table.log")
    expect(log).to_contain_text("Hid a post")
    expect(log).to_contain_text("Personal data of a trainee")
    expect(log).to_contain_text(cast.facilitator.display_name)
    screenshot(facilitator, "moderation-log")
    assert Post.objects.get(pk=post.pk).is_hidden
    assert ModerationAction.objects.get().reason == "Personal data of a trainee"

    # The member no longer reads it; the thread keeps its place for it.
    member.goto(f"/c/{discussion.slug}/posts/{post.pk}/")
    expect(member.locator(f"#post-{post.pk}")).not_to_contain_text("loop input")


def test_a_member_searches_from_the_header_and_sees_the_word_marked(
    page, discussion, log_in, screenshot
):
    log_in(page, discussion.cast.member.email, DEFAULT_PASSWORD)
    header = page.locator(".site-header")
    header.get_by_label("Search").fill("microteaching")
    header.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    result = page.locator(".search-results li").first
    expect(result.locator("mark")).to_have_text("Microteaching")
    expect(result).to_contain_text("<script>alert(1)</script>")  # shown as text, escaped
    screenshot(page, "search-results")
    result.get_by_role("link").click()
    page.wait_for_load_state()
    assert f"#post-{discussion.other.pk}" in page.url


def test_a_member_marks_a_post_helpful_without_javascript(
    new_context, discussion, log_in, screenshot
):
    post = discussion.post
    for language, viewport in (("en", None), ("fa", PHONE)):
        options = {"viewport": viewport} if viewport else {}
        page = new_context(**options).new_page()
        log_in(page, discussion.cast.member.email, DEFAULT_PASSWORD)
        if language == "fa":
            page.locator(".lang-switch button[value=fa]").click()
            page.wait_for_load_state()
        page.goto(f"/c/{discussion.slug}/posts/{post.pk}/")
        # The first visit marks it helpful, the second takes it back.
        before, after = ("false", "true") if language == "en" else ("true", "false")
        helpful = page.locator(f"#post-{post.pk} button[value=helpful]")
        expect(helpful).to_have_attribute("aria-pressed", before)
        helpful.click()
        page.wait_for_load_state()
        expect(page.locator(f"#post-{post.pk} button[value=helpful]")).to_have_attribute(
            "aria-pressed", after)
        screenshot(page, f"post-reactions-{language}-{'phone' if viewport else 'desktop'}")
    assert not post.reactions.exists()


def test_search_and_moderation_pages_have_no_serious_accessibility_violations(
    new_context, discussion, log_in, screenshot
):
    Flag.objects.create(post=discussion.post, flagged_by=discussion.cast.member,
                        reason="Names a trainee")
    ModerationAction.objects.create(community=discussion.cast.community,
                                    actor=discussion.cast.steward, action="pin",
                                    thread=discussion.thread, reason="Welcome thread")
    slug = discussion.slug
    paths = {
        "search": "/search/?q=loop+feedback+microteaching",
        "search-one": "/search/?q=microteaching",
        "community-search": f"/c/{slug}/search/?q=microteaching",
        "search-empty": "/search/?q=zebra",
        "moderation": f"/c/{slug}/moderation/",
        "thread-moderate": f"/c/{slug}/threads/{discussion.thread.pk}/moderate/",
        "hide": f"/c/{slug}/posts/{discussion.post.pk}/hide/",
        "flag": f"/c/{slug}/posts/{discussion.other.pk}/flag/",
    }
    problems: list[str] = []
    for viewport, size in (("desktop", None), ("phone", PHONE)):
        options = {"viewport": size} if size else {}
        page = new_context(javascript=True, **options).new_page()
        log_in(page, discussion.cast.steward.email, DEFAULT_PASSWORD)
        for language in ("en", "fa"):
            page.goto("/")
            if page.locator("html").get_attribute("lang") != language:
                page.locator(f".lang-switch button[value={language}]").click()
                page.wait_for_load_state()
            for label, path in paths.items():
                response = page.goto(path)
                assert response is not None and response.status == 200, path
                screenshot(page, f"{label}-{language}-{viewport}")
                problems += serious_violations(page)
                # A phone never scrolls sideways.
                width = page.evaluate("document.documentElement.scrollWidth")
                viewport_width = page.evaluate("window.innerWidth")
                assert width <= viewport_width, f"{path} ({language}, {viewport}) scrolls"
    assert problems == []
