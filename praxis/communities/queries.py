"""Reads about communities that views and reports share; query shapes are decided here."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from praxis.accounts.models import AnyUser, User
from praxis.communities.models import Cohort, Community, Invitation, JoinRequest, Membership
from praxis.core.models import AuditEvent


def communities_of(user: User) -> QuerySet[Membership]:
    """A person's memberships with their communities and member counts, for their home page."""
    return (
        Membership.objects.filter(user=user)
        .select_related("community")
        .annotate(member_count=Count("community__memberships"))
        .order_by("community__name")
    )


def discoverable_communities(user: AnyUser, visible: QuerySet[Community],
                             ) -> QuerySet[Community]:
    """Of the communities a person may see (``visible``, the door's answer), those they have
    not joined, with member counts."""
    communities = visible
    if user.is_authenticated:
        communities = communities.exclude(memberships__user=user)
    return communities.annotate(member_count=Count("memberships", distinct=True)).order_by("name")


@dataclass(frozen=True)
class DirectoryFilter:
    query: str = ""
    role: str = ""
    tier: str = ""
    cohort_id: int | None = None


def member_directory(community: Community, filters: DirectoryFilter) -> QuerySet[Membership]:
    """The members of a community with their cohorts, filtered, in a constant number of queries."""
    members = (
        Membership.objects.filter(community=community)
        .select_related("user")
        .prefetch_related(Prefetch("cohorts", queryset=Cohort.objects.only("id", "name")))
        .order_by("user__display_name", "user__id")
    )
    if filters.query:
        members = members.filter(
            Q(user__display_name__icontains=filters.query)
            | Q(user__institution__icontains=filters.query)
            | Q(user__region__icontains=filters.query)
        )
    if filters.role:
        members = members.filter(role=filters.role)
    if filters.tier:
        members = members.filter(tier=filters.tier)
    if filters.cohort_id:
        members = members.filter(cohorts__id=filters.cohort_id)
    return members


def community_counts(community: Community) -> dict[str, int]:
    """Members by role and tier, for the community's home page."""
    counts = dict.fromkeys(["total", *Membership.Role.values, *Membership.Tier.values], 0)
    rows = Membership.objects.filter(community=community).values("role", "tier").annotate(
        n=Count("id")
    )
    for row in rows:
        counts["total"] += row["n"]
        counts[row["role"]] += row["n"]
        if row["tier"]:
            counts[row["tier"]] += row["n"]
    return counts


def cohorts_of(community: Community) -> QuerySet[Cohort]:
    return (
        Cohort.objects.filter(community=community)
        .annotate(member_count=Count("members", distinct=True))
        .prefetch_related(
            Prefetch("trainers", queryset=Membership.objects.select_related("user"))
        )
    )


def pending_join_requests(community: Community) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(
        community=community, status=JoinRequest.Status.PENDING
    ).select_related("user")


def invitations_of(community: Community) -> QuerySet[Invitation]:
    return Invitation.objects.filter(community=community).select_related(
        "invited_by", "accepted_by"
    )


def sole_stewardships(user: User) -> QuerySet[Community]:
    """The communities where ``user`` is the only steward: they cannot leave them, nor
    erase their account, until someone else is a steward there."""
    others = Membership.objects.filter(
        community=OuterRef("community"), role=Membership.Role.STEWARD).exclude(user=user)
    return Community.objects.filter(
        pk__in=Membership.objects.filter(user=user, role=Membership.Role.STEWARD)
        .exclude(Exists(others)).values("community")
    ).order_by("name")


def stewards_of(community: Community) -> QuerySet[User]:
    return User.objects.filter(memberships__community=community,
                               memberships__role=Membership.Role.STEWARD).order_by("display_name")


@dataclass(frozen=True)
class ProcessingCounts:
    """The numbers on a community's record of processing."""

    members: int
    # Within the audit log's retention (PRAXIS_AUDIT_DAYS): exports made by the community's
    # present members, and accounts erased by people who were members when they erased it.
    exports: int
    erasures: int


def processing_counts(community: Community) -> ProcessingCounts:
    members = Membership.objects.filter(community=community)
    return ProcessingCounts(
        members=members.count(),
        exports=AuditEvent.objects.filter(
            kind=AuditEvent.Kind.EXPORT, actor__in=members.values("user")).count(),
        erasures=AuditEvent.objects.filter(
            kind=AuditEvent.Kind.ERASURE, subject__contains=f"[{community.slug}]").count(),
    )
