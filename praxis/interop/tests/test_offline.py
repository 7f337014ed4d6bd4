"""A whole topic as one self-contained HTML file: who may download it, what it holds, and
that it loads nothing from anywhere."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from praxis.communities.tests.cast import VISITORS
from praxis.discussions.models import ModerationAction, Post, Thread
from praxis.discussions.services import start_thread
from praxis.discussions.tests.factories import make_thread, opener, reply
from praxis.interop.tests.conftest import LISTED, PRIVATE, PUBLIC
from praxis.site.interop.offline import attachment_header
from praxis.topics import services as topic_services
from praxis.topics.models import Topic


def _url(topic):
    return reverse("interop:topic_offline", args=[topic.community.slug, topic.slug])


# Who may download ----------------------------------------------------------------------------

EXPECTED = {
    #          anonymous outsider member facilitator steward
    PUBLIC: (200, 200, 200, 200, 200),
    LISTED: (302, 403, 200, 200, 200),
    PRIVATE: (404, 404, 200, 200, 200),
}


@pytest.mark.parametrize("download", ["interop:topic_offline", "interop:topic_pdf"])
@pytest.mark.parametrize("visibility", [PUBLIC, LISTED, PRIVATE])
@pytest.mark.parametrize("index,visitor", list(enumerate(VISITORS)))
def test_both_downloads_answer_as_the_door_answers_reading_the_topic(
    make_downloadable, as_visitor, visibility, index, visitor, download
):
    cast, topic = make_downloadable(visibility)
    url = reverse(download, args=[topic.community.slug, topic.slug])
    response = as_visitor(cast, visitor).get(url)
    assert response.status_code == EXPECTED[visibility][index], (visitor, visibility)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_response_is_an_html_attachment_named_after_the_topic(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    response = as_visitor(cast, "member").get(_url(topic))
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{topic.slug}.html"'
    assert response["Cache-Control"] == "private, no-store"


def test_a_persian_slug_gets_an_ascii_fallback_and_the_exact_name():
    header = attachment_header("حلقه-بازخورد")
    assert header.startswith('attachment; filename="topic.html"; ')
    assert header.endswith("filename*=UTF-8''" + quote("حلقه-بازخورد.html", safe=""))
    assert header.isascii()
    mixed = attachment_header("loop-بازخورد-2")
    assert mixed.startswith('attachment; filename="loop--2.html"; ')


def test_the_topic_page_links_to_the_download(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    page = as_visitor(cast, "member").get(
        reverse("topics:detail", args=[cast.community.slug, topic.slug]))
    assert _url(topic) in page.content.decode()
    assert "Download for offline reading" in page.content.decode()


# What it holds -------------------------------------------------------------------------------

def _threads(cast, topic):
    question = make_thread(topic, cast.facilitator, title="What is loop input?",
                           body="First question opener")
    second = make_thread(topic, cast.facilitator, title="Where would you use it?",
                         body="Second question opener")
    Thread.objects.filter(pk=question.pk).update(position=0)
    Thread.objects.filter(pk=second.pk).update(position=1)
    member_thread = make_thread(topic, cast.member, title="A session plan on feedback",
                                body="My plan opener", kind=Thread.Kind.SESSION_PLAN)
    first = reply(question, cast.member, body="Reply one")
    deep = first
    for n in range(6):
        deep = reply(question, cast.steward if n % 2 else cast.member, parent=deep,
                     body=f"Nested reply {n}")
    reply(second, cast.steward, body="Reply on second")
    reply(member_thread, cast.facilitator, body="Feedback on the plan")


def test_the_file_holds_the_topic_every_post_of_every_thread_and_the_synthesis(
    make_downloadable, as_visitor
):
    cast, topic = make_downloadable()
    _threads(cast, topic)
    topic_services.save_synthesis(topic=topic, text="What we **learnt** together",
                                  published=True)
    html = as_visitor(cast, "member").get(_url(topic)).content.decode()

    for text in ("Loop input in practice", "Why loop input matters.",
                 "Plan one session with loop input.", "Loop input explained",
                 "Woodward, T. (2003). Loop input. ELT Journal.",
                 'href="https://example.org/loop-input"', ">https://example.org/loop-input<",
                 cast.facilitator.display_name, "<strong>learnt</strong>"):
        assert text in html, text
    for post in Post.objects.filter(thread__topic=topic):
        assert post.body_html in html, post.body
        assert post.author.display_name in html
    # Open questions in their order, then the members' threads; the synthesis last.
    positions = [html.index(t) for t in ("What is loop input?", "Where would you use it?",
                                         "A session plan on feedback", "learnt")]
    assert positions == sorted(positions)
    # Tree order within a thread, indentation capped at 4.
    nested = [html.index(f"Nested reply {n}") for n in range(6)]
    assert nested == sorted(nested)
    assert 'class="post d4"' in html and 'class="post d5"' not in html


def test_announcements_come_first_under_their_own_heading(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    _threads(cast, topic)
    start_thread(topic=topic, author=cast.facilitator, title="Live session on Thursday",
                 body="Bring one activity.", kind=Thread.Kind.ANNOUNCEMENT)
    html = as_visitor(cast, "member").get(_url(topic)).content.decode()
    positions = [html.index(t) for t in ("<h2>Announcements</h2>", "Live session on Thursday",
                                         "<h2>Open questions</h2>", "What is loop input?")]
    assert positions == sorted(positions)


def test_a_draft_synthesis_stays_out(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    topic_services.save_synthesis(topic=topic, text="Draft thoughts", published=False)
    html = as_visitor(cast, "facilitator").get(_url(topic)).content.decode()
    assert "Draft thoughts" not in html


@pytest.mark.parametrize("visitor,shown", [("member", False), ("facilitator", True),
                                           ("steward", True)])
def test_a_hidden_post_is_a_placeholder_except_for_moderators(make_downloadable, as_visitor,
                                                              visitor, shown):
    cast, topic = make_downloadable()
    thread = make_thread(topic, cast.facilitator)
    hidden = reply(thread, cast.steward, body="Something that had to come down")
    Post.objects.filter(pk=hidden.pk).update(is_hidden=True)
    html = as_visitor(cast, visitor).get(_url(topic)).content.decode()
    assert ("Something that had to come down" in html) is shown
    assert ("This post was hidden by a moderator." in html) is not shown
    assert opener(thread).body_html in html


def test_a_hidden_post_is_shown_to_its_author(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    thread = make_thread(topic, cast.facilitator)
    hidden = reply(thread, cast.member, body="My own hidden words")
    Post.objects.filter(pk=hidden.pk).update(is_hidden=True)
    assert "My own hidden words" in as_visitor(cast, "member").get(_url(topic)).content.decode()


def test_the_file_is_self_contained(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    _threads(cast, topic)
    reply(Thread.objects.filter(topic=topic).first(), cast.member,
          body="![tracker](https://evil.example/pixel.png) and <script>alert(1)</script>")
    topic_services.save_synthesis(topic=topic, text="Done", published=True)
    html = as_visitor(cast, "member").get(_url(topic)).content.decode()
    assert html.startswith("<!DOCTYPE html>")
    assert "<style>" in html
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert not re.search(r"\bsrc\s*=", html, re.IGNORECASE)
    assert "<link" not in html.lower()
    assert "@import" not in html
    assert not re.search(r"url\(", html)


# Cost ----------------------------------------------------------------------------------------

def _count_queries(client, topic):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(topic)).status_code == 200
    return len(queries)


def test_a_constant_number_of_queries_whatever_the_number_of_posts(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    thread = make_thread(topic, cast.facilitator)
    for _ in range(4):
        reply(thread, cast.member)
    client = as_visitor(cast, "member")
    few = _count_queries(client, topic)
    for n in range(5):
        other = make_thread(topic, cast.member, title=f"Plan {n}",
                            kind=Thread.Kind.SESSION_PLAN)
        for _ in range(10):
            reply(other, cast.steward, parent=opener(other))
    assert Post.objects.filter(thread__topic=topic).count() == 60
    assert _count_queries(client, topic) == few


# Language ------------------------------------------------------------------------------------

def test_a_persian_reader_gets_a_right_to_left_file(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    topic.slug = "حلقه-بازخورد"
    topic.title = "حلقهٔ بازخورد"
    topic.save()
    cast.member.locale = "fa"
    cast.member.save()
    response = as_visitor(cast, "member").get(_url(topic))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert "حلقهٔ بازخورد" in html
    assert "filename*=UTF-8''" + quote("حلقه-بازخورد.html", safe="") in response[
        "Content-Disposition"]


def test_an_english_reader_gets_a_left_to_right_file(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    html = as_visitor(cast, "member").get(_url(topic)).content.decode()
    assert '<html lang="en" dir="ltr">' in html


# Not modified --------------------------------------------------------------------------------

def test_the_file_is_not_sent_again_while_nothing_changed(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    thread = make_thread(topic, cast.facilitator)
    client = as_visitor(cast, "member")
    first = client.get(_url(topic))
    assert first["Last-Modified"]
    again = client.get(_url(topic), headers={"if-modified-since": first["Last-Modified"]})
    assert again.status_code == 304
    # A topic edit moves its updated_at: both validators see it.
    assert client.get(_url(topic), headers={"if-none-match": first["ETag"]}).status_code == 304
    long_ago = topic.created_at.replace(year=2000)
    Topic.objects.filter(pk=topic.pk).update(created_at=long_ago, updated_at=long_ago)
    Thread.objects.filter(topic=topic).update(created_at=long_ago)
    Post.objects.filter(thread__topic=topic).update(created_at=long_ago)
    stamp = client.get(_url(topic))["Last-Modified"]
    assert "2000" in stamp
    topic.refresh_from_db()
    topic.summary = "A new summary"
    topic.save()
    edited = client.get(_url(topic), headers={"if-none-match": first["ETag"]})
    assert edited.status_code == 200 and "A new summary" in edited.content.decode()
    assert client.get(_url(topic), headers={"if-modified-since": stamp}).status_code == 200
    # A hide is logged as moderation: the file changed.
    hidden = reply(thread, cast.member, body="to hide")
    Post.objects.filter(pk=hidden.pk).update(created_at=hidden.created_at.replace(year=2000))
    stamp = client.get(_url(topic))["Last-Modified"]
    ModerationAction.objects.create(community=cast.community, action="hide", post=hidden,
                                    thread=thread, created_at=hidden.created_at.replace(
                                        year=2100))
    assert client.get(_url(topic), headers={"if-modified-since": stamp}).status_code == 200


def test_a_topic_changed_through_its_services_is_sent_again(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    client = as_visitor(cast, "member")
    first = client.get(_url(topic))
    topic_services.extend_topic(topic=topic, ends_at=topic.ends_at + timedelta(days=3))
    again = client.get(_url(topic), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    topic_services.save_synthesis(topic=topic, text="We learnt to loop.", published=True)
    last = client.get(_url(topic), headers={"if-none-match": again["ETag"]})
    assert last.status_code == 200 and "We learnt to loop." in last.content.decode()
