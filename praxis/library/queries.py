"""Reads of the library that its pages and reports share: the newest resources, the most
read ones, the tags in use, and who read what. Each returns a queryset or a list with its
related rows chosen here, so a page's queries do not grow with its rows."""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from praxis.communities.models import Community
from praxis.library.models import Resource, ResourceRead, Tag

MOST_READ_DAYS = 30
MOST_READ_SECONDS = 15 * 60
MOST_READ_KEPT = 20  # the cache keeps the top 20; a longer list is counted each time
LIST_FIELDS = ("id", "title", "community_id", "kind", "created_at")


def resources(community: Community) -> QuerySet[Resource]:
    """A community's resources, newest first, with who added them and their tags."""
    return (
        Resource.objects.filter(community=community)
        .select_related("added_by")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "name", "slug",
                                                                     "community_id")))
        .order_by("-created_at", "-pk")
    )


def most_read_key(community: Community) -> str:
    # created_at too: a community's id may be used again after one is deleted.
    return f"praxis:library:most-read:{community.pk}:{community.created_at.timestamp()}"


def most_read(community: Community, *, since: datetime | None = None,
              limit: int = 5) -> list[Resource]:
    """The resources most members opened since ``since`` (the past 30 days unless told),
    each with ``readers``: how many different members.

    The past 30 days' list is kept in the cache for ``MOST_READ_SECONDS`` and dropped when a
    member's first reading of a resource that day is recorded: counting a month of readings
    grows with the community (a large one reads ~100,000 rows), the list it gives does not."""
    if since is not None or limit > MOST_READ_KEPT:
        return _most_read(community, since or timezone.now() - timedelta(days=MOST_READ_DAYS),
                          limit)
    key = most_read_key(community)
    ranked: list[tuple[int, int]] | None = cache.get(key)
    if ranked is None:
        since = timezone.now() - timedelta(days=MOST_READ_DAYS)
        ranked = [(resource.pk, resource.readers)  # type: ignore[attr-defined]
                  for resource in _most_read(community, since, MOST_READ_KEPT)]
        cache.set(key, ranked, MOST_READ_SECONDS)
    ranked = ranked[:limit]
    found = Resource.objects.filter(pk__in=[pk for pk, _ in ranked]).only(*LIST_FIELDS).in_bulk()
    listed = []
    for pk, readers in ranked:
        if pk in found:  # removed since
            found[pk].readers = readers  # type: ignore[attr-defined]
            listed.append(found[pk])
    return listed


def _most_read(community: Community, since: datetime, limit: int) -> list[Resource]:
    return list(
        Resource.objects.filter(community=community, reads__opened_at__gte=since)
        .annotate(readers=Count("reads__user", distinct=True))
        .order_by("-readers", "-created_at", "-pk")
        .only(*LIST_FIELDS)[:limit]
    )


def tags_in_use(community: Community) -> QuerySet[Tag]:
    """The community's tags with ``resource_count``, by name."""
    return (
        Tag.objects.filter(community=community)
        .annotate(resource_count=Count("resources"))
        .filter(resource_count__gt=0)
        .order_by("name")
    )


def reader_count(resource: Resource) -> int:
    """How many different members have opened the resource."""
    return ResourceRead.objects.filter(resource=resource).values("user").distinct().count()


def reads_by_member(community: Community, *, start: datetime,
                    end: datetime) -> dict[int, int]:
    """For analytics: per member id, the resources of the community they opened in the
    window (one per resource and day). Uses the (user, opened_at) and (resource, opened_at)
    indexes."""
    rows = (
        ResourceRead.objects.filter(resource__community=community, opened_at__gte=start,
                                    opened_at__lt=end)
        .values("user_id").annotate(reads=Count("id"))
    )
    return {row["user_id"]: row["reads"] for row in rows}

