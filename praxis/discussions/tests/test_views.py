"""The discussion pages as members use them: start a thread, reply, quote, edit, attach,
read, and see why they cannot post when they cannot."""

import pytest
from django.urls import reverse

from praxis.communities.models import Community
from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions import queries, services
from praxis.discussions.attachments import check_files
from praxis.discussions.models import Attachment, Post, PostRevision, Thread, ThreadRead
from praxis.discussions.tests import samples
from praxis.discussions.tests.factories import make_thread, make_topic, opener, reply, set_state


def thread_url(cast, thread, query=""):
    return reverse("discussions:thread", args=[cast.community.slug, thread.pk]) + query


def reply_url(cast, thread, query=""):
    return reverse("discussions:reply", args=[cast.community.slug, thread.pk]) + query


@pytest.fixture
def member(client, cast):
    client.force_login(cast.member)
    return client


# Starting threads -----------------------------------------------------------------------------

def test_a_member_starts_a_thread_with_a_file(member, cast, topic, media):
    url = reverse("discussions:thread_create", args=[cast.community.slug, topic.slug])
    page = member.get(url)
    kinds = [value for value, _label in page.context["form"].fields["kind"].choices]
    assert kinds == [Thread.Kind.MEMBER, Thread.Kind.SESSION_PLAN]
    response = member.post(url, {
        "kind": Thread.Kind.SESSION_PLAN, "title": "Feedback on my loop-input session",
        "body": "Here is my plan for **Monday**.",
        "attachments": [samples.upload("plan.docx", samples.ooxml("docx"))],
    })
    thread = Thread.objects.get(title="Feedback on my loop-input session")
    assert response.status_code == 302 and response["Location"] == thread_url(cast, thread)
    assert (thread.kind, thread.topic, thread.created_by) == (
        Thread.Kind.SESSION_PLAN, topic, cast.member)
    first = opener(thread)
    assert first.attachments.get().original_name == "plan.docx"
    page = member.get(thread_url(cast, thread))
    assert b"<strong>Monday</strong>" in page.content and b"plan.docx" in page.content


def test_a_member_cannot_choose_a_facilitators_kind_of_thread(member, cast, topic):
    url = reverse("discussions:thread_create", args=[cast.community.slug, topic.slug])
    response = member.post(url, {"kind": Thread.Kind.QUESTION, "title": "T", "body": "B"})
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    assert not Thread.objects.filter(title="T").exists()


# Replying and quoting -------------------------------------------------------------------------

def test_replying_to_a_reply_keeps_the_context(member, cast, thread):
    answer = reply(thread, cast.steward, body="Answer")
    response = member.post(reply_url(cast, thread), {"to": answer.pk, "body": "To the answer"})
    mine = Post.objects.get(body="To the answer")
    assert (mine.parent, mine.depth) == (answer, 1)
    assert response["Location"] == reverse("discussions:post", args=[cast.community.slug, mine.pk])
    landing = member.get(response["Location"])
    assert landing.status_code == 302
    assert landing["Location"] == thread_url(cast, thread) + f"#post-{mine.pk}"
    deeper = reply(thread, cast.steward, mine, body="Deeper")
    page = member.get(thread_url(cast, thread)).content.decode()
    assert f'<article class="post d2" id="post-{deeper.pk}">' in page
    assert f'in reply to <a href="#post-{mine.pk}">' in page


def test_answering_the_opening_post_answers_the_thread(member, cast, thread):
    member.post(reply_url(cast, thread), {"to": opener(thread).pk, "body": "An answer"})
    assert Post.objects.get(body="An answer").parent is None


def test_the_reply_form_at_the_bottom_answers_the_thread(member, cast, thread):
    page = member.get(thread_url(cast, thread))
    assert page.context["form"] is not None
    member.post(reply_url(cast, thread), {"body": "Bottom answer"})
    assert Post.objects.get(body="Bottom answer").depth == 0


