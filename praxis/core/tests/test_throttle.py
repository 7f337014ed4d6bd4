"""Limits on how often one may try something: logins per account and per address (with the
real owner's way back), password resets, sign-ups, invitations, posts and searches."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from praxis.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from praxis.core import throttle
from praxis.core.throttle import Limit
from praxis.discussions.tests.factories import make_thread, make_topic

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def _log_in(client, email, password, address="203.0.113.7"):
    return client.post(LOGIN, {"username": email, "password": password},
                       REMOTE_ADDR=address)


def test_an_account_locks_after_ten_failures_and_says_how_to_get_back(client):
    owner = UserFactory(email="leila@example.org")
    for attempt in range(10):
        page = _log_in(client, owner.email, f"guess-{attempt}").content.decode()
        assert "do not match an account" in page
    locked = _log_in(client, owner.email, DEFAULT_PASSWORD, address="198.51.100.9")
    page = locked.content.decode()
    assert "Too many failed attempts" in page and "reset your password" in page
    assert "_auth_user_id" not in client.session  # the right password waits too


def test_a_password_reset_unlocks_the_account(client, django_capture_on_commit_callbacks):
    owner = UserFactory(email="leila@example.org")
    for attempt in range(10):
        _log_in(client, owner.email, f"guess-{attempt}")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": owner.email})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/password-reset/" in line)
    form_page = client.get(link.split("testserver", 1)[1], follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "a-new-long-password",
                                                  "new_password2": "a-new-long-password"})
    assert _log_in(client, owner.email, "a-new-long-password").status_code == 302


def test_one_address_trying_many_accounts_is_stopped(client, monkeypatch):
    monkeypatch.setattr(throttle, "LOGIN_FAILURES_PER_ADDRESS",
                        Limit("login-address", 5, timedelta(minutes=15)))
    for number in range(5):
        _log_in(client, f"someone{number}@example.org", "guess")
    real = UserFactory(email="real@example.org")
    assert "Too many failed attempts" in _log_in(client, real.email,
                                                  DEFAULT_PASSWORD).content.decode()
    assert _log_in(client, real.email, DEFAULT_PASSWORD, address="192.0.2.1").status_code == 302


def test_thirty_reset_requests_send_three_emails(client, django_capture_on_commit_callbacks):
    owner = UserFactory(email="leila@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(30):
            response = client.post(reverse("accounts:password_reset"), {"email": owner.email},
                                   REMOTE_ADDR=f"198.51.100.{number}")
            assert response.status_code == 302  # the page never tells
    assert len(mail.outbox) == throttle.RESETS_PER_ACCOUNT.count


def test_sign_ups_and_searches_from_one_address_are_limited(client, monkeypatch):
    monkeypatch.setattr(throttle, "SIGNUPS_PER_ADDRESS", Limit("s", 2, timedelta(hours=1)))
    monkeypatch.setattr(throttle, "SEARCHES_PER_ADDRESS", Limit("q", 3, timedelta(minutes=1)))
    for number in range(2):
        client.post(reverse("accounts:signup"), {
            "display_name": "New", "email": f"new{number}@example.org",
            "password": "teaching-is-learning", "locale": "en"})
        client.logout()
    refused = client.post(reverse("accounts:signup"), {
        "display_name": "New", "email": "new9@example.org",
        "password": "teaching-is-learning", "locale": "en"})
    assert refused.status_code == 429 and "Please wait 60 minutes" in refused.content.decode()
    assert [client.get("/search/", {"q": "loop"}).status_code for _ in range(4)] == [
        200, 200, 200, 429]
    assert client.get("/search/").status_code == 200  # the empty form costs nothing


def test_posting_and_inviting_are_limited_per_person(cast, client, monkeypatch):
    monkeypatch.setattr(throttle, "POSTS_PER_MEMBER", Limit("p", 2, timedelta(minutes=10)))
    monkeypatch.setattr(throttle, "INVITATIONS_PER_STEWARD", Limit("i", 1, timedelta(hours=1)))
    thread = make_thread(make_topic(cast.community), cast.facilitator)
    reply = reverse("discussions:reply", args=[cast.community.slug, thread.pk])
    client.force_login(cast.member)
    answers = [client.post(reply, {"body": f"Reply {n}"}).status_code for n in range(3)]
    assert answers == [302, 302, 429]
    assert thread.posts.count() == 3  # the opener and two replies
    client.force_login(cast.steward)
    invite = reverse("communities:invitations", args=[cast.community.slug])
    assert client.post(invite, {"emails": "a@example.org", "role": "member"}).status_code == 302
    assert client.post(invite, {"emails": "b@example.org", "role": "member"}).status_code == 429


def test_counts_start_again_in_a_new_window_and_when_cleared(monkeypatch):
    from django.utils import timezone

    limit = Limit("window", 2, timedelta(minutes=1))
    assert throttle.hit(limit, "x") and throttle.hit(limit, "x")
    assert not throttle.hit(limit, "x")
    assert throttle.exceeded(limit, "x") and not throttle.exceeded(limit, "y")
    later = timezone.now() + timedelta(minutes=2)
    monkeypatch.setattr(throttle.timezone, "now", lambda: later)
    assert not throttle.exceeded(limit, "x") and throttle.hit(limit, "x")
    assert throttle.hit(limit, "x") and not throttle.hit(limit, "x")
    throttle.clear(limit, "x")
    assert throttle.hit(limit, "x")
    assert throttle.forget_old_attempts(later + timedelta(days=2)) >= 1


def test_the_shared_cache_keeps_the_same_counts(settings):
    """With Redis (CI's PostgreSQL run), counts live there, shared by every server."""
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL)")
    settings.PRAXIS_THROTTLE_STORE = "cache"
    limit = Limit("shared-cache-test", 2, timedelta(minutes=1))
    throttle.clear(limit, "z")
    assert throttle.hit(limit, "z") and throttle.hit(limit, "z")
    assert not throttle.hit(limit, "z") and throttle.exceeded(limit, "z")
    throttle.clear(limit, "z")
    assert not throttle.exceeded(limit, "z")
