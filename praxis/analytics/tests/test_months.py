"""Settled months: whole months that are over are read from their kept figures, which agree
with the rows for any window, and are read again when their activity changes after the fact
(``analytics.months``)."""

from dataclasses import astuple
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db.models import F, Q
from django.utils import timezone

from praxis.access import topic_access
from praxis.accounts.services import erase_account
from praxis.analytics import activity, engagement, months, rounds
from praxis.analytics.engagement import MemberEngagement, Scope
from praxis.analytics.models import (
    MemberMonth,
    MemberMonthTopic,
    MonthChange,
    MonthReply,
    SettledMonth,
    SettledWeek,
)
from praxis.analytics.tests.engagement_world import World, build
from praxis.discussions import moderation, services
from praxis.discussions.models import Post, Thread
from praxis.impact import cascade
from praxis.impact.cascade import EventDraft
from praxis.library.models import ResourceRead
from praxis.library.services import delete_resource


@pytest.fixture
def world(cast) -> World:
    return build(cast)


def scope(world: World, start: date, end: date, **narrowing) -> Scope:
    return Scope(community=world.cast.community, start=start, end=end, **narrowing)


def read(scope: Scope) -> list[tuple]:
    return [astuple(row) for row in engagement.engagement_table(scope)]


def from_rows(scope: Scope, monkeypatch) -> list[tuple]:
    """The same table read from the activity rows alone, no month settled."""
    with monkeypatch.context() as patch:
        patch.setattr(months, "split", lambda start, end: months.Split(
            months=[], raw=[(start, end)]))
        return read(scope)


def ali(world: World, window: Scope) -> MemberEngagement:
    return next(row for row in engagement.engagement_table(window)
                if row.user_id == world.ali.pk)


WINDOWS = [(date(2025, 12, 1), date(2026, 2, 28)), (date(2025, 12, 15), date(2026, 2, 10)),
           (date(2025, 12, 31), date(2026, 2, 1)), (date(2026, 1, 1), date(2026, 1, 31)),
           (date(2025, 11, 1), date(2026, 3, 31)), (date(2024, 1, 1), date(2100, 1, 1))]


@pytest.mark.parametrize(("start", "end"), WINDOWS)
def test_settled_months_agree_with_the_rows_for_any_window(world, monkeypatch, start, end):
    for narrowing in ({}, {"cohort_id": world.cohort.pk}, {"tier": "teacher"},
                      {"user_id": world.ali.pk}):
        window = scope(world, start, end, **narrowing)
        expected = from_rows(window, monkeypatch)
        assert read(window) == expected  # settles the months
        assert read(window) == expected  # reads them settled
    assert SettledMonth.objects.filter(month=date(2026, 1, 1)).exists() == (
        date(2026, 1, 1) in months.split(start, end).months)


def test_the_kept_figures_are_read_until_the_activity_of_the_month_changes(world):
    january = scope(world, date(2026, 1, 1), date(2026, 1, 31))
    assert ali(world, january).words == 16
    # Changed behind the use cases' back, the kept figures still count (they are read).
    Post.objects.filter(pk=world.posts["p7"].pk).update(word_count=40)
    assert ali(world, january).words == 16
    # Through a use case, the month is read again.
    margin_passed(january)
    services.edit_post(post=world.posts["p7"], editor=world.ali,
                       body="Five words in this post")
    assert ali(world, january).words == 16 - 4 + 5


def margin_passed(window: Scope) -> None:
    """As if the settling margin had passed since the last change: the months read again
    after it are kept and used (each change below must then mark its months itself)."""
    MonthChange.objects.update(at=F("at") - 2 * months.SETTLING_MARGIN)
    whole = months.split(window.start, window.end).months
    assert months.valid(window.community, whole).count() == len(whole)