def test_quoting_prefills_a_blockquote_with_the_authors_name(member, cast, thread):
    quoted = reply(thread, cast.steward, body="First line\n\nSecond *line*")
    cast.steward.display_name = "Shirin Rahimi"
    cast.steward.save()
    page = member.get(reply_url(cast, thread, f"?quote={quoted.pk}"))
    body = page.context["form"].initial["body"]
    assert body == "> Shirin Rahimi wrote:\n>\n> First line\n>\n> Second *line*\n\n"
    assert page.context["replying_to"] == quoted
    html = page.content.decode()
    assert f'<input type="hidden" name="to" value="{quoted.pk}">' in html
    assert "Replying to <bdi>Shirin Rahimi</bdi>" in html
    rendered = services.render_markdown(body + "I agree.")
    assert rendered.startswith("<blockquote>\n<p>Shirin Rahimi wrote:</p>")


def test_a_hidden_post_cannot_be_quoted_by_those_who_cannot_see_it(member, cast, thread):
    hidden = reply(thread, cast.steward, body="Secret")
    Post.objects.filter(pk=hidden.pk).update(is_hidden=True)
    assert member.get(reply_url(cast, thread, f"?quote={hidden.pk}")).status_code == 404
    member.force_login(cast.facilitator)
    assert member.get(reply_url(cast, thread, f"?quote={hidden.pk}")).status_code == 200


def test_replying_to_a_post_of_another_thread_is_not_found(member, cast, topic, thread):
    other = make_thread(topic, cast.facilitator, title="Other")
    response = member.post(reply_url(cast, thread), {"to": opener(other).pk, "body": "x"})
    assert response.status_code == 404


def test_an_empty_reply_is_refused(member, cast, thread):
    response = member.post(reply_url(cast, thread), {"body": "   \n "})
    assert response.status_code == 200 and response.context["form"].errors["body"]


# Attachments ----------------------------------------------------------------------------------

def test_a_bad_file_stops_the_whole_post_with_a_clear_error(member, cast, thread, media):
    response = member.post(reply_url(cast, thread), {
        "body": "Two files",
        "attachments": [samples.upload("plan.pdf", samples.pdf()),
                        samples.upload("report.pdf", samples.exe())],
    })
    assert response.status_code == 200
    errors = response.context["form"].errors["attachments"]
    assert len(errors) == 1 and "“report.pdf”" in errors[0]
    assert "“report.pdf” is not a kind of file Praxis accepts" in response.content.decode()
    assert response.context["form"]["body"].value() == "Two files"
    assert not Post.objects.filter(body="Two files").exists()
    assert not Attachment.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_an_oversized_file_is_refused_by_name(member, cast, thread, media, settings):
    settings.PRAXIS_MAX_ATTACHMENT_MB = 1
    response = member.post(reply_url(cast, thread), {
        "body": "Big", "attachments": [
            samples.upload("scan.pdf", samples.pdf() + b"0" * (2 * 1024 * 1024))],
    })
    assert "“scan.pdf” is too large" in response.content.decode()
    assert not Post.objects.filter(body="Big").exists()


