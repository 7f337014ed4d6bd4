"""Discussions in a real browser with JavaScript off: a member starts a thread, replies,
quotes and edits; the thread page passes axe and does not scroll sideways on a phone, in
English and Persian."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from praxis.accounts.tests.factories import DEFAULT_PASSWORD
from praxis.discussions import services
from praxis.discussions.models import Post, Thread
from praxis.discussions.tests.factories import make_thread, make_topic, opener

PHONE = {"width": 375, "height": 812}
FAILING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def scene(make_cast, live_server):
    cast = make_cast()
    cast.member.display_name = "Ali Moradi"
    cast.member.save()
    cast.steward.display_name = "Shirin Rahimi"
    cast.steward.save()
    cast.topic = make_topic(cast.community, facilitators=[cast.facilitator],
                            title="Loop input")
    cast.thread = make_thread(
        cast.topic, cast.facilitator, title="Have you been trained through loop input?",
        body="Describe a session where **the way** you were trained was the content.")
    cast.answer = services.publish_post(
        thread=cast.thread, author=cast.steward,
        body="Yes: a session on group work, taught entirely through group work.")
    return cast


def _post(page, post_id: int):
    return page.locator(f"#post-{post_id}")


def test_a_member_starts_a_thread_replies_quotes_and_edits(page, scene, log_in, screenshot):
    slug = scene.community.slug
    log_in(page, scene.member.email, DEFAULT_PASSWORD)

    # A new thread in the topic.
    page.goto(f"/c/{slug}/t/{scene.topic.slug}/threads/new/")
    main = page.locator("main")
    main.get_by_label("A session plan I would like feedback on").check()
    main.get_by_label("Title").fill("Feedback on my first loop-input session")
    main.get_by_label("Message").fill("My plan:\n\n- pairs\n- *step out*\n- discuss")
    main.get_by_role("button", name="Start the thread").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Feedback on my first loop-input session"
    assert page.locator(".post-body em").inner_text() == "step out"
    started = Thread.objects.get(title="Feedback on my first loop-input session")
    assert started.kind == Thread.Kind.SESSION_PLAN

    # A reply to a post.
    page.goto(f"/c/{slug}/threads/{scene.thread.pk}/")
    _post(page, scene.answer.pk).get_by_role("link", name="Reply").click()
    page.wait_for_load_state()
    assert "Replying to Shirin Rahimi" in page.locator("main").inner_text()
    page.locator("main").get_by_label("Your reply").fill("Did the trainees notice it?")
    page.locator("main").get_by_role("button", name="Post reply").click()
    page.wait_for_load_state()
    mine = Post.objects.get(body="Did the trainees notice it?")
    assert mine.parent == scene.answer
    assert page.url.endswith(f"#post-{mine.pk}")
    assert "d1" in (_post(page, mine.pk).get_attribute("class") or "")

    # A quote.
    _post(page, scene.answer.pk).get_by_role("link", name="Quote").click()
    page.wait_for_load_state()
    box = page.locator("main").get_by_label("Your reply")
    assert box.input_value().startswith("> Shirin Rahimi wrote:\n>\n> Yes: a session")
    box.fill(box.input_value() + "I will try this in Kashan.")
    page.locator("main").get_by_role("button", name="Post reply").click()
    page.wait_for_load_state()
    quoting = Post.objects.get(body__endswith="I will try this in Kashan.")
    assert "Shirin Rahimi wrote:" in _post(page, quoting.pk).locator("blockquote").inner_text()

    # An edit of the member's own post.
    _post(page, mine.pk).get_by_role("link", name="Edit").click()
    page.wait_for_load_state()
    page.locator("main").get_by_label("Message").fill("Did the trainees notice the loop?")
    page.locator("main").get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    edited = _post(page, mine.pk)
    assert "Did the trainees notice the loop?" in edited.inner_text()
    assert edited.get_by_role("link", name="edited").count() == 1
    screenshot(page, "discussions-thread-after-posting")


def _deep_thread(scene) -> Thread:
    """A reply tree twelve levels deep, with the long words and links phones choke on."""
    parent = opener(scene.thread)
    people = [scene.member, scene.steward, scene.facilitator]
    for depth in range(12):
        parent = services.publish_post(
            thread=scene.thread, author=people[depth % 3], parent=parent,
            body=f"Level {depth}: see https://example.org/a/very/long/path/"
                 f"{'without-any-break-' * 6}{depth} and `inline_code_that_is_long_{'x' * 40}`"
                 "\n\n| stage | minutes | what the trainer does |\n|---|---|---|\n"
                 "| pairs | 10 | walks around listening to every pair |\n\n"
                 "اگر شرکت‌کنندگان را در گروه‌های کوچک قرار دهیم بحث بهتر پیش می‌رود.")
    return scene.thread


def _sideways(page) -> dict | None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    return widths if widths["scroll"] > widths["inner"] else None


def _switch_language(page, code: str) -> None:
    if page.locator("html").get_attribute("lang") == code:  # remembered on the profile
        return
    page.locator(f".lang-switch button[value={code}]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == code


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_thread_page_is_accessible_and_fits_a_phone(
    new_context, scene, log_in, screenshot, language
):
    thread = _deep_thread(scene)
    url = f"/c/{scene.community.slug}/threads/{thread.pk}/"
    problems = []
    for label, viewport in (("desktop", None), ("phone", PHONE)):
        options = {"viewport": viewport} if viewport else {}
        # JavaScript on only for axe and for measuring: the pages themselves need none.
        page = new_context(javascript=True, **options).new_page()
        log_in(page, scene.member.email, DEFAULT_PASSWORD)
        page.goto(url)
        if language != "en":
            _switch_language(page, language)
            page.goto(url)
        page.wait_for_load_state()
        screenshot(page, f"discussions-thread-{label}-{language}")
        if viewport:
            assert page.evaluate("window.innerWidth") == PHONE["width"]
            assert _sideways(page) is None, (
                f"the thread page scrolls sideways at 375 px ({language}): {_sideways(page)}")
        for violation in Axe().run(page).response["violations"]:
            if violation["impact"] in FAILING_IMPACTS:
                targets = "; ".join(" ".join(map(str, n["target"])) for n in violation["nodes"])
                problems.append(f"{label}-{language}: {violation['id']} "
                                f"[{violation['impact']}] {targets}")
    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)
