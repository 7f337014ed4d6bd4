import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from praxis.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_sign_up_creates_the_account_and_signs_in(client):
    response = client.post(reverse("accounts:signup"), {
        "display_name": "Maryam Karimi", "email": "Maryam@Example.org",
        "password": "teaching-is-learning", "locale": "fa",
    })
    assert response.status_code == 302
    user = User.objects.get(email="maryam@example.org")
    assert (user.display_name, user.locale) == ("Maryam Karimi", "fa")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_sign_up_with_a_taken_address_in_any_case_is_explained(client):
    UserFactory(email="taken@example.org")
    response = client.post(reverse("accounts:signup"), {
        "display_name": "Someone", "email": "TAKEN@example.org",
        "password": "teaching-is-learning", "locale": "en",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert User.objects.count() == 1


def test_sign_up_refuses_a_weak_password(client):
    response = client.post(reverse("accounts:signup"), {
        "display_name": "Someone", "email": "someone@example.org", "password": "12345678",
        "locale": "en",
    })
    assert response.context["form"].errors["password"]
    assert not User.objects.exists()


def test_sign_up_ignores_an_unsafe_next_address(client):
    response = client.post(reverse("accounts:signup") + "?next=https://evil.example/", {
        "display_name": "Someone", "email": "someone@example.org",
        "password": "teaching-is-learning", "locale": "en", "next": "https://evil.example/",
    })
    assert response["Location"] == reverse("core:home")


def test_log_in_with_email_in_any_case_and_log_out(client):
    UserFactory(email="trainer@example.org")
    response = client.post(reverse("accounts:login"), {
        "username": "Trainer@Example.org", "password": DEFAULT_PASSWORD,
    })
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client):
    UserFactory(email="trainer@example.org")
    response = client.post(reverse("accounts:login"), {
        "username": "trainer@example.org", "password": "wrong",
    })
    assert response.status_code == 200
    assert "do not match" in response.content.decode()


def test_a_forgotten_password_is_reset_by_email(client, django_capture_on_commit_callbacks):
    UserFactory(email="trainer@example.org", display_name="Reza")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "trainer@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", mail.outbox[0].body)
    assert link
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "a-brand-new-secret", "new_password2":
                           "a-brand-new-secret"})
    assert client.login(username="trainer@example.org", password="a-brand-new-secret")


def test_an_account_with_no_password_yet_sets_its_first_by_reset(
        client, django_capture_on_commit_callbacks):
    """Imported from Moodle: never a usable password; "Forgot your password?" is the way in."""
    imported = UserFactory(email="imported@example.org")
    imported.set_unusable_password()
    imported.save()
    erased = UserFactory(email="erased@example.org", is_active=False)
    erased.set_unusable_password()
    erased.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "Imported@example.org"})
        client.post(reverse("accounts:password_reset"), {"email": "erased@example.org"})
    assert [message.to for message in mail.outbox] == [["imported@example.org"]]
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", mail.outbox[0].body)
    assert link
    form_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "my-own-first-secret",
                           "new_password2": "my-own-first-secret"})
    assert client.login(username="imported@example.org", password="my-own-first-secret")


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_editing_the_profile(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {
        "display_name": "Dr Leila Ahmadi", "institution": "Farhangian University",
        "region": "Fars", "bio": "Master trainer since 2012", "locale": "fa",
        "timezone": "Asia/Tehran", "digest": "weekly", "low_bandwidth": "on",
    })
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.region, user.timezone, user.bio, user.low_bandwidth) == (
        "Dr Leila Ahmadi", "Fars", "Asia/Tehran", "Master trainer since 2012", True)
    # Saved in the language just chosen, not the one the form was filled in.
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "نمایهٔ شما ذخیره شد" in page or "ذخیره شد" in page
    assert "Your profile has been saved." not in page


def test_sign_up_from_an_invitation_fills_in_the_invited_address(client, cast,
                                                                 django_capture_on_commit_callbacks):
    from praxis.communities import services as community_services
    with django_capture_on_commit_callbacks(execute=True):
        community_services.invite_people(actor=cast.steward, community=cast.community,
                                         emails=["Invited.Trainer@example.org"],
                                         site_url="https://x.org")
    path = re.search(r"https?://[^/\s]+(/invitations/\S+)", mail.outbox[0].body)[1]
    signup = client.get(path).content.decode()
    link = re.search(r'href="(/accounts/signup/\?next=[^"]+)"', signup)[1]
    form = client.get(link.replace("&amp;", "&")).context["form"]
    assert form.initial["email"] == "invited.trainer@example.org"
    plain = client.get(reverse("accounts:signup"), {"next": "/c/elsewhere/"}).context["form"]
    assert plain.initial["email"] == ""


def test_an_unknown_time_zone_is_refused(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {
        "display_name": "X", "locale": "en", "timezone": "Mars/Olympus", "digest": "daily",
    })
    assert response.context["form"].errors["timezone"]


def test_a_member_sees_pages_in_their_language_and_right_to_left(client, user):
    user.locale = "fa"
    user.save()
    client.force_login(user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert '<html lang="fa" dir="rtl">' in page


def test_the_language_switcher_works_without_javascript_and_is_remembered(client, user):
    client.force_login(user)
    response = client.post(reverse("core:set_language"), {"language": "fa", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.locale == "fa"
    assert 'dir="rtl"' in client.get("/").content.decode()


def test_the_language_switcher_works_for_visitors(client, db):
    client.post(reverse("core:set_language"), {"language": "fa", "next": "/"})
    assert '<html lang="fa" dir="rtl">' in client.get("/").content.decode()


def test_the_language_switcher_does_not_redirect_off_site(client, db):
    response = client.post(reverse("core:set_language"),
                           {"language": "fa", "next": "https://evil.example/"})
    assert response["Location"] == "/"
