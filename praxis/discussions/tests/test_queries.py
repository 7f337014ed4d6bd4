"""Reads of the discussion pages: keyset pages, unread counts, and a constant number of SQL
queries whatever the size of the thread, the community and its history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from praxis.communities.models import Membership
from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions import queries, services
from praxis.discussions.attachments import check_files
from praxis.discussions.models import Post
from praxis.discussions.tests import samples
from praxis.discussions.tests.factories import make_thread, make_topic, opener, reply


def grow(thread, authors, count, *, media=False):
    """Adds ``count`` posts by turns of ``authors``: answers, replies and replies to
    replies, some with attachments, some hidden."""
    posts = [opener(thread)]
    for n in range(count - 1):
        parent = None if n % 3 == 0 else posts[-1] if n % 3 == 1 else posts[len(posts) // 2]
        files = []
        if media and n % 10 == 0:
            files = check_files([samples.upload("plan.pdf", samples.pdf()),
                                 samples.upload("board.png", samples.image())])
        post = services.publish_post(thread=thread, author=authors[n % len(authors)],
                                     body=f"Post {n} about *loop input*.", parent=parent,
                                     attachments=files)
        if n % 17 == 5:
            Post.objects.filter(pk=post.pk).update(is_hidden=True, hidden_reason="off topic")
        posts.append(post)
    return posts


def test_thread_pages_follow_the_tree_by_keyset(cast, thread):
    grow(thread, [cast.member, cast.steward], 120)
    everything = list(Post.objects.filter(thread=thread).values_list("path", flat=True))
    first = queries.thread_page(thread)
    assert [p.path for p in first.posts] == everything[:50]
    assert first.is_first and first.earlier_before is None
    second = queries.thread_page(thread, after=first.newer_after)
    assert [p.path for p in second.posts] == everything[50:100]
    third = queries.thread_page(thread, after=second.newer_after)
    assert [p.path for p in third.posts] == everything[100:]
    assert third.newer_after is None and third.earlier_before == everything[100]
    back = queries.thread_page(thread, before=third.earlier_before)
    assert [p.path for p in back.posts] == everything[50:100]
    assert back.earlier_before == everything[50] and not back.is_first
    start = queries.thread_page(thread, before=back.earlier_before)
    assert [p.path for p in start.posts] == everything[:50] and start.is_first


def test_no_offset_in_the_page_queries(cast, thread):
    grow(thread, [cast.member], 60)
    with CaptureQueriesContext(connection) as captured:
        queries.thread_page(thread, after=queries.thread_page(thread).newer_after)
    assert not any("OFFSET" in q["sql"].upper() for q in captured.captured_queries)


@pytest.mark.parametrize("value,valid", [
    ("0000000012", True), ("0000000012.0000000031", True), ("", False), ("12'; --", False),
    ("1" * 300, False), ("a.b", False),
])
def test_page_positions_from_the_address_are_checked(value, valid):
    assert (queries.valid_path(value) == value) is valid


def test_a_permalink_opens_the_page_that_shows_the_post(cast, thread):
    posts = grow(thread, [cast.member], 130)
    in_order = list(Post.objects.filter(thread=thread))
    assert queries.permalink_after(in_order[10]) is None
    target = in_order[100]
    after = queries.permalink_after(target)
    assert after == in_order[100 - queries.CONTEXT_POSTS - 1].path
    assert target in queries.thread_page(thread, after=after).posts
    assert len(posts) == 130


def test_threads_with_news_counts_what_each_member_has_not_read(cast, topic, thread):
    posts = grow(thread, [cast.steward], 6)
    quiet = make_thread(topic, cast.facilitator, title="Quiet")
    services.record_reading(user=cast.member, thread=quiet, up_to_post_id=quiet.latest_post_id)
    reply(thread, cast.member)  # a member's own post is not news to them
    hidden = reply(thread, cast.steward)
    Post.objects.filter(pk=hidden.pk).update(is_hidden=True)
    found = {t.pk: t for t in queries.threads_with_news(cast.community, cast.member)}
    assert found[thread.pk].unread_count == 6  # opener + 5 by the steward
    assert found[quiet.pk].unread_count == 0
    services.record_reading(user=cast.member, thread=thread, up_to_post_id=posts[-2].pk)
    found = {t.pk: t for t in queries.threads_with_news(cast.community, cast.member)}
    assert found[thread.pk].unread_count == 1
    anonymous = queries.threads_with_news(cast.community, _anonymous(), limit=1)
    assert len(anonymous) == 1 and anonymous[0].unread_count is None
    assert anonymous[0].pk == thread.pk  # the latest activity first


def test_unread_posts_are_counted_up_to_a_cap_and_shown_as_99_plus(cast, topic, thread, client):
    opener_post = opener(thread)
    Post.objects.bulk_create(
        Post(thread=thread, author=cast.steward, body=f"Answer {n}", body_html="<p>a</p>",
             path=f"{opener_post.path}.{n:010d}", depth=1, parent=opener_post)
        for n in range(1, 131))
    found = {t.pk: t for t in queries.threads_with_news(cast.community, cast.member)}
    assert found[thread.pk].unread_count == queries.UNREAD_SHOWN_UP_TO + 1
    client.force_login(cast.member)
    page = client.get(reverse("communities:detail", args=[cast.community.slug]))
    assert "99+ new" in page.content.decode()


def test_unread_threads_lists_only_threads_with_news(cast, topic, thread):
    read = make_thread(topic, cast.facilitator, title="Read already")
    services.record_reading(user=cast.member, thread=read, up_to_post_id=read.latest_post_id)
    own = make_thread(topic, cast.member, title="Only mine")
    found = list(queries.unread_threads(cast.community, cast.member))
    assert [t.pk for t in found] == [thread.pk]
    assert found[0].unread_count == 1
    assert own.pk not in [t.pk for t in found]


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_the_thread_page_runs_the_same_queries_for_5_and_200_posts(cast, client, media):
    topic = make_topic(cast.community, facilitators=[cast.facilitator])
    small, large = make_thread(topic, cast.facilitator), make_thread(topic, cast.facilitator)
    members = [MembershipFactory(community=cast.community).user for _ in range(30)]
    grow(small, [cast.member, cast.steward], 5, media=True)
    grow(large, [*members, cast.member, cast.steward, cast.facilitator], 200, media=True)
    client.force_login(cast.member)
    slug = cast.community.slug
    counts = {}
    for name, thread in (("small", small), ("large", large)):
        url = reverse("discussions:thread", args=[slug, thread.pk])
        client.get(url)  # the first visit: later ones also read the previous read mark
        counts[name], response = _count_queries(client, url)
        assert response.context["page"].posts
    assert counts["small"] == counts["large"], counts
    # ...and a later page of the large thread costs the same, and the one write of the read
    # mark that moves (a reload above moved nothing, so wrote nothing).
    page = queries.thread_page(large)
    after_url = reverse("discussions:thread", args=[slug, large.pk]) + f"?after={page.newer_after}"
    assert _count_queries(client, after_url)[0] == counts["large"] + 1
    assert counts["large"] <= 16


def test_the_thread_page_queries_do_not_grow_for_anonymous_readers(make_cast, client):
    cast = make_cast(visibility="public")
    topic = make_topic(cast.community)
    small, large = make_thread(topic, cast.facilitator), make_thread(topic, cast.facilitator)
    grow(small, [cast.member], 5)
    grow(large, [cast.member, cast.steward], 120)
    counts = [_count_queries(client, reverse("discussions:thread",
                                             args=[cast.community.slug, t.pk]))[0]
              for t in (small, large)]
    assert counts[0] == counts[1]


def test_the_unread_page_runs_the_same_queries_for_2_and_40_threads(cast, client):
    client.force_login(cast.member)
    url = reverse("discussions:unread", args=[cast.community.slug])
    topic = make_topic(cast.community)
    for n in range(2):
        grow(make_thread(topic, cast.facilitator, title=f"T{n}"), [cast.steward], 3)
    few, response = _count_queries(client, url)
    assert len(response.context["page"].object_list) == 2
    for n in range(38):
        grow(make_thread(make_topic(cast.community), cast.facilitator, title=f"U{n}"),
             [cast.steward], 2)
    many, response = _count_queries(client, url)
    assert len(response.context["page"].object_list) == 40
    assert few == many


def test_leader_roles_name_facilitators_and_stewards(cast, topic):
    topic_lead = MembershipFactory(community=cast.community, role=Membership.Role.MEMBER).user
    topic.facilitators.add(topic_lead)
    roles = queries.leader_roles(topic, {cast.member.pk, cast.facilitator.pk, cast.steward.pk,
                                         topic_lead.pk})
    assert roles == {cast.facilitator.pk: "facilitator", cast.steward.pk: "steward",
                     topic_lead.pk: "facilitator"}


def test_a_scheduled_topics_threads_are_not_news_yet(cast):
    later = make_topic(cast.community, state="scheduled")
    waiting = make_thread(later, cast.facilitator, title="Waiting")
    assert waiting.pk not in [t.pk for t in queries.threads_with_news(cast.community,
                                                                      cast.member)]
    assert not queries.unread_threads(cast.community, cast.member).exists()


def test_threads_with_news_is_one_query_whatever_the_number_of_threads(cast, topic):
    for n in range(15):
        grow(make_thread(topic, cast.facilitator, title=f"T{n}"), [cast.steward], 3)
    with CaptureQueriesContext(connection) as captured:
        found = queries.threads_with_news(cast.community, cast.member, limit=10)
        assert [t.unread_count for t in found] == [3] * 10
        assert [t.topic.title for t in found]
    assert len(captured.captured_queries) == 1
