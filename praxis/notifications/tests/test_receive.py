"""Reply by email end to end: real messages from mail clients, fed to `receive_email` as a
mail server's pipe would, and to the HTTP endpoint as an inbound relay would."""

import io
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from praxis.accounts.tests.factories import UserFactory
from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions.models import Post
from praxis.discussions.tests.factories import reply, set_state
from praxis.notifications.inbound import parse_message
from praxis.notifications.models import InboundEmail
from praxis.notifications.tokens import reply_address

pytestmark = pytest.mark.django_db
MAIL = Path(__file__).parent / "mail"
CORPUS_ADDRESS = b"reply+AbC123xyz.sig@praxis.example.org"
REPLIES = ["gmail_en", "gmail_fa", "outlook_1256", "html_only_webmail", "apple_iphone",
           "thunderbird_flowed", "plain_windows_1256", "with_attachment", "yahoo_unquoted"]


def addressed(name: str, address: str) -> bytes:
    """A corpus message sent to a real reply address instead of the corpus's made-up one."""
    raw = (MAIL / f"{name}.eml").read_bytes()
    return raw.replace(CORPUS_ADDRESS, address.encode()).replace(
        CORPUS_ADDRESS.upper(), address.upper().encode())


def receive(raw: bytes, monkeypatch, capsys) -> str:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    call_command("receive_email")
    return capsys.readouterr().out


@pytest.fixture
def answered(cast, thread):
    return reply(thread, cast.steward, body="How do you start a session with loop input?")


def sender_of(name: str, cast) -> object:
    """The community member who sent this corpus message."""
    raw = (MAIL / f"{name}.eml").read_bytes().replace(CORPUS_ADDRESS, b"x@y.org")
    member = UserFactory(email=parse_message(raw).sender)
    MembershipFactory(community=cast.community, user=member)
    return member


@pytest.mark.parametrize("name", REPLIES)
def test_a_reply_from_each_mail_client_becomes_a_post_in_the_thread(
        name, cast, answered, reply_domain, monkeypatch, capsys):
    member = sender_of(name, cast)
    raw = addressed(name, reply_address(answered.pk, member.pk))
    out = receive(raw, monkeypatch, capsys)
    post = Post.objects.get(author=member)
    assert out.strip() == f"posted {post.pk}"
    assert post.thread_id == answered.thread_id and post.parent_id == answered.pk
    assert post.source == "email"
    assert post.body == parse_message(raw).text
    assert ">" not in post.body.splitlines()[-1]  # no trailing quote
    record = InboundEmail.objects.get(post=post)
    assert record.outcome == "posted" and record.channel == "pipe"


def test_answering_the_opening_post_by_email_answers_the_thread(
        cast, thread, reply_domain, monkeypatch, capsys):
    """As on the web: a reply to the thread's first post is not indented under it."""
    member = sender_of("gmail_en", cast)
    opening = thread.posts.order_by("path").first()
    receive(addressed("gmail_en", reply_address(opening.pk, member.pk)), monkeypatch, capsys)
    post = Post.objects.get(author=member)
    assert (post.parent_id, post.depth) == (None, 0)


def test_a_persian_reply_keeps_its_words(cast, answered, reply_domain, monkeypatch, capsys):
    member = sender_of("gmail_fa", cast)
    receive(addressed("gmail_fa", reply_address(answered.pk, member.pk)), monkeypatch, capsys)
    body = Post.objects.get(author=member).body
    assert "سلام" in body or "ممنون" in body or any("\u0600" <= c <= "\u06ff" for c in body)
    assert "نوشت:" not in body


def test_the_same_message_delivered_twice_posts_once(cast, answered, reply_domain,
                                                      monkeypatch, capsys):
    member = sender_of("gmail_en", cast)
    raw = addressed("gmail_en", reply_address(answered.pk, member.pk))
    receive(raw, monkeypatch, capsys)
    assert receive(raw, monkeypatch, capsys).strip() == "already posted"
    assert Post.objects.filter(author=member).count() == 1


