"""The door for the library: who may read, open, add, correct and remove resources.

Reading and opening: whoever may read the community (a public community's library is
public). Adding: its members. Correcting and removing: who added it, and the community's
facilitators and stewards. ``access_resource`` finds a resource as ``access_topic`` finds a
topic: "does not exist" and "may not know it" give the same 404.
"""

from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404

from praxis.access.community import CommunityAccess, access_community
from praxis.accounts.models import AnyUser
from praxis.communities.models import Community
from praxis.library.models import Resource

LibraryNeed = Literal["read", "add", "edit"]


@dataclass(frozen=True)
class LibraryAccess:
    """What one person may do in one community's library."""

    community_access: CommunityAccess

    @property
    def community(self) -> Community:
        return self.community_access.community

    @property
    def can_read(self) -> bool:
        return self.community_access.can_read

    @property
    def can_add(self) -> bool:
        """Add a link or upload a document: the community's members."""
        return self.community_access.is_member

    @property
    def reader_id(self) -> int | None:
        """Whose reading is logged: a member's (anonymous and visiting readers are not)."""
        membership = self.community_access.membership
        return membership.user_id if membership is not None else None

    def can_edit(self, resource: Resource) -> bool:
        """Correct or remove a resource: who added it while a member, facilitators,
        stewards (and site admins, who run every community)."""
        if self.community_access.can_lead_topics:
            return True
        return self.reader_id is not None and resource.added_by_id == self.reader_id


def access_library(user: AnyUser, slug: str, *, need: LibraryNeed = "read") -> LibraryAccess:
    """A community's library for this person, or a refusal (404 / 403 as for communities)."""
    found = LibraryAccess(community_access=access_community(user, slug, need="see"))
    if not found.can_read or (need == "add" and not found.can_add):
        raise PermissionDenied
    if need == "edit":  # a resource is needed to judge this
        raise ValueError("need 'edit' is judged by access_resource")
    return found


def access_resource(user: AnyUser, slug: str, resource_id: int, *,
                    need: LibraryNeed = "read") -> tuple[LibraryAccess, Resource]:
    """Finds a resource of a community for this person, or refuses: 404 where the community
    or resource is not theirs to know, 403 where they may not do ``need``."""
    found = LibraryAccess(community_access=access_community(user, slug, need="see"))
    resource = (Resource.objects.select_related("added_by")
                .filter(community=found.community, pk=resource_id).first())
    if resource is None:
        raise Http404
    resource.community = found.community  # the same row, already read: no query for its URL
    if not found.can_read:
        raise PermissionDenied
    if need == "edit" and not found.can_edit(resource):
        raise PermissionDenied
    if need == "add" and not found.can_add:
        raise PermissionDenied
    return found, resource
