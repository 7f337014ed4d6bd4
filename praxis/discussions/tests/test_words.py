"""Each post keeps its word count, for the engagement report."""

import pytest

from praxis.discussions import services
from praxis.discussions.models import Post
from praxis.discussions.tests.factories import reply
from praxis.discussions.words import count_words


@pytest.mark.parametrize(("text", "words"), [
    ("", 0),
    ("   \n\t ", 0),
    ("How do you seat **60** trainees?", 6),
    ("Loop input — the trainer's own lesson, step-by-step.", 7),
    ("- one\n- two\n\n> three", 3),
    # Persian: the zero-width non-joiner keeps "می‌خواهم" one word.
    ("من می‌خواهم کارگاه را تکرار کنم.", 6),
    ("see https://example.org/a/b", 6),
])
def test_words_are_counted_in_any_script(text, words):
    assert count_words(text) == words


def test_a_post_counts_its_words_when_written_and_when_edited(cast, thread):
    post = reply(thread, cast.member, body="Three short words")
    assert Post.objects.get(pk=post.pk).word_count == 3
    services.edit_post(post=post, editor=cast.member, body="Now it has five words")
    assert Post.objects.get(pk=post.pk).word_count == 5


def test_saving_other_fields_keeps_the_count(cast, thread):
    post = reply(thread, cast.member, body="Two words")
    post.is_hidden = True
    post.save(update_fields=["is_hidden"])
    assert Post.objects.get(pk=post.pk).word_count == 2
