"""Promises "I will use this in my training": the services, the due-invitations job, reply
by email (a draft story), the pages' permission matrix, query bounds and hostile input."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from praxis.communities.models import Membership
from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions.models import Reaction
from praxis.discussions.tests.factories import make_thread, make_topic, opener, reply
from praxis.impact import promise_queries, promises
from praxis.impact.models import UsePromise, ValueStory
from praxis.impact.promises import PromiseRuleError
from praxis.notifications.hooks import periodic_round
from praxis.notifications.models import InboundEmail, OutboundEmail
from praxis.notifications.tokens import promise_reply_address
from praxis.site.notifications import replies

pytestmark = pytest.mark.django_db
MAIL = Path(__file__).resolve().parents[2] / "notifications" / "tests" / "mail"
CORPUS_ADDRESS = b"reply+AbC123xyz.sig@praxis.example.org"
TODAY = timezone.localdate()
LOGIN = "login"
VISITORS = ["anonymous", "outsider", "member", "facilitator", "steward", "researcher",
            "site_admin"]


@pytest.fixture
def reply_domain(settings):
    settings.PRAXIS_REPLY_DOMAIN = "praxis.example.org"
    return settings.PRAXIS_REPLY_DOMAIN


@pytest.fixture
def post(full_cast):
    topic = make_topic(full_cast.community, facilitators=[full_cast.facilitator])
    thread = make_thread(topic, full_cast.facilitator, title="Loop input in a course")
    opener(thread)
    return reply(thread, full_cast.facilitator, body="Try loop input: model it, then name it.")


def promise_of(cast, post, *, days: int = 3, who: str = "member", note: str = "") -> UsePromise:
    return promises.make_promise(user=getattr(cast, who), community=cast.community, post=post,
                                 session_date=TODAY + timedelta(days=days), note=note)


def passed(promise: UsePromise, days: int = 1) -> UsePromise:
    UsePromise.objects.filter(pk=promise.pk).update(
        session_date=TODAY - timedelta(days=days))
    promise.refresh_from_db()
    return promise


# Services ------------------------------------------------------------------------------------

def test_a_promise_is_made_once_per_post_and_its_date_can_change(full_cast, post):
    first = promise_of(full_cast, post, note="Loop input on day 2")
    again = promise_of(full_cast, post, days=10, note="Moved")
    assert first.pk == again.pk and UsePromise.objects.count() == 1
    again.refresh_from_db()
    assert again.session_date == TODAY + timedelta(days=10) and again.note == "Moved"


@pytest.mark.parametrize("when, note, message", [
    (None, "", "Give the date"),
    (TODAY - timedelta(days=promises.RECENT_PAST_DAYS + 1), "", "too long ago"),
    (TODAY + timedelta(days=promises.FUTURE_DAYS + 1), "", "two years"),
    (TODAY, "x" * 301, "300 characters"),
])
def test_bad_promises_are_refused_and_change_nothing(full_cast, post, when, note, message):
    with pytest.raises(PromiseRuleError, match=message):
        promises.make_promise(user=full_cast.member, community=full_cast.community, post=post,
                              session_date=when, note=note)
    assert not UsePromise.objects.exists()


def test_a_recent_past_session_may_be_recorded(full_cast, post):
    promise = promise_of(full_cast, post, days=-5)
    assert promise_queries.state_of(promise, TODAY) == "due"


def test_states_waiting_due_drafted_told_dismissed(full_cast, post):
    promise = promise_of(full_cast, post)
    assert promise_queries.state_of(promise, TODAY) == "waiting"
    passed(promise)
    assert promise_queries.state_of(promise, TODAY) == "due"
    promises.dismiss_promise(promise=promise)
    promise.refresh_from_db()
    assert promise_queries.state_of(promise, TODAY) == "dismissed"
    story = promises.draft_story(promise=promise)
    promise.refresh_from_db()
    assert promise_queries.state_of(promise, TODAY) == "drafted"
    assert promise.dismissed_at is None
    ValueStory.objects.filter(pk=story.pk).update(status=ValueStory.Status.TOLD)
    promise.refresh_from_db()
    assert promise_queries.state_of(promise, TODAY) == "told"


def test_the_draft_story_has_the_post_and_its_topic_as_sources(full_cast, post):
    promise = passed(promise_of(full_cast, post, note="Loop input"))
    story = promises.draft_story(promise=promise, applied="I modelled it first.")
    assert story.status == ValueStory.Status.DRAFT
    assert story.author == full_cast.member and story.community == full_cast.community
    assert list(story.source_posts.all()) == [post]
    assert list(story.source_topics.all()) == [post.thread.topic]
    assert story.applied == "I modelled it first."
    assert story.session_date == promise.session_date
    # The same draft the second time, with the new words added.
    again = promises.draft_story(promise=promise, applied="And named it after.")
    assert again.pk == story.pk and ValueStory.objects.count() == 1
    again.refresh_from_db()
    assert again.applied == "I modelled it first.\n\nAnd named it after."


# The due-invitations job ------------------------------------------------------------------

def test_invitations_go_once_only_after_the_date(full_cast, post, reply_domain):
    promise = promise_of(full_cast, post)
    assert promises.invite_due() == 0  # still to come
    passed(promise)
    assert promises.invite_due() == 1
    assert promises.invite_due() == 0  # sent once
    promise.refresh_from_db()
    assert promise.invited_at is not None
    email = OutboundEmail.objects.get(user=full_cast.member)
    assert email.headers["Reply-To"].startswith(f"reply+s{promise.pk}u{full_cast.member.pk}")
    assert "Tell what happened" in email.subject or "How did it go" in email.subject
    assert "Loop input in a course" not in email.subject  # the topic is in the body
    assert "/impact/promises/" in email.body_text


def test_the_session_day_itself_is_not_yet_due(full_cast, post):
    passed(promise_of(full_cast, post), days=0)
    assert promises.invite_due() == 0


def test_no_email_to_who_takes_no_direct_email_but_the_home_page_asks(full_cast, post,
                                                                      client):
    full_cast.member.email_direct = False
    full_cast.member.save()
    promise = passed(promise_of(full_cast, post))
    assert promises.invite_due() == 0
    promise.refresh_from_db()
    assert promise.invited_at is not None
    assert not OutboundEmail.objects.exists()
    client.force_login(full_cast.member)
    page = client.get("/").content.decode()
    assert "Tell what happened" in page
    assert reverse("impact:promise_tell", args=[full_cast.community.slug, promise.pk]) in page


def test_no_invitation_to_who_left_the_community(full_cast, post, client):
    promise = passed(promise_of(full_cast, post))
    Membership.objects.filter(user=full_cast.member, community=full_cast.community).delete()
    assert promises.invite_due() == 0
    promise.refresh_from_db()
    assert promise.invited_at is None
    client.force_login(full_cast.member)
    assert "Tell what happened" not in client.get("/").content.decode()


def test_dismissed_and_told_promises_are_not_invited(full_cast, post):
    dismissed = passed(promise_of(full_cast, post))
    promises.dismiss_promise(promise=dismissed)
    other = reply(post.thread, full_cast.steward, body="Another idea")
    told = passed(promise_of(full_cast, other))
    promises.draft_story(promise=told)
    assert promises.invite_due() == 0


def test_the_worker_round_runs_the_job(full_cast, post):
    from praxis.impact.tasks import invite_promised_now
    from praxis.notifications.tasks import send_due_digests

    assert invite_promised_now in periodic_round.receivers
    passed(promise_of(full_cast, post))
    send_due_digests.call()
    assert UsePromise.objects.get().invited_at is not None


def test_the_command_invites(full_cast, post, capsys):
    from django.core.management import call_command

    passed(promise_of(full_cast, post))
    call_command("invite_promised")
    assert "owed: 1" in capsys.readouterr().out


# Reply by email --------------------------------------------------------------------------

def addressed(name: str, address: str) -> bytes:
    raw = (MAIL / f"{name}.eml").read_bytes()
    return raw.replace(CORPUS_ADDRESS, address.encode()).replace(
        CORPUS_ADDRESS.upper(), address.upper().encode())


def sender(name: str) -> str:
    from praxis.notifications.inbound import parse_message

    raw = (MAIL / f"{name}.eml").read_bytes().replace(CORPUS_ADDRESS, b"x@y.org")
    return parse_message(raw).sender


@pytest.fixture
def invited(full_cast, post, reply_domain):
    """The member's promise, its session past, invited; the member's address is gmail_en's."""
    full_cast.member.email = sender("gmail_en")
    full_cast.member.save()
    promise = passed(promise_of(full_cast, post))
    promises.invite_due()
    return promise


