"""The door for the steward's report to leadership (``praxis.analytics.report``): who opens
it, its PDF and the form of its costs, and which stories it may quote.

- The report, its PDF and its costs are for the community's stewards and site admins: it
  is what the community tells its leadership, and the costs are theirs to enter.
  Facilitators, researchers and members are refused (403); a community one may not know
  of stays unknown (404).
- It quotes told stories shared with the community or with its leaders, never a private
  one (not even to a site admin); it names the author only under a story shared with the
  community (``praxis.analytics.report.quotes``).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from praxis.access.community import CommunityAccess, access_community
from praxis.accounts.models import AnyUser
from praxis.impact.models import ValueStory


def may_see_report(access: CommunityAccess) -> bool:
    return access.can_manage


def quotable_stories() -> Q:
    """A filter on ValueStory: the stories the report may quote."""
    return Q(visibility__in=[ValueStory.Visibility.COMMUNITY, ValueStory.Visibility.LEADERS])


def access_report(user: AnyUser, slug: str) -> CommunityAccess:
    """Finds the community for this person's report (and its costs), or refuses as
    ``access_community`` does (404 for a community they may not know, PermissionDenied
    otherwise)."""
    access = access_community(user, slug, need="see")
    if not user.is_authenticated or not may_see_report(access):
        raise PermissionDenied
    return access
