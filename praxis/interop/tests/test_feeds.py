"""Atom and iCalendar feeds: who gets which feed, and what the feeds hold."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from praxis.communities.models import Community, Membership
from praxis.communities.tests.cast import VISITORS
from praxis.discussions.models import Post
from praxis.discussions.tests.factories import make_thread, make_topic, reply
from praxis.interop import services
from praxis.interop.feeds import escape_text, fold
from praxis.topics.models import Topic

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC, LISTED, PRIVATE = (Community.Visibility.PUBLIC, Community.Visibility.LISTED,
                           Community.Visibility.PRIVATE)
FEEDS = ("community_feed", "topic_feed", "topics_calendar")


def _args(name, cast, topic):
    slug = cast.community.slug
    return [slug, topic.slug] if name == "topic_feed" else [slug]


def _plain(name, cast, topic):
    return reverse(f"interop:{name}", args=_args(name, cast, topic))


def _secret(name, cast, topic, token):
    return reverse(f"interop:private_{name}", args=[token, *_args(name, cast, topic)])


@pytest.fixture
def setup(make_cast):
    def make(visibility=PUBLIC):
        cast = make_cast(visibility=visibility)
        topic = make_topic(cast.community, facilitators=[cast.facilitator],
                           title="Loop input, feedback; and more")
        thread = make_thread(topic, cast.facilitator)
        reply(thread, cast.member, body="My **answer**")
        return cast, topic, thread

    return make


# Who gets a feed -----------------------------------------------------------------------------

# Plain addresses answer as for a visitor who is not logged in, whoever asks.
PLAIN = {PUBLIC: 200, LISTED: 403, PRIVATE: 404}


@pytest.mark.parametrize("visibility", [PUBLIC, LISTED, PRIVATE])
@pytest.mark.parametrize("visitor", VISITORS)
def test_plain_feed_addresses_answer_as_for_an_anonymous_reader(
    setup, as_visitor, visibility, visitor
):
    cast, topic, _ = setup(visibility)
    client = as_visitor(cast, visitor)
    for name in FEEDS:
        response = client.get(_plain(name, cast, topic))
        assert response.status_code == PLAIN[visibility], (name, visitor, visibility)


# Secret addresses answer as the door answers the token's owner; a refusal is a 404.
SECRET = {
    PUBLIC: (200, 200, 200, 200),
    LISTED: (404, 200, 200, 200),
    PRIVATE: (404, 200, 200, 200),
}


@pytest.mark.parametrize("visibility", [PUBLIC, LISTED, PRIVATE])
@pytest.mark.parametrize("index,owner", list(enumerate(["outsider", "member", "facilitator",
                                                          "steward"])))
def test_secret_feed_addresses_answer_as_the_door_answers_the_tokens_owner(
    setup, client, visibility, index, owner
):
    cast, topic, _ = setup(visibility)
    token = services.reset_feed_token(user=cast.person(owner))
    for name in FEEDS:
        response = client.get(_secret(name, cast, topic, token))
        assert response.status_code == SECRET[visibility][index], (name, owner, visibility)
        if response.status_code == 200:
            assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("visibility", [PUBLIC, LISTED, PRIVATE])
def test_a_bad_token_is_a_404(setup, client, visibility):
    cast, topic, _ = setup(visibility)
    services.reset_feed_token(user=cast.member)
    for token in ("nope", "x" * 43, "x" * 500):
        for name in FEEDS:
            assert client.get(_secret(name, cast, topic, token)).status_code == 404


def test_a_member_who_left_gets_404_on_their_secret_address(setup, client):
    cast, topic, _ = setup(PRIVATE)
    token = services.reset_feed_token(user=cast.member)
    assert client.get(_secret("community_feed", cast, topic, token)).status_code == 200
    Membership.objects.filter(user=cast.member, community=cast.community).delete()
    for name in FEEDS:
        assert client.get(_secret(name, cast, topic, token)).status_code == 404


def test_an_inactive_members_token_is_a_404(setup, client):
    cast, topic, _ = setup(LISTED)
    token = services.reset_feed_token(user=cast.member)
    cast.member.is_active = False
    cast.member.save()
    assert client.get(_secret("community_feed", cast, topic, token)).status_code == 404


def test_the_token_opens_feeds_only_not_pages(setup, client):
    cast, topic, _ = setup(LISTED)
    token = services.reset_feed_token(user=cast.member)
    client.get(_secret("community_feed", cast, topic, token))
    response = client.get(reverse("communities:members", args=[cast.community.slug]))
    assert response.status_code == 302  # still not logged in


def test_resetting_the_token_kills_the_old_addresses(setup, client):
    cast, topic, _ = setup(LISTED)
    old = services.reset_feed_token(user=cast.member)
    new = services.reset_feed_token(user=cast.member)
    assert old != new
    for name in FEEDS:
        assert client.get(_secret(name, cast, topic, old)).status_code == 404
        assert client.get(_secret(name, cast, topic, new)).status_code == 200


def test_only_a_hash_of_the_token_is_stored(setup):
    cast, _, _ = setup(LISTED)
    token = services.reset_feed_token(user=cast.member)
    stored = cast.member.feed_token.token_hash
    assert token not in stored and len(stored) == 64


# What an Atom feed holds ---------------------------------------------------------------------

def _entries(response):
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.tag == ATOM + "feed"
    return root, root.findall(ATOM + "entry")


def test_community_feed_lists_visible_posts_with_author_content_and_permalink(
    setup, client
):
    cast, topic, thread = setup(PUBLIC)
    other = make_thread(make_topic(cast.community), cast.member, title="Second thread")
    hidden = reply(thread, cast.steward, body="Something that must come down")
    Post.objects.filter(pk=hidden.pk).update(is_hidden=True)
    root, entries = _entries(client.get(_plain("community_feed", cast, topic)))
    assert root.findtext(ATOM + "title") == cast.community.name
    assert len(entries) == 3  # two posts in the first thread, the opener of the second
    titles = [entry.findtext(ATOM + "title") for entry in entries]
    assert f"{cast.member} in Second thread" == titles[0]
    assert f"{cast.member} in {thread.title}" in titles
    assert all("must come down" not in ET.tostring(entry, encoding="unicode")
               for entry in entries)
    answer = next(e for e in entries if e.findtext(ATOM + "title") == titles[1])
    content = answer.find(ATOM + "content")
    assert content is not None and content.get("type") == "html"
    assert "<strong>answer</strong>" in (content.text or "")
    post = Post.objects.get(thread=thread, author=cast.member)
    link = answer.find(ATOM + "link")
    assert link is not None
    assert link.get("href") == f"http://testserver/c/{cast.community.slug}/posts/{post.pk}/"
    assert answer.findtext(f"{ATOM}author/{ATOM}name") == str(cast.member)
    assert answer.findtext(ATOM + "updated")
    assert other.pk


def test_an_edited_post_shows_its_edit_date_as_updated(setup, client):
    cast, topic, thread = setup(PUBLIC)
    edited = timezone.now() + timedelta(hours=1)
    Post.objects.filter(thread=thread, author=cast.member).update(edited_at=edited)
    _, entries = _entries(client.get(_plain("topic_feed", cast, topic)))
    assert edited.strftime("%Y-%m-%dT%H:%M") in entries[0].findtext(ATOM + "updated", "")


def test_feeds_hold_at_most_fifty_posts(setup, client):
    cast, topic, thread = setup(PUBLIC)
    for n in range(52):
        reply(thread, cast.member, body=f"post {n}")
    _, entries = _entries(client.get(_plain("community_feed", cast, topic)))
    assert len(entries) == 50
    assert entries[0].findtext(ATOM + "title")
    assert "post 51" in (entries[0].findtext(ATOM + "content") or "")


def test_topic_feed_holds_its_posts_and_the_published_synthesis(setup, client):
    cast, topic, _ = setup(PUBLIC)
    make_thread(make_topic(cast.community), cast.member, title="Elsewhere")
    topic.synthesis = "We learnt"
    topic.synthesis_html = "<p>We learnt</p>"
    topic.save()
    _, entries = _entries(client.get(_plain("topic_feed", cast, topic)))
    assert len(entries) == 2  # the draft synthesis is not in
    topic.synthesis_published_at = timezone.now()
    topic.save()
    _, entries = _entries(client.get(_plain("topic_feed", cast, topic)))
    assert len(entries) == 3
    assert entries[0].findtext(ATOM + "title") == f"Closing synthesis: {topic.title}"
    assert entries[0].findtext(ATOM + "content") == "<p>We learnt</p>"
    assert all("Elsewhere" not in (e.findtext(ATOM + "title") or "") for e in entries)


def test_topic_of_another_community_is_a_404(setup, client):
    cast, _, _ = setup(PUBLIC)
    other = make_topic(Community.objects.exclude(pk=cast.community.pk).first())
    url = reverse("interop:topic_feed", args=[cast.community.slug, other.slug])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", FEEDS)
def test_feeds_cost_the_same_queries_however_many_posts(setup, client, name):
    cast, topic, thread = setup(LISTED)
    token = services.reset_feed_token(user=cast.member)
    url = _secret(name, cast, topic, token)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = count()
    for n in range(5):
        other = make_thread(make_topic(cast.community), cast.steward, title=f"T{n}")
        reply(other, cast.facilitator)
        reply(thread, cast.steward)
    assert count() == before
    assert before <= 7  # one of them finds when the feed last changed (Last-Modified)


# The iCalendar feed --------------------------------------------------------------------------

def _unfold(body: str) -> list[str]:
    assert body.endswith("\r\n")
    raw = body[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in raw)
    assert all(len(line.encode()) <= 75 for line in raw)
    lines: list[str] = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def _events(lines):
    events, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            key, _, value = line.partition(":")
            current[key] = value
    return events


def test_calendar_has_two_events_per_topic_not_archived(setup, client):
    cast, topic, _ = setup(PUBLIC)
    topic.summary = "Why it matters, in short;\nand a second line. " + "طولانی " * 30
    topic.save()
    make_topic(cast.community, state="archived", title="Old one")
    response = client.get(_plain("topics_calendar", cast, topic))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    lines = _unfold(response.content.decode())
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    events = _events(lines)
    assert len(events) == 2
    main, apply = events
    assert main["UID"] == f"topic-{topic.pk}@testserver"
    assert apply["UID"] == f"topic-{topic.pk}-apply@testserver"
    assert main["SUMMARY"] == "Loop input\\, feedback\\; and more"
    assert main["DTSTART"] == topic.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert main["DTEND"] == topic.ends_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert apply["DTSTART"] == topic.apply_from.astimezone(UTC).strftime(
        "%Y%m%dT%H%M%SZ")
    assert main["URL"] == f"http://testserver/c/{cast.community.slug}/t/{topic.slug}/"
    assert "DTSTAMP" in main and "DTSTAMP" in apply
    assert "in short\\;\\nand a second line" in main["DESCRIPTION"]
    assert "طولانی" in main["DESCRIPTION"]
    assert apply["SUMMARY"].startswith("Apply phase begins")


def test_escape_and_fold_follow_rfc_5545():
    assert escape_text("a,b;c\\d\r\ne\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    line = "SUMMARY:" + "س" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert parts[0] + "".join(part[1:] for part in parts[1:]) == line
    assert fold("short") == "short"


# The member's page of feed addresses ---------------------------------------------------------

def test_feeds_page_needs_login(client):
    response = client.get(reverse("interop:my_feeds"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_feeds_page_shows_a_new_token_once_and_reset_kills_the_old(setup, client):
    cast, topic, _ = setup(PRIVATE)
    client.force_login(cast.member)
    page = client.get(reverse("interop:my_feeds")).content.decode()
    assert "http://testserver/feeds/" not in page
    response = client.post(reverse("interop:my_feeds"), follow=True)
    page = response.content.decode()
    assert cast.community.name in page
    token = cast.member.feed_token.token_hash  # hash only: find the token in the page
    marker = "http://testserver/feeds/"
    start = page.index(marker) + len(marker)
    shown = page[start:page.index("/", start)]
    assert services.hash_token(shown) == token
    assert f"/feeds/{shown}/c/{cast.community.slug}/t/{topic.slug}/feed.atom" in page
    assert f"/feeds/{shown}/c/{cast.community.slug}/topics.ics" in page
    # In read-only fields, whole, to copy into a feed reader.
    assert re.search(rf'<input[^>]*class="copy-address"[^>]*readonly value="{marker}{shown}/c/'
                     rf'{cast.community.slug}/feed.atom"', page)
    # Shown once only.
    assert shown not in client.get(reverse("interop:my_feeds")).content.decode()
    client.logout()
    assert client.get(_secret("community_feed", cast, topic, shown)).status_code == 200
    client.force_login(cast.member)
    client.post(reverse("interop:my_feeds"))
    client.logout()
    assert client.get(_secret("community_feed", cast, topic, shown)).status_code == 404


def test_feed_readers_discover_the_public_feeds_and_no_other(setup, client):
    def discovered(path):
        head = client.get(path).content.decode().split("</head>")[0]
        return re.findall(r'<link rel="alternate" type="([^"]+)"[^>]*href="([^"]+)"', head)

    cast, topic, _ = setup(PUBLIC)
    community_page = reverse("communities:detail", args=[cast.community.slug])
    topic_page = reverse("topics:detail", args=[cast.community.slug, topic.slug])
    assert discovered(community_page) == [
        ("application/atom+xml", _plain("community_feed", cast, topic)),
        ("text/calendar", _plain("topics_calendar", cast, topic))]
    assert discovered(topic_page) == [("application/atom+xml", _plain("topic_feed", cast, topic))]
    for visibility in (LISTED, PRIVATE):
        cast, topic, _ = setup(visibility)
        client.force_login(cast.member)
        assert discovered(reverse("communities:detail", args=[cast.community.slug])) == []
        assert discovered(reverse("topics:detail", args=[cast.community.slug, topic.slug])) == []


def test_community_and_topic_pages_link_to_the_feeds(setup, client):
    cast, topic, _ = setup(PUBLIC)
    page = client.get(reverse("communities:detail", args=[cast.community.slug])).content
    assert _plain("community_feed", cast, topic).encode() in page
    assert _plain("topics_calendar", cast, topic).encode() in page
    page = client.get(reverse("topics:detail", args=[cast.community.slug, topic.slug])).content
    assert _plain("topic_feed", cast, topic).encode() in page
    client.force_login(cast.member)
    page = client.get(reverse("topics:detail", args=[cast.community.slug, topic.slug])).content
    assert reverse("interop:my_feeds").encode() in page


# Not modified --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", FEEDS)
def test_feeds_answer_304_while_nothing_changed(setup, client, name):
    cast, topic, thread = setup(PUBLIC)
    url = _plain(name, cast, topic)
    first = client.get(url)
    stamp = first["Last-Modified"]
    assert stamp
    assert client.get(url, headers={"if-modified-since": stamp}).status_code == 304
    later = timezone.now() + timedelta(days=1)
    if name == "topics_calendar":
        make_topic(cast.community, title="Another topic")
        Topic.objects.filter(title="Another topic").update(created_at=later)
    else:
        post = reply(thread, cast.steward, body="Newer")
        Post.objects.filter(pk=post.pk).update(created_at=later)
    assert client.get(url, headers={"if-modified-since": stamp}).status_code == 200


def test_a_feed_changes_when_a_post_is_edited(setup, client):
    cast, topic, thread = setup(PUBLIC)
    url = _plain("topic_feed", cast, topic)
    stamp = client.get(url)["Last-Modified"]
    Post.objects.filter(thread=thread).update(edited_at=timezone.now() + timedelta(hours=1))
    assert client.get(url, headers={"if-modified-since": stamp}).status_code == 200


def test_the_calendar_etag_changes_when_dates_change(setup, client):
    cast, topic, _ = setup(PUBLIC)
    url = _plain("topics_calendar", cast, topic)
    first = client.get(url)
    assert first["ETag"]
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    topic.ends_at += timedelta(days=3)
    topic.save()
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 200


def test_secret_feeds_answer_304_too(setup, client):
    cast, topic, _ = setup(LISTED)
    token = services.reset_feed_token(user=cast.member)
    url = _secret("topic_feed", cast, topic, token)
    stamp = client.get(url)["Last-Modified"]
    assert client.get(url, headers={"if-modified-since": stamp}).status_code == 304
