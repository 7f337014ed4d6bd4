"""Files in a reply by email: attached with a web upload's checks, or named in an email to
the member saying why not; nothing dropped without a word."""

import io
import sys
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core import mail
from django.core.management import call_command
from PIL import Image

from praxis.accounts.tests.factories import UserFactory
from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions.models import Attachment, Post
from praxis.discussions.tests.factories import reply, set_state
from praxis.notifications.inbound import parse_message
from praxis.notifications.tokens import reply_address

pytestmark = pytest.mark.django_db


def photo(size=(1200, 900), kind="JPEG") -> bytes:
    """A real picture, noisy enough to weigh what a phone photo weighs."""
    image = Image.effect_noise(size, 60).convert("RGB")
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


def logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 30), "navy").save(out, "PNG")
    return out.getvalue()


def message(member, address: str, files=(), *, inline_logo=False) -> bytes:
    """A phone client's reply: text, an HTML part, and files attached."""
    email = EmailMessage()
    email["From"] = f"{member.display_name} <{member.email}>"
    email["To"] = address
    email["Subject"] = "Re: Loop input"
    email["Message-ID"] = make_msgid(domain="mail.example.org")
    email.set_content("Here is the board from this morning's session.\n\nSent from my iPhone\n")
    logo_id = make_msgid(domain="mail.example.org")
    html = "<p>Here is the board from this morning's session.</p>"
    if inline_logo:
        html += f'<p><img src="cid:{logo_id[1:-1]}" alt="College logo"></p>'
    email.add_alternative(html, subtype="html")
    if inline_logo:
        email.get_payload()[1].add_related(logo(), "image", "png", cid=logo_id,
                                           filename="image001.png")
    for name, data, maintype, subtype in files:
        email.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return email.as_bytes()


def to(member) -> list:
    """The emails the member got (the steward is told of the reply to their post too)."""
    return [email for email in mail.outbox if email.to == [member.email]]


def receive(raw: bytes, monkeypatch, capsys) -> str:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    call_command("receive_email")
    return capsys.readouterr().out


@pytest.fixture
def member(cast):
    person = UserFactory(email="leila@mail.example.org", display_name="Leila Ahmadi")
    MembershipFactory(community=cast.community, user=person)
    return person


@pytest.fixture
def answered(cast, thread):
    return reply(thread, cast.steward, body="Can you show us the board?")


def test_a_photo_sent_by_email_is_attached_to_the_post(
        member, answered, reply_domain, monkeypatch, capsys):
    picture = photo()
    raw = message(member, reply_address(answered.pk, member.pk),
                  [("IMG_4031.JPG", picture, "image", "jpeg")], inline_logo=True)
    assert receive(raw, monkeypatch, capsys).startswith("posted")
    post = Post.objects.get(author=member)
    (attached,) = post.attachments.all()
    assert (attached.original_name, attached.content_type, attached.size) == (
        "IMG_4031.JPG", "image/jpeg", len(picture))
    assert attached.file.read() == picture
    assert to(member) == []  # nothing refused, nothing to say


def test_files_that_a_web_upload_would_refuse_are_named_to_the_member(
        member, answered, reply_domain, monkeypatch, capsys, settings,
        django_capture_on_commit_callbacks):
    settings.PRAXIS_MAX_ATTACHMENT_MB = 1
    files = [
        ("board.png", photo((400, 300), "PNG"), "image", "png"),
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 500, "application", "octet-stream"),
        ("scan.jpg", photo((2600, 2000)), "image", "jpeg"),  # over 1 MB
        ("notes.pdf", b"<html>not a pdf</html>", "application", "pdf"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        receive(message(member, reply_address(answered.pk, member.pk), files), monkeypatch,
                capsys)
    post = Post.objects.get(author=member)
    assert [a.original_name for a in post.attachments.all()] == ["board.png"]
    (told,) = to(member)
    assert "Your reply is posted, without some of its files" in told.subject
    for name in ("setup.exe", "scan.jpg", "notes.pdf"):
        assert f"“{name}”" in told.body
    assert "too large" in told.body and "board.png" not in told.body
    assert post.get_absolute_url() in told.body


def test_more_files_than_a_post_takes_are_named(
        member, answered, reply_domain, monkeypatch, capsys,
        django_capture_on_commit_callbacks):
    files = [(f"photo-{n}.png", photo((64, 64), "PNG"), "image", "png") for n in range(7)]
    with django_capture_on_commit_callbacks(execute=True):
        receive(message(member, reply_address(answered.pk, member.pk), files), monkeypatch,
                capsys)
    assert Attachment.objects.count() == 5
    (told,) = to(member)
    assert "“photo-5.png”" in told.body and "“photo-6.png”" in told.body
    assert "at most 5 files" in told.body


def test_a_refused_reply_says_its_files_were_not_kept(
        cast, topic, member, answered, reply_domain, monkeypatch, capsys,
        django_capture_on_commit_callbacks):
    set_state(topic, "closed")
    raw = message(member, reply_address(answered.pk, member.pk),
                  [("IMG_4031.JPG", photo((300, 200)), "image", "jpeg")])
    with django_capture_on_commit_callbacks(execute=True):
        assert receive(raw, monkeypatch, capsys).startswith("rejected not_allowed")
    assert not Attachment.objects.exists()
    (told,) = to(member)
    assert "is closed" in told.body
    assert "The files you attached were not kept either" in told.body
    assert "IMG_4031.JPG" in told.body


def test_a_signature_logo_shown_inline_is_not_a_file_to_share(member):
    raw = message(member, "reply+x@praxis.example.org",
                  [("handout.pdf", b"%PDF-1.4\n%%EOF\n", "application", "pdf")],
                  inline_logo=True)
    assert [found.name for found in parse_message(raw).files] == ["handout.pdf"]
