"""The door for the impact dashboard: who sees a community's numbers, and whose stories the
"stories to read" panel may list.

- The community's dashboard (every member's stories and events, counted) is for its
  stewards and facilitators, and site admins.
- "Mine" (the same panels over one's own stories and events) is for any member.
- A story is listed by title only to those who may read it: a story shared with the
  community to its members, one shared with the leaders to stewards, facilitators and site
  admins, a private one to its author alone. A private story still counts in the numbers,
  but no one else ever sees its title or text here, not even a steward or a site admin.
"""

from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from praxis.access.community import CommunityAccess, access_community
from praxis.access.stories import is_leader
from praxis.accounts.models import AnyUser
from praxis.communities.models import Community
from praxis.impact.models import ValueStory

DashboardScope = Literal["community", "mine"]


@dataclass(frozen=True)
class DashboardAccess:
    """One person's view of one community's impact dashboard, in one scope."""

    community_access: CommunityAccess
    scope: DashboardScope
    user_id: int

    @property
    def community(self) -> Community:
        return self.community_access.community

    @property
    def is_mine(self) -> bool:
        return self.scope == "mine"

    @property
    def can_see_community(self) -> bool:
        """Whether the community-wide dashboard is theirs to open (a link to it)."""
        return may_see_community_dashboard(self.community_access)

    def listed_stories(self) -> Q:
        """The stories the "stories to read" panel may list: on "mine" one's own (private
        ones too: they are the author's), on the community's those shared with the viewer
        (never a private one, not even the viewer's own)."""
        if self.is_mine:
            return Q(author_id=self.user_id)
        return readable_stories_q(self.community_access, self.user_id) & ~Q(
            visibility=ValueStory.Visibility.PRIVATE)


def may_see_community_dashboard(access: CommunityAccess) -> bool:
    return access.can_lead_topics


def may_see_own_dashboard(access: CommunityAccess) -> bool:
    return access.is_member


def readable_stories_q(access: CommunityAccess, user_id: int) -> Q:
    """A filter on ValueStory: the stories of ``access.community`` this person may read."""
    mine = Q(author_id=user_id)
    # As the stories door says (a site admin who is no member counts, but reads no titles).
    if is_leader(access):
        shared = Q(visibility__in=[ValueStory.Visibility.LEADERS,
                                   ValueStory.Visibility.COMMUNITY])
    elif access.is_member:
        shared = Q(visibility=ValueStory.Visibility.COMMUNITY)
    else:
        return Q(pk__in=[])
    return mine | shared


def access_dashboard(user: AnyUser, slug: str, *, scope: DashboardScope) -> DashboardAccess:
    """Finds the community for this person's dashboard, or refuses as ``access_community``
    does (404 for a community they may not know, PermissionDenied otherwise)."""
    access = access_community(user, slug, need="see")
    allowed = (may_see_own_dashboard(access) if scope == "mine"
               else may_see_community_dashboard(access))
    if not allowed or not user.is_authenticated:
        raise PermissionDenied
    return DashboardAccess(community_access=access, scope=scope, user_id=user.pk)