def test_files_download_under_their_own_names_and_pictures_show_inline(
    member, cast, thread, media
):
    files = check_files([samples.upload("Plan (v2).pdf", samples.pdf()),
                         samples.upload("board.png", samples.image())])
    post = services.publish_post(thread=thread, author=cast.steward, body="Files",
                                 attachments=files)
    pdf, png = post.attachments.order_by("pk")
    response = member.get(reverse("discussions:attachment", args=[cast.community.slug, pdf.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Plan (v2).pdf" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == samples.pdf()
    response = member.get(reverse("discussions:attachment", args=[cast.community.slug, png.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    page = member.get(thread_url(cast, thread)).content.decode()
    png_url = reverse("discussions:attachment", args=[cast.community.slug, png.pk])
    assert f'<img src="{png_url}" alt="board.png" loading="lazy">' in page


def test_low_bandwidth_members_get_a_link_instead_of_the_picture(member, cast, thread, media):
    cast.member.low_bandwidth = True
    cast.member.save()
    files = check_files([samples.upload("board.png", samples.image())])
    services.publish_post(thread=thread, author=cast.steward, body="Pic", attachments=files)
    page = member.get(thread_url(cast, thread)).content.decode()
    assert "<img" not in page
    assert "Show image <bdi>board.png</bdi>" in page


def test_low_bandwidth_members_get_shorter_thread_pages(member, cast, thread):
    for n in range(30):
        services.publish_post(thread=thread, author=cast.steward, body=f"Post {n}")
    full = member.get(thread_url(cast, thread)).context["page"]
    cast.member.low_bandwidth = True
    cast.member.save()
    light = member.get(thread_url(cast, thread)).context["page"]
    assert len(full.posts) > len(light.posts) == 20


def test_a_post_link_opens_the_short_page_that_shows_the_post(member, cast, thread):
    posts = [services.publish_post(thread=thread, author=cast.steward, body=f"Post {n}")
             for n in range(30)]
    cast.member.low_bandwidth = True
    cast.member.save()
    target = posts[25]
    link = member.get(reverse("discussions:post", args=[cast.community.slug, target.pk]))
    page = member.get(link["Location"].split("#")[0]).context["page"]
    assert target.pk in page.post_ids and len(page.posts) <= 20


def test_attachments_of_a_hidden_post_stay_hidden(member, cast, thread, media):
    files = check_files([samples.upload("plan.pdf", samples.pdf())])
    post = services.publish_post(thread=thread, author=cast.steward, body="x", attachments=files)
    Post.objects.filter(pk=post.pk).update(is_hidden=True)
    url = reverse("discussions:attachment", args=[cast.community.slug, post.attachments.get().pk])
    assert member.get(url).status_code == 403
    assert b"plan.pdf" not in member.get(thread_url(cast, thread)).content


# Editing --------------------------------------------------------------------------------------

def test_an_author_edits_their_post_and_the_history_keeps_the_old_text(member, cast, thread):
    post = reply(thread, cast.member, body="Old *text*")
    url = reverse("discussions:post_edit", args=[cast.community.slug, post.pk])
    assert member.get(url).context["form"].initial["body"] == "Old *text*"
    response = member.post(url, {"body": "New **text**"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body_html == "<p>New <strong>text</strong></p>\n" and post.edited_at
    assert PostRevision.objects.get(post=post).body == "Old *text*"
    page = member.get(thread_url(cast, thread)).content.decode()
    history = reverse("discussions:post_revisions", args=[cast.community.slug, post.pk])
    assert f'<a href="{history}">edited</a>' in page
    revisions = member.get(history).content.decode()
    assert "<em>text</em>" in revisions and "<strong>text</strong>" in revisions


def test_the_reply_and_edit_pages_say_why_one_may_not_post(member, cast, topic, thread):
    """The real reason, not "your role does not allow this"."""
    own = reply(thread, cast.member, body="Mine")
    edit = reverse("discussions:post_edit", args=[cast.community.slug, own.pk])
    set_state(topic, "closed")
    for url in (reply_url(cast, thread), edit):
        response = member.get(url)
        assert response.status_code == 403
        page = response.content.decode()
        assert "This topic is closed" in page and "Your role" not in page
    set_state(topic, "open")
    thread.is_locked = True
    thread.save()
    assert "locked by a moderator" in member.get(reply_url(cast, thread)).content.decode()
    thread.is_locked = False
    thread.save()
    set_state(topic, "scheduled")
    assert "has not opened yet" in member.get(reply_url(cast, thread)).content.decode()
    set_state(topic, "open")
    off_topic = reply(thread, cast.steward, body="Off topic")
    Post.objects.filter(pk=off_topic.pk).update(is_hidden=True)
    hidden = member.get(reply_url(cast, thread, f"?to={off_topic.pk}"))
    assert hidden.status_code == 403 and "hidden by a moderator" in hidden.content.decode()


def test_a_long_history_comes_a_page_at_a_time(member, cast, thread):
    post = reply(thread, cast.member, body="Version 0")
    for number in range(1, 46):
        services.edit_post(post=post, editor=cast.member, body=f"Version {number}")
    history = reverse("discussions:post_revisions", args=[cast.community.slug, post.pk])
    first = member.get(history).content.decode()
    assert "Version 45" in first and "Version 44" in first and "Version 24" not in first
    assert first.count('class="revision"') == 21  # now, and the 20 latest before it
    last = member.get(history, {"page": "3"}).content.decode()
    assert "Version 0" in last and "Version 45" not in last
    assert member.get(history, {"page": "²"}).status_code == 200


def test_a_member_sees_edited_on_others_posts_but_not_their_history(member, cast, thread):
    post = reply(thread, cast.steward, body="Before")
    services.edit_post(post=post, editor=cast.steward, body="After")
    page = member.get(thread_url(cast, thread)).content.decode()
    history = reverse("discussions:post_revisions", args=[cast.community.slug, post.pk])
    assert "edited" in page and history not in page


# Hidden posts ---------------------------------------------------------------------------------

def test_hidden_posts_stay_in_the_tree_as_a_placeholder(member, cast, thread, client):
    hidden = reply(thread, cast.member, body="Regrettable words")
    Post.objects.filter(pk=hidden.pk).update(is_hidden=True)
    page = member.get(thread_url(cast, thread)).content.decode()
    assert "Regrettable words" in page and "only you and the moderators see it" in page
    member.force_login(cast.steward)
    assert "Regrettable words" in member.get(thread_url(cast, thread)).content.decode()
    member.force_login(MembershipFactory(community=cast.community).user)
    page = member.get(thread_url(cast, thread)).content.decode()
    assert "Regrettable words" not in page
    assert "This post was hidden by a moderator." in page
    assert f'id="post-{hidden.pk}"' in page


# Reading --------------------------------------------------------------------------------------

def test_viewing_a_thread_records_reading_and_marks_what_is_new(member, cast, thread):
    first = reply(thread, cast.steward, body="Seen")
    page = member.get(thread_url(cast, thread))
    assert page.context["first_new_id"] is None  # the first visit: all of it is new
    read = ThreadRead.objects.get(user=cast.member, thread=thread)
    assert (read.last_read_post_id, read.visits) == (first.pk, 1)
    new = reply(thread, cast.facilitator, opener(thread), body="Fresh")
    reply(thread, cast.steward, body="Fresher")
    page = member.get(thread_url(cast, thread))
    assert page.context["first_new_id"] == new.pk
    html = page.content.decode()
    assert html.index('id="new"') < html.index(f'id="post-{new.pk}"') < html.index("Fresher")
    assert "New since your last visit" in html and 'href="#new"' in html
    read.refresh_from_db()
    assert read.visits == 2 and read.last_read_post_id == thread.posts.order_by("-pk")[0].pk
    assert member.get(thread_url(cast, thread)).context["first_new_id"] is None


def test_an_anonymous_reader_records_nothing(client, make_cast):
    cast = make_cast(visibility=Community.Visibility.PUBLIC)
    thread = make_thread(make_topic(cast.community), cast.facilitator)
    assert client.get(thread_url(cast, thread)).status_code == 200
    assert not ThreadRead.objects.exists()


def test_long_threads_page_by_keyset(member, cast, thread):
    for n in range(60):
        reply(thread, cast.steward, body=f"Answer {n}")
    page = member.get(thread_url(cast, thread))
    posts = page.context["page"].posts
    assert len(posts) == 50
    html = page.content.decode()
    assert f'<a rel="next" href="?after={posts[-1].path}">Newer posts</a>' in html
    second = member.get(thread_url(cast, thread, f"?after={posts[-1].path}"))
    assert len(second.context["page"].posts) == 11
    assert "First posts" in second.content.decode()
    last = Post.objects.filter(thread=thread).order_by("-path")[0]
    link = member.get(reverse("discussions:post", args=[cast.community.slug, last.pk]))
    after = queries.permalink_after(last)
    assert link["Location"] == thread_url(cast, thread, f"?after={after}#post-{last.pk}")
    assert member.get(thread_url(cast, thread, "?after=x'--")).status_code == 200


def test_deep_trees_stop_indenting_and_say_whom_they_answer(member, cast, thread):
    parent = opener(thread)
    chain = []
    for n in range(8):
        parent = reply(thread, cast.steward if n % 2 else cast.member, parent, body=f"L{n}")
        chain.append(parent)
    html = member.get(thread_url(cast, thread)).content.decode()
    assert f'<article class="post d4" id="post-{chain[-1].pk}">' in html
    assert f'in reply to <a href="#post-{chain[-2].pk}">' in html


def test_leaders_wear_a_badge(member, cast, thread):
    reply(thread, cast.steward)
    html = member.get(thread_url(cast, thread)).content.decode()
    assert '<span class="badge">Facilitator</span>' in html
    assert '<span class="badge">Steward</span>' in html


# Why one cannot post --------------------------------------------------------------------------

def test_the_thread_says_why_one_cannot_reply(client, make_cast):
    cast = make_cast(visibility=Community.Visibility.PUBLIC)
    topic = make_topic(cast.community)
    thread = make_thread(topic, cast.facilitator)
    assert b"to take part in the discussion" in client.get(thread_url(cast, thread)).content
    client.force_login(cast.outsider)
    assert b"Join this community" in client.get(thread_url(cast, thread)).content
    client.force_login(cast.member)
    thread.is_locked = True
    thread.save()
    page = client.get(thread_url(cast, thread))
    assert b"locked by a moderator" in page.content and page.context["form"] is None
    assert f"?to={opener(thread).pk}".encode() not in page.content
    thread.is_locked = False
    thread.save()
    set_state(topic, "closed")
    assert b"This topic is closed" in client.get(thread_url(cast, thread)).content
    set_state(topic, "scheduled")
    assert b"has not opened yet" in client.get(thread_url(cast, thread)).content
    client.force_login(cast.facilitator)
    assert client.get(thread_url(cast, thread)).context["form"] is not None


# Unread and mark all read ---------------------------------------------------------------------

def test_the_unread_page_lists_threads_with_counts_until_all_is_marked_read(
    member, cast, topic, thread
):
    reply(thread, cast.steward)
    quiet = make_thread(topic, cast.facilitator, title="Quiet one")
    member.get(thread_url(cast, quiet))
    url = reverse("discussions:unread", args=[cast.community.slug])
    html = member.get(url).content.decode()
    assert "What is loop input?" in html and "2 new" in html and "Quiet one" not in html
    response = member.post(reverse("discussions:mark_all_read", args=[cast.community.slug]))
    assert response["Location"] == url
    assert "You have read everything" in member.get(url).content.decode()


def test_the_unread_page_pages_on_without_counting_every_thread(member, cast, topic):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(53):
        make_thread(topic, cast.steward, title=f"Plan {n:02d}")
    url = reverse("discussions:unread", args=[cast.community.slug])
    with CaptureQueriesContext(connection) as queries_run:
        first = member.get(url)
    assert not any("COUNT(*)" in q["sql"] and "__count" in q["sql"]
                   for q in queries_run.captured_queries)
    html = first.content.decode()
    assert html.count('class="unread"') == 50 and 'rel="next"' in html and "Page 1" in html
    second = member.get(url, {"page": "2"}).content.decode()
    assert second.count('class="unread"') == 3
    assert 'rel="prev"' in second and "Page 2" in second and 'rel="next"' not in second
