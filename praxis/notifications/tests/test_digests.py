"""Daily and weekly digests: due at 07:00 in the reader's own time zone, one a period, with
what they have not read."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from praxis.discussions.models import Post
from praxis.discussions.services import record_reading
from praxis.discussions.tests.factories import make_thread, reply
from praxis.notifications import services
from praxis.notifications.models import DigestCursor, Mode, OutboundEmail

pytestmark = pytest.mark.django_db
TEHRAN = ZoneInfo("Asia/Tehran")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of November 2026 in Tehran (the 28th is a Saturday)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=TEHRAN)


@pytest.fixture
def thread(topic, cast):
    """A thread whose opening post is older than every digest period here."""
    made = make_thread(topic, cast.facilitator)
    Post.objects.filter(thread=made).update(created_at=at(1, 12))
    return made


@pytest.fixture(autouse=True)
def others_want_no_digest(cast):
    for person in (cast.steward, cast.facilitator):
        person.digest = Mode.INSTANT
        person.save()


@pytest.fixture
def reader(cast):
    cast.member.timezone = "Asia/Tehran"
    cast.member.digest = Mode.DAILY
    cast.member.save()
    DigestCursor.objects.create(user=cast.member, mode=Mode.DAILY,
                                covered_until=at(23, 7))
    return cast.member


def post_at(thread, author, when: datetime, body: str) -> Post:
    post = reply(thread, author, body=body)
    Post.objects.filter(pk=post.pk).update(created_at=when)
    return post


def digests_to(user) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(user=user, kind="digest"))


def test_the_daily_digest_comes_at_seven_local_time_once(reader, cast, thread, capsys):
    post_at(thread, cast.steward, at(23, 20), "Evening thought about loop input.")
    assert services.send_due_digests(at(24, 6, 59)) == 0
    assert services.send_due_digests(at(24, 7, 0)) == 1
    assert services.send_due_digests(at(24, 7, 5)) == 0
    assert services.send_due_digests(at(24, 18)) == 0
    [digest] = digests_to(reader)
    assert "Evening thought about loop input." in digest.body_text
    assert "1 new post" in digest.subject
    assert digest.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_digest_brings_only_new_unread_posts_by_others_in_digest_places(
        reader, cast, topic, thread):
    muted = make_thread(topic, cast.facilitator, title="A thread I muted")
    services.set_mode(user=reader, community=cast.community, thread=muted, mode=Mode.OFF)
    post_at(thread, cast.steward, at(22, 20), "Already in yesterday's digest.")
    post_at(thread, reader, at(23, 21), "My own post.")
    post_at(muted, cast.steward, at(23, 22), "In the muted thread.")
    read = post_at(thread, cast.steward, at(23, 23), "Read on the site already.")
    record_reading(user=reader, thread=thread, up_to_post_id=read.pk)
    post_at(thread, cast.facilitator, at(24, 1), "New and unread.")
    services.send_due_digests(at(24, 7))
    [digest] = digests_to(reader)
    assert "New and unread." in digest.body_text
    for absent in ("Already in yesterday's digest.", "My own post.", "In the muted thread.",
                   "Read on the site already."):
        assert absent not in digest.body_text


def test_nothing_new_means_no_digest_but_the_period_is_covered(reader):
    assert services.send_due_digests(at(24, 8)) == 0
    assert DigestCursor.objects.get(user=reader, mode=Mode.DAILY).covered_until == at(24, 7)


def test_the_weekly_digest_comes_on_the_first_day_of_the_readers_week(cast, thread):
    reader = cast.member
    reader.locale, reader.timezone, reader.digest = "fa", "Asia/Tehran", Mode.WEEKLY
    reader.save()
    DigestCursor.objects.create(user=reader, mode=Mode.WEEKLY, covered_until=at(21, 7))
    post_at(thread, cast.steward, at(25, 10), "سلام، این هفته چه آموختیم؟")
    assert services.send_due_digests(at(27, 12)) == 0  # Friday
    assert services.send_due_digests(at(28, 7, 30)) == 1  # Saturday
    [digest] = digests_to(reader)
    assert "سلام، این هفته چه آموختیم؟" in digest.body_text
    # A Persian comma, after the English name kept in its own direction.
    assert f"\u2068{cast.steward.display_name}\u2069، " in digest.body_text
    assert 'dir="rtl"' in digest.body_html
    assert "خلاصهٔ هفتگی شما: ۱ پست تازه در ۱ موضوع" in digest.subject


def test_digests_go_out_through_the_outbox(reader, cast, thread,
                                           django_capture_on_commit_callbacks):
    post_at(thread, cast.steward, at(23, 20), "Evening thought about loop input.")
    with django_capture_on_commit_callbacks(execute=True):
        services.send_due_digests(at(24, 7))
    [message] = [m for m in mail.outbox if m.to == [reader.email]]
    assert "Evening thought about loop input." in message.body
    assert message.alternatives[0][1] == "text/html"


def test_a_new_reader_gets_the_last_period_only(cast, thread):
    reader = cast.member
    reader.timezone = "Asia/Tehran"
    reader.save()
    post_at(thread, cast.steward, at(20, 12), "Old news.")
    post_at(thread, cast.steward, at(24, 3), "Fresh news.")
    services.send_due_digests(at(24, 7) + timedelta(minutes=1))
    [digest] = digests_to(reader)
    assert "Fresh news." in digest.body_text and "Old news." not in digest.body_text


def test_posts_already_emailed_at_once_are_left_out(reader, cast, thread):
    mine = post_at(thread, reader, at(23, 9), "My question.")
    answer = reply(thread, cast.steward, parent=mine, body="An answer to you.")
    Post.objects.filter(pk=answer.pk).update(created_at=at(23, 10))
    services.fan_out_post(answer.pk)
    assert OutboundEmail.objects.filter(user=reader, post=answer, kind="reply").exists()
    post_at(thread, cast.steward, at(23, 11), "Something else.")
    services.send_due_digests(at(24, 7))
    [digest] = digests_to(reader)
    assert "Something else." in digest.body_text and "An answer to you." not in digest.body_text


def test_a_long_digest_shows_its_first_posts_and_says_how_many_more(
        reader, cast, thread, monkeypatch):
    from praxis.notifications import queries

    for n in range(5):
        post_at(thread, cast.steward, at(23, 12, n), f"Post number {n}.")
    original = queries.digest_posts
    monkeypatch.setattr(services, "digest_posts",
                        lambda *args, **kwargs: original(*args, **{**kwargs, "limit": 3}))
    services.send_due_digests(at(24, 7))
    [digest] = digests_to(reader)
    assert "5 new posts" in digest.subject
    assert "Post number 2." in digest.body_text and "Post number 3." not in digest.body_text
    assert "And 2 more posts" in digest.body_text


def test_a_stale_cursor_reaches_back_one_period_only(reader, cast, thread):
    DigestCursor.objects.filter(user=reader).update(covered_until=at(3, 7))
    post_at(thread, cast.steward, at(10, 12), "Weeks old.")
    post_at(thread, cast.steward, at(23, 12), "Yesterday.")
    services.send_due_digests(at(24, 7))
    [digest] = digests_to(reader)
    assert "Yesterday." in digest.body_text and "Weeks old." not in digest.body_text


def test_changing_time_zone_neither_repeats_nor_skips_a_period(reader, cast, thread):
    post_at(thread, cast.steward, at(23, 20), "Before the move.")
    assert services.send_due_digests(at(24, 7)) == 1
    reader.timezone = "America/Los_Angeles"
    reader.save()
    post_at(thread, cast.steward, at(24, 12), "After the move.")
    # 07:00 in Los Angeles on the 24th is 18:30 in Tehran.
    assert services.send_due_digests(at(24, 18, 29)) == 0
    assert services.send_due_digests(at(24, 18, 31)) == 1
    assert "After the move." in digests_to(reader)[0].body_text
