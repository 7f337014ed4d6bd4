"""Critical friends and the reflection diary in a real browser with JavaScript off: a member
invites a colleague, who accepts; the member writes a Gibbs entry shared with friends; the
friend reads it, the steward cannot; the member downloads the diary as a PDF. The pages do
not scroll sideways on a phone, in English and Persian."""

import pytest
from playwright.sync_api import expect

from praxis.accounts.tests.factories import DEFAULT_PASSWORD
from praxis.practice.models import Friendship, JournalEntry

PHONE = {"width": 390, "height": 844}
SHARED = "The jigsaw took too long; next time fewer cards."


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
    return cast


def test_invite_accept_write_a_gibbs_entry_the_friend_reads_it_the_steward_cannot(
        new_context, scene, log_in, screenshot):
    slug = scene.community.slug

    # Ali invites Maryam from the community's critical friends page.
    ali = new_context().new_page()
    log_in(ali, scene.member.email, DEFAULT_PASSWORD)
    ali.goto(f"/c/{slug}/")
    ali.locator("main").get_by_role("link", name="Critical friends").click()
    main = ali.locator("main")
    main.get_by_label("Member").select_option(label="Maryam Hosseini")
    main.get_by_label("A short message (optional)").fill("Shall we read each other's plans?")
    submit(ali, "Send the invitation")
    expect(ali.locator(".messages")).to_contain_text("Your invitation is sent.")

    # Maryam sees it on her home page and accepts on the friends page.
    maryam = new_context().new_page()
    log_in(maryam, scene.facilitator.email, DEFAULT_PASSWORD)
    maryam.goto("/")
    expect(maryam.locator("main")).to_contain_text("invites you to be critical friends")
    maryam.locator("main").get_by_role("link", name="Answer").click()
    submit(maryam, "Accept")
    assert Friendship.objects.get().status == Friendship.Status.ACCEPTED

    # Ali writes a Gibbs entry shared with his critical friends.
    ali.locator("header").get_by_role("link", name="My diary").click()
    ali.locator("main").get_by_role("link", name="New entry").click()
    ali.locator("main").get_by_role("link", name="Gibbs' reflective cycle").click()
    main = ali.locator("main")
    main.get_by_label("Title").fill("Too much input again")
    main.get_by_label("Description").fill("I talked for forty minutes before the first task.")
    main.get_by_label("Evaluation").fill(SHARED)
    main.get_by_label("My critical friends").check()
    main.locator("select[name=community]").select_option(label=scene.community.name)
    submit(ali, "Save the entry")
    expect(ali.locator("main h1")).to_have_text("Too much input again")
    entry = JournalEntry.objects.get()
    assert entry.model == "gibbs" and entry.visibility == "friends"

    # Maryam reads it among the shared reflections.
    maryam.goto(f"/c/{slug}/reflections/")
    expect(maryam.locator("main")).to_contain_text(SHARED)
    maryam.locator("main").get_by_role("link", name="Too much input again").click()
    expect(maryam.locator("main")).to_contain_text("Evaluation")

    # The steward does not: not in the list, and the entry's address is not found.
    steward = new_context().new_page()
    log_in(steward, scene.steward.email, DEFAULT_PASSWORD)
    steward.goto(f"/c/{slug}/reflections/")
    expect(steward.locator("main")).not_to_contain_text(SHARED)
    response = steward.goto(f"/diary/{entry.pk}/")
    assert response is not None and response.status == 404

    # Ali downloads his diary as a PDF.
    ali.goto("/diary/")
    with ali.expect_download() as download:
        ali.locator("main").get_by_role("link", name="Download the diary (PDF)").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert download.value.suggested_filename.endswith(".pdf")


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_diary_pages_fit_a_phone(new_context, scene, log_in, screenshot, language):
    slug = scene.community.slug
    scene.member.locale = language
    scene.member.save()
    Friendship.objects.create(community=scene.community, inviter=scene.facilitator,
                              invitee=scene.member, message="Critical friends?")
    JournalEntry.objects.create(
        author=scene.member, community=scene.community, visibility="community",
        model="what", title="تأمل پیش از جلسه" if language == "fa" else "Reflection cards",
        parts={"what": "We used the cards.", "so_what": "They wrote more.",
               "now_what": "Five minutes, not two."})
    page = new_context(viewport=PHONE).new_page()
    log_in(page, scene.member.email, DEFAULT_PASSWORD)
    overflowing = []
    for name, path in (("diary", "/diary/"), ("entry-new", "/diary/new/?model=gibbs"),
                       ("entry", f"/diary/{JournalEntry.objects.get().pk}/"),
                       ("friends", f"/c/{slug}/friends/"),
                       ("reflections", f"/c/{slug}/reflections/")):
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language
        widths = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        if widths[0] > widths[1]:
            overflowing.append(name)
        screenshot(page, f"diary-phone-{language}-{name}")
    assert not overflowing, f"{language}: pages that scroll sideways: {overflowing}"
