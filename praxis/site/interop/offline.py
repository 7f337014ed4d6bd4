"""A whole topic as one file to read offline or print: a self-contained HTML file, or a PDF
(``pdf.py``).

The file holds the topic's dates, facilitators, summary, seed article reference, apply
prompt, every thread with all its posts in tree order, and the synthesis once published. It
loads nothing: the stylesheet is inline, there is no script and no image. The door decides
who may download it (as for reading the topic), and hidden posts stay placeholders for
everyone who may not read them on the site.

Both come from ``queries.offline_topic``, so they hold the same. A constant number of
queries, whatever the number of threads and posts; a reader whose copy is still current gets
a 304 before the threads and posts are read (``conditional.py``).
"""

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from praxis.access import TopicAccess, access_topic
from praxis.interop import pdf
from praxis.interop.conditional import fingerprint, unless_fresh
from praxis.interop.queries import offline_topic, topic_changed_at
from praxis.site.decorators import login_on_refusal


def _addresses(request: HttpRequest, access: TopicAccess) -> dict[str, str]:
    args = [access.community.slug, access.topic.slug]
    return {
        "topic_url": request.build_absolute_uri(access.topic.get_absolute_url()),
        "seed_url": request.build_absolute_uri(reverse("topics:seed_article", args=args)),
    }


def render_offline(request: HttpRequest, access: TopicAccess) -> str:
    content = offline_topic(access)
    return render_to_string("interop/topic_offline.html", {
        "sections": content.sections,
        "topic": content.topic,
        "community": access.community,
        **_addresses(request, access),
    })


def render_pdf(request: HttpRequest, access: TopicAccess) -> bytes:
    return pdf.render_pdf(offline_topic(access), community=access.community,
                          **_addresses(request, access))


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


def _download(request: HttpRequest, slug: str, topic_slug: str, *, extension: str,
              content_type: str, render: Callable[[HttpRequest, TopicAccess], str | bytes],
              ) -> HttpResponse:
    access = access_topic(request.user, slug, topic_slug, need="read")
    changed_at = topic_changed_at(access.topic)
    # Besides that moment (to the microsecond), the file depends on the reader's language,
    # which hidden posts they see, and the community's name.
    etag = fingerprint(extension, changed_at, translation.get_language(), access.can_moderate,
                       request.user.pk, access.community.name)
    response = unless_fresh(
        request, changed_at=changed_at, etag=etag,
        build=lambda: HttpResponse(render(request, access), content_type=content_type),
    )
    response["Content-Disposition"] = attachment_header(access.topic.slug, extension)
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    # A file to keep, with its stylesheet inside it: opened from the site, it runs nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@require_GET
@login_on_refusal
def topic_offline(request: HttpRequest, slug: str, topic_slug: str) -> HttpResponse:
    return _download(request, slug, topic_slug, extension="html",
                     content_type="text/html; charset=utf-8", render=render_offline)


@require_GET
@login_on_refusal
def topic_pdf(request: HttpRequest, slug: str, topic_slug: str) -> HttpResponse:
    return _download(request, slug, topic_slug, extension="pdf",
                     content_type="application/pdf", render=render_pdf)
