"""The counters pages show, kept beside what they count.

The services change them with ``F()`` updates in the same transaction as the write
(``publish_post``, ``start_thread``, ``move_thread``), so a list of topics or threads reads
them instead of counting. ``recount`` sets them again from the rows themselves: after a bulk
import or the demo's bulk inserts, and as the check that they are right.

Private replies are not counted: lists of threads and topics are read by everyone, and a
count, a "latest activity" time or a latest post id that moved would tell them that a
private reply exists and when it was written. Its two people learn of it from their unread
counts (``queries.unread_threads``), which count the posts each person may see.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from praxis.discussions.models import Post, Thread
from praxis.topics.models import Topic


def _count(rows: QuerySet[Any]) -> Coalesce:
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def recount_threads(thread_ids: Iterable[int] | None = None) -> None:
    """Each thread's ``post_count``, ``last_post_at`` and ``latest_post_id`` from its public
    posts (all threads when ``thread_ids`` is None): one UPDATE."""
    posts = (Post.objects.filter(thread=OuterRef("pk"), private_to=None)  # see above
             .order_by().values("thread"))
    threads = Thread.objects.all() if thread_ids is None else Thread.objects.filter(
        pk__in=list(thread_ids))
    threads.update(
        post_count=_count(posts.annotate(n=Count("pk")).values("n")),
        last_post_at=Subquery(posts.annotate(last=Max("created_at")).values("last")),
        latest_post_id=_count(posts.annotate(latest=Max("pk")).values("latest")),
    )


def recount_topics(topic_ids: Iterable[int] | None = None) -> None:
    """Each topic's ``thread_count`` and ``post_count`` from its threads (all topics when
    ``topic_ids`` is None): one UPDATE."""
    threads = Thread.objects.filter(topic=OuterRef("pk")).order_by().values("topic")
    topics = Topic.objects.all() if topic_ids is None else Topic.objects.filter(
        pk__in=list(topic_ids))
    topics.update(
        thread_count=_count(threads.annotate(n=Count("pk")).values("n")),
        post_count=_count(threads.annotate(n=Sum("post_count")).values("n")),
    )


def recount(*, thread_ids: Iterable[int] | None = None,
            topic_ids: Iterable[int] | None = None) -> None:
    """Threads' counters from their posts, then topics' from their threads."""
    recount_threads(thread_ids)
    recount_topics(topic_ids)
