"""Accounts and communities, clicked through in a real Chromium with JavaScript switched off."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from praxis.accounts.models import User
from praxis.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from praxis.communities.models import Community, JoinRequest, Membership

NEW_PASSWORD = "a-fresh-and-long-passphrase"


def signed_in(page) -> None:
    expect(page.locator(".site-header").get_by_role("button", name="Log out")).to_be_visible()


def signed_out(page) -> None:
    expect(page.locator(".site-header").get_by_role("link", name="Log in")).to_be_visible()


def html_is(page, *, lang: str, direction: str) -> None:
    html = page.locator("html")
    expect(html).to_have_attribute("lang", lang)
    expect(html).to_have_attribute("dir", direction)


def submit(page, name: str) -> None:
    """Presses a button in the page's main content (not the header's) and waits for the answer."""
    page.locator("main").get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_sign_up_lands_on_home_signed_in(page, live_server, screenshot):
    page.goto("/accounts/signup/")
    screenshot(page, "signup")
    main = page.locator("main")
    main.get_by_label("Your name").fill("Maryam Ahmadi")
    main.get_by_label("Email address").fill("Maryam@Example.org")
    main.get_by_label("Password").fill(NEW_PASSWORD)
    submit(page, "Sign up")

    assert page.url == live_server.url + "/"
    signed_in(page)
    expect(page.locator(".messages")).to_contain_text("Welcome to Praxis, Maryam Ahmadi.")
    expect(page.get_by_role("heading", level=1)).to_have_text("My communities")
    screenshot(page, "home-signed-in-new-member")
    assert User.objects.get(email="maryam@example.org").display_name == "Maryam Ahmadi"


def test_log_in_and_log_out(page, live_server, log_in, screenshot):
    person = UserFactory()
    page.goto("/accounts/login/")
    screenshot(page, "login")
    log_in(page, person.email, DEFAULT_PASSWORD)
    assert page.url == live_server.url + "/"
    signed_in(page)

    page.locator(".site-header").get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    assert page.url == live_server.url + "/"  # LOGOUT_REDIRECT_URL
    expect(page.get_by_role("heading", level=1)).to_have_text("Learn from each other's practice")
    signed_out(page)
    page.goto("/accounts/profile/")
    assert page.url.startswith(live_server.url + "/accounts/login/")


def test_wrong_password_shows_the_error(page, log_in, screenshot):
    person = UserFactory()
    log_in(page, person.email, "not-the-password")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("That email address and password do not match an account.")
    expect(page.locator("main").get_by_label("Email address")).to_have_value(person.email)
    signed_out(page)
    screenshot(page, "login-error")


def test_password_reset_by_email(page, live_server, log_in, link_in, screenshot):
    person = UserFactory()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    screenshot(page, "password-reset")
    page.locator("main").get_by_label("Email").fill(person.email)
    submit(page, "Send the link")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [person.email]
    page.goto(link_in(email.body))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    screenshot(page, "password-reset-confirm")
    main = page.locator("main")
    main.get_by_label("New password:", exact=True).fill(NEW_PASSWORD)
    main.get_by_label("New password confirmation:", exact=True).fill(NEW_PASSWORD)
    submit(page, "Save the new password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password has been changed")

    log_in(page, person.email, NEW_PASSWORD)
    assert page.url == live_server.url + "/"
    signed_in(page)


def test_profile_edit_and_persian_turns_the_page_right_to_left(page, log_in, screenshot):
    person = UserFactory(display_name="Reza Karimi")
    log_in(page, person.email, DEFAULT_PASSWORD)
    page.goto("/accounts/profile/")
    html_is(page, lang="en", direction="ltr")
    screenshot(page, "profile")
    main = page.locator("main")
    main.get_by_label("Display name").fill("Reza K.")
    main.get_by_label("Language").select_option("fa")
    submit(page, "Save")

    # Labels may be translated now: find the fields by their names.
    html_is(page, lang="fa", direction="rtl")
    expect(page.locator("#id_display_name")).to_have_value("Reza K.")
    expect(page.locator("#id_locale")).to_have_value("fa")
    screenshot(page, "profile-fa")
    person.refresh_from_db()
    assert (person.display_name, person.locale) == ("Reza K.", "fa")


def test_steward_creates_a_community(page, live_server, make_cast, log_in, screenshot):
    cast = make_cast()
    log_in(page, cast.steward.email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="Create a community").click()
    screenshot(page, "community-create")
    main = page.locator("main")
    main.get_by_label("Name").fill("Isfahan teacher trainers")
    main.get_by_label("Web address").fill("isfahan-trainers")
    main.get_by_label("Description").fill("Trainers of English teachers in Isfahan.")
    main.get_by_label("Open: anyone signed in can join").check()
    submit(page, "Create the community")

    assert page.url == live_server.url + "/c/isfahan-trainers/invitations/"
    expect(page.locator(".messages")).to_contain_text("Your community is ready.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Isfahan teacher trainers")
    community = Community.objects.get(slug="isfahan-trainers")
    assert community.join_policy == Community.JoinPolicy.OPEN
    assert community.memberships.get().user == cast.steward
    assert community.memberships.get().role == Membership.Role.STEWARD


def test_invited_person_signs_up_accepts_and_is_listed(
    page, new_context, live_server, make_cast, log_in, link_in, screenshot
):
    cast = make_cast(join_policy=Community.JoinPolicy.INVITATION)
    slug = cast.community.slug
    log_in(page, cast.steward.email, DEFAULT_PASSWORD)
    page.goto(f"/c/{slug}/invitations/")
    main = page.locator("main")
    main.get_by_label("Email addresses").fill("newcomer@example.org")
    main.get_by_label("Personal message").fill("Join us for the topic on feedback.")
    submit(page, "Send invitations")
    expect(page.locator(".messages")).to_contain_text(
        "Invitations sent to: newcomer@example.org."
    )
    expect(page.get_by_role("cell", name="newcomer@example.org", exact=True)).to_be_visible()
    screenshot(page, "invitations")

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newcomer@example.org"]
    invitation_path = link_in(mail.outbox[0].body)

    invitee = new_context().new_page()
    invitee.goto(invitation_path)
    expect(invitee.get_by_role("heading", level=1)).to_have_text(
        f"You are invited to {cast.community.name}"
    )
    screenshot(invitee, "invitation-anonymous")
    invitee.locator("main").get_by_role("link", name="Sign up").click()
    main = invitee.locator("main")
    main.get_by_label("Your name").fill("Newcomer Nasrin")
    main.get_by_label("Email address").fill("newcomer@example.org")
    main.get_by_label("Password").fill(NEW_PASSWORD)
    submit(invitee, "Sign up")

    assert invitee.url == live_server.url + invitation_path
    signed_in(invitee)
    screenshot(invitee, "invitation-accept")
    submit(invitee, "Accept and join")
    assert invitee.url == live_server.url + f"/c/{slug}/"
    expect(invitee.locator(".messages")).to_contain_text(f"Welcome to {cast.community.name}.")

    page.goto(f"/c/{slug}/members/")
    expect(page.get_by_role("cell", name="Newcomer Nasrin", exact=True)).to_be_visible()
    screenshot(page, "member-directory")
    assert cast.community.memberships.filter(user__email="newcomer@example.org").exists()


def test_member_asks_to_join_and_steward_approves(
    page, new_context, live_server, make_cast, log_in, screenshot
):
    cast = make_cast(join_policy=Community.JoinPolicy.REQUEST)
    slug = cast.community.slug
    asker = cast.outsider

    log_in(page, asker.email, DEFAULT_PASSWORD)
    page.goto(f"/c/{slug}/")
    screenshot(page, "community-home-not-member")
    page.locator("main").get_by_label("Message to the stewards").fill("I train teachers in Yazd.")
    submit(page, "Ask to join")
    expect(page.locator(".messages")).to_contain_text("Your request has been sent")
    expect(page.locator("main")).to_contain_text("A steward will answer your request.")
    assert [m.to for m in mail.outbox] == [[cast.steward.email]]

    steward = new_context().new_page()
    log_in(steward, cast.steward.email, DEFAULT_PASSWORD)
    steward.goto(f"/c/{slug}/")
    steward.get_by_role("link", name=re.compile("request to join is waiting")).click()
    assert steward.url == live_server.url + f"/c/{slug}/requests/"
    expect(steward.get_by_role("heading", name=asker.display_name)).to_be_visible()
    expect(steward.locator("main")).to_contain_text("I train teachers in Yazd.")
    screenshot(steward, "join-requests")
    submit(steward, f"Approve {asker.display_name}")
    expect(steward.locator(".messages")).to_contain_text(f"{asker.display_name} is now a member.")
    expect(steward.locator("main")).to_contain_text("No requests are waiting.")

    steward.goto(f"/c/{slug}/members/")
    expect(steward.get_by_role("cell", name=asker.display_name, exact=True)).to_be_visible()
    assert JoinRequest.objects.get(user=asker).status == JoinRequest.Status.APPROVED

    page.goto(f"/c/{slug}/")
    expect(page.locator("main")).to_contain_text(re.compile(r"You are a member here", re.I))
    expect(page.get_by_role("link", name="Leave this community")).to_be_visible()


@pytest.mark.parametrize("signed_in_as", ["nobody", "member"])
def test_language_switcher_works_without_javascript(
    page, make_cast, log_in, screenshot, signed_in_as
):
    cast = make_cast()
    if signed_in_as == "member":
        log_in(page, cast.member.email, DEFAULT_PASSWORD)
        page.goto(f"/c/{cast.community.slug}/members/")
    else:
        page.goto("/")
    html_is(page, lang="en", direction="ltr")
    before = page.url

    page.locator(".lang-switch").get_by_role("button", name="فارسی").click()
    page.wait_for_load_state()
    assert page.url == before, "the switcher brings you back to the page you were on"
    html_is(page, lang="fa", direction="rtl")
    screenshot(page, f"language-switched-fa-{signed_in_as}")

    page.locator(".lang-switch button[value=en]").click()
    page.wait_for_load_state()
    html_is(page, lang="en", direction="ltr")
    if signed_in_as == "member":
        cast.member.refresh_from_db()
        assert cast.member.locale == "en"
