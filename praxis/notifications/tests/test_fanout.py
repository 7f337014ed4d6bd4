"""Who is owed an email when a post is published, and for which reason."""

import pytest
from django.core import mail

from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions.models import Thread
from praxis.discussions.tests.factories import make_thread, make_topic, opener, reply
from praxis.notifications import services
from praxis.notifications.models import Mode, OutboundEmail

pytestmark = pytest.mark.django_db
Kind = OutboundEmail.Kind


def owed(post) -> dict[str, str]:
    return {e.to_address: e.kind for e in OutboundEmail.objects.filter(post=post)}


def publish(capture, thread, author, parent=None, body="A thought on loop input."):
    with capture(execute=True):
        return reply(thread, author, parent=parent, body=body)


def test_instant_followers_are_owed_the_post_and_get_it(
        cast, topic, thread, django_capture_on_commit_callbacks):
    services.set_mode(user=cast.member, community=cast.community, topic=topic,
                      mode=Mode.INSTANT)
    post = publish(django_capture_on_commit_callbacks, thread, cast.steward)
    assert owed(post) == {cast.member.email: Kind.POST}
    sent = [m for m in mail.outbox if m.to == [cast.member.email]]
    assert len(sent) == 1
    assert thread.title in sent[0].subject
    assert "A thought on loop input." in sent[0].body


def test_digest_and_off_readers_and_the_author_are_owed_nothing_at_once(
        cast, topic, thread, django_capture_on_commit_callbacks):
    services.set_mode(user=cast.member, community=cast.community, mode=Mode.WEEKLY)
    services.set_mode(user=cast.steward, community=cast.community, mode=Mode.OFF)
    services.set_mode(user=cast.facilitator, community=cast.community, mode=Mode.INSTANT)
    post = publish(django_capture_on_commit_callbacks, thread, cast.facilitator)
    assert owed(post) == {}


def test_the_narrowest_choice_wins(cast, topic, thread, django_capture_on_commit_callbacks):
    services.set_mode(user=cast.member, community=cast.community, mode=Mode.INSTANT)
    services.set_mode(user=cast.member, community=cast.community, topic=topic, mode=Mode.OFF)
    services.set_mode(user=cast.member, community=cast.community, thread=thread,
                      mode=Mode.INSTANT)
    other = make_thread(topic, cast.facilitator, title="Another question")
    in_thread = publish(django_capture_on_commit_callbacks, thread, cast.steward)
    in_other = publish(django_capture_on_commit_callbacks, other, cast.steward)
    assert owed(in_thread) == {cast.member.email: Kind.POST}
    assert owed(in_other) == {}


def test_a_reply_is_owed_to_the_author_replied_to(
        cast, thread, django_capture_on_commit_callbacks):
    first = publish(django_capture_on_commit_callbacks, thread, cast.member)
    answer = publish(django_capture_on_commit_callbacks, thread, cast.steward, parent=first)
    assert owed(answer) == {cast.member.email: Kind.REPLY}


def test_members_who_turned_direct_email_off_are_not_owed_replies(
        cast, thread, django_capture_on_commit_callbacks):
    cast.member.email_direct = False
    cast.member.save()
    first = publish(django_capture_on_commit_callbacks, thread, cast.member)
    answer = publish(django_capture_on_commit_callbacks, thread, cast.steward, parent=first)
    assert owed(answer) == {}


def test_a_mention_reaches_the_member_named_and_no_outsider(
        cast, thread, django_capture_on_commit_callbacks):
    cast.member.display_name = "Maryam Ahmadi"
    cast.member.save()
    cast.outsider.display_name = "Reza Karimi"
    cast.outsider.save()
    post = publish(django_capture_on_commit_callbacks, thread, cast.steward,
                   body="@Maryam Ahmadi and @Reza Karimi, what do you think?")
    assert owed(post) == {cast.member.email: Kind.MENTION}