@pytest.mark.parametrize(("case", "reason"), [
    ("forged", "forged_token"),
    ("other_sender", "unknown_sender"),
    ("bounce", "bounce"),
    ("out_of_office", "auto_reply"),
    ("garbage", "malformed"),
    ("oversized", "oversized"),
    ("not_ours", "no_reply_address"),
    ("left_community", "not_allowed"),
    ("closed_topic", "not_allowed"),
])
def test_what_must_not_post_is_rejected_with_a_logged_reason(
        case, reason, cast, topic, answered, reply_domain, settings, monkeypatch, capsys,
        caplog):
    member = sender_of("gmail_en", cast)
    address = reply_address(answered.pk, member.pk)
    name = {"bounce": "bounce", "out_of_office": "out_of_office",
            "garbage": "garbage"}.get(case, "gmail_en")
    raw = addressed(name, address)
    if case == "forged":
        raw = addressed(name, address[:-25] + "0" * 5 + address[-20:])
    elif case == "other_sender":
        raw = addressed(name, reply_address(answered.pk, cast.member.pk))
    elif case == "oversized":
        settings.PRAXIS_MAX_INBOUND_MB = 1
        raw = raw + b"x" * (1024 * 1024)
    elif case == "not_ours":
        raw = addressed(name, "someone@elsewhere.example.org")
    elif case == "left_community":
        member.memberships.all().delete()
    elif case == "closed_topic":
        set_state(topic, "closed")
    posts_before = Post.objects.count()
    out = receive(raw, monkeypatch, capsys)
    assert out.startswith(f"rejected {reason}")
    assert Post.objects.count() == posts_before
    record = InboundEmail.objects.latest("pk")
    assert record.outcome == "rejected" and record.reason == reason
    assert f"rejected ({reason})" in caplog.text


