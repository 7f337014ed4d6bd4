"""The notifications part of the demo: members' choices of every kind, the facilitator's
announcement answered by email, the past's emails in the outbox, and nothing owed at once to
a worker started beside the fresh demo."""


import pytest
from django.utils import timezone

from praxis.demo.communities import FACILITATOR_EMAIL, MAIN_SLUG, MEMBER_EMAIL
from praxis.demo.notifications import ANNOUNCEMENT_TITLE
from praxis.discussions.models import Thread
from praxis.notifications import services
from praxis.notifications.models import InboundEmail, Mode, OutboundEmail, Subscription

pytestmark = pytest.mark.django_db


def test_members_chose_every_mode_at_every_level(demo):
    choices = Subscription.objects.filter(community__slug=MAIN_SLUG)
    assert set(choices.values_list("mode", flat=True)) == set(Mode.values)
    assert choices.filter(topic=None).exists() and choices.filter(thread__isnull=False).exists()


def test_the_facilitator_announced_in_her_topic_and_the_member_answered_by_email(demo):
    announcement = Thread.objects.get(title=ANNOUNCEMENT_TITLE)
    assert announcement.kind == Thread.Kind.ANNOUNCEMENT and announcement.is_pinned
    assert announcement.topic.facilitators.filter(email=FACILITATOR_EMAIL).exists()
    answer = announcement.posts.get(source="email")
    assert answer.author.email == MEMBER_EMAIL
    # With the photo of the board he attached, as a web upload would be.
    (photo,) = answer.attachments.all()
    assert (photo.original_name, photo.content_type) == ("IMG_2231.JPG", "image/jpeg")
    assert photo.file.read(3) == b"\xff\xd8\xff"


def test_the_outbox_holds_the_past_emails_of_every_kind_as_sent(demo):
    emails = OutboundEmail.objects.all()
    kinds = set(emails.values_list("kind", flat=True))
    assert {OutboundEmail.Kind.ANNOUNCEMENT, OutboundEmail.Kind.DIGEST,
            OutboundEmail.Kind.NOTICE} <= kinds
    assert set(emails.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}


def test_a_worker_started_beside_the_fresh_demo_owes_no_digest(demo):
    assert services.send_due_digests(timezone.now()) == 0


def test_a_late_reply_to_a_closed_topic_went_back_to_its_author(demo):
    refused = InboundEmail.objects.get(message_id__startswith="demo-reply-late-")
    assert refused.outcome == InboundEmail.Outcome.REJECTED and refused.reason == "not_allowed"
    notice = OutboundEmail.objects.get(kind=OutboundEmail.Kind.REPLY_REFUSED)
    assert notice.user == refused.user and "Yazd" in notice.body_text
    assert notice.user.locale == "fa" and "بسته شده است" in notice.body_text  # "is closed"
