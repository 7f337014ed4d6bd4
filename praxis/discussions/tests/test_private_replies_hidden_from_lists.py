"""Private replies in the back office and in the counters: neither the stewards' admin (site
admins included) nor a public list of threads or topics shows one, its words, its files or
even that it exists and when it was written."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from praxis.communities.models import Community
from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions import counters, queries, services
from praxis.discussions.models import Attachment, Flag, Post, PostRevision, Thread
from praxis.discussions.tests.factories import make_thread, make_topic, reply
from praxis.site.admin.discussions import AttachmentInline, RevisionInline
from praxis.topics.models import Topic

SECRET = "Wombat between the two of us"
PUBLIC = "A public wombat answer everyone reads."


@pytest.fixture
def world(make_cast):
    cast = make_cast(researchers=True, visibility=Community.Visibility.PUBLIC)
    cast.steward.is_staff = True
    cast.steward.save()
    recipient = MembershipFactory(community=cast.community).user
    topic = make_topic(cast.community, facilitators=[cast.facilitator])
    thread = make_thread(topic, cast.facilitator)
    public = reply(thread, recipient, body=PUBLIC)
    secret = services.publish_post(thread=thread, author=cast.member, parent=public,
                                   body=SECRET, private_to=recipient)
    return cast, recipient, topic, thread, public, secret


def _counters(thread: Thread) -> tuple:
    thread.refresh_from_db()
    return thread.post_count, thread.last_post_at, thread.latest_post_id


# The back office --------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["steward", "site_admin"])
def test_the_post_list_and_its_search_leave_private_replies_out(world, client, who):
    cast, _recipient, _topic, _thread, public, secret = world
    client.force_login(getattr(cast, who))
    changelist = reverse("admin:discussions_post_changelist")
    secret_url = reverse("admin:discussions_post_change", args=[secret.pk])
    public_url = reverse("admin:discussions_post_change", args=[public.pk])
    for query in ({}, {"q": "wombat"}):
        page = client.get(changelist, query)
        assert page.status_code == 200
        html = page.content.decode()
        assert public_url in html, query
        assert secret_url not in html, query
    assert client.get(public_url).status_code == 200
    assert client.get(secret_url).status_code in (302, 404)


@pytest.mark.parametrize("who", ["steward", "site_admin"])
def test_flags_on_a_private_reply_are_not_in_the_back_office(world, client, who):
    cast, recipient, _topic, _thread, public, secret = world
    hidden = Flag.objects.create(post=secret, flagged_by=recipient, reason="Rude, privately.")
    shown = Flag.objects.create(post=public, flagged_by=cast.member, reason="Off topic.")
    client.force_login(getattr(cast, who))
    html = client.get(reverse("admin:discussions_flag_changelist")).content.decode()
    assert reverse("admin:discussions_flag_change", args=[shown.pk]) in html
    assert reverse("admin:discussions_flag_change", args=[hidden.pk]) not in html
    assert client.get(reverse("admin:discussions_flag_change", args=[hidden.pk])
                      ).status_code in (302, 404)


def test_a_private_replys_files_and_revisions_are_in_no_inline(world):
    cast, _recipient, _topic, _thread, public, secret = world
    for post in (public, secret):
        Attachment.objects.create(post=post, file=f"attachments/{post.pk}.pdf",
                                  original_name=f"plan {post.pk}.pdf",
                                  content_type="application/pdf", size=10)
        PostRevision.objects.create(post=post, body=f"Before {post.pk}", edited_by=post.author)
    request = RequestFactory().get("/")
    request.user = cast.site_admin
    for inline in (AttachmentInline, RevisionInline):
        rows = inline(Post, site).get_queryset(request)
        assert {row.post_id for row in rows} == {public.pk}, inline


def test_the_thread_list_counts_no_private_reply(world, client):
    cast, _recipient, _topic, thread, _public, _secret = world
    client.force_login(cast.site_admin)
    services.publish_post(thread=thread, author=cast.member, body="Only for you. " * 3,
                          private_to=cast.facilitator)
    page = client.get(reverse("admin:discussions_thread_changelist"))
    assert page.status_code == 200
    counts = {row.pk: row.post_count for row in page.context["cl"].result_list}
    assert counts[thread.pk] == 2


# The counters -----------------------------------------------------------------------------

def test_publishing_a_private_reply_moves_no_counter(world):
    _cast, recipient, topic, thread, public, secret = world
    assert _counters(thread) == (2, public.created_at, public.pk)
    topic.refresh_from_db()
    assert topic.post_count == 2
    services.publish_post(thread=thread, author=recipient, parent=secret, body="Thank you.")
    assert _counters(thread) == (2, public.created_at, public.pk)
    topic.refresh_from_db()
    assert topic.post_count == 2


def test_a_public_post_still_counts_after_private_ones(world):
    cast, _recipient, topic, thread, _public, _secret = world
    later = reply(thread, cast.facilitator, body="A public follow-up.")
    assert _counters(thread) == (3, later.created_at, later.pk)
    topic.refresh_from_db()
    assert topic.post_count == 3


def test_recount_leaves_private_replies_out(world):
    _cast, _recipient, topic, thread, public, _secret = world
    Thread.objects.filter(pk=thread.pk).update(post_count=0, last_post_at=None,
                                               latest_post_id=0)
    Topic.objects.filter(pk=topic.pk).update(post_count=0)
    counters.recount()
    assert _counters(thread) == (2, public.created_at, public.pk)
    topic.refresh_from_db()
    assert topic.post_count == 2


def test_a_thread_with_only_a_private_reply_is_not_news_to_others(world):
    cast, recipient, _topic, thread, public, _secret = world
    other = make_thread(make_topic(cast.community), cast.facilitator, title="Later")
    # The latest post written is private: the other thread is still the latest news.
    services.publish_post(thread=thread, author=cast.member, parent=public,
                          body="Newer, still private.", private_to=recipient)
    news = queries.threads_with_news(cast.community, cast.steward)
    assert [t.pk for t in news] == [other.pk, thread.pk]


# Unread, with counters that leave private replies out -------------------------------------

def test_its_recipient_still_finds_the_thread_unread_and_can_mark_it_read(world):
    cast, recipient, _topic, thread, public, secret = world
    services.record_reading(user=recipient, thread=thread, up_to_post_id=public.pk)
    [news] = queries.unread_threads(cast.community, recipient)
    assert (news.pk, news.unread_count) == (thread.pk, 1)  # type: ignore[attr-defined]
    services.mark_all_read(user=recipient, community=cast.community)
    assert not queries.unread_threads(cast.community, recipient).exists()
    # Its author's own private reply marks as read too; no one else's counts for anyone.
    services.mark_all_read(user=cast.member, community=cast.community)
    mark = thread.reads.get(user=cast.member)
    assert mark.last_read_post_id == secret.pk
    services.mark_all_read(user=cast.facilitator, community=cast.community)
    assert thread.reads.get(user=cast.facilitator).last_read_post_id == public.pk


def test_a_normal_post_is_unread_as_before(world):
    cast, recipient, _topic, thread, _public, _secret = world
    for person in (recipient, cast.steward):
        services.mark_all_read(user=person, community=cast.community)
        assert not queries.unread_threads(cast.community, person).exists()
    reply(thread, cast.facilitator, body="News for everyone.")
    for person in (recipient, cast.steward):
        [news] = queries.unread_threads(cast.community, person)
        assert (news.pk, news.unread_count) == (thread.pk, 1)  # type: ignore[attr-defined]
