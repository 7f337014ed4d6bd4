"""Private replies (imported from Moodle): only their author and the person they are
addressed to see them, on every page, feed, download, search, count and email."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from praxis.access import community_access, moderator_scope
from praxis.communities.models import Community
from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions import queries, services
from praxis.discussions.models import Flag, Post
from praxis.discussions.moderation import flagged_posts
from praxis.discussions.tests.factories import make_thread, make_topic, reply
from praxis.impact.story_queries import source_choices
from praxis.interop import services as interop_services
from praxis.library.models import Tag
from praxis.notifications import services as notification_services
from praxis.notifications.models import Mode, OutboundEmail
from praxis.notifications.queries import digest_posts

SECRET = "Wombat between the two of us"
# Who sees the private reply: its author ("member") and its recipient; no one else.
VIEWERS = ["author", "recipient", "other", "facilitator", "steward", "researcher",
           "site_admin", "outsider", "anonymous"]
ALLOWED = {"author", "recipient"}


@pytest.fixture
def private(make_cast):
    cast = make_cast(researchers=True, visibility=Community.Visibility.PUBLIC)
    people = {
        "author": cast.member, "recipient": MembershipFactory(community=cast.community).user,
        "other": MembershipFactory(community=cast.community).user,
        "facilitator": cast.facilitator, "steward": cast.steward,
        "researcher": cast.researcher, "site_admin": cast.site_admin,
        "outsider": cast.outsider, "anonymous": None,
    }
    topic = make_topic(cast.community, facilitators=[cast.facilitator])
    thread = make_thread(topic, cast.facilitator)
    public = reply(thread, people["recipient"], body="A public answer everyone reads.")
    secret = services.publish_post(thread=thread, author=people["author"], parent=public,
                                   body=SECRET, private_to=people["recipient"])
    return cast, people, topic, thread, public, secret


def _client(client, person):
    if person is not None:
        client.force_login(person)
    return client


@pytest.mark.parametrize("who", VIEWERS)
def test_the_thread_page_shows_a_private_reply_to_its_two_people_only(private, client, who):
    _cast, people, _topic, thread, _public, secret = private
    page = _client(client, people[who]).get(thread.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "A public answer everyone reads." in html
    assert (SECRET in html) is (who in ALLOWED)
    assert (f'id="post-{secret.pk}"' in html) is (who in ALLOWED)


@pytest.mark.parametrize("who", VIEWERS)
def test_the_permalink_is_a_404_for_everyone_else(private, client, who):
    _cast, people, _topic, _thread, _public, secret = private
    response = _client(client, people[who]).get(secret.get_absolute_url())
    if who in ALLOWED:
        assert response.status_code == 302
        assert response["Location"].endswith(f"#post-{secret.pk}")
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("who", VIEWERS)
def test_replying_to_or_quoting_it_is_a_404_for_everyone_else(private, client, who):
    cast, people, _topic, thread, _public, secret = private
    if who not in ("author", "recipient", "other", "facilitator", "steward"):
        return  # only members may reply at all
    url = reverse("discussions:reply", args=[cast.community.slug, thread.pk])
    client = _client(client, people[who])
    for query in (f"?to={secret.pk}", f"?quote={secret.pk}"):
        assert client.get(url + query).status_code == (200 if who in ALLOWED else 404)


def test_the_label_names_the_other_person(private, client):
    _cast, people, _topic, thread, _public, _secret = private
    as_author = _client(client, people["author"]).get(thread.get_absolute_url())
    assert "Private reply to" in as_author.content.decode()
    assert str(people["recipient"]) in as_author.content.decode()
    client.force_login(people["recipient"])
    as_recipient = client.get(thread.get_absolute_url()).content.decode()
    assert "Private reply from" in as_recipient


def test_a_web_reply_to_a_private_reply_is_private_between_the_same_two(private, client):
    cast, people, _topic, thread, _public, secret = private
    url = reverse("discussions:reply", args=[cast.community.slug, thread.pk])
    client.force_login(people["recipient"])
    form = client.get(url + f"?to={secret.pk}").content.decode()
    assert "your reply is seen only by the two of you" in form
    client.post(url, {"to": secret.pk, "body": "Thank you, privately."})
    answer = Post.objects.get(body="Thank you, privately.")
    assert (answer.author_id, answer.private_to_id) == (people["recipient"].pk,
                                                        people["author"].pk)
    again = services.publish_post(thread=thread, author=people["author"], parent=answer,
                                  body="You are welcome.")
    assert again.private_to_id == people["recipient"].pk
    client.force_login(people["other"])
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "Thank you, privately." not in html and "You are welcome." not in html


def test_a_reply_to_a_public_post_stays_public(private):
    _cast, people, _topic, thread, public, _secret = private
    answer = reply(thread, people["other"], parent=public, body="Public too.")
    assert answer.private_to_id is None


def test_search_never_finds_a_private_reply(private, client):
    cast, people, _topic, thread, _public, _secret = private
    reply(thread, people["other"], body="A public wombat sighting.")
    url = reverse("discussions:community_search", args=[cast.community.slug])
    for who in ("author", "recipient", "steward", "anonymous"):
        client.logout()
        html = _client(client, people[who]).get(url, {"q": "wombat"}).content.decode()
        assert "sighting" in html, who  # the word itself is highlighted
        assert "two of us" not in html, who


def test_no_feed_holds_a_private_reply(private, client):
    cast, people, topic, _thread, _public, _secret = private
    slug = cast.community.slug
    token = interop_services.reset_feed_token(user=people["recipient"])
    for url in (reverse("interop:community_feed", args=[slug]),
                reverse("interop:topic_feed", args=[slug, topic.slug]),
                reverse("interop:private_community_feed", args=[token, slug]),
                reverse("interop:private_topic_feed", args=[token, slug, topic.slug])):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "A public answer everyone reads." in body
        assert SECRET not in body, url


@pytest.mark.parametrize("who", VIEWERS)
def test_the_offline_download_holds_it_for_its_two_people_only(private, client, who):
    cast, people, topic, _thread, _public, _secret = private
    url = reverse("interop:topic_offline", args=[cast.community.slug, topic.slug])
    response = _client(client, people[who]).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "A public answer everyone reads." in html
    assert (SECRET in html) is (who in ALLOWED)


def test_unread_counts_leave_out_others_private_replies(private):
    cast, people, _topic, thread, public, _secret = private
    for who in ("other", "recipient", "steward"):
        services.record_reading(user=people[who], thread=thread, up_to_post_id=public.pk)
    assert not queries.unread_threads(cast.community, people["other"]).exists()
    assert not queries.unread_threads(cast.community, people["steward"]).exists()
    [news] = queries.unread_threads(cast.community, people["recipient"])
    assert news.unread_count == 1  # type: ignore[attr-defined]


def test_only_the_recipient_hears_of_a_private_reply(
        private, django_capture_on_commit_callbacks):
    cast, people, _topic, thread, public, _secret = private
    for who in ("other", "steward", "recipient"):
        notification_services.set_mode(user=people[who], community=cast.community,
                                       mode=Mode.INSTANT)
    with django_capture_on_commit_callbacks(execute=True):
        post = services.publish_post(thread=thread, author=people["author"], parent=public,
                                     body="Only for you.", private_to=people["recipient"])
    assert set(OutboundEmail.objects.filter(post=post).values_list("user_id", flat=True)) \
        == {people["recipient"].pk}


def test_digests_leave_out_others_private_replies(private):
    _cast, people, _topic, _thread, _public, secret = private
    since, until = timezone.now() - timedelta(days=1), timezone.now() + timedelta(minutes=1)
    for who, has_it in (("other", False), ("steward", False), ("recipient", True)):
        person = people[who]
        posts, _total = digest_posts(person, person.digest, since, until)
        assert (secret in posts) is has_it, who


def test_story_source_pickers_offer_it_to_its_two_people_only(private):
    cast, people, _topic, thread, _public, secret = private
    for who in ("author", "recipient", "other", "steward"):
        services.record_reading(user=people[who], thread=thread,
                                up_to_post_id=thread.latest_post_id)
        offered = source_choices(cast.community.pk, people[who].pk).posts
        assert (secret in offered) is (who in ALLOWED), who


def test_facilitators_synthesis_picks_and_participation_leave_it_out(private):
    _cast, people, topic, thread, public, secret = private
    notable = queries.notable_posts(topic)
    # Its parent's only reply is the private one: no one sees it answered.
    assert secret not in notable.most_reacted + notable.most_replied
    assert public not in notable.most_replied
    apply_thread = queries.apply_thread_of(topic) or thread
    services.publish_post(thread=apply_thread, author=people["author"], body="Applied.",
                          parent=None, private_to=people["recipient"])
    posted = {m.user_id for m in queries.apply_participation(topic).posted}
    assert people["author"].pk not in posted


def test_a_post_shows_its_tags_linking_to_the_library(private, client):
    cast, people, _topic, thread, public, _secret = private
    tag = Tag.objects.create(community=cast.community, name="Loop input", slug="loop-input")
    public.tags.add(tag)
    html = _client(client, people["other"]).get(thread.get_absolute_url()).content.decode()
    link = reverse("library:tag", args=[cast.community.slug, tag.slug])
    assert f'<a href="{link}">Loop input</a>' in html


def _thread_page_queries(client, thread):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(thread.get_absolute_url()).status_code == 200
    return len(captured)


def test_private_replies_and_tags_keep_the_thread_page_constant(private, client):
    cast, people, _topic, thread, public, _secret = private
    client.force_login(people["recipient"])
    client.get(thread.get_absolute_url())  # the first visit writes its read mark
    few = _thread_page_queries(client, thread)
    tags = [Tag.objects.create(community=cast.community, name=f"tag {n}", slug=f"tag-{n}")
            for n in range(3)]
    for n in range(6):
        post = services.publish_post(thread=thread, author=people["author"], parent=public,
                                     body=f"Private {n}", private_to=people["recipient"])
        post.tags.set(tags)
        reply(thread, people["other"], body=f"Public {n}").tags.set(tags)
    client.get(thread.get_absolute_url())  # the read mark moves
    assert _thread_page_queries(client, thread) == few


def test_no_moderator_gets_it_to_look_at(private, client):
    cast, people, _topic, _thread, _public, secret = private
    Flag.objects.create(post=secret, flagged_by=people["recipient"], reason="Rude.")
    steward = people["steward"]
    scope = moderator_scope(steward, community_access(steward, cast.community))
    assert scope is not None and flagged_posts(scope) == []
    client.force_login(steward)
    assert client.get(reverse("discussions:post_hide", args=[cast.community.slug, secret.pk])
                      ).status_code == 404
