"""The door for the engagement analytics: who sees whose figures.

- The community's figures (every member's row of the engagement table, its exports, the
  activity charts and the reply network, which name members) are for its stewards and
  facilitators, and site admins.
- "Mine" (one's own row and one's own weekly activity) is for any member: a member never
  sees another member's individual figures, not even a researcher who works in the back
  office (a researcher who is a member sees their own, as any member).
- Anyone else is refused as ``access_community`` refuses: a 404 for a community they may not
  know about, a 403 (or the way to log in) otherwise.
"""

from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import PermissionDenied

from praxis.access.community import CommunityAccess, access_community
from praxis.accounts.models import AnyUser
from praxis.communities.models import Community

AnalyticsScope = Literal["community", "mine"]


def may_see_community_analytics(access: CommunityAccess) -> bool:
    """Every member's figures: stewards, facilitators and site admins."""
    return access.can_lead_topics


def may_see_own_analytics(access: CommunityAccess) -> bool:
    """One's own figures: any member."""
    return access.is_member


@dataclass(frozen=True)
class AnalyticsAccess:
    """One person's view of one community's analytics, in one scope."""

    community_access: CommunityAccess
    scope: AnalyticsScope
    user_id: int

    @property
    def community(self) -> Community:
        return self.community_access.community

    @property
    def is_mine(self) -> bool:
        return self.scope == "mine"

    @property
    def only_user_id(self) -> int | None:
        """The one member whose figures the page may show (on "mine"), else None: all."""
        return self.user_id if self.is_mine else None

    @property
    def can_see_community(self) -> bool:
        """Whether the community's figures are theirs to open (a link to them)."""
        return may_see_community_analytics(self.community_access)

    @property
    def can_see_own(self) -> bool:
        """Whether they have figures of their own here (a link to "mine")."""
        return may_see_own_analytics(self.community_access)


def access_analytics(user: AnyUser, slug: str, *, scope: AnalyticsScope) -> AnalyticsAccess:
    """Finds the community for this person's analytics, or refuses as ``access_community``
    does (404 for a community they may not know, PermissionDenied otherwise)."""
    access = access_community(user, slug, need="see")
    allowed = (may_see_own_analytics(access) if scope == "mine"
               else may_see_community_analytics(access))
    if not allowed or not user.is_authenticated:
        raise PermissionDenied
    return AnalyticsAccess(community_access=access, scope=scope, user_id=user.pk)
