"""The counters pages show stay equal to what they count, through every write."""

from datetime import timedelta

from django.utils import timezone

from praxis.access import topic_access
from praxis.discussions import counters, moderation, services
from praxis.discussions.models import Post, Thread
from praxis.discussions.tests.factories import make_thread, make_topic, opener, reply
from praxis.topics.models import Topic


def _stored(topic: Topic) -> tuple[int, int]:
    topic.refresh_from_db()
    return topic.thread_count, topic.post_count


def _real(topic: Topic) -> tuple[int, int]:
    return (Thread.objects.filter(topic=topic).count(),
            Post.objects.filter(thread__topic=topic).count())


def test_starting_threads_and_replying_count_in_the_topic(cast, topic):
    assert _stored(topic) == (0, 0)
    first = make_thread(topic, cast.facilitator)
    second = make_thread(topic, cast.member, title="Session plan", kind=Thread.Kind.MEMBER)
    reply(first, cast.member)
    reply(second, cast.facilitator, parent=opener(second))
    assert _stored(topic) == _real(topic) == (2, 4)


def test_a_moved_thread_takes_its_posts_to_its_new_topic(cast, topic):
    thread = make_thread(topic, cast.facilitator)
    reply(thread, cast.member)
    make_thread(topic, cast.member, title="Stays")
    elsewhere = make_topic(cast.community, title="Elsewhere", facilitators=[cast.facilitator])
    moderation.move_thread(access=topic_access(cast.steward, topic), actor=cast.steward,
                           thread=thread, to=topic_access(cast.steward, elsewhere),
                           reason="Belongs there")
    assert _stored(topic) == _real(topic) == (1, 1)
    assert _stored(elsewhere) == _real(elsewhere) == (1, 2)
    reply(Thread.objects.get(pk=thread.pk), cast.member)
    assert _stored(elsewhere) == _real(elsewhere) == (1, 3)


def test_saving_a_topic_loaded_earlier_leaves_its_counters_alone(cast, topic):
    stale = Topic.objects.get(pk=topic.pk)
    thread = make_thread(topic, cast.facilitator)
    reply(thread, cast.member)
    stale.title = "Renamed while members posted"
    stale.save()
    stale_thread = Thread.objects.get(pk=thread.pk)
    reply(thread, cast.member)
    stale_thread.title = "Renamed too"
    stale_thread.save()
    topic.refresh_from_db()
    assert (topic.title, _stored(topic)) == ("Renamed while members posted", (1, 3))
    assert Thread.objects.get(pk=thread.pk).post_count == 3


def test_a_post_committed_late_does_not_move_the_thread_back(cast, thread):
    later = reply(thread, cast.member)
    Thread.objects.filter(pk=thread.pk).update(
        last_post_at=timezone.now() + timedelta(minutes=5), latest_post_id=later.pk + 50)
    ahead = Thread.objects.get(pk=thread.pk)
    reply(thread, cast.member)
    thread.refresh_from_db()
    assert (thread.last_post_at, thread.latest_post_id) == (ahead.last_post_at,
                                                            ahead.latest_post_id)


def test_recount_mends_counters_from_the_rows(cast, topic):
    thread = make_thread(topic, cast.facilitator)
    last = reply(thread, cast.member)
    Thread.objects.filter(pk=thread.pk).update(post_count=99, latest_post_id=0,
                                               last_post_at=None)
    Topic.objects.filter(pk=topic.pk).update(thread_count=7, post_count=0)
    counters.recount()
    thread.refresh_from_db()
    assert (thread.post_count, thread.latest_post_id, thread.last_post_at) == (
        2, last.pk, last.created_at)
    assert _stored(topic) == (1, 2)


def test_a_topic_without_threads_recounts_to_zero(cast, topic):
    Topic.objects.filter(pk=topic.pk).update(thread_count=3, post_count=9)
    counters.recount_topics([topic.pk])
    assert _stored(topic) == (0, 0)


def test_the_topic_page_counts_its_pages_from_the_topic(cast, topic, client,
                                                         django_assert_max_num_queries):
    for number in range(3):
        services.start_thread(topic=topic, author=cast.member, title=f"Plan {number}",
                              body="Feedback please", kind=Thread.Kind.MEMBER)
    make_thread(topic, cast.facilitator)
    client.force_login(cast.member)
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 3
    assert [t.title for t in response.context["page"]] == ["Plan 2", "Plan 1", "Plan 0"]
