"""Writes in the library: adding something to read, as a link or an uploaded document, with
its citation and tags; changing and removing it; and recording that a member opened it.

Callers pass the permission door first; these functions keep the library's own rules: an
uploaded file is checked by its content and stored under a name Praxis chooses; a tag is one
row per community and slug; a member's reading is one row per resource and day.
"""

import os
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC
from typing import Any

from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from praxis.accounts.models import User
from praxis.communities.models import Community
from praxis.core.history import rewritten
from praxis.library import queries
from praxis.library.models import Resource, ResourceRead, Tag
from praxis.library.validators import validate_document

# The structured citation's fields a form may set (``details``).
CITATION_FIELDS = ("work_type", "authors", "year", "source", "publisher", "volume", "issue",
                   "pages", "doi", "licence")
MAX_TAGS = 10
TAG_LENGTH = 50


def tag_names(text: str) -> list[str]:
    """The tags in what a member typed: separated by commas (Latin or Persian), trimmed,
    without repeats (by slug), at most MAX_TAGS."""
    seen: dict[str, str] = {}
    for raw in text.replace("،", ",").split(","):
        name = " ".join(raw.split())[:TAG_LENGTH]
        slug = slugify(name, allow_unicode=True)
        if slug and slug not in seen:
            seen[slug] = name
    return list(seen.values())[:MAX_TAGS]


def _apply_details(resource: Resource, details: Mapping[str, Any] | None) -> None:
    for name, value in (details or {}).items():
        if name not in CITATION_FIELDS:
            raise ValueError(f"not a citation field: {name}")
        setattr(resource, name, value if value is not None or name == "year" else "")


def _set_tags(resource: Resource, names: Iterable[str]) -> None:
    """The resource's tags become ``names`` (new ones created in its community), and its
    ``tag_names`` (what the search index reads) with them."""
    wanted = {slugify(name, allow_unicode=True)[:60]: name for name in names}
    wanted.pop("", None)
    existing = {tag.slug: tag for tag in Tag.objects.filter(community_id=resource.community_id,
                                                             slug__in=list(wanted))}
    missing = [Tag(community_id=resource.community_id, slug=slug, name=name)
               for slug, name in wanted.items() if slug not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {tag.slug: tag for tag in Tag.objects.filter(
            community_id=resource.community_id, slug__in=list(wanted))}
    tags = [existing[slug] for slug in wanted if slug in existing]
    resource.tags.set(tags)
    resource.tag_names = ", ".join(sorted(tag.name for tag in tags))[:1000]
    Resource.objects.filter(pk=resource.pk).update(tag_names=resource.tag_names)


def _drop_unused_tags(community_id: int) -> None:
    Tag.objects.filter(community_id=community_id, resources__isnull=True).delete()


@transaction.atomic
def add_link(*, community: Community, added_by: User, title: str, url: str,
             citation: str = "", details: Mapping[str, Any] | None = None,
             tags: Iterable[str] = ()) -> Resource:
    """Adds a link to something to read elsewhere, with the citation members would quote
    (free text, and/or the structured ``details``) and its tags."""
    resource = Resource(community=community, kind=Resource.Kind.LINK, title=title, url=url,
                        citation=citation, added_by=added_by,
                        licence=Resource.Licence.LINK_ONLY)
    _apply_details(resource, details)
    resource.save()
    if tags:
        _set_tags(resource, tags)
    return resource


@transaction.atomic
def add_file(*, community: Community, added_by: User, upload: UploadedFile, title: str = "",
             citation: str = "", details: Mapping[str, Any] | None = None,
             tags: Iterable[str] = ()) -> Resource:
    """Stores an uploaded PDF, Word or OpenDocument file; refuses anything else
    (``ValidationError``). The stored name is random, the original name is kept for display."""
    kind = validate_document(upload)
    original = os.path.basename(upload.name or "")[:255] or f"document.{kind.extension}"
    resource = Resource(
        community=community, kind=Resource.Kind.FILE,
        title=title or os.path.splitext(original)[0][:300], citation=citation,
        original_name=original, content_type=kind.content_type, size=upload.size or 0,
        added_by=added_by,
    )
    _apply_details(resource, details)
    # The file is written before the row; a rolled-back row leaves an orphan file, which is
    # harmless and cheaper than the reverse (a row pointing at nothing).
    resource.file.save(f"{uuid.uuid4().hex}.{kind.extension}", upload, save=False)
    resource.save()
    if tags:
        _set_tags(resource, tags)
    return resource


@transaction.atomic
def update_resource(*, resource: Resource, title: str, citation: str, url: str = "",
                    details: Mapping[str, Any] | None = None,
                    tags: Iterable[str] = ()) -> Resource:
    """Corrects a resource's title, citation, tags and (for a link) its address; the file
    of an upload is kept: a new file is a new resource."""
    resource.title = title
    resource.citation = citation
    if resource.kind == Resource.Kind.LINK and url:
        resource.url = url
    _apply_details(resource, details)
    resource.save()
    _set_tags(resource, tags)
    _drop_unused_tags(resource.community_id)
    return resource


@transaction.atomic
def delete_resource(*, resource: Resource) -> None:
    """Removes a resource and its reading log; a topic it seeded keeps no article. The
    stored file goes once the removal is committed (a rolled-back removal keeps it)."""
    stored = resource.file.name if resource.kind == Resource.Kind.FILE else ""
    storage = resource.file.storage
    rewritten(resource.community_id)  # its reads, whenever they were
    resource.delete()
    _drop_unused_tags(resource.community_id)
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


def record_read(*, resource: Resource, reader: User) -> None:
    """Notes that a member opened a resource today: once a day (UTC, as a discussion's visit
    days) per member and resource (opening it again the same day changes nothing, whatever
    the race)."""
    now = timezone.now()
    day = now.astimezone(UTC).date()
    if ResourceRead.objects.filter(resource=resource, user=reader, day=day).exists():
        return
    ResourceRead.objects.bulk_create(
        [ResourceRead(resource=resource, user=reader, day=day, opened_at=now)],
        ignore_conflicts=True,
    )
    # A new reader may change the month's most read list: it is counted afresh.
    cache.delete(queries.most_read_key(resource.community))
