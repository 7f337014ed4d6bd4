"""Topics in a real browser with JavaScript off: a member proposes a topic, another supports
it, the steward schedules it; the topic, proposals and archive pages pass axe and do not
scroll sideways on a phone, in English and Persian."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from praxis.accounts.tests.factories import DEFAULT_PASSWORD
from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions.models import Thread
from praxis.discussions.services import publish_post, start_thread
from praxis.topics import services
from praxis.topics.models import Topic, TopicProposal
from praxis.topics.services import QuestionDraft, SeedArticle

PHONE = {"width": 375, "height": 812}
FAILING_IMPACTS = {"serious", "critical"}
LOCAL = "%Y-%m-%dT%H:%M"


def submit(page, name: str) -> None:
    page.locator("main").get_by_role("button", name=name).click()
    page.wait_for_load_state()


@pytest.fixture
def scene(make_cast, live_server):
    cast = make_cast()
    for person, name in ((cast.member, "Ali Moradi"), (cast.steward, "Shirin Rahimi"),
                         (cast.facilitator, "Maryam Hosseini")):
        person.display_name = name
        person.save()
    cast.colleague = MembershipFactory(community=cast.community).user
    cast.colleague.display_name = "Narges Karimi"
    cast.colleague.save()
    return cast


def test_a_proposal_is_supported_approved_and_becomes_a_topic(new_context, scene, log_in,
                                                              screenshot):
    slug = scene.community.slug

    # A member proposes a topic.
    member = new_context().new_page()
    log_in(member, scene.member.email, DEFAULT_PASSWORD)
    member.goto(f"/c/{slug}/")
    member.locator("main").get_by_role("link", name="Topics", exact=True).click()
    member.locator("main").get_by_role("link", name="Propose a topic").first.click()
    main = member.locator("main")
    main.get_by_label("Title").fill("Presenting at conferences")
    main.get_by_label("Why it matters in your practice").fill(
        "Several of us have been invited to present our training work.")
    main.get_by_label("Suggested facilitator").fill("Maryam Hosseini")
    main.get_by_label("21 days (three weeks)").check()
    screenshot(member, "topics-propose")
    submit(member, "Send the proposal")
    expect(member.locator(".messages")).to_contain_text("Your proposal is on the proposals page")
    expect(member.locator("main .facts")).to_contain_text("Supporters1: Ali Moradi")

    # Another member supports it from the proposals page.
    colleague = new_context().new_page()
    log_in(colleague, scene.colleague.email, DEFAULT_PASSWORD)
    colleague.goto(f"/c/{slug}/proposals/")
    colleague.locator("main").get_by_role("button", name="Support").click()
    colleague.wait_for_load_state()
    expect(colleague.locator(".messages")).to_contain_text("You support this proposal.")
    expect(colleague.locator("main")).to_contain_text("2 supporters")
    expect(colleague.locator("main").get_by_role("button", name="Supported")).to_have_attribute(
        "aria-pressed", "true")

    # The steward schedules it with dates and a facilitator.
    steward = new_context().new_page()
    log_in(steward, scene.steward.email, DEFAULT_PASSWORD)
    steward.goto(f"/c/{slug}/proposals/")
    steward.locator("main").get_by_role("link", name="Approve and schedule").first.click()
    steward.wait_for_load_state()
    main = steward.locator("main")
    # The suggested facilitator is a member by that name: already ticked.
    expect(main.get_by_label("Maryam Hosseini")).to_be_checked()
    start = timezone.localtime() + timedelta(days=3)
    main.get_by_label(re.compile(r"^Starts")).fill(start.strftime(LOCAL))
    main.get_by_label(re.compile(r"^Apply phase from")).fill(
        (start + timedelta(days=13)).strftime(LOCAL))
    main.get_by_label(re.compile(r"^Ends")).fill((start + timedelta(days=21)).strftime(LOCAL))
    main.get_by_label("Open question").first.fill("What makes a conference session practical?")
    screenshot(steward, "topics-approve")
    submit(steward, "Approve and create the topic")

    topic = Topic.objects.get()
    assert steward.url.endswith(f"/c/{slug}/t/{topic.slug}/")
    main = steward.locator("main")
    expect(main.get_by_role("heading", name="Presenting at conferences")).to_be_visible()
    expect(main.locator(".state-badge")).to_have_text("Scheduled")
    expect(main.locator(".side-column")).to_contain_text("Maryam Hosseini")
    expect(main.get_by_role("link", name="What makes a conference session practical?")
           ).to_be_visible()
    screenshot(steward, "topics-scheduled-topic")
    proposal = TopicProposal.objects.get()
    assert proposal.status == TopicProposal.Status.APPROVED and proposal.topic == topic

    # The proposer sees the decision on the proposal's page.
    member.goto(f"/c/{slug}/proposals/{proposal.pk}/")
    expect(member.locator("main")).to_contain_text("Approved on")
    member.locator("main").get_by_role("link", name="Go to the topic").click()
    expect(member.locator("main h2")).to_have_text("Presenting at conferences")


@pytest.fixture
def rich(scene):
    """A topic in its apply phase with posts, a closed one with its synthesis, a decided
    proposal: something on every topics page."""
    now = timezone.now()
    cast = scene
    running = services.create_topic(
        community=cast.community, actor=cast.facilitator,
        title="Dealing with difficult participants", facilitators=[cast.facilitator],
        summary="Late comers, early leavers, the colleague who knows it all.",
        starts_at=now - timedelta(days=14), apply_from=now - timedelta(days=1),
        ends_at=now + timedelta(days=7), apply_prompt="Post how you will set the rules.",
        seed=SeedArticle(title="Teaching Teachers: Processes and Practices",
                         citation="Malderez, A. and Wedell, M. (2007). London: Continuum.",
                         url="https://www.bloomsbury.com/"),
        questions=[QuestionDraft("Setting rules: the trainer's or the group's?"),
                   QuestionDraft("Is it the participant, or the course?")],
    )
    thread = start_thread(topic=running, author=cast.member, kind=Thread.Kind.SESSION_PLAN,
                          title="My first-day plan for a course in Kashan", body="Plan.")
    publish_post(thread=thread, author=cast.facilitator, body="Try asking them first.")
    closed = services.create_topic(
        community=cast.community, actor=cast.facilitator, title="Loop input",
        starts_at=now - timedelta(days=40), apply_from=now - timedelta(days=36),
        ends_at=now - timedelta(days=33), questions=[QuestionDraft("What is loop input?")],
    )
    services.save_synthesis(topic=closed, published=True, text=(
        "## Key points\n- Step back and name what you experienced.\n\n"
        "## Practical ideas\n- Group trainees in four ways while they discuss grouping."))
    services.decline_proposal(
        proposal=services.propose_topic(community=cast.community, proposer=cast.member,
                                        title="IELTS speaking", rationale="Exams."),
        actor=cast.steward, reason="Out of scope.")
    services.propose_topic(community=cast.community, proposer=cast.colleague,
                           title="استفاده از تلفن همراه در دوره‌های ضمن خدمت",
                           rationale="بسیاری از معلمان اینترنت ثابت ندارند.")
    cast.running, cast.closed = running, closed
    return cast


def _axe(page, label, screenshot) -> list[str]:
    page.wait_for_load_state()
    screenshot(page, f"a11y-{label}")
    problems = []
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] in FAILING_IMPACTS:
            targets = "; ".join(" ".join(map(str, n["target"])) for n in violation["nodes"])
            problems.append(f"{label} ({page.url}): {violation['id']} [{violation['impact']}] "
                            f"{targets}\n    {violation['help']}")
    return problems


def _switch_to_persian(page) -> None:
    page.locator(".lang-switch button[value=fa]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"


def test_topics_pages_have_no_serious_accessibility_violations(new_context, rich, log_in,
                                                               screenshot):
    slug = rich.community.slug
    pages = {
        "topic-apply-phase": f"/c/{slug}/t/{rich.running.slug}/",
        "topic-closed-synthesis": f"/c/{slug}/t/{rich.closed.slug}/",
        "topic-list": f"/c/{slug}/topics/",
        "proposals": f"/c/{slug}/proposals/",
        "archive": f"/c/{slug}/topics/archive/",
        "topic-edit": f"/c/{slug}/t/{rich.running.slug}/edit/",
        "topic-questions": f"/c/{slug}/t/{rich.running.slug}/questions/",
        "topic-participation": f"/c/{slug}/t/{rich.running.slug}/participation/",
        "topic-synthesis": f"/c/{slug}/t/{rich.closed.slug}/synthesis/",
    }
    page = new_context(javascript=True).new_page()
    log_in(page, rich.facilitator.email, DEFAULT_PASSWORD)
    problems = []
    for label, path in pages.items():
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        problems += _axe(page, f"en-{label}", screenshot)
    _switch_to_persian(page)
    for label in ("topic-apply-phase", "proposals", "archive"):
        page.goto(pages[label])
        problems += _axe(page, f"fa-{label}", screenshot)
    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_topics_pages_do_not_scroll_sideways_on_a_phone(new_context, rich, log_in, screenshot,
                                                        language):
    page = new_context(javascript=True, viewport=PHONE).new_page()
    log_in(page, rich.facilitator.email, DEFAULT_PASSWORD)
    slug = rich.community.slug
    page.goto(f"/c/{slug}/t/{rich.running.slug}/")
    if language == "fa":
        _switch_to_persian(page)
    overflowing = {}
    for path in (f"/c/{slug}/t/{rich.running.slug}/", f"/c/{slug}/t/{rich.closed.slug}/",
                 f"/c/{slug}/topics/", f"/c/{slug}/proposals/", f"/c/{slug}/topics/archive/",
                 f"/c/{slug}/t/{rich.running.slug}/questions/",
                 f"/c/{slug}/t/{rich.running.slug}/edit/"):
        page.goto(path)
        name = path.strip("/").replace("/", "-")
        screenshot(page, f"phone-{language}-{name}")
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
        if widths["scroll"] > widths["inner"]:
            overflowing[path] = widths
    assert not overflowing, f"pages that scroll sideways at {PHONE['width']} px: {overflowing}"