def test_the_endpoint_takes_a_message_from_a_relay_with_its_secret(
        client, cast, answered, reply_domain, settings):
    settings.PRAXIS_INBOUND_SECRET = "relay-secret-for-tests"
    member = sender_of("apple_iphone", cast)
    raw = addressed("apple_iphone", reply_address(answered.pk, member.pk))
    url = reverse("notifications:inbound_email")
    refused = client.post(url, raw, content_type="message/rfc822",
                          headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401
    assert not Post.objects.filter(author=member).exists()
    taken = client.post(url, raw, content_type="message/rfc822",
                        headers={"Authorization": "Bearer relay-secret-for-tests"})
    assert taken.status_code == 201 and taken.json()["status"] == "posted"
    post = Post.objects.get(author=member)
    assert taken.json()["post"] == post.pk
    again = client.post(url, {"message": io.BytesIO(raw)},
                        headers={"Authorization": "Bearer relay-secret-for-tests"})
    assert again.status_code == 200 and Post.objects.filter(author=member).count() == 1
    forged = client.post(url, raw.replace(b"reply+p", b"reply+p9"),
                         content_type="message/rfc822",
                         headers={"Authorization": "Bearer relay-secret-for-tests"})
    assert forged.json() == {"status": "rejected", "reason": "forged_token"}


def test_the_endpoint_is_off_without_a_secret(client, settings):
    settings.PRAXIS_INBOUND_SECRET = ""
    response = client.post(reverse("notifications:inbound_email"), b"x",
                           content_type="message/rfc822")
    assert response.status_code == 404


def test_a_member_answers_the_notification_they_got(
        cast, thread, reply_domain, django_capture_on_commit_callbacks, monkeypatch, capsys):
    """The round trip: a reply notification goes out; the member replies to it from their
    mail client, quoting it; the reply is in the thread under their name."""
    from email.message import EmailMessage

    from django.core import mail

    from praxis.notifications import services
    from praxis.notifications.models import Mode

    services.set_mode(user=cast.member, community=cast.community, mode=Mode.INSTANT)
    with django_capture_on_commit_callbacks(execute=True):
        question = reply(thread, cast.steward, body="Who has tried a fishbowl?")
    [notification] = [m for m in mail.outbox if m.to == [cast.member.email]]
    answer = EmailMessage()
    answer["From"] = f"{cast.member.display_name} <{cast.member.email}>"
    answer["To"] = notification.reply_to[0]
    answer["Subject"] = "Re: " + notification.subject
    answer["Message-ID"] = "<answer-1@mail.example.org>"
    answer["In-Reply-To"] = notification.extra_headers["Message-ID"]
    quoted = "\n".join("> " + line for line in notification.body.splitlines())
    answer.set_content(f"I did, last spring, with twelve trainers.\n\n"
                       f"On Tue, 24 Nov 2026 at 10:02, Praxis <praxis@localhost> wrote:\n"
                       f"{quoted}\n")
    out = receive(answer.as_bytes(), monkeypatch, capsys)
    post = Post.objects.get(author=cast.member)
    assert out.strip() == f"posted {post.pk}"
    assert post.body == "I did, last spring, with twelve trainers."
    assert post.parent == question


def test_a_reply_address_stops_working_after_its_days(cast, answered, reply_domain, settings,
                                                      monkeypatch, capsys):
    from praxis.notifications.tokens import _today

    member = sender_of("gmail_en", cast)
    settings.PRAXIS_REPLY_DAYS = 30
    old = reply_address(answered.pk, member.pk, day=_today() - 31)
    assert receive(addressed("gmail_en", old), monkeypatch, capsys).startswith(
        "rejected expired_token")
    recent = reply_address(answered.pk, member.pk, day=_today() - 29)
    assert receive(addressed("gmail_en", recent), monkeypatch, capsys).startswith("posted")


@pytest.mark.parametrize(("results", "posted"), [
    ("mx.praxis.example.org; dmarc=pass header.from=gmail.com", True),
    ("mx.praxis.example.org; dkim=pass header.d=gmail.com; spf=fail", True),
    ("mx.praxis.example.org; dkim=pass header.d=evil.example; spf=pass "
     "smtp.mailfrom=bounce@evil.example", False),
    ("mx.praxis.example.org; dmarc=fail header.from=gmail.com", False),
    ("mx.evil.example; dmarc=pass header.from=gmail.com", False),  # another server's word
    (None, False),
])
def test_with_an_authserv_id_a_reply_needs_the_servers_word_for_its_sender(
        results, posted, cast, answered, reply_domain, settings, monkeypatch, capsys):
    settings.PRAXIS_INBOUND_AUTHSERV_ID = "mx.praxis.example.org"
    member = sender_of("gmail_en", cast)
    raw = addressed("gmail_en", reply_address(answered.pk, member.pk))
    if results is not None:
        newline = "\r\n" if b"\r\n" in raw[:200] else "\n"
        raw = f"Authentication-Results: {results}{newline}".encode() + raw
    out = receive(raw, monkeypatch, capsys)
    assert out.startswith("posted") == posted
    if not posted:
        assert out.startswith("rejected unauthenticated")


# ---------------------------------------------------------------- telling the member


def notices() -> list:
    from django.core import mail

    from praxis.notifications.models import OutboundEmail

    assert (OutboundEmail.objects.exclude(kind=OutboundEmail.Kind.REPLY_REFUSED)
            .count() == 0)
    return [m for m in mail.outbox if m.extra_headers.get("Auto-Submitted") == "auto-replied"]


@pytest.mark.parametrize("case", ["closed_topic", "locked_thread"])
def test_a_member_whose_reply_cannot_be_posted_gets_it_back_with_the_reason(
        case, cast, topic, thread, answered, reply_domain, monkeypatch, capsys,
        django_capture_on_commit_callbacks):
    from praxis.notifications.emails import post_url

    member = sender_of("gmail_en", cast)
    raw = addressed("gmail_en", reply_address(answered.pk, member.pk))
    if case == "closed_topic":
        set_state(topic, "closed")
    else:
        thread.is_locked = True
        thread.save()
    with django_capture_on_commit_callbacks(execute=True):
        out = receive(raw, monkeypatch, capsys)
    assert out.startswith("rejected not_allowed")
    [notice] = notices()
    assert notice.to == [member.email]
    assert notice.subject.startswith("Your reply could not be posted")
    assert thread.title in notice.subject
    assert ("is closed" if case == "closed_topic" else "is locked") in notice.body
    assert parse_message(raw).text in notice.body  # their words are not lost
    assert post_url(answered) in notice.body
    assert notice.extra_headers["In-Reply-To"] == "<" + parse_message(raw).message_id + ">"
    assert not notice.reply_to and "List-Unsubscribe" not in notice.extra_headers
    html = notice.alternatives[0][0]
    assert post_url(answered) in html and "Your reply could not be posted" in html
    record = InboundEmail.objects.get()
    assert record.outcome == "rejected" and record.user == member


def test_the_notice_is_in_the_members_language(cast, topic, answered, reply_domain,
                                               monkeypatch, capsys):
    from praxis.notifications.models import OutboundEmail

    member = sender_of("gmail_en", cast)
    member.locale, member.timezone = "fa", "Asia/Tehran"
    member.save()
    set_state(topic, "closed")
    receive(addressed("gmail_en", reply_address(answered.pk, member.pk)), monkeypatch, capsys)
    email = OutboundEmail.objects.get(kind=OutboundEmail.Kind.REPLY_REFUSED)
    assert 'lang="fa"' in email.body_html and 'dir="rtl"' in email.body_html


def test_a_message_delivered_twice_is_told_of_once(cast, topic, answered, reply_domain,
                                                   monkeypatch, capsys,
                                                   django_capture_on_commit_callbacks):
    member = sender_of("gmail_en", cast)
    raw = addressed("gmail_en", reply_address(answered.pk, member.pk))
    set_state(topic, "closed")
    with django_capture_on_commit_callbacks(execute=True):
        receive(raw, monkeypatch, capsys)
        receive(raw, monkeypatch, capsys)
    assert InboundEmail.objects.filter(reason="not_allowed").count() == 2
    assert len(notices()) == 1


def test_a_member_who_left_is_told_and_a_deleted_post_is_told(
        cast, answered, reply_domain, monkeypatch, capsys, django_capture_on_commit_callbacks):
    member = sender_of("gmail_en", cast)
    member.memberships.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        receive(addressed("gmail_en", reply_address(answered.pk, member.pk)), monkeypatch,
                capsys)
        gone_raw = addressed("gmail_en", reply_address(10**9, member.pk)).replace(
            b"CAHk7pQz3x9s", b"another-message")  # one notice per Message-ID
        assert receive(gone_raw, monkeypatch, capsys).startswith("rejected gone")
    left, gone = notices()
    assert "no longer a member" in left.body
    assert "no longer exists" in gone.body and "http" not in gone.body.split("--\n")[0]


def test_an_expired_address_from_its_member_is_told(
        cast, answered, reply_domain, settings, monkeypatch, capsys,
        django_capture_on_commit_callbacks):
    from praxis.notifications.tokens import _today

    member = sender_of("gmail_en", cast)
    settings.PRAXIS_REPLY_DAYS = 30
    old = reply_address(answered.pk, member.pk, day=_today() - 31)
    other = reply_address(answered.pk, cast.member.pk, day=_today() - 31)
    with django_capture_on_commit_callbacks(execute=True):
        receive(addressed("gmail_en", old), monkeypatch, capsys)
        receive(addressed("gmail_en", other), monkeypatch, capsys)  # not its member
    [notice] = notices()
    assert notice.to == [member.email] and "30 days" in notice.body


@pytest.mark.parametrize("case", ["forged", "forged_old", "other_sender", "bounce",
                                  "out_of_office", "unauthenticated"])
def test_no_one_else_is_ever_answered(case, cast, topic, answered, reply_domain, settings,
                                      monkeypatch, capsys, django_capture_on_commit_callbacks):
    from praxis.notifications.tokens import _today

    member = sender_of("gmail_en", cast)
    set_state(topic, "closed")  # a reply from the member would be refused and told of
    address = reply_address(answered.pk, member.pk)
    name = {"bounce": "bounce", "out_of_office": "out_of_office"}.get(case, "gmail_en")
    raw = addressed(name, address)
    if case == "forged":
        raw = addressed(name, address[:-25] + "0" * 5 + address[-20:])
    elif case == "forged_old":
        settings.PRAXIS_REPLY_DAYS = 30
        old = reply_address(answered.pk, member.pk, day=_today() - 31)
        raw = addressed(name, old[:-25] + "0" * 5 + old[-20:])
    elif case == "other_sender":
        raw = addressed(name, reply_address(answered.pk, cast.member.pk))
    elif case == "unauthenticated":
        settings.PRAXIS_INBOUND_AUTHSERV_ID = "mx.praxis.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        out = receive(raw, monkeypatch, capsys)
    assert out.startswith("rejected")
    assert notices() == []
    from praxis.notifications.models import OutboundEmail
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize("sender_is_member", [True, False])
def test_a_reply_written_inside_the_quote_comes_back_whole_to_its_member_only(
        sender_is_member, cast, answered, reply_domain, monkeypatch, capsys,
        django_capture_on_commit_callbacks):
    member = sender_of("gmail_en", cast)
    sender = member.email if sender_is_member else "someone@else.example"
    raw = (f"From: {sender}\r\nTo: {reply_address(answered.pk, member.pk)}\r\n"
           f"Message-ID: <e@x.org>\r\nSubject: Re\r\n\r\n"
           f"On Mon, Praxis wrote:\r\n> The question\r\n> My answer, typed in the quote\r\n"
           ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        out = receive(raw, monkeypatch, capsys)
    assert out.startswith("rejected no_text")
    if not sender_is_member:
        assert notices() == []
        return
    [notice] = notices()
    assert notice.to == [member.email]
    assert "no words of yours outside the quoted email" in notice.body
    assert "My answer, typed in the quote" in notice.body  # nothing is lost