@pytest.mark.parametrize("name", ["gmail_en", "gmail_fa", "outlook_1256", "apple_iphone",
                                  "thunderbird_flowed"])
def test_a_reply_from_a_mail_client_becomes_a_draft_story(name, full_cast, post, reply_domain):
    full_cast.member.email = sender(name)
    full_cast.member.save()
    promise = passed(promise_of(full_cast, post))
    outcome = replies.receive(addressed(name, promise_reply_address(promise.pk,
                                                                    full_cast.member.pk)),
                              channel="pipe")
    assert outcome.posted and outcome.story is not None
    promise.refresh_from_db()
    story = promise.story
    assert story.status == ValueStory.Status.DRAFT and story.author == full_cast.member
    assert story.applied.strip() and ">" not in story.applied.splitlines()[-1]
    assert list(story.source_posts.all()) == [post]
    assert InboundEmail.objects.get().outcome == "posted"
    # Nothing more by email; the home page shows the draft to finish.
    assert not OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY_REFUSED).exists()


def test_the_home_page_then_says_finish_your_story(invited, full_cast, client):
    replies.receive(addressed("gmail_en", promise_reply_address(invited.pk,
                                                                full_cast.member.pk)),
                    channel="pipe")
    client.force_login(full_cast.member)
    page = client.get("/").content.decode()
    assert "Finish your story" in page
    invited.refresh_from_db()
    assert reverse("impact:story_edit", args=[full_cast.community.slug,
                                              invited.story_id]) in page


