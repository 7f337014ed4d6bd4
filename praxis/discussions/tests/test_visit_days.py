"""The days a member reads a thread (``ThreadVisitDay``): one count per visit, on its UTC day."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from praxis.discussions import services
from praxis.discussions.models import ThreadRead, ThreadVisitDay
from praxis.discussions.personal_data import VISIT_DAYS
from praxis.discussions.tests.factories import make_thread, reply

pytestmark = pytest.mark.django_db


def _days(user, thread):
    return list(ThreadVisitDay.objects.filter(user=user, thread=thread)
                .order_by("day").values_list("day", "visits"))


def _come_back_later(user, thread):
    """As if the last visit were longer ago than ``VISIT_GAP``."""
    ThreadRead.objects.filter(user=user, thread=thread).update(
        last_read_at=timezone.now() - services.VISIT_GAP - timedelta(minutes=1))


def test_a_first_visit_is_counted_on_its_day_in_the_threads_community(client, cast, thread):
    client.force_login(cast.member)
    client.get(thread.get_absolute_url())
    today = timezone.now().astimezone(UTC).date()
    assert _days(cast.member, thread) == [(today, 1)]
    assert ThreadVisitDay.objects.get().community_id == cast.community.pk


def test_a_reload_within_the_gap_is_not_another_visit(client, cast, thread):
    client.force_login(cast.member)
    for _ in range(3):
        client.get(thread.get_absolute_url())
    assert _days(cast.member, thread)[0][1] == 1


def test_coming_back_after_the_gap_counts_again_on_the_same_day(client, cast, thread):
    client.force_login(cast.member)
    client.get(thread.get_absolute_url())
    _come_back_later(cast.member, thread)
    client.get(thread.get_absolute_url())
    assert [visits for _day, visits in _days(cast.member, thread)] == [2]
    assert ThreadRead.objects.get(user=cast.member, thread=thread).visits == 2


def test_paging_through_a_thread_is_no_new_visit(client, cast, thread):
    for n in range(3):
        reply(thread, cast.steward, body=f"Answer {n}")
    client.force_login(cast.member)
    client.get(thread.get_absolute_url())
    _come_back_later(cast.member, thread)
    first = thread.posts.order_by("path").first()
    client.get(thread.get_absolute_url() + f"?after={first.path}")
    assert [visits for _day, visits in _days(cast.member, thread)] == [1]


def test_visits_on_other_days_get_their_own_rows(cast, thread, monkeypatch):
    days = [datetime(2026, 3, 1, 23, 50, tzinfo=UTC), datetime(2026, 3, 2, 0, 30, tzinfo=UTC),
            datetime(2026, 3, 2, 9, 0, tzinfo=UTC)]
    for moment in days:
        monkeypatch.setattr(services.timezone, "now", lambda moment=moment: moment)
        previous = ThreadRead.objects.filter(user=cast.member, thread=thread).first()
        services.record_reading(user=cast.member, thread=thread,
                                up_to_post_id=thread.latest_post_id, previous=previous)
    assert [(day.isoformat(), visits) for day, visits in _days(cast.member, thread)] == [
        ("2026-03-01", 1), ("2026-03-02", 2)]


def test_marking_all_read_is_no_visit(client, cast, thread):
    client.force_login(cast.member)
    client.post(reverse("discussions:mark_all_read", args=[cast.community.slug]))
    assert ThreadRead.objects.filter(user=cast.member).exists()
    assert not ThreadVisitDay.objects.exists()


def test_people_who_are_not_members_leave_no_days(client, cast, thread):
    client.force_login(cast.outsider)
    client.get(thread.get_absolute_url())
    assert not ThreadVisitDay.objects.exists()


def _visit_queries(client, thread):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(thread.get_absolute_url()).status_code == 200
    return len(captured)


def test_a_visit_costs_the_same_queries_whatever_the_history(client, cast, topic, thread):
    other = make_thread(topic, cast.facilitator, title="A longer one")
    for n in range(30):
        reply(other, cast.steward, body=f"Answer {n}")
    client.force_login(cast.member)
    # First visits: no read mark and no day yet; the two upserts insert.
    assert _visit_queries(client, thread) == _visit_queries(client, other)
    # Visits after the gap: both rows exist; the same two upserts update.
    _come_back_later(cast.member, thread)
    _come_back_later(cast.member, other)
    assert _visit_queries(client, thread) == _visit_queries(client, other)
    assert [visits for _day, visits in _days(cast.member, other)] == [2]


def test_the_export_lists_each_day_read(cast, thread):
    services.record_reading(user=cast.member, thread=thread,
                            up_to_post_id=thread.latest_post_id)
    [row] = list(VISIT_DAYS.rows(cast.member, lambda path: f"https://example.org{path}"))
    assert row["thread"] == thread.title and row["visits"] == 1
    assert row["thread_url"] == f"https://example.org{thread.get_absolute_url()}"
