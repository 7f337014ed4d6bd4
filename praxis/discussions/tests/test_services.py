"""Posting, replying, editing, attachments and read marks: the discussion's invariants."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from praxis.discussions import services
from praxis.discussions.attachments import check_files
from praxis.discussions.models import Attachment, Post, PostRevision, Thread, ThreadRead
from praxis.discussions.tests import samples
from praxis.discussions.tests.factories import make_thread, make_topic, opener, reply


def test_starting_a_thread_publishes_its_first_post_and_counts_it(cast, topic):
    thread = services.start_thread(topic=topic, author=cast.member, title="Seating in a hall",
                                   body="How do you seat **60** trainees?",
                                   kind=Thread.Kind.MEMBER)
    first = opener(thread)
    assert (thread.post_count, thread.latest_post_id) == (1, first.pk)
    assert thread.last_post_at == first.created_at
    assert thread.community_id == topic.community_id
    assert (first.depth, first.parent_id, first.path) == (0, None, str(first.pk).zfill(10))
    assert first.body_html == "<p>How do you seat <strong>60</strong> trainees?</p>\n"


def test_replies_take_their_place_in_the_tree(cast, thread):
    first = opener(thread)
    answer = reply(thread, cast.member)
    to_answer = reply(thread, cast.steward, answer)
    deeper = reply(thread, cast.member, to_answer)
    later_answer = reply(thread, cast.steward)
    assert [p.depth for p in (answer, to_answer, deeper, later_answer)] == [0, 1, 2, 0]
    assert deeper.path == f"{answer.path}.{to_answer.pk:010d}.{deeper.pk:010d}"
    in_order = list(Post.objects.filter(thread=thread).values_list("pk", flat=True))
    assert in_order == [first.pk, answer.pk, to_answer.pk, deeper.pk, later_answer.pk]
    thread.refresh_from_db()
    assert (thread.post_count, thread.latest_post_id) == (5, later_answer.pk)
    assert thread.last_post_at == later_answer.created_at


def test_a_reply_to_a_post_of_another_thread_is_refused(cast, topic, thread):
    other = make_thread(topic, cast.facilitator, title="Another")
    with pytest.raises(services.DiscussionRuleError):
        reply(thread, cast.member, opener(other))


def test_very_deep_replies_stay_within_the_path_length(cast, thread):
    parent = opener(thread)
    for _ in range(services.MAX_DEPTH + 5):
        parent = reply(thread, cast.member, parent)
    assert parent.depth == services.MAX_DEPTH
    assert len(parent.path) <= Post._meta.get_field("path").max_length


def test_editing_keeps_the_previous_text_as_a_revision(cast, thread):
    post = reply(thread, cast.member, body="First *draft*")
    services.edit_post(post=post, editor=cast.member, body="Second **draft**")
    services.edit_post(post=post, editor=cast.facilitator, body="Third draft")
    post.refresh_from_db()
    assert post.body == "Third draft" and post.body_html == "<p>Third draft</p>\n"
    assert post.edited_at is not None
    revisions = list(PostRevision.objects.filter(post=post).order_by("created_at"))
    assert [(r.body, r.edited_by) for r in revisions] == [
        ("First *draft*", cast.member), ("Second **draft**", cast.facilitator)]


def test_an_edit_that_changes_nothing_leaves_no_revision(cast, thread):
    post = reply(thread, cast.member, body="Same")
    services.edit_post(post=post, editor=cast.member, body="Same")
    post.refresh_from_db()
    assert post.edited_at is None and not post.revisions.exists()


def test_markdown_is_sanitised_when_saved(cast, thread):
    post = reply(thread, cast.member, body='<script>alert(1)</script> [x](javascript:alert(1))')
    assert "<script" not in post.body_html and 'href="javascript' not in post.body_html


def test_a_post_keeps_its_checked_attachments_under_random_names(cast, thread, media):
    files = check_files([samples.upload("session plan.docx", samples.ooxml("docx")),
                         samples.upload("board.png", samples.image())])
    post = services.publish_post(thread=thread, author=cast.member, body="My plan",
                                 attachments=files)
    stored = list(post.attachments.order_by("pk"))
    assert [a.original_name for a in stored] == ["session plan.docx", "board.png"]
    assert [a.content_type for a in stored] == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "image/png"]
    for attachment in stored:
        assert "session" not in attachment.file.name and "board" not in attachment.file.name
        assert attachment.file.name.startswith("attachments/")
        assert (media / attachment.file.name).exists()
        assert attachment.size == (media / attachment.file.name).stat().st_size


def test_a_failed_store_leaves_no_post_and_no_file(cast, thread, media, monkeypatch):
    files = check_files([samples.upload("a.pdf", samples.pdf()),
                         samples.upload("b.pdf", samples.pdf())])
    saved = []
    original_save = Attachment.save

    def fail_on_second(self, *args, **kwargs):
        if saved:
            raise OSError("disk full")
        saved.append(self.file.name)
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Attachment, "save", fail_on_second)
    count = Post.objects.count()
    with pytest.raises(OSError):
        services.publish_post(thread=thread, author=cast.member, body="x", attachments=files)
    assert Post.objects.count() == count
    assert not any((media / name).exists() for name in saved)
    thread.refresh_from_db()
    assert thread.post_count == 1


def test_reading_is_recorded_in_two_queries_and_never_moves_back(cast, thread):
    # The read mark and the day's visit (ThreadVisitDay): one upsert each.
    with CaptureQueriesContext(connection) as queries:
        services.record_reading(user=cast.member, thread=thread, up_to_post_id=10)
    assert len(queries) == 2
    services.record_reading(user=cast.member, thread=thread, up_to_post_id=4)
    services.record_reading(user=cast.member, thread=thread, up_to_post_id=12, new_visit=False)
    read = ThreadRead.objects.get(user=cast.member, thread=thread)
    assert (read.last_read_post_id, read.visits) == (12, 2)
    assert read.last_read_at >= read.first_read_at


def test_mark_all_read_marks_every_thread_of_the_community(cast, topic, thread):
    second = make_thread(topic, cast.facilitator, title="Second")
    reply(second, cast.steward)
    other_topic = make_topic(cast.community)
    third = make_thread(other_topic, cast.facilitator, title="Third")
    elsewhere = make_thread(make_topic(cast.outsider.memberships.first().community),
                            cast.outsider, title="Elsewhere")
    services.record_reading(user=cast.member, thread=thread, up_to_post_id=thread.latest_post_id)
    with CaptureQueriesContext(connection) as queries:
        services.mark_all_read(user=cast.member, community=cast.community)
    assert len(queries) == 1
    marks = dict(ThreadRead.objects.filter(user=cast.member)
                 .values_list("thread_id", "last_read_post_id"))
    for each in (thread, second, third):
        each.refresh_from_db()
        assert marks[each.pk] == each.latest_post_id
    assert elsewhere.pk not in marks
    assert ThreadRead.objects.get(user=cast.member, thread=thread).visits == 1