def test_the_same_message_twice_makes_one_story(invited, full_cast):
    raw = addressed("gmail_en", promise_reply_address(invited.pk, full_cast.member.pk))
    replies.receive(raw, channel="pipe")
    second = replies.receive(raw, channel="pipe")
    assert second.duplicate
    story = ValueStory.objects.get()
    assert story.applied.count("\n\n") == parse_paragraphs(raw)


def parse_paragraphs(raw: bytes) -> int:
    from praxis.notifications.inbound import parse_message

    return parse_message(raw).text.strip().count("\n\n")


def test_a_forged_address_is_rejected_and_told_to_nobody(invited, full_cast):
    address = promise_reply_address(invited.pk, full_cast.member.pk)
    forged = address.replace(f"reply+s{invited.pk}", f"reply+s{invited.pk + 1}")
    outcome = replies.receive(addressed("gmail_en", forged), channel="pipe")
    assert outcome.reason == "forged_token"
    assert not ValueStory.objects.exists()
    assert not OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY_REFUSED).exists()


def test_a_post_address_does_not_verify_as_a_promise(invited, full_cast):
    from praxis.notifications.tokens import reply_address

    address = reply_address(invited.pk, full_cast.member.pk).replace("reply+p", "reply+s")
    assert replies.receive(addressed("gmail_en", address), channel="pipe").reason == \
        "forged_token"


def test_another_sender_is_rejected_and_not_answered(invited, full_cast):
    full_cast.member.email = "someone.else@example.org"
    full_cast.member.save()
    outcome = replies.receive(addressed("gmail_en", promise_reply_address(
        invited.pk, full_cast.member.pk)), channel="pipe")
    assert outcome.reason == "unknown_sender"
    assert not ValueStory.objects.exists()
    assert not OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY_REFUSED).exists()


def test_who_left_the_community_is_told_why_with_their_words(invited, full_cast):
    Membership.objects.filter(user=full_cast.member, community=full_cast.community).delete()
    outcome = replies.receive(addressed("gmail_en", promise_reply_address(
        invited.pk, full_cast.member.pk)), channel="pipe")
    assert not outcome.posted and outcome.notice == "not_member"
    assert not ValueStory.objects.exists()
    notice = OutboundEmail.objects.get(kind=OutboundEmail.Kind.REPLY_REFUSED)
    assert "no longer a member" in notice.body_text
    assert "could not be kept" in notice.subject


def test_a_told_story_takes_no_more_by_email(invited, full_cast):
    story = promises.draft_story(promise=invited)
    ValueStory.objects.filter(pk=story.pk).update(status=ValueStory.Status.TOLD)
    outcome = replies.receive(addressed("gmail_en", promise_reply_address(
        invited.pk, full_cast.member.pk)), channel="pipe")
    assert outcome.notice == "told"
    story.refresh_from_db()
    assert story.applied == ""
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY_REFUSED).count() == 1


