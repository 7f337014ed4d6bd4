"""Writes in discussions: one function per use case, transaction inside.

Callers pass the door first (``praxis.access.access_thread`` / ``access_topic``); services
keep the discussion's own invariants: the reply tree's paths, the thread's counters, the
revision history, the read marks, the order of a topic's open questions.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from django.db import connection, transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from praxis.accounts.models import User
from praxis.communities.models import Community
from praxis.core.history import rewritten
from praxis.core.markdown import render_markdown
from praxis.discussions import hooks
from praxis.discussions.attachments import CheckedFile
from praxis.discussions.models import (
    PATH_STEP_DIGITS,
    Attachment,
    Post,
    PostRevision,
    Thread,
    ThreadRead,
    ThreadVisitDay,
)
from praxis.topics.hooks import QuestionDraft
from praxis.topics.models import Topic
from praxis.topics.services import default_apply_prompt

# A path holds at most 23 steps of 11 characters in 255; replies deeper than this join their
# parent's own parent (the "in reply to" line and quoting keep the context).
MAX_DEPTH = 20
# Opening a thread again within this long after reading it is the same visit.
VISIT_GAP = timedelta(minutes=30)
# The apply thread sorts after every open question.
APPLY_THREAD_POSITION = 1000


class DiscussionRuleError(Exception):
    """A request the discussion's rules refuse; the message is for the person."""


def _path_step(post_id: int) -> str:
    return str(post_id).zfill(PATH_STEP_DIGITS)


def path_of(post_id: int, parent_path: str | None) -> str:
    """A post's place in its thread's tree: its parent's path and its own id."""
    step = _path_step(post_id)
    return step if parent_path is None else f"{parent_path}.{step}"


def _store_attachments(post: Post, files: Sequence[CheckedFile]) -> None:
    """Writes the checked files; if one fails, removes those already written and re-raises,
    so the rolled-back post leaves no orphan files behind."""
    written: list[Attachment] = []
    try:
        for checked in files:
            attachment = Attachment(post=post, original_name=checked.original_name,
                                    content_type=checked.content_type, size=checked.size)
            checked.upload.seek(0)
            attachment.file.save(checked.stored_name(), checked.upload, save=False)
            written.append(attachment)
            attachment.save()
    except BaseException:
        for attachment in written:
            attachment.file.delete(save=False)
        raise


@transaction.atomic
def publish_post(*, thread: Thread, author: User, body: str, parent: Post | None = None,
                 source: str = "web", attachments: Sequence[CheckedFile] = (),
                 private_to: User | None = None) -> Post:
    """Adds a post (or a reply to ``parent``) to a thread with its checked attachments, and
    updates the thread's counters. Either all of it is saved or nothing is.

    Answering the thread's opening post is answering the thread: the reply is not indented
    under it, whether it comes from the web, by email or from an import. Answering a
    private reply is private too, between the same two people (``private_to`` is the other
    one); ``private_to`` makes any post a private reply to that person."""
    if parent is not None and parent.thread_id != thread.pk:
        raise DiscussionRuleError("The post replied to is in another thread.")
    private_to_id = private_to.pk if private_to is not None else None
    if parent is not None and parent.private_to_id is not None:
        private_to_id = (parent.private_to_id if author.pk == parent.author_id
                         else parent.author_id)
    if parent is not None and parent.parent_id is None and _is_opener(parent):
        parent = None
    if parent is not None and parent.depth >= MAX_DEPTH and parent.parent_id is not None:
        parent = Post.objects.get(pk=parent.parent_id)
    now = timezone.now()
    post = Post.objects.create(
        thread=thread, author=author, parent=parent, body=body,
        body_html=render_markdown(body), created_at=now, source=source,
        private_to_id=private_to_id,
        # The path needs the post's own id: a placeholder unique per thread until saved.
        path=f"~{author.pk}-{now.timestamp()}",
        depth=0 if parent is None else parent.depth + 1,
    )
    post.path = path_of(post.pk, None if parent is None else parent.path)
    post.save(update_fields=["path"])
    if private_to_id is None:
        _count_public_post(thread, post, now)
    _store_attachments(post, attachments)
    hooks.post_published.fire(post)
    return post


