"""Writes in discussions: one function per use case, transaction inside.

Callers pass the permission door first (``communities.permissions.access_thread`` /
``access_topic``); services keep the discussion's own invariants: the reply tree's paths,
the thread's counters, the revision history.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from praxis.accounts.models import User
from praxis.core.markdown import render_markdown
from praxis.discussions.models import PATH_STEP_DIGITS, Post, Thread
from praxis.topics.models import Topic


class DiscussionRuleError(Exception):
    """A request the discussion's rules refuse; the message is for the person."""


def _path_step(post_id: int) -> str:
    return str(post_id).zfill(PATH_STEP_DIGITS)


@transaction.atomic
def publish_post(*, thread: Thread, author: User, body: str, parent: Post | None = None,
                 source: str = "web") -> Post:
    """Adds a post (or a reply to ``parent``) to a thread and updates the thread's counters."""
    if parent is not None and parent.thread_id != thread.pk:
        raise DiscussionRuleError("The post replied to is in another thread.")
    now = timezone.now()
    post = Post.objects.create(
        thread=thread, author=author, parent=parent, body=body,
        body_html=render_markdown(body), created_at=now, source=source,
        # The path needs the post's own id: a placeholder unique per thread until saved.
        path=f"~{author.pk}-{now.timestamp()}",
        depth=0 if parent is None else parent.depth + 1,
    )
    step = _path_step(post.pk)
    post.path = step if parent is None else f"{parent.path}.{step}"
    post.save(update_fields=["path"])
    Thread.objects.filter(pk=thread.pk).update(
        post_count=F("post_count") + 1, last_post_at=now, latest_post_id=post.pk
    )
    return post


@transaction.atomic
def start_thread(*, topic: Topic, author: User, title: str, body: str,
                 kind: str = Thread.Kind.MEMBER, position: int = 0) -> Thread:
    """Opens a thread in a topic with its first post."""
    thread = Thread.objects.create(
        community_id=topic.community_id, topic=topic, kind=kind, title=title,
        position=position, created_by=author,
    )
    publish_post(thread=thread, author=author, body=body)
    thread.refresh_from_db()
    return thread
