"""Feedback by replying to a request's email: real mail-client replies fed to the reply
intake (``praxis.site.notifications.replies.receive``) become feedback on the version asked
about; a forged address, a second delivery, a stranger or someone not asked change nothing."""

from email.message import EmailMessage
from pathlib import Path

import pytest

from praxis.accounts.tests.factories import UserFactory
from praxis.communities.tests.factories import MembershipFactory
from praxis.notifications.inbound import parse_message
from praxis.notifications.models import InboundEmail, OutboundEmail
from praxis.notifications.tokens import (
    ForgedToken,
    feedback_reply_address,
    find_reply_target,
    reply_address,
)
from praxis.practice.models import Feedback
from praxis.practice.services import plans as services
from praxis.practice.tests.plan_factories import draft
from praxis.site.notifications.replies import receive

pytestmark = pytest.mark.django_db
MAIL = Path(__file__).resolve().parents[2] / "notifications" / "tests" / "mail"
CORPUS_ADDRESS = b"reply+AbC123xyz.sig@praxis.example.org"


@pytest.fixture(autouse=True)
def reply_domain(settings):
    settings.PRAXIS_REPLY_DOMAIN = "praxis.example.org"


@pytest.fixture
def version(cast):
    return services.share_plan(community=cast.community, author=cast.member,
                               draft=draft()).versions.get()


def addressed(name: str, address: str) -> bytes:
    raw = (MAIL / f"{name}.eml").read_bytes()
    return raw.replace(CORPUS_ADDRESS, address.encode()).replace(
        CORPUS_ADDRESS.upper(), address.upper().encode())


def corpus_sender(name: str, cast):
    raw = (MAIL / f"{name}.eml").read_bytes().replace(CORPUS_ADDRESS, b"x@y.org")
    person = UserFactory(email=parse_message(raw).sender)
    MembershipFactory(community=cast.community, user=person)
    return person


def written(sender: str, to: str, text: str, message_id: str = "<a1@mail.example.org>") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: Feedback asked: Giving feedback to trainee teachers (v1)"
    message["Message-ID"] = message_id
    message.set_content(text + "\n\nOn Tue, Praxis wrote:\n> -- Reply above this line --\n"
                               "> Leila asks for your feedback.\n")
    return message.as_bytes()


def test_a_real_reply_becomes_feedback_on_the_version(cast, version):
    person = corpus_sender("gmail_en", cast)
    request = services.ask_for_feedback(version=version, asked_by=cast.member,
                                        audience="community", questions="")
    outcome = receive(addressed("gmail_en", feedback_reply_address(request.pk, person.pk)),
                      channel="pipe")
    assert outcome.posted and outcome.feedback is not None
    feedback = Feedback.objects.get()
    assert (feedback.version, feedback.request, feedback.author) == (version, request, person)
    assert feedback.source == "email"
    assert "jigsaw protocol" in feedback.comment and "Reply above" not in feedback.comment
    assert InboundEmail.objects.get().user == person


def test_a_reply_under_the_headings_fills_the_parts(cast, version):
    request = services.ask_for_feedback(version=version, asked_by=cast.member,
                                        audience="chosen", questions="",
                                        chosen=[cast.steward])
    raw = written(cast.steward.email, feedback_reply_address(request.pk, cast.steward.pk),
                  "What works: the warm-up with cards.\n\nWhat to change:\nThe video is long."
                  "\n\nQuestion: do trainees see the rubric first?")
    assert receive(raw, channel="pipe").posted
    feedback = Feedback.objects.get()
    assert feedback.works == "the warm-up with cards."
    assert feedback.change == "The video is long."
    assert feedback.question == "do trainees see the rubric first?"
    assert feedback.comment == ""


def test_a_persian_reply_under_persian_headings(cast, version):
    request = services.ask_for_feedback(version=version, asked_by=cast.member,
                                        audience="community", questions="")
    raw = written(cast.steward.email, feedback_reply_address(request.pk, cast.steward.pk),
                  "نقاط قوت: گرم کردن با کارت‌ها\nپیشنهاد تغییر: ویدیو کوتاه‌تر باشد")
    assert receive(raw, channel="pipe").posted
    feedback = Feedback.objects.get()
    assert feedback.works == "گرم کردن با کارت‌ها"
    assert feedback.change == "ویدیو کوتاه‌تر باشد"


def test_a_forged_address_is_rejected(cast, version):
    request = services.ask_for_feedback(version=version, asked_by=cast.member,
                                        audience="community", questions="")
    address = feedback_reply_address(request.pk, cast.steward.pk)
    local, _, domain = address.partition("@")
    forged = f"{local[:-4]}0000@{domain}"
    outcome = receive(written(cast.steward.email, forged, "What works: all"), channel="pipe")
    assert (outcome.posted, outcome.reason) == (False, "forged_token")
    # A post's address for the same numbers does not stand for a feedback request.
    post_kind = reply_address(request.pk, cast.steward.pk).replace("reply+p", "reply+f")
    with pytest.raises(ForgedToken):
        find_reply_target((post_kind,))
    assert not Feedback.objects.exists()


