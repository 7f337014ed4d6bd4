"""Reads of the library that its pages and reports share: the newest resources, the most
read ones, the tags in use, and who read what. Each returns a queryset or a list with its
related rows chosen here, so a page's queries do not grow with its rows."""

from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from praxis.communities.models import Community
from praxis.library.models import Resource, ResourceRead, Tag

MOST_READ_DAYS = 30


def resources(community: Community) -> QuerySet[Resource]:
    """A community's resources, newest first, with who added them and their tags."""
    return (
        Resource.objects.filter(community=community)
        .select_related("added_by")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "name", "slug",
                                                                     "community_id")))
        .order_by("-created_at", "-pk")
    )


def most_read(community: Community, *, since: datetime | None = None,
              limit: int = 5) -> list[Resource]:
    """The resources most members opened since ``since`` (the past 30 days unless told),
    each with ``readers``: how many different members."""
    since = since or timezone.now() - timedelta(days=MOST_READ_DAYS)
    return list(
        Resource.objects.filter(community=community, reads__opened_at__gte=since)
        .annotate(readers=Count("reads__user", distinct=True))
        .order_by("-readers", "-created_at", "-pk")
        .only("id", "title", "community_id", "kind", "created_at")[:limit]
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

