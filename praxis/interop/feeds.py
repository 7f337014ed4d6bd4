"""Atom feeds of posts and the iCalendar feed of topic dates, built from what the views
hand over (the permission door has decided before anything here runs)."""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from praxis.communities.models import Community
from praxis.discussions.models import Post
from praxis.topics.models import Topic

Absolute = Callable[[str], str]


class HtmlContentAtomFeed(Atom1Feed):
    """Atom with the entry's HTML as ``<content type="html">`` (readers show it whole)."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


def _add_post(feed: Atom1Feed, post: Post, slug: str, absolute: Absolute) -> None:
    link = absolute(Post.address(slug, post.pk))
    feed.add_item(
        title=_("%(author)s in %(thread)s") % {
            "author": post.author, "thread": post.thread.title,
        },
        link=link,
        description=None,  # type: ignore[arg-type]  # Atom: no summary, the content
        content=post.body_html,
        author_name=str(post.author),
        pubdate=post.created_at,
        updateddate=post.edited_at or post.created_at,
        unique_id=link,
    )


def community_feed(community: Community, posts: Iterable[Post], *, link: str,
                   feed_url: str, absolute: Absolute) -> HtmlContentAtomFeed:
    feed = HtmlContentAtomFeed(
        title=community.name, link=link, feed_url=feed_url, id=link,
        description=_("The latest posts in %(community)s") % {"community": community.name},
        language=None,
    )
    for post in posts:
        _add_post(feed, post, community.slug, absolute)
    return feed


def topic_feed(community: Community, topic: Topic, posts: Iterable[Post], *, link: str,
               feed_url: str, absolute: Absolute) -> HtmlContentAtomFeed:
    feed = HtmlContentAtomFeed(
        title=f"{topic.title} · {community.name}", link=link, feed_url=feed_url, id=link,
        description=_("The latest posts in the topic %(topic)s") % {"topic": topic.title},
        language=None,
    )
    if topic.synthesis_published_at and topic.synthesis_html:
        feed.add_item(
            title=_("Closing synthesis: %(topic)s") % {"topic": topic.title},
            link=link,
            description=None,  # type: ignore[arg-type]  # Atom: no summary, the content
            content=topic.synthesis_html,
            pubdate=topic.synthesis_published_at,
            updateddate=topic.synthesis_published_at,
            unique_id=link + "#synthesis",
        )
    for post in posts:
        _add_post(feed, post, community.slug, absolute)
    return feed


# iCalendar (RFC 5545), written by hand -------------------------------------------------------

def escape_text(value: str) -> str:
    """A TEXT value: backslashes, semicolons, commas and newlines escaped (3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


ICAL_LINE_OCTETS = 75


def fold(line: str) -> str:
    """Folds a content line at 75 octets (3.1), never inside a UTF-8 character; each
    continuation starts with a space, which counts toward its 75."""
    parts: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = len(char.encode())
        if size + width > ICAL_LINE_OCTETS:
            parts.append(current)
            current, size = "", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def ical_datetime(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def topics_calendar(community: Community, topics: Iterable[Topic], *, host: str,
                    topic_url: Callable[[Topic], str], stamp: datetime | None = None) -> str:
    """One event per topic (start to end) and one for the start of its apply phase;
    ``stamp`` (DTSTAMP) is when the calendar last changed, or now."""
    stamp_text = ical_datetime(stamp or timezone.now())
    host = host.split(":")[0] or "praxis"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Praxis//Topic dates//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:" + escape_text(community.name),
    ]
    for topic in topics:
        url = topic_url(topic)
        apply_note = _("Apply phase from %(date)s.") % {
            "date": topic.apply_from.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        }
        description = "\n\n".join(part for part in (topic.summary, apply_note, url) if part)
        lines += [
            "BEGIN:VEVENT",
            f"UID:topic-{topic.pk}@{host}",
            f"DTSTAMP:{stamp_text}",
            f"DTSTART:{ical_datetime(topic.starts_at)}",
            f"DTEND:{ical_datetime(topic.ends_at)}",
            "SUMMARY:" + escape_text(topic.title),
            "DESCRIPTION:" + escape_text(description),
            "URL:" + url,
            "END:VEVENT",
            "BEGIN:VEVENT",
            f"UID:topic-{topic.pk}-apply@{host}",
            f"DTSTAMP:{stamp_text}",
            f"DTSTART:{ical_datetime(topic.apply_from)}",
            "SUMMARY:" + escape_text(
                _("Apply phase begins: %(topic)s") % {"topic": topic.title}
            ),
            "DESCRIPTION:" + escape_text(topic.apply_prompt or url),
            "URL:" + url,
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
