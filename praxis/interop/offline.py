"""A whole topic as one self-contained HTML file, to read offline or print.

The file holds the topic's dates, facilitators, summary, seed article reference, apply
prompt, every thread with all its posts in tree order, and the synthesis once published. It
loads nothing: the stylesheet is inline, there is no script and no image. The door decides
who may download it (as for reading the topic), and hidden posts stay placeholders for
everyone who may not read them on the site.

A constant number of queries, whatever the number of threads and posts.
"""

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from praxis.communities.decorators import login_on_refusal
from praxis.communities.permissions import TopicAccess, access_topic
from praxis.discussions.models import Post, Thread
from praxis.topics.models import Topic
from praxis.topics.queries import topic_with_details

MAX_VISUAL_DEPTH = 4


@dataclass(frozen=True)
class OfflinePost:
    post: Post
    indent: int
    show_body: bool


@dataclass(frozen=True)
class OfflineThread:
    thread: Thread
    posts: list[OfflinePost]


@dataclass(frozen=True)
class OfflineTopic:
    topic: Topic
    questions: list[OfflineThread]
    apply_thread: OfflineThread | None
    others: list[OfflineThread]

    def sections(self) -> list[tuple[str, list[OfflineThread]]]:
        """The threads under their headings, in reading order; empty groups left out."""
        groups = [
            (_("Open questions"), self.questions),
            (_("Applying it to our contexts"), [self.apply_thread] if self.apply_thread else []),
            (_("Members' questions and session plans"), self.others),
        ]
        return [(heading, threads) for heading, threads in groups if threads]


def _posts() -> Prefetch:
    return Prefetch(
        "posts",
        queryset=Post.objects.select_related("author")
        .only("id", "thread_id", "author_id", "parent_id", "path", "depth", "body_html",
              "created_at", "edited_at", "is_hidden",
              "author__id", "author__display_name", "author__email")
        .order_by("path"),
    )


def offline_topic(access: TopicAccess) -> OfflineTopic:
    """The topic with its details and every thread with every post: four queries (topic,
    facilitators, threads, posts)."""
    topic = topic_with_details(access.topic)
    threads = list(
        Thread.objects.filter(topic=topic).select_related("created_by")
        .prefetch_related(_posts()).order_by("position", "created_at", "pk")
    )

    def shown(thread: Thread) -> OfflineThread:
        return OfflineThread(thread=thread, posts=[
            OfflinePost(post=post, indent=min(post.depth, MAX_VISUAL_DEPTH),
                        show_body=access.can_see_post_body(post))
            for post in thread.posts.all()
        ])

    questions = [shown(t) for t in threads if t.kind == Thread.Kind.QUESTION]
    applies = [t for t in threads if t.kind == Thread.Kind.APPLY]
    others = sorted(
        (t for t in threads if t.kind not in (Thread.Kind.QUESTION, Thread.Kind.APPLY)),
        key=lambda t: (not t.is_pinned, t.created_at, t.pk),
    )
    return OfflineTopic(
        topic=topic,
        questions=questions,
        apply_thread=shown(applies[0]) if applies else None,
        others=[shown(t) for t in others],
    )


def render_offline(request: HttpRequest, access: TopicAccess) -> str:
    content = offline_topic(access)
    topic = content.topic
    slug = access.community.slug
    return render_to_string("interop/topic_offline.html", {
        "content": content,
        "sections": content.sections(),
        "topic": topic,
        "community": access.community,
        "topic_url": request.build_absolute_uri(reverse("topics:detail", args=[slug, topic.slug])),
        "seed_url": request.build_absolute_uri(
            reverse("topics:seed_article", args=[slug, topic.slug])
        ),
    })


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def attachment_header(name: str, extension: str = "html") -> str:
    """``attachment`` with an ASCII ``filename`` any browser reads and, for a name with
    other letters (a Persian slug), the exact name in ``filename*`` (RFC 6266 / 5987)."""
    full = f"{name}.{extension}"
    ascii_name = _UNSAFE.sub("-", unicodedata.normalize("NFKD", name)
                             .encode("ascii", "ignore").decode()).strip("-.")
    fallback = f"{ascii_name or 'topic'}.{extension}"
    if fallback == full:
        return f'attachment; filename="{full}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(full, safe='')}"


@require_GET
@login_on_refusal
def topic_offline(request: HttpRequest, slug: str, topic_slug: str) -> HttpResponse:
    access = access_topic(request.user, slug, topic_slug, need="read")
    response = HttpResponse(render_offline(request, access),
                            content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = attachment_header(access.topic.slug)
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response