def test_a_message_delivered_twice_gives_feedback_once(cast, version):
    request = services.ask_for_feedback(version=version, asked_by=cast.member,
                                        audience="community", questions="")
    raw = written(cast.steward.email, feedback_reply_address(request.pk, cast.steward.pk),
                  "What works: the timing")
    assert receive(raw, channel="pipe").posted
    again = receive(raw, channel="http")
    assert again.duplicate and not again.posted
    assert Feedback.objects.count() == 1


def test_a_sender_who_is_not_the_person_asked_is_rejected(cast, version):
    request = services.ask_for_feedback(version=version, asked_by=cast.member,
                                        audience="community", questions="")
    raw = written(cast.facilitator.email, feedback_reply_address(request.pk, cast.steward.pk),
                  "What works: everything")
    outcome = receive(raw, channel="pipe")
    assert (outcome.posted, outcome.reason) == (False, "unknown_sender")
    assert not Feedback.objects.exists()


def test_someone_not_asked_or_no_longer_a_member_is_refused(cast, version):
    request = services.ask_for_feedback(version=version, asked_by=cast.member,
                                        audience="chosen", questions="",
                                        chosen=[cast.steward])
    raw = written(cast.facilitator.email,
                  feedback_reply_address(request.pk, cast.facilitator.pk), "Works: x")
    assert receive(raw, channel="pipe").reason == "not_allowed"
    outsider = written(cast.outsider.email,
                       feedback_reply_address(request.pk, cast.outsider.pk), "Works: x",
                       message_id="<a2@mail.example.org>")
    assert receive(outsider, channel="pipe").reason == "not_allowed"
    services.close_request(request=request)
    closed = written(cast.steward.email, feedback_reply_address(request.pk, cast.steward.pk),
                     "What works: late", message_id="<a3@mail.example.org>")
    assert receive(closed, channel="pipe").reason == "not_allowed"
    assert not Feedback.objects.exists()


def test_an_old_address_gives_no_feedback(cast, version, settings):
    request = services.ask_for_feedback(version=version, asked_by=cast.member,
                                        audience="community", questions="")
    old = feedback_reply_address(request.pk, cast.steward.pk, day=1)
    outcome = receive(written(cast.steward.email, old, "What works: all"), channel="pipe")
    assert (outcome.posted, outcome.reason) == (False, "expired_token")
    assert not Feedback.objects.exists()


def told(person) -> list:
    """The emails telling ``person`` that feedback they sent was not kept."""
    return list(OutboundEmail.objects.filter(user=person,
                                             kind=OutboundEmail.Kind.REPLY_REFUSED))


def test_the_member_refused_is_told_why_with_their_words(cast, version):
    request = services.ask_for_feedback(version=version, asked_by=cast.member,
                                        audience="chosen", questions="",
                                        chosen=[cast.steward])
    # Someone never asked is refused and told so.
    raw = written(cast.facilitator.email,
                  feedback_reply_address(request.pk, cast.facilitator.pk), "Works: x",
                  message_id="<a4@mail.example.org>")
    receive(raw, channel="pipe")
    [notice] = told(cast.facilitator)
    assert "may not give feedback" in notice.body_text
    # Once the author closes the request, the person asked is told that, with their words.
    services.close_request(request=request)
    raw = written(cast.steward.email, feedback_reply_address(request.pk, cast.steward.pk),
                  "What works: the warmer, late but heartfelt")
    receive(raw, channel="pipe")
    receive(raw, channel="pipe")  # delivered twice: told once
    [notice] = told(cast.steward)
    assert notice.subject == "Your feedback could not be kept"
    assert "closed this request" in notice.body_text
    assert "the warmer, late but heartfelt" in notice.body_text
    assert f"/plans/{version.plan_id}/v1/feedback/" in notice.body_text
    assert notice.headers["Auto-Submitted"] == "auto-replied"
    assert not Feedback.objects.exists()


def test_an_old_or_overlong_reply_is_told_and_a_forger_is_not(cast, version):
    request = services.ask_for_feedback(version=version, asked_by=cast.member,
                                        audience="community", questions="")
    old = feedback_reply_address(request.pk, cast.steward.pk, day=1)
    receive(written(cast.steward.email, old, "What works: all"), channel="pipe")
    [notice] = told(cast.steward)
    assert "too old to be answered by email" in notice.body_text
    long_text = "What works: " + "the stages flow. " * 1200
    receive(written(cast.facilitator.email,
                    feedback_reply_address(request.pk, cast.facilitator.pk), long_text,
                    message_id="<a5@mail.example.org>"), channel="pipe")
    [notice] = told(cast.facilitator)
    assert "longer than feedback by email can be" in notice.body_text
    assert "the stages flow." in notice.body_text
    # Someone writing from another address with a member's feedback address: no notice.
    receive(written("stranger@example.net",
                    feedback_reply_address(request.pk, cast.outsider.pk), "What works: x",
                    message_id="<a6@mail.example.org>"), channel="pipe")
    assert not told(cast.outsider)
    assert not Feedback.objects.exists()