def test_hiding_a_post_moving_a_thread_and_events_in_the_past_are_counted(world, monkeypatch):
    steward = world.cast.steward
    window = scope(world, date(2025, 12, 1), date(2026, 2, 28))
    read(window)
    post = Post.objects.get(pk=world.posts["p2"].pk)  # as the page finds it
    moderation.hide_post(access=topic_access(steward, post.thread.topic), actor=steward,
                         post=post, reason="Off topic")
    assert read(window) == from_rows(window, monkeypatch)
    margin_passed(window)
    moderation.move_thread(access=topic_access(steward, world.t2), actor=steward,
                           thread=Thread.objects.get(pk=world.posts["p7"].thread_id),
                           to=topic_access(steward, world.t1), reason="Same subject")
    assert read(window) == from_rows(window, monkeypatch)
    margin_passed(window)
    event = cascade.record_event(community=world.cast.community, trainer=world.ali,
                                 draft=EventDraft(held_on=date(2026, 1, 9), kind="course",
                                                  audience="teachers", people=12))
    assert ali(world, window).cascade_events == 1
    margin_passed(window)
    cascade.change_event(event=event, draft=EventDraft(
        held_on=date(2025, 12, 9), kind="course", audience="teachers", people=12))
    assert ali(world, scope(world, date(2026, 1, 1), date(2026, 1, 31))).cascade_events == 0
    assert ali(world, scope(world, date(2025, 12, 1), date(2025, 12, 31))).cascade_events == 1
    margin_passed(window)
    cascade.delete_event(event=event)
    assert read(window) == from_rows(window, monkeypatch)
    assert ali(world, window).cascade_events == 0


def test_removing_a_resource_forgets_its_reads(world, monkeypatch):
    window = scope(world, date(2026, 1, 1), date(2026, 1, 31))

    def reza_reads() -> int:
        return next(row.resource_reads for row in engagement.engagement_table(window)
                    if row.user_id == world.reza.pk)

    assert reza_reads() == 1
    margin_passed(window)
    delete_resource(resource=ResourceRead.objects.get(user=world.reza).resource)
    assert reza_reads() == 0
    assert read(window) == from_rows(window, monkeypatch)


def test_a_change_in_a_transaction_begun_before_the_month_was_read_is_not_missed(world):
    january = scope(world, date(2026, 1, 1), date(2026, 1, 31))
    read(january)
    settled = SettledMonth.objects.get(month=date(2026, 1, 1))
    # A write committed after the month was read, its mark taken a little before.
    Post.objects.filter(pk=world.posts["p7"].pk).update(word_count=40)
    MonthChange.objects.create(community=world.cast.community, month=date(2026, 1, 1),
                               at=timezone.now() - months.SETTLING_MARGIN / 2)
    assert settled.read_at <= timezone.now() - months.SETTLING_MARGIN
    assert ali(world, january).words == 16 - 4 + 40


def test_months_are_settled_only_when_they_cover_twice_the_days_around_them():
    now = datetime(2026, 12, 7, tzinfo=UTC)
    year = months.split(date(2025, 12, 8), date(2026, 12, 7), now=now)
    assert (year.months[0], year.months[-1], len(year.months)) == (
        date(2026, 1, 1), date(2026, 11, 1), 11)
    assert year.raw == [(date(2025, 12, 8), date(2025, 12, 31)),
                        (date(2026, 12, 1), date(2026, 12, 7))]
    quarter = months.split(date(2026, 9, 7), date(2026, 12, 7), now=now)
    assert quarter == months.Split(months=[], raw=[(date(2026, 9, 7), date(2026, 12, 7))])
    aligned = months.split(date(2026, 9, 1), date(2026, 11, 30), now=now)
    assert aligned.months == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    assert aligned.raw == []


def test_the_current_month_is_never_settled(world):
    today = timezone.now().date()
    read(scope(world, today.replace(day=1) - timedelta(days=40), today))
    assert not SettledMonth.objects.filter(month__gte=today.replace(day=1)).exists()


def test_an_erased_persons_figures_leave_the_settled_months(world):
    read(scope(world, date(2026, 1, 1), date(2026, 1, 31)))
    ali = world.ali.pk
    kept = (MemberMonth.objects.filter(user_id=ali),
            MemberMonthTopic.objects.filter(user_id=ali),
            MonthReply.objects.filter(Q(source_id=ali) | Q(target_id=ali)))
    assert all(rows.exists() for rows in kept)
    erase_account(user=world.ali, keep_posts=True)
    assert not any(rows.exists() for rows in kept)


def test_the_settle_command_settles_the_months_that_are_over(world, capsys):
    call_command("settle_engagement", community=world.cast.community.slug)
    kept = set(SettledMonth.objects.values_list("month", flat=True))
    assert {date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)} <= kept
    assert months.current_month() not in kept
    assert "settled" in capsys.readouterr().out


