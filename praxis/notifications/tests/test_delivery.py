"""Delivery through a real SMTP server: sent once, retried when the server fails, given up
when it refuses the address."""

import os
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.db import transaction
from django.utils import timezone

from praxis.communities.services import invite_people
from praxis.discussions.tests.factories import reply
from praxis.notifications import services
from praxis.notifications.models import Mode, OutboundEmail

pytestmark = pytest.mark.django_db
Status = OutboundEmail.Status


@pytest.fixture
def owed_email(cast, thread, reply_domain):
    services.set_mode(user=cast.member, community=cast.community, mode=Mode.INSTANT)
    post = reply(thread, cast.steward, body="Try a *fishbowl* round first.")
    services.fan_out_post(post.pk)
    return OutboundEmail.objects.get(post=post, user=cast.member)


def test_an_email_goes_out_through_smtp_as_text_and_html_with_its_headers(
        smtp_server, owed_email, cast):
    assert services.deliver(owed_email.pk) == "sent"
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == [cast.member.email]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert str(message["List-Unsubscribe"]).strip().startswith("<http://")
    assert message["Reply-To"].startswith("reply+p")
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"] == f"<post-{owed_email.post_id}.{cast.member.pk}@127.0.0.1>"
    assert message.get_content_type() == "multipart/alternative"
    assert "Try a *fishbowl* round first." in message.get_body(("plain",)).get_content()
    assert "<em>fishbowl</em>" in message.get_body(("html",)).get_content()
    owed_email.refresh_from_db()
    assert owed_email.status == Status.SENT and owed_email.attempts == 1


def test_an_email_is_never_sent_twice(smtp_server, owed_email):
    assert services.deliver(owed_email.pk) == "sent"
    assert services.deliver(owed_email.pk) == "skipped"
    assert len(smtp_server.envelopes) == 1


def test_a_failing_server_means_a_later_try_then_giving_up(smtp_server, owed_email):
    smtp_server.fail_data = True
    assert services.deliver(owed_email.pk) == "retry"
    owed_email.refresh_from_db()
    assert owed_email.status == Status.QUEUED and owed_email.attempts == 1
    assert owed_email.next_attempt_at > timezone.now() + timedelta(minutes=1)
    assert "451" in owed_email.last_error
    for _ in range(services.MAX_ATTEMPTS - 2):
        assert services.deliver(owed_email.pk) == "retry"
    assert services.deliver(owed_email.pk) == "failed"
    owed_email.refresh_from_db()
    assert owed_email.status == Status.FAILED and owed_email.attempts == services.MAX_ATTEMPTS
    assert smtp_server.envelopes == []


def test_the_server_back_the_retry_goes_out_once(smtp_server, owed_email):
    smtp_server.fail_data = True
    services.deliver(owed_email.pk)
    smtp_server.fail_data = False
    assert services.deliver(owed_email.pk) == "sent"
    assert len(smtp_server.envelopes) == 1


def test_a_refused_address_is_not_tried_again(smtp_server, owed_email):
    smtp_server.refuse_recipients = True
    assert services.deliver(owed_email.pk) == "failed"
    owed_email.refresh_from_db()
    assert owed_email.status == Status.FAILED and "550" in owed_email.last_error


def test_the_sweep_requeues_lost_emails_and_never_resends_a_claimed_one(
        smtp_server, owed_email, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - timedelta(hours=2)
    claimed = OutboundEmail.objects.create(
        key="claimed", kind="post", user=owed_email.user, to_address="x@example.org",
        subject="s", body_text="b", status=Status.SENDING, claimed_at=long_ago)
    OutboundEmail.objects.filter(pk=owed_email.pk).update(next_attempt_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep_outbox() == {"uncertain": 1, "requeued": 1}
    claimed.refresh_from_db()
    assert claimed.status == Status.UNCERTAIN
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [[owed_email.to_address]]


def test_the_database_queue_carries_the_work_to_its_worker(
        settings, smtp_server, cast, thread, django_capture_on_commit_callbacks, monkeypatch):
    """With the real database backend a post enqueues a task that `db_worker` runs."""
    # The worker drops its database connections between tasks, which on PostgreSQL would
    # end the test's transaction.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections",
                        lambda: None)
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    # Changing TASKS resets django-tasks' backends (its setting_changed receiver).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default"]}}
    services.set_mode(user=cast.member, community=cast.community, mode=Mode.INSTANT)
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, cast.steward)
    assert DBTaskResult.objects.count() == 1
    assert smtp_server.envelopes == []
    # The worker's first task owes the email and enqueues its delivery (once committed: the
    # test's transaction never commits, so its on-commit callbacks are run here).
    with django_capture_on_commit_callbacks(execute=True):
        call_command("db_worker", batch=True, interval=0, verbosity=0)
    call_command("db_worker", batch=True, interval=0, verbosity=0)
    assert len(smtp_server.envelopes) == 1
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2


