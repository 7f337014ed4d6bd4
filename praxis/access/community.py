"""The door for communities: who may know of, read, join and run a community.

A community that a person may not know about raises ``Http404`` (its existence stays
private); one they may see but not act in raises ``PermissionDenied``.
"""

from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from praxis.accounts.models import AnyUser
from praxis.communities.models import Community, Membership

# What a page or entry point needs of a community; mypy checks every caller's spelling.
CommunityNeed = Literal["see", "read", "view_members", "manage", "lead_topics",
                        "propose_topics", "follow", "track_reading"]


@dataclass(frozen=True)
class CommunityAccess:
    """What one person may do in one community, decided once per request."""

    community: Community
    membership: Membership | None
    is_site_admin: bool = False

    @property
    def is_member(self) -> bool:
        return self.membership is not None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def can_see(self) -> bool:
        """Knows the community exists: its name, description and how to join."""
        return (
            self.community.visibility != Community.Visibility.PRIVATE
            or self.is_member
            or self.is_site_admin
        )

    @property
    def can_read(self) -> bool:
        """Reads what the community shares (topics, discussions, library)."""
        return (
            self.community.visibility == Community.Visibility.PUBLIC
            or self.is_member
            or self.is_site_admin
        )

    @property
    def can_view_members(self) -> bool:
        """The member directory is personal data: members only, even in a public community."""
        return self.is_member or self.is_site_admin

    @property
    def can_follow(self) -> bool:
        """Choose what to hear of by email, and get it: members only (email reaches no one
        who has not joined, whatever the community's visibility)."""
        return self.is_member

    @property
    def can_track_reading(self) -> bool:
        """What is new since one last read, and marking it read: members, whose reading is
        recorded."""
        return self.is_member

    @property
    def can_manage(self) -> bool:
        """Stewards run the community: settings, invitations, requests, roles, cohorts."""
        return self.is_site_admin or (
            self.membership is not None and self.membership.role == Membership.Role.STEWARD
        )

    @property
    def can_lead_topics(self) -> bool:
        return self.can_manage or (
            self.membership is not None and self.membership.role == Membership.Role.FACILITATOR
        )

    @property
    def can_propose_topics(self) -> bool:
        """Propose topics and support proposals: the community's own members."""
        return self.is_member

    @property
    def can_join_directly(self) -> bool:
        return not self.is_member and self.community.join_policy == Community.JoinPolicy.OPEN

    @property
    def can_request_to_join(self) -> bool:
        return not self.is_member and self.community.join_policy == Community.JoinPolicy.REQUEST


def _is_site_admin(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def membership_of(user: AnyUser, community: Community) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, community=community).first()


def community_access(user: AnyUser, community: Community) -> CommunityAccess:
    return CommunityAccess(
        community=community,
        membership=membership_of(user, community),
        is_site_admin=_is_site_admin(user),
    )


def allows(access: CommunityAccess, need: CommunityNeed) -> bool:
    match need:
        case "see":
            return access.can_see
        case "read":
            return access.can_read
        case "view_members":
            return access.can_view_members
        case "manage":
            return access.can_manage
        case "lead_topics":
            return access.can_lead_topics
        case "propose_topics":
            return access.can_propose_topics
        case "follow":
            return access.can_follow
        case "track_reading":
            return access.can_track_reading
        case _:  # a caller mypy did not check
            raise ValueError(f"unknown need {need!r}")


def access_community(user: AnyUser, slug: str, *, need: CommunityNeed = "see",
                     ) -> CommunityAccess:
    """Finds a community by slug for this person, or refuses: Http404 when the person may
    not know the community exists, PermissionDenied when they may know it but not do what
    they need."""
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise Http404
    access = community_access(user, community)
    if not access.can_see:
        raise Http404
    if not allows(access, need):
        raise PermissionDenied
    return access


def visible_communities(user: AnyUser) -> QuerySet[Community]:
    """Communities a person may know about: public and listed ones, and their own."""
    if _is_site_admin(user):
        return Community.objects.all()
    shown = ~Q(visibility=Community.Visibility.PRIVATE)
    if user.is_authenticated:
        shown |= Q(memberships__user=user)
    return Community.objects.filter(shown).distinct()


def can_create_community(user: AnyUser) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.is_staff:
        return True
    if settings.PRAXIS_COMMUNITY_CREATORS == "everyone":
        return True
    return Membership.objects.filter(user=user, role=Membership.Role.STEWARD).exists()


def require_can_create_community(user: AnyUser) -> None:
    if not can_create_community(user):
        raise PermissionDenied


def stewarded_communities(user: AnyUser) -> QuerySet[Community]:
    """The communities a person runs: what the back office lets them change."""
    if _is_site_admin(user):
        return Community.objects.all()
    if not user.is_authenticated:
        return Community.objects.none()
    return Community.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.STEWARD
    )


def readable_communities(user: AnyUser) -> QuerySet[Community]:
    """Communities whose content a person may read: public ones and their own.

    Search and any cross-community list filter by this, so private content never leaks.
    """
    if _is_site_admin(user):
        return Community.objects.all()
    readable = Q(visibility=Community.Visibility.PUBLIC)
    if user.is_authenticated:
        readable |= Q(memberships__user=user)
    return Community.objects.filter(readable).distinct()
