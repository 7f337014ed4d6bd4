"""A whole topic as a PDF: who may download it, that it is a real PDF holding the same as the
HTML download (hidden posts too), Persian set in the vendored font, and 304s."""

import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import http_date
from pypdf import PdfReader

from praxis.discussions.models import Post, Thread
from praxis.discussions.tests.factories import make_thread, opener, reply
from praxis.interop.pdf import Block, direction_of, html_blocks, isolate
from praxis.interop.tests.conftest import PRIVATE
from praxis.topics import services as topic_services


def _url(topic):
    return reverse("interop:topic_pdf", args=[topic.community.slug, topic.slug])


def _reader(response):
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(response.content))


def _text(response):
    # Extracted text may break lines anywhere: compare with the white space squeezed out.
    text = "\n".join(page.extract_text() for page in _reader(response).pages)
    return "".join(text.split())


def _has(text, words):
    return "".join(words.split()) in text


def _fonts(response):
    return {str(font.get_object()["/BaseFont"]).split("+")[-1]
            for page in _reader(response).pages
            for font in page["/Resources"]["/Font"].values()}


# The permission matrix of both downloads is in test_offline.py.


def test_the_response_is_a_pdf_attachment_named_after_the_topic(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    response = as_visitor(cast, "member").get(_url(topic))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{topic.slug}.pdf"'
    assert response["Cache-Control"] == "private, no-store"


def test_the_topic_page_links_to_both_downloads(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    page = as_visitor(cast, "member").get(
        reverse("topics:detail", args=[cast.community.slug, topic.slug])).content.decode()
    assert _url(topic) in page
    assert reverse("interop:topic_offline", args=[cast.community.slug, topic.slug]) in page
    assert "as PDF" in page


# What it holds -------------------------------------------------------------------------------

def test_the_pdf_holds_the_topic_its_posts_and_the_synthesis(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    question = make_thread(topic, cast.facilitator, title="What is loop input?",
                           body="First question opener")
    Thread.objects.filter(pk=question.pk).update(position=0)
    reply(question, cast.member,
          body="I tried it **twice**, see [the notes](https://example.org/notes).\n\n"
               "- a first point\n- a second point")
    topic_services.save_synthesis(topic=topic, text="What we learnt together",
                                  published=True)
    response = as_visitor(cast, "member").get(_url(topic))
    text = _text(response)
    for words in ("Loop input in practice", "Why loop input matters.", "Loop input explained",
                  "https://example.org/loop-input", "What is loop input?",
                  "First question opener", "I tried it twice, see the notes",
                  "https://example.org/notes", "a second point", "What we learnt together",
                  cast.member.display_name, "Open questions", "Closing synthesis", "Page 1"):
        assert _has(text, words), words
    assert _fonts(response) == {"Vazirmatn", "VazirmatnBold"}


def test_a_draft_synthesis_stays_out(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    topic_services.save_synthesis(topic=topic, text="Draft thoughts", published=False)
    assert not _has(_text(as_visitor(cast, "facilitator").get(_url(topic))), "Draft thoughts")


@pytest.mark.parametrize("visitor,shown", [("member", False), ("facilitator", True),
                                           ("steward", True)])
def test_a_hidden_post_is_a_placeholder_except_for_moderators(make_downloadable, as_visitor,
                                                              visitor, shown):
    cast, topic = make_downloadable()
    thread = make_thread(topic, cast.facilitator, body="The question itself")
    hidden = reply(thread, cast.steward, body="Something that had to come down")
    Post.objects.filter(pk=hidden.pk).update(is_hidden=True)
    text = _text(as_visitor(cast, visitor).get(_url(topic)))
    assert _has(text, "Something that had to come down") is shown
    assert _has(text, "This post was hidden by a moderator.") is not shown
    assert _has(text, "The question itself")


def test_a_persian_topic_is_set_in_vazirmatn_for_a_persian_reader(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    topic.slug = "حلقه-بازخورد"
    topic.title = "حلقهٔ بازخورد"
    topic.save()
    thread = make_thread(topic, cast.facilitator, title="بازخورد در کلاس")
    reply(thread, cast.member, body="به نظر من این روش در کلاس‌های ما هم جواب می‌دهد.")
    cast.member.locale = "fa"
    cast.member.save()
    response = as_visitor(cast, "member").get(_url(topic))
    text = _text(response)
    for word in ("حلقهٔ", "بازخورد", "کلاس‌های", "جواب", "می‌دهد", "پرسش‌های"):
        assert word in text, word
    assert _fonts(response) == {"Vazirmatn", "VazirmatnBold"}
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert str(_reader(response).metadata.get("/Title")) == "حلقهٔ بازخورد"


def _reply_marks(response):
    """The vertical lines drawn beside replies (x, from y, to y), on every page."""
    marks = []
    for page in _reader(response).pages:
        stream = page.get_contents().get_data().decode("latin-1")
        for x1, y1, x2, y2 in re.findall(r"([\d.]+) ([\d.]+) m ([\d.]+) ([\d.]+) l S", stream):
            if x1 == x2 and y1 != y2:
                marks.append(float(x1))
    return marks


@pytest.mark.parametrize("locale", ["en", "fa"])
def test_replies_are_marked_beside_them_in_both_directions(make_downloadable, as_visitor,
                                                           locale):
    cast, topic = make_downloadable()
    thread = make_thread(topic, cast.facilitator, title="Feedback")
    top = reply(thread, cast.steward, body="A top-level answer in English.")
    reply(thread, cast.member, body="An English reply under it.", parent=top)
    cast.member.locale = locale
    cast.member.save()
    marks = _reply_marks(as_visitor(cast, "member").get(_url(topic)))
    assert len(marks) == 1
    # On the side the page starts from: the left for English, the right for Persian.
    assert (marks[0] < 200) == (locale == "en")


def test_a_big_topic_renders_to_a_sane_size(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    thread = make_thread(topic, cast.facilitator)
    parent = opener(thread)
    for n in range(1000):
        parent = reply(thread, cast.member if n % 2 else cast.steward,
                       parent=parent if n % 10 else opener(thread),
                       body=f"Reply {n}: a paragraph long enough to wrap onto a second line "
                            "of the page, as members' posts often do when they explain.")
    response = as_visitor(cast, "member").get(_url(topic))
    reader = _reader(response)
    assert len(reader.pages) > 50
    assert len(response.content) < 8 * 1024 * 1024
    assert _has("".join(reader.pages[-1].extract_text().split()), "Reply 999")


def test_a_constant_number_of_queries_whatever_the_number_of_posts(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    client = as_visitor(cast, "member")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(topic)).status_code == 200
        return len(queries)

    thread = make_thread(topic, cast.facilitator)
    few = count()
    for _ in range(20):
        reply(thread, cast.steward)
    assert count() == few


# Not modified --------------------------------------------------------------------------------

def test_the_pdf_is_not_sent_again_while_nothing_changed(make_downloadable, as_visitor):
    cast, topic = make_downloadable()
    thread = make_thread(topic, cast.facilitator)
    client = as_visitor(cast, "member")
    first = client.get(_url(topic))
    stamp = first["Last-Modified"]
    assert stamp == http_date(opener(thread).created_at.timestamp())

    again = client.get(_url(topic), headers={"if-modified-since": stamp})
    assert again.status_code == 304 and again.content == b""
    same = client.get(_url(topic), headers={"if-none-match": first["ETag"]})
    assert same.status_code == 304

    later = reply(thread, cast.steward, body="Something new")
    Post.objects.filter(pk=later.pk).update(created_at=later.created_at + timedelta(seconds=5))
    fresh = client.get(_url(topic), headers={"if-modified-since": stamp})
    assert fresh.status_code == 200 and _has(_text(fresh), "Something new")


def test_a_304_is_never_given_to_someone_the_door_refuses(make_downloadable, as_visitor):
    cast, topic = make_downloadable(PRIVATE)
    stamp = as_visitor(cast, "member").get(_url(topic))["Last-Modified"]
    assert as_visitor(cast, "outsider").get(
        _url(topic), headers={"if-modified-since": stamp}).status_code == 404


# From post HTML to paragraphs ----------------------------------------------------------------

def test_post_html_becomes_plain_paragraphs_with_link_addresses():
    blocks = html_blocks(
        "<h3>Title</h3><p>One <strong>bold</strong> <a href=\"https://x.org/a\">link</a>"
        " and <a href=\"https://x.org/b\">https://x.org/b</a></p>"
        "<ol start=\"3\"><li>three</li><li>four</li></ol><blockquote><p>quoted</p></blockquote>"
        "<pre><code>line 1\nline 2\n</code></pre>"
        "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>"
    )
    assert blocks == [
        Block("Title", "heading"),
        Block(f"One bold link ({isolate('https://x.org/a')}) and https://x.org/b"),
        Block("3. three", "item", 1), Block("4. four", "item", 1),
        Block("quoted", "quote"),
        Block("line 1\nline 2", "code"),
        Block("a | b"), Block("1 | 2"),
    ]


def test_a_paragraph_runs_in_the_direction_of_its_first_strong_letter():
    assert direction_of("۱۲ — سلام, hello", "ltr") == "rtl"
    assert direction_of("12: hello سلام", "rtl") == "ltr"
    assert direction_of("12 — 13", "rtl") == "rtl"