def test_a_post_hidden_before_sending_is_not_sent(smtp_server, owed_email):
    from praxis.discussions.models import Post

    Post.objects.filter(pk=owed_email.post_id).update(is_hidden=True)
    assert services.deliver(owed_email.pk) == "cancelled"
    assert smtp_server.envelopes == []


def test_a_member_who_left_before_sending_gets_nothing(smtp_server, owed_email, cast):
    cast.member.memberships.all().delete()
    assert services.deliver(owed_email.pk) == "cancelled"
    assert smtp_server.envelopes == []


def test_a_connection_lost_while_handing_over_is_never_sent_again(
        smtp_server, owed_email, monkeypatch):
    import smtplib

    from django.core.mail.backends.smtp import EmailBackend

    def lost(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", lost)
    assert services.deliver(owed_email.pk) == "uncertain"
    owed_email.refresh_from_db()
    assert owed_email.status == Status.UNCERTAIN
    assert services.deliver(owed_email.pk) == "skipped"


def test_a_server_that_cannot_be_reached_means_a_later_try(settings, owed_email):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on discard
    assert services.deliver(owed_email.pk) == "retry"


def test_line_breaks_in_a_title_do_not_break_the_headers(smtp_server, cast, thread):
    from email import message_from_bytes, policy

    thread.title = "Loop input\r\nBcc: everyone@example.org"
    thread.save()
    services.set_mode(user=cast.member, community=cast.community, mode=Mode.INSTANT)
    post = reply(thread, cast.steward)
    services.fan_out_post(post.pk)
    email = OutboundEmail.objects.get(post=post)
    assert services.deliver(email.pk) == "sent"
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == [cast.member.email]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["Bcc"] is None
    assert "Loop input Bcc: everyone@example.org" in message["Subject"]


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)")
def test_the_redis_queue_carries_the_work_to_an_rq_worker(
        settings, smtp_server, cast, thread, django_capture_on_commit_callbacks, monkeypatch):
    """With REDIS_URL set, tasks go through RQ; its worker (without forking, so that it sees
    the test's transaction) runs them."""
    monkeypatch.setattr("django_rq.management.commands.rqworker.reset_db_connections",
                        lambda: None)
    import django_rq
    from django.core.management import call_command

    settings.RQ_QUEUES = {"default": {"URL": os.environ["REDIS_URL"], "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend",
                                  "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default")
    queue.empty()
    services.set_mode(user=cast.member, community=cast.community, mode=Mode.INSTANT)
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, cast.steward)
    assert queue.count == 1
    for _ in range(2):  # the fan-out, then the delivery it enqueued
        with django_capture_on_commit_callbacks(execute=True):
            call_command("rqworker", "default", burst=True, job_class="django_tasks_rq.Job",
                         worker_class="rq.worker.SimpleWorker", verbosity=0)
    assert len(smtp_server.envelopes) == 1
    assert queue.count == 0


def test_an_invitation_is_a_notice_in_the_outbox_retried_while_the_server_is_down(
        smtp_server, cast):
    invite_people(actor=cast.steward, community=cast.community, emails=["new@school.example"])
    notice = OutboundEmail.objects.get(kind=OutboundEmail.Kind.PRIVATE_LINK)
    assert notice.user is None and notice.to_address == "new@school.example"
    assert "/invitations/" in notice.body_text
    smtp_server.fail_data = True
    assert services.deliver(notice.pk) == "retry"
    smtp_server.fail_data = False
    notice.refresh_from_db()
    notice.next_attempt_at = timezone.now()
    notice.save()
    assert services.deliver(notice.pk) == "sent"
    [envelope] = smtp_server.envelopes
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert cast.community.name in message["Subject"]
    assert message["Auto-Submitted"] == "auto-generated"
    assert "/invitations/" in message.get_content()
    # The link lives in the mailbox only: the invitation keeps its hash, the outbox nothing.
    notice.refresh_from_db()
    assert notice.status == Status.SENT and notice.body_text == ""


def test_a_write_that_rolls_back_owes_no_notice(cast):
    with pytest.raises(RuntimeError), transaction.atomic():
        invite_people(actor=cast.steward, community=cast.community, emails=["new@school.example"])
        raise RuntimeError("the request failed after the invitation")
    assert not OutboundEmail.objects.exists()