def test_the_workers_round_reads_changed_months_again_once_the_margin_has_passed(world):
    window = scope(world, date(2026, 1, 1), date(2026, 1, 31))
    read(window)
    first = SettledMonth.objects.get(month=date(2026, 1, 1))
    services.edit_post(post=world.posts["p7"], editor=world.ali, body="Five words in this post")
    rounds.settle_in_round()  # within the margin: left for later
    assert SettledMonth.objects.get(month=date(2026, 1, 1)).pk == first.pk
    # Time passes: the change and the figures read before it go back together.
    MonthChange.objects.update(at=F("at") - 2 * months.SETTLING_MARGIN)
    SettledMonth.objects.update(read_at=F("read_at") - 2 * months.SETTLING_MARGIN)
    rounds.settle_in_round()
    again = SettledMonth.objects.get(month=date(2026, 1, 1))
    assert again.read_at > first.read_at
    assert MemberMonth.objects.get(settled=again, user_id=world.ali.pk).words == 16 - 4 + 5
    # The month just over is settled where months are kept.
    last_month = months.month_of(months.current_month() - timedelta(days=1))
    assert SettledMonth.objects.filter(community=world.cast.community,
                                       month=last_month).exists()


def weeks_from_rows(window: Scope, monkeypatch) -> list:
    with monkeypatch.context() as patch:
        patch.setattr(months, "whole_weeks", lambda start, end: [])
        return activity.weekly_activity(window)


@pytest.mark.parametrize(("start", "end"), WINDOWS)
def test_kept_weeks_agree_with_the_rows_for_any_window(world, monkeypatch, start, end):
    window = scope(world, start, end)
    expected = weeks_from_rows(window, monkeypatch)
    assert activity.weekly_activity(window) == expected  # keeps the weeks
    assert activity.weekly_activity(window) == expected  # reads them kept
    assert SettledWeek.objects.filter(monday=date(2026, 1, 5)).exists()
    # Narrowed to a cohort, weeks are counted from the rows.
    cohort = scope(world, start, end, cohort_id=world.cohort.pk)
    assert activity.weekly_activity(cohort) == weeks_from_rows(cohort, monkeypatch)


def test_a_kept_week_is_counted_again_when_a_post_in_it_is_hidden(world, monkeypatch):
    window = scope(world, date(2025, 12, 29), date(2026, 2, 1))
    activity.weekly_activity(window)
    MonthChange.objects.update(at=F("at") - 2 * months.SETTLING_MARGIN)
    SettledWeek.objects.update(read_at=F("read_at") + months.SETTLING_MARGIN)
    kept = activity.weekly_activity(window)
    post = Post.objects.get(pk=world.posts["p2"].pk)
    moderation.hide_post(access=topic_access(world.cast.steward, post.thread.topic),
                         actor=world.cast.steward, post=post, reason="Off topic")
    after = activity.weekly_activity(window)
    assert after == weeks_from_rows(window, monkeypatch)
    assert [week.posts for week in after] != [week.posts for week in kept]


@pytest.mark.parametrize(("start", "end"), WINDOWS)
def test_topics_from_kept_months_agree_with_the_rows_for_any_window(world, monkeypatch,
                                                                    start, end):
    window = scope(world, start, end)
    with monkeypatch.context() as patch:
        patch.setattr(months, "split", lambda start, end: months.Split(
            months=[], raw=[(start, end)]))
        expected = activity.topic_participation(window)
    assert expected  # the world's two topics have posts and readers in every window
    assert activity.topic_participation(window) == expected
    assert activity.topic_participation(window) == expected


@pytest.mark.parametrize(("start", "end"), WINDOWS)
def test_the_reply_network_from_kept_months_agrees_with_the_rows(world, monkeypatch,
                                                                  start, end):
    edges = []
    for narrowing in ({}, {"cohort_id": world.cohort.pk}):
        window = scope(world, start, end, **narrowing)
        with monkeypatch.context() as patch:
            patch.setattr(months, "split", lambda start, end: months.Split(
                months=[], raw=[(start, end)]))
            expected = activity.reply_network(window)
        assert activity.reply_network(window) == expected
        assert activity.reply_network(window) == expected
        edges.append(expected.edges)
    assert edges[0]  # every window has some of January's replies


@pytest.mark.parametrize(("start", "end"), WINDOWS)
def test_readers_from_kept_months_agree_with_the_rows(world, start, end):
    window = scope(world, start, end)
    expected = activity.scope_visits(window).values("user_id").distinct().count()
    assert activity.readers(window) == expected
    assert activity.readers(window) == expected
    assert expected or start > date(2026, 1, 31)