def _count_public_post(thread: Thread, post: Post, now: datetime) -> None:
    """A public post in its thread's and topic's counters. A private reply is left out (see
    ``counters``): everyone reads those counters, and they would show it exists and when."""
    # Greatest: two posts committing out of order must not move the thread back in time.
    Thread.objects.filter(pk=thread.pk).update(
        post_count=F("post_count") + 1,
        last_post_at=Greatest(Coalesce(F("last_post_at"), Value(now)), Value(now)),
        latest_post_id=Greatest(F("latest_post_id"), Value(post.pk)),
    )
    # The topic the thread is in now, read after the thread's row is locked: a thread moved
    # meanwhile (``moderation.move_thread``) counts this post in its new topic.
    Topic.objects.filter(threads=thread.pk).update(post_count=F("post_count") + 1)


def _is_opener(post: Post) -> bool:
    """Whether a top-level post is the first of its thread (paths sort in time order)."""
    first = (Post.objects.filter(thread_id=post.thread_id, parent=None)
             .order_by("path").values_list("pk", flat=True).first())
    return first == post.pk


@transaction.atomic
def start_thread(*, topic: Topic, author: User, title: str, body: str,
                 kind: str = Thread.Kind.MEMBER, position: int = 0,
                 attachments: Sequence[CheckedFile] = ()) -> Thread:
    """Opens a thread in a topic with its first post (an announcement is pinned)."""
    thread = Thread.objects.create(
        community_id=topic.community_id, topic=topic, kind=kind, title=title,
        position=position, created_by=author, is_pinned=kind == Thread.Kind.ANNOUNCEMENT,
    )
    Topic.objects.filter(pk=topic.pk).update(thread_count=F("thread_count") + 1)
    publish_post(thread=thread, author=author, body=body, attachments=attachments)
    thread.refresh_from_db()
    return thread


# A topic's open questions and apply thread ---------------------------------------------------

def apply_thread_title() -> str:
    return _("How will you apply this in your own context?")


def open_topic_threads(topic: Topic, actor: User, questions: Sequence[QuestionDraft]) -> None:
    """Registered on ``topics.hooks.topic_created``: one thread per open question (in the
    order given, blank ones left out) and the apply thread, each opened by ``actor``."""
    for position, question in enumerate(q for q in questions if q.title.strip()):
        start_thread(topic=topic, author=actor, title=question.title.strip(),
                     body=question.body.strip() or question.title.strip(),
                     kind=Thread.Kind.QUESTION, position=position + 1)
    start_thread(topic=topic, author=actor, title=apply_thread_title(),
                 body=topic.apply_prompt.strip() or default_apply_prompt(),
                 kind=Thread.Kind.APPLY, position=APPLY_THREAD_POSITION)


@transaction.atomic
def add_question(*, topic: Topic, author: User, title: str, body: str = "") -> Thread:
    """Adds an open question after the others, opening its thread."""
    if topic.state == Topic.State.ARCHIVED:
        raise DiscussionRuleError(_("This topic is archived; its questions stay as they were."))
    last = (Thread.objects.filter(topic=topic, kind=Thread.Kind.QUESTION)
            .aggregate(last=Max("position"))["last"]) or 0
    return start_thread(topic=topic, author=author, title=title.strip(),
                        body=body.strip() or title.strip(), kind=Thread.Kind.QUESTION,
                        position=last + 1)


@transaction.atomic
def move_question(*, topic: Topic, thread: Thread, direction: Literal["up", "down"]) -> None:
    """Moves an open question one place up or down; positions become 1..n on the way."""
    questions = list(
        Thread.objects.select_for_update()
        .filter(topic=topic, kind=Thread.Kind.QUESTION).order_by("position", "pk")
    )
    index = next((i for i, q in enumerate(questions) if q.pk == thread.pk), None)
    if index is None:
        raise DiscussionRuleError(_("That is not one of this topic's open questions."))
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
    for position, question in enumerate(questions, start=1):
        if question.position != position:
            question.position = position
            question.save(update_fields=["position"])


# Posts ----------------------------------------------------------------------------------------

