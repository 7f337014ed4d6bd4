"""Value-creation stories in a real browser with JavaScript off: a member picks the topic
a story came from and saves a draft, comes back, adds trainees' comments, finishes it and
tells it for the facilitators and stewards; the facilitator acknowledges it and the member
sees who did. The pages do not scroll sideways on a phone, in English and Persian."""

import pytest
from playwright.sync_api import expect

from praxis.accounts.tests.factories import DEFAULT_PASSWORD
from praxis.discussions.tests.factories import make_topic
from praxis.impact.models import StoryEvidence, ValueStory
from praxis.impact.tests.story_factories import tell

PHONE = {"width": 390, "height": 844}


def submit(page, name: str) -> None:
    page.locator("main").get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


@pytest.fixture
def scene(make_cast, live_server):
    cast = make_cast()
    for person, name in ((cast.member, "Ali Moradi"), (cast.steward, "Shirin Rahimi"),
                         (cast.facilitator, "Maryam Hosseini")):
        person.display_name = name
        person.save()
    cast.topic = make_topic(cast.community, title="Loop input")
    return cast


def test_tell_a_story_in_steps_save_a_draft_finish_it_the_facilitator_acknowledges(
        new_context, scene, log_in, screenshot):
    slug = scene.community.slug
    ali = new_context().new_page()
    log_in(ali, scene.member.email, DEFAULT_PASSWORD)
    ali.goto(f"/c/{slug}/")
    ali.locator("header nav").get_by_role("link", name="Impact").click()
    ali.locator("main").get_by_role("link", name="Tell a story").click()

    # Step 1 and 2, then a draft.
    main = ali.locator("main")
    main.get_by_label("A title for your story").fill("Loop input in my TTC course")
    main.get_by_label("Loop input").check()
    main.get_by_label("What you gained").fill("The way I teach is itself input.")
    screenshot(ali, "story-form")
    submit(ali, "Save draft")
    expect(ali.locator(".messages")).to_contain_text("Your draft is saved")
    story = ValueStory.objects.get()
    assert story.status == "draft" and list(story.source_topics.all()) == [scene.topic]

    # Later: back from the list ("My stories"), evidence, the rest, told.
    ali.goto(f"/c/{slug}/impact/")
    ali.locator("main").get_by_role("link", name="Loop input in my TTC course").click()
    main = ali.locator("main")
    main.get_by_label("Trainees' comments", exact=True).first.check()
    main.locator("textarea[name=text]").fill("We did it before we knew what it was.")
    submit(ali, "Add the evidence")
    expect(ali.locator(".messages")).to_contain_text("The evidence is added")
    assert StoryEvidence.objects.filter(story=story, kind="comments").exists()
    main = ali.locator("main")
    main.get_by_label("What you did differently").fill(
        "I gave every instruction the way they should give theirs.")
    main.get_by_label("How many trainees").fill("18")
    main.get_by_label("What happened").fill("Two used the moves in their micro-teaching.")
    main.get_by_label("The facilitators and stewards").check()
    submit(ali, "Tell it")
    expect(ali.locator(".messages")).to_contain_text("Your story is told")
    expect(ali.locator("main")).to_contain_text("Applied value")
    story.refresh_from_db()
    assert story.status == "told" and story.visibility == "leaders"

    # Maryam reads it and acknowledges it.
    maryam = new_context().new_page()
    log_in(maryam, scene.facilitator.email, DEFAULT_PASSWORD)
    maryam.goto(f"/c/{slug}/impact/")
    maryam.locator("main").get_by_role("link", name="Loop input in my TTC course").click()
    expect(maryam.locator("main")).to_contain_text("We did it before we knew what it was.")
    submit(maryam, "Acknowledge this story")
    expect(maryam.locator("main")).to_contain_text("Acknowledged by Maryam Hosseini")

    ali.reload()
    expect(ali.locator("main")).to_contain_text("Acknowledged by Maryam Hosseini")


def test_telling_an_empty_story_is_refused_with_a_message(new_context, scene, log_in):
    page = new_context().new_page()
    log_in(page, scene.member.email, DEFAULT_PASSWORD)
    page.goto(f"/c/{scene.community.slug}/impact/stories/new/")
    submit(page, "Tell it")
    expect(page.locator("main .form-errors")).to_contain_text("A story is told once")
    assert not ValueStory.objects.exists()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_story_pages_fit_a_phone(new_context, scene, log_in, screenshot, language):
    slug = scene.community.slug
    scene.member.locale = language
    scene.member.save()
    story = tell(scene.community, scene.member,
                 title="دفتر خاطرات برای کارآموزان" if language == "fa"
                 else "Trainees setting their own rules",
                 realised="They kept the rules.", reframing="Ownership matters.",
                 sources={"source_topics": [scene.topic]})
    page = new_context(viewport=PHONE).new_page()
    log_in(page, scene.member.email, DEFAULT_PASSWORD)
    overflowing = []
    for name, path in (("list", f"/c/{slug}/impact/"),
                       ("new", f"/c/{slug}/impact/stories/new/"),
                       ("story", story.get_absolute_url()),
                       ("edit", f"/c/{slug}/impact/stories/{story.pk}/edit/")):
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language
        widths = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        if widths[0] > widths[1]:
            overflowing.append(name)
        screenshot(page, f"stories-phone-{language}-{name}")
    assert not overflowing, f"{language}: pages that scroll sideways: {overflowing}"