def test_a_deleted_promise_is_told_as_gone(invited, full_cast):
    address = promise_reply_address(invited.pk, full_cast.member.pk)
    invited.delete()
    outcome = replies.receive(addressed("gmail_en", address), channel="pipe")
    assert outcome.notice == "gone"
    assert "no longer exists" in OutboundEmail.objects.get(
        kind=OutboundEmail.Kind.REPLY_REFUSED).body_text


# Pages: the permission matrix --------------------------------------------------------------

def _urls(cast, post, promise) -> dict[str, tuple[str, str]]:
    slug = cast.community.slug
    return {
        "list": ("get", reverse("impact:promises", args=[slug])),
        "new": ("get", reverse("impact:promise_new", args=[slug]) + f"?post={post.pk}"),
        "create": ("post", reverse("impact:promise_new", args=[slug])),
        "tell": ("post", reverse("impact:promise_tell", args=[slug, promise.pk])),
        "dismiss": ("post", reverse("impact:promise_dismiss", args=[slug, promise.pk])),
    }


# Answers per visitor (anonymous, outsider, member, facilitator, steward, researcher,
# site_admin); the promise is the member's own: nobody else finds it.
MATRIX = {
    "list": (LOGIN, 403, 200, 200, 200, 200, 403),
    "new": (LOGIN, 403, 200, 200, 200, 200, 403),
    "create": (LOGIN, 403, 302, 302, 302, 302, 403),
    "tell": (LOGIN, 403, 302, 404, 404, 404, 403),
    "dismiss": (LOGIN, 403, 302, 404, 404, 404, 403),
}


@pytest.mark.parametrize("view", list(MATRIX))
@pytest.mark.parametrize("index, who", list(enumerate(VISITORS)))
def test_permission_matrix(view, index, who, full_cast, post, as_visitor):
    promise = passed(promise_of(full_cast, post))
    author = MembershipFactory(community=full_cast.community).user
    other = reply(post.thread, author, body="For the others to promise")
    method, url = _urls(full_cast, other, promise)[view]
    client = as_visitor(full_cast, who)
    data = {"post": other.pk, "session_date": TODAY.isoformat(), "note": "n"}
    response = client.post(url, data) if method == "post" else client.get(url)
    expected = MATRIX[view][index]
    if expected == LOGIN:
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code == expected


def test_a_private_community_is_not_found_by_outsiders(make_cast, client):
    cast = make_cast(visibility="private")
    client.force_login(cast.outsider)
    assert client.get(reverse("impact:promises", args=[cast.community.slug])).status_code == 404


def test_the_reaction_leads_to_the_date_page(full_cast, post, client):
    client.force_login(full_cast.member)
    response = client.post(reverse("discussions:react", args=[full_cast.community.slug,
                                                               post.pk]),
                           {"kind": "will_use"})
    assert response["Location"] == (reverse("impact:promise_new",
                                            args=[full_cast.community.slug])
                                    + f"?post={post.pk}")
    assert Reaction.objects.filter(user=full_cast.member, kind="will_use").exists()
    # Taking the reaction back, or "helpful", goes back to the post.
    response = client.post(reverse("discussions:react", args=[full_cast.community.slug,
                                                               post.pk]),
                           {"kind": "will_use"})
    assert "promises/new" not in response["Location"]


def test_setting_the_date_makes_the_promise(full_cast, post, client):
    client.force_login(full_cast.member)
    url = reverse("impact:promise_new", args=[full_cast.community.slug])
    response = client.post(url, {"post": post.pk, "session_date": "2099-01-01"})
    assert response.status_code == 400 and b"two years" in response.content
    response = client.post(url, {"post": post.pk,
                                 "session_date": (TODAY + timedelta(days=7)).isoformat(),
                                 "note": "Loop input on day 2"})
    assert response.status_code == 302
    promise = UsePromise.objects.get()
    assert promise.note == "Loop input on day 2" and promise.user == full_cast.member
    page = client.get(reverse("impact:promises", args=[full_cast.community.slug]))
    assert "Loop input on day 2" in page.content.decode()
    assert "Waiting for the session" in page.content.decode()


@pytest.mark.parametrize("raw", ["", "abc", "-1", "1" * 30, "0"])
def test_a_bad_post_id_is_not_found(full_cast, client, raw):
    client.force_login(full_cast.member)
    url = reverse("impact:promise_new", args=[full_cast.community.slug]) + f"?post={raw}"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("when", ["", "not a date", "2026-02-30", "<script>", "9" * 50])
