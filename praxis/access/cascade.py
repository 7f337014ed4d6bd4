"""The door for cascade events and the cascade tree: who trained whom.

The tree and the list of events are the community's own: its members see them (numbers, and
the names of those who trained others), no one else, not even a site admin who is not a
member. A member records their own events; a steward may record one for any member. An event
is changed or deleted by its trainer or a steward.

``access_event`` finds an event of a community for a person or refuses as
``access_community`` does: "does not exist" and "may not know it" give the same 404.
"""

from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404

from praxis.access.community import CommunityAccess, access_community
from praxis.accounts.models import AnyUser
from praxis.impact.models import CascadeEvent

EventNeed = Literal["read", "change"]


def can_see_cascade(access: CommunityAccess) -> bool:
    """The cascade tree and the list of events: the community's members."""
    return access.is_member


def can_record_events(access: CommunityAccess) -> bool:
    """Record that one trained others: members."""
    return access.is_member


def can_record_for_others(access: CommunityAccess) -> bool:
    """Record an event for any member: the community's stewards."""
    return access.membership is not None and access.membership.is_steward


def require_can_see_cascade(access: CommunityAccess) -> None:
    if not can_see_cascade(access):
        raise PermissionDenied


@dataclass(frozen=True)
class EventAccess:
    community_access: CommunityAccess
    event: CascadeEvent

    @property
    def is_trainer(self) -> bool:
        membership = self.community_access.membership
        return membership is not None and membership.user_id == self.event.trainer_id

    @property
    def can_read(self) -> bool:
        return can_see_cascade(self.community_access)

    @property
    def can_change(self) -> bool:
        """Edit or delete: its trainer (while a member) or a steward."""
        return self.is_trainer or can_record_for_others(self.community_access)


def access_event(user: AnyUser, slug: str, event_id: int, *,
                 need: EventNeed = "read") -> EventAccess:
    """Finds a cascade event of a community for this person, or refuses (404 where the
    community is not theirs to know or the event is not the community's, 403 where they may
    not do ``need``)."""
    access = access_community(user, slug, need="see")
    if not can_see_cascade(access):
        raise PermissionDenied
    event = (CascadeEvent.objects.select_related("trainer", "cohort")
             .filter(community=access.community, pk=event_id).first())
    if event is None:
        raise Http404
    event.community = access.community
    found = EventAccess(community_access=access, event=event)
    if need == "change" and not found.can_change:
        raise PermissionDenied
    return found