def test_feedback_on_a_session_plan_is_owed_to_its_author(
        cast, topic, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        plan = make_thread(topic, cast.member, title="My session plan",
                           kind=Thread.Kind.SESSION_PLAN)
    feedback = publish(django_capture_on_commit_callbacks, plan, cast.facilitator)
    assert owed(feedback) == {cast.member.email: Kind.PLAN_FEEDBACK}


def test_an_announcement_reaches_every_member_but_those_who_turned_its_email_off(
        cast, topic, django_capture_on_commit_callbacks):
    quiet = MembershipFactory(community=cast.community).user
    services.set_mode(user=quiet, community=cast.community, mode=Mode.OFF)
    # Direct email off but still following the community by digest: an announcement is news.
    cast.member.email_direct = False
    cast.member.save()
    with django_capture_on_commit_callbacks(execute=True):
        announcement = make_thread(topic, cast.facilitator, title="Live session on Thursday",
                                   kind=Thread.Kind.ANNOUNCEMENT)
    assert announcement.is_pinned
    assert owed(opener(announcement)) == {
        cast.steward.email: Kind.ANNOUNCEMENT, cast.member.email: Kind.ANNOUNCEMENT}


def test_fanning_out_again_owes_nothing_twice(cast, topic, thread,
                                              django_capture_on_commit_callbacks):
    services.set_mode(user=cast.member, community=cast.community, mode=Mode.INSTANT)
    post = publish(django_capture_on_commit_callbacks, thread, cast.steward)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.fan_out_post(post.pk) == 0
    assert OutboundEmail.objects.filter(post=post).count() == 1
    assert len([m for m in mail.outbox if m.to == [cast.member.email]]) == 1


def test_a_post_hidden_before_the_task_runs_is_owed_to_no_one(cast, thread):
    services.set_mode(user=cast.member, community=cast.community, mode=Mode.INSTANT)
    post = reply(thread, cast.steward)
    post.is_hidden = True
    post.save()
    assert services.fan_out_post(post.pk) == 0


def test_emails_come_in_the_readers_language_with_unsubscribe_headers(
        cast, topic, thread, reply_domain, django_capture_on_commit_callbacks):
    cast.member.locale = "fa"
    cast.member.save()
    first = publish(django_capture_on_commit_callbacks, thread, cast.member)
    publish(django_capture_on_commit_callbacks, thread, cast.steward, parent=first)
    message = next(m for m in mail.outbox if m.to == [cast.member.email])
    assert "به پست شما پاسخ داد" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.reply_to[0].startswith("reply+p") and message.reply_to[0].endswith(
        "@praxis.example.org")
    html = message.alternatives[0]
    assert 'dir="rtl"' in html[0] and html[1] == "text/html"


def test_fan_out_reads_a_bounded_number_of_queries(cast, topic, thread,
                                                  django_assert_max_num_queries):
    for _ in range(30):
        services.set_mode(user=MembershipFactory(community=cast.community).user,
                          community=cast.community, mode=Mode.INSTANT)
    post = reply(thread, cast.steward)
    # Per recipient: one insert of the email (in its savepoint); the reads do not grow.
    with django_assert_max_num_queries(12 + 3 * 30):
        assert services.fan_out_post(post.pk) == 30


def test_the_unsubscribe_link_of_an_email_stops_that_kind_of_email(
        cast, topic, thread, django_capture_on_commit_callbacks):
    from praxis.notifications.tokens import read_unsubscribe_token

    services.set_mode(user=cast.member, community=cast.community, thread=thread,
                      mode=Mode.INSTANT)
    post = publish(django_capture_on_commit_callbacks, thread, cast.steward)
    email = OutboundEmail.objects.get(post=post, user=cast.member)
    token = email.headers["List-Unsubscribe"].strip("<>").rstrip("/").rsplit("/", 1)[1]
    services.unsubscribe(read_unsubscribe_token(token))
    assert owed(publish(django_capture_on_commit_callbacks, thread, cast.steward)) == {}
    other_topic = make_topic(cast.community, facilitators=[cast.facilitator])
    with django_capture_on_commit_callbacks(execute=True):
        announcement = make_thread(other_topic, cast.facilitator, title="Live session",
                                   kind=Thread.Kind.ANNOUNCEMENT)
    email = OutboundEmail.objects.get(post=opener(announcement), user=cast.member)
    token = email.headers["List-Unsubscribe"].strip("<>").rstrip("/").rsplit("/", 1)[1]
    services.unsubscribe(read_unsubscribe_token(token))
    with django_capture_on_commit_callbacks(execute=True):
        again = make_thread(topic, cast.facilitator, title="Another live session",
                            kind=Thread.Kind.ANNOUNCEMENT)
    assert cast.member.email not in owed(opener(again))
