"""The parts of a post on the thread page that every reader sees the same, rendered once.

A visible post's header (author, role, date, "by email") and its text with attachments
depend only on the post, the reader's language, time zone and low-bandwidth choice, and the
author's role in the topic; the rest (reply, edit and moderation links, reactions, the
"edited" link, the "in reply to" line) is the reader's and the page's. The first two are
kept in the cache for ``FRAGMENT_SECONDS``, fetched for a page in one ``get_many``; a key
names everything they depend on, so an edit, a renamed or erased author or a new role makes
a new key and the old entry simply expires. Hidden posts are always rendered afresh.
"""

import hashlib
from collections.abc import Sequence

from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from praxis.discussions.models import Post

FRAGMENT_SECONDS = 24 * 3600
_META = "discussions/includes/post_meta.html"
_BODY = "discussions/includes/post_body.html"


def _key(post: Post, slug: str, settings: str) -> str:
    stamp = hashlib.md5(  # not for security: a short name for what the parts show
        f"{post.author}|{post.created_at.isoformat()}|{post.edited_at}|{post.source}".encode(),
        usedforsecurity=False).hexdigest()[:16]
    role = getattr(post, "role", None) or "-"
    return f"praxis:post-parts:1:{slug}:{post.pk}:{stamp}:{role}:{settings}"


def attach_fragments(posts: Sequence[Post], *, slug: str, low_bandwidth: bool) -> None:
    """Sets ``post.fragments`` (header, body) on every visible post of a thread page."""
    settings = f"{translation.get_language()}:{timezone.get_current_timezone_name()}:" \
               f"{int(low_bandwidth)}"
    visible = [post for post in posts
               if getattr(post, "show_body", False) and not post.is_hidden]
    keys = {post.pk: _key(post, slug, settings) for post in visible}
    found = cache.get_many(keys.values()) if keys else {}
    missing: dict[str, tuple[str, str]] = {}
    meta, body = get_template(_META), get_template(_BODY)
    for post in visible:
        parts = found.get(keys[post.pk])
        if parts is None:
            context = {"post": post, "low_bandwidth": low_bandwidth}
            parts = (str(meta.render(context)), str(body.render(context)))
            missing[keys[post.pk]] = parts
        post.fragments = (  # type: ignore[attr-defined]
            _safe(parts[0]), _safe(parts[1]))
    if missing:
        cache.set_many(missing, FRAGMENT_SECONDS)


def _safe(html: str) -> SafeString:
    return mark_safe(html)  # noqa: S308 (rendered by our own templates, escaped there)