@transaction.atomic
def edit_post(*, post: Post, editor: User, body: str) -> Post:
    """Changes a post's text, keeping the text it replaces as a revision (facilitators can
    see how a post changed). An edit that changes nothing leaves no trace."""
    if body == post.body:
        return post
    PostRevision.objects.create(post=post, body=post.body, edited_by=editor)
    post.body = body
    post.body_html = render_markdown(body)
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    rewritten(post.thread.community_id, post.created_at)  # its words counted anew
    return post


def _greatest() -> str:
    return "GREATEST" if connection.vendor == "postgresql" else "MAX"


def record_reading(*, user: User, thread: Thread, up_to_post_id: int,
                   new_visit: bool = True, previous: ThreadRead | None = None) -> None:
    """Records that a member has read a thread up to a post: one upsert. The mark never
    moves back (re-reading an older page keeps it), and each new visit is counted.

    Given the mark as it was (``previous``), nothing is written when it would not move and
    this is no new visit: reloading a page or paging back, or coming back within
    ``VISIT_GAP`` (one sitting is one visit). A visit counted is counted on its day too
    (``ThreadVisitDay``, UTC): a second upsert."""
    now = timezone.now()
    if previous is not None and previous.last_read_post_id >= up_to_post_id and (
            not new_visit or now - previous.last_read_at < VISIT_GAP):
        return
    table = connection.ops.quote_name(ThreadRead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608 (table name from the model, values bound)
            "(user_id, thread_id, last_read_post_id, first_read_at, last_read_at, visits) "
            "VALUES (%s, %s, %s, %s, %s, 1) "
            "ON CONFLICT (user_id, thread_id) DO UPDATE SET "
            f"last_read_post_id = {_greatest()}({table}.last_read_post_id, "
            "excluded.last_read_post_id), "
            "last_read_at = excluded.last_read_at, "
            f"visits = {table}.visits + %s",
            [user.pk, thread.pk, up_to_post_id, now, now, 1 if new_visit else 0],
        )
    if new_visit:
        _count_visit_day(user_id=user.pk, thread=thread, day=now.astimezone(UTC).date())


def _count_visit_day(*, user_id: int, thread: Thread, day: date) -> None:
    """Adds one visit to a member's day in a thread: one upsert."""
    table = connection.ops.quote_name(ThreadVisitDay._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608 (table name from the model, values bound)
            "(community_id, user_id, thread_id, day, visits) VALUES (%s, %s, %s, %s, 1) "
            "ON CONFLICT (user_id, thread_id, day) DO UPDATE SET "
            f"visits = {table}.visits + 1",
            [thread.community_id, user_id, thread.pk,
             connection.ops.adapt_datefield_value(day)],
        )


def mark_all_read(*, user: User, community: Community) -> None:
    """Marks every thread of a community read up to the latest post the member may see, in
    one statement. Visits are not counted: marking is not reading."""
    table = connection.ops.quote_name(ThreadRead._meta.db_table)
    threads = connection.ops.quote_name(Thread._meta.db_table)
    posts = connection.ops.quote_name(Post._meta.db_table)
    now = timezone.now()
    # ``latest_post_id`` leaves private replies out (``counters``): the member's own, sent
    # or received, may be later.
    latest_private = (
        f"(SELECT MAX(p.id) FROM {posts} p WHERE p.thread_id = t.id "  # noqa: S608
        "AND p.private_to_id IS NOT NULL AND (p.author_id = %s OR p.private_to_id = %s))"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608 (table names from the models, values bound)
            "(user_id, thread_id, last_read_post_id, first_read_at, last_read_at, visits) "
            f"SELECT %s, t.id, {_greatest()}(t.latest_post_id, "
            f"COALESCE({latest_private}, 0)), %s, %s, 0 FROM {threads} t "
            "WHERE t.community_id = %s "
            "ON CONFLICT (user_id, thread_id) DO UPDATE SET "
            f"last_read_post_id = {_greatest()}({table}.last_read_post_id, "
            "excluded.last_read_post_id)",
            [user.pk, user.pk, user.pk, now, now, community.pk],
        )