def test_bad_dates_get_a_message_and_change_nothing(full_cast, post, client, when):
    client.force_login(full_cast.member)
    response = client.post(reverse("impact:promise_new", args=[full_cast.community.slug]),
                           {"post": post.pk, "session_date": when, "note": "n"})
    assert response.status_code == 400
    assert b"<script>" not in response.content
    assert not UsePromise.objects.exists()


def test_tell_makes_the_draft_and_leads_to_its_edit_page(full_cast, post, client):
    promise = passed(promise_of(full_cast, post))
    client.force_login(full_cast.member)
    response = client.post(reverse("impact:promise_tell", args=[full_cast.community.slug,
                                                                promise.pk]))
    promise.refresh_from_db()
    assert response["Location"] == reverse("impact:story_edit",
                                           args=[full_cast.community.slug, promise.story_id])
    client.post(reverse("impact:promise_tell", args=[full_cast.community.slug, promise.pk]))
    assert ValueStory.objects.count() == 1


def test_get_is_refused_on_the_actions(full_cast, post, client):
    promise = passed(promise_of(full_cast, post))
    client.force_login(full_cast.member)
    for name in ("impact:promise_tell", "impact:promise_dismiss"):
        assert client.get(reverse(name, args=[full_cast.community.slug,
                                              promise.pk])).status_code == 405


# Query bounds --------------------------------------------------------------------------

def _many(cast, post, count):
    for index in range(count):
        other = reply(post.thread, cast.steward, body=f"Idea {index}")
        passed(promise_of(cast, other, note=f"note {index}"), days=index + 1)


@pytest.mark.parametrize("count", [1, 12])
def test_my_promises_page_runs_a_bounded_number_of_queries(full_cast, post, client, count,
                                                           django_assert_max_num_queries):
    _many(full_cast, post, count)
    client.force_login(full_cast.member)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("impact:promises",
                                  args=[full_cast.community.slug])).status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_the_home_block_is_one_query(full_cast, post, count, django_assert_num_queries):
    _many(full_cast, post, count)
    with django_assert_num_queries(1):
        rows = promise_queries.to_tell(full_cast.member)
    assert len(rows) == min(count, promise_queries.HOME_LIMIT)


def test_the_invitation_is_in_the_members_language_with_solar_dates(full_cast, post,
                                                                     reply_domain):
    full_cast.member.locale = "fa"
    full_cast.member.save()
    promise = passed(promise_of(full_cast, post, note="ورودی حلقه‌ای"))
    promises.invite_due()
    email = OutboundEmail.objects.get(user=full_cast.member)
    from django.utils import translation

    from praxis.core.templatetags.praxis import when

    with translation.override("fa"):
        shown = when(promise.session_date)
    assert shown in email.body_text and 'dir="rtl"' in email.body_html
    assert "ورودی حلقه‌ای" in email.body_text
    assert "<script" not in email.body_html


def test_a_hostile_note_is_escaped_everywhere(full_cast, post, client, reply_domain):
    promise = passed(promise_of(full_cast, post, note="<script>alert(1)</script>"))
    promises.invite_due()
    assert "<script>alert" not in OutboundEmail.objects.get().body_html
    client.force_login(full_cast.member)
    for url in ("/", reverse("impact:promises", args=[full_cast.community.slug])):
        page = client.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert promise.note.startswith("<script>")


def test_the_mail_servers_pipe_says_a_story_was_kept(invited, full_cast, monkeypatch,
                                                     capsys):
    import io
    import sys

    from django.core.management import call_command

    raw = addressed("gmail_en", promise_reply_address(invited.pk, full_cast.member.pk))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    call_command("receive_email")
    invited.refresh_from_db()
    assert capsys.readouterr().out.strip() == f"story {invited.story_id}"


def test_a_reply_that_would_overfill_the_draft_is_told_not_cut(invited, full_cast):
    from praxis.impact.promises import APPLIED_MAX_LENGTH

    story = promises.draft_story(promise=invited,
                                 applied="x" * (APPLIED_MAX_LENGTH - 10))
    outcome = replies.receive(addressed("gmail_en", promise_reply_address(
        invited.pk, full_cast.member.pk)), channel="pipe")
    assert not outcome.posted and outcome.notice == "too_long"
    story.refresh_from_db()
    assert story.applied == "x" * (APPLIED_MAX_LENGTH - 10)
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REPLY_REFUSED).count() == 1
