"""Session plans in a real browser with JavaScript off: a member shares a plan and asks for
feedback; one colleague gives it on the page, another by replying to the request's email;
the author posts a version that answers it, and the plan shows the link. The plan pages do
not scroll sideways on a phone, in English and Persian."""

from email.message import EmailMessage

import pytest
from playwright.sync_api import expect

from praxis.accounts.tests.factories import DEFAULT_PASSWORD
from praxis.communities.tests.factories import MembershipFactory
from praxis.notifications.models import OutboundEmail
from praxis.practice.models import Feedback, SessionPlan
from praxis.practice.services import plans as services
from praxis.practice.tests.plan_factories import STAGES, draft
from praxis.site.notifications.replies import receive

PHONE = {"width": 390, "height": 844}


def submit(page, name: str) -> None:
    page.locator("main").get_by_role("button", name=name).click()
    page.wait_for_load_state()


@pytest.fixture
def scene(make_cast, live_server, settings, tmp_path):
    settings.PRAXIS_REPLY_DOMAIN = "praxis.example.org"
    settings.MEDIA_ROOT = tmp_path / "media"
    cast = make_cast()
    for person, name in ((cast.member, "Ali Moradi"), (cast.steward, "Shirin Rahimi"),
                         (cast.facilitator, "Maryam Hosseini")):
        person.display_name = name
        person.save()
    cast.colleague = MembershipFactory(community=cast.community).user
    return cast


def test_share_ask_give_feedback_by_page_and_email_and_answer_it(new_context, scene, log_in,
                                                                   screenshot):
    slug = scene.community.slug

    # Ali shares a plan: the stages formset, with a button for more rows.
    author = new_context().new_page()
    log_in(author, scene.member.email, DEFAULT_PASSWORD)
    author.goto(f"/c/{slug}/")
    author.locator("main").get_by_role("link", name="Session plans", exact=True).click()
    author.locator("main").get_by_role("link", name="Share a session plan").click()
    main = author.locator("main")
    main.get_by_label("Title").fill("Reflective teaching workshop")
    main.get_by_label("Audience").select_option("teachers")
    main.get_by_label("Duration (minutes)").fill("60")
    main.get_by_label("Aims").fill("Teachers notice a moment worth thinking about.")
    stage = main.locator("fieldset.stage-slot").first
    stage.get_by_label("Minutes").fill("40")
    stage.get_by_label("Activity").fill("Input on reflection-in-action and on-action")
    stage.get_by_label("Interaction").select_option("trainer_led")
    submit(author, "Add more stages")
    expect(main.locator("fieldset.stage-slot")).to_have_count(6)
    second = main.locator("fieldset.stage-slot").nth(1)
    second.get_by_label("Minutes").fill("20")
    second.get_by_label("Activity").fill("Pairs ask each other why three times")
    second.get_by_label("Interaction").select_option("pairs")
    screenshot(author, "plans-share")
    submit(author, "Share the plan")
    expect(author.locator("main h2").first).to_have_text("Reflective teaching workshop")
    plan = SessionPlan.objects.get()

    # He asks Shirin and Maryam for feedback.
    author.locator("main").get_by_role("link", name="Ask for feedback on this version").click()
    main = author.locator("main")
    main.get_by_label("Members I choose").check()
    main.get_by_label("Shirin Rahimi").check()
    main.get_by_label("Maryam Hosseini").check()
    main.get_by_label("Focus questions").fill("Is the balance of input and practice right?")
    submit(author, "Ask for feedback")
    expect(author.locator(".messages")).to_contain_text("request for feedback is sent")

    # Shirin gives hers on the page, from her home page's list.
    steward = new_context().new_page()
    log_in(steward, scene.steward.email, DEFAULT_PASSWORD)
    steward.goto("/")
    steward.locator("main").get_by_role("link", name="Reflective teaching workshop").click()
    expect(steward.locator("main")).to_contain_text("Is the balance of input and practice")
    steward.locator("main").get_by_label("What works").fill("Starting from their own moment.")
    steward.locator("main").get_by_label("What to change").fill(
        "Too much input: cut it to one idea.")
    submit(steward, "Send the feedback")
    expect(steward.locator("main")).to_contain_text("Too much input")

    # Maryam replies to the request's email.
    request_email = OutboundEmail.objects.get(user=scene.facilitator)
    message = EmailMessage()
    message["From"] = scene.facilitator.email
    message["To"] = request_email.headers["Reply-To"]
    message["Subject"] = "Re: " + request_email.subject
    message["Message-ID"] = "<reply-1@mail.example.org>"
    message.set_content("What works: the pairs.\n\nQuestion: how long is the article?\n\n"
                        "> -- Reply above this line --\n> Ali asks for your feedback.\n")
    assert receive(message.as_bytes(), channel="pipe").posted
    assert Feedback.objects.filter(source="email", author=scene.facilitator).exists()

    # Ali posts version 2, answering Shirin's feedback.
    author.goto(plan.get_absolute_url())
    expect(author.locator("main")).to_contain_text("how long is the article?")
    author.locator("main").get_by_role("link", name="Post a new version").click()
    main = author.locator("main")
    main.get_by_label("What changed", exact=False).first.fill("Minimised the input.")
    main.get_by_label("Too much input", exact=False).check()
    main.locator("fieldset.stage-slot").first.get_by_label("Minutes").fill("15")
    submit(author, "Post the version")
    expect(author.locator("main")).to_contain_text("answered in v2")
    screenshot(author, "plans-answered")
    author.locator("main").get_by_role("link", name="what changed").first.click()
    expect(author.locator("main ins").first).to_be_visible()
    screenshot(author, "plans-compare")


@pytest.mark.parametrize("language", ["en", "fa"])
def test_plan_pages_do_not_scroll_sideways_on_a_phone(new_context, scene, log_in, screenshot,
                                                       language):
    plan = services.share_plan(community=scene.community, author=scene.member, draft=draft())
    services.give_feedback(version=plan.versions.get(), author=scene.steward,
                           change="Too much input in the second stage.")
    services.post_version(plan=plan, draft=draft(stages=STAGES[:2]), change_note="Shorter")
    page = new_context(javascript=True, viewport=PHONE).new_page()
    log_in(page, scene.member.email, DEFAULT_PASSWORD)
    slug = scene.community.slug
    page.goto(f"/c/{slug}/plans/")
    if language == "fa":
        page.locator(".lang-switch button[value=fa]").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("dir") == "rtl"
    overflowing = {}
    for path in (f"/c/{slug}/plans/", plan.get_absolute_url(),
                 f"/c/{slug}/plans/{plan.pk}/compare/?from=1&to=2",
                 f"/c/{slug}/plans/{plan.pk}/new-version/", f"/c/{slug}/plans/new/"):
        page.goto(path)
        screenshot(page, f"phone-{language}-{path.strip('/').replace('/', '-')}")
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
        if widths["scroll"] > widths["inner"]:
            overflowing[path] = widths
    assert not overflowing, f"pages that scroll sideways at {PHONE['width']} px: {overflowing}"
