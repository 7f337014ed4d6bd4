"""The door for value-creation stories: who reads one, who tells one, who acknowledges one.

A story's reader depends on the visibility its author chose:

- private: its author only. Nobody else, not the community's stewards, not site admins, not
  researchers: a private story is the author's notebook (as the reflection diary is).
- leaders: its author and the community's facilitators and stewards.
- community: its author and the community's members.

A draft is its author's alone whatever its visibility. Members tell stories; facilitators and
stewards acknowledge told ones they may read; only the author edits or deletes one (while a
member). ``access_story`` refuses as ``access_community`` does: a story one may not read is
"not found", so its existence is not given away.
"""

from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404

from praxis.access.community import CommunityAccess, access_community
from praxis.accounts.models import AnyUser
from praxis.communities.models import Community, Membership
from praxis.impact.models import ValueStory

StoryNeed = Literal["read", "edit", "acknowledge"]


def can_tell_stories(access: CommunityAccess) -> bool:
    """Tell a story: the community's own members."""
    return access.is_member


def is_leader(access: CommunityAccess) -> bool:
    """A facilitator or steward of the community (by membership: a site admin is not one)."""
    return access.membership is not None and access.membership.role in (
        Membership.Role.FACILITATOR, Membership.Role.STEWARD)


def list_flags(access: CommunityAccess) -> dict[str, bool]:
    """What the stories list shows beyond one's own: for ``story_queries.readable_stories``."""
    return {"is_member": access.is_member, "is_leader": is_leader(access)}


@dataclass(frozen=True)
class StoryAccess:
    """What one person may do with one story; built on their CommunityAccess."""

    community_access: CommunityAccess
    story: ValueStory

    @property
    def community(self) -> Community:
        return self.community_access.community

    @property
    def is_author(self) -> bool:
        membership = self.community_access.membership
        return membership is not None and membership.user_id == self.story.author_id

    @property
    def can_read(self) -> bool:
        if self.is_author:
            return True
        if self.story.status != ValueStory.Status.TOLD:
            return False
        match self.story.visibility:
            case ValueStory.Visibility.COMMUNITY:
                return self.community_access.is_member
            case ValueStory.Visibility.LEADERS:
                return is_leader(self.community_access)
        return False

    @property
    def can_edit(self) -> bool:
        """Edit, add evidence, tell, delete: the author, while a member."""
        return self.is_author

    @property
    def can_acknowledge(self) -> bool:
        return (self.can_read and self.story.status == ValueStory.Status.TOLD
                and is_leader(self.community_access))


def story_access(story: ValueStory, known: CommunityAccess) -> StoryAccess:
    return StoryAccess(community_access=known, story=story)


def access_story(user: AnyUser, slug: str, story_id: int, *,
                 need: StoryNeed = "read") -> StoryAccess:
    """Finds a story of a community for this person, or refuses: 404 where they may not
    read it (or the community is not theirs to know), 403 where they may read it but not do
    ``need``."""
    access = access_community(user, slug, need="see")
    story = (ValueStory.objects.select_related("author", "acknowledged_by")
             .filter(community=access.community, pk=story_id).first())
    if story is None:
        raise Http404
    story.community = access.community
    found = story_access(story, access)
    if not found.can_read:
        if not user.is_authenticated:
            raise PermissionDenied  # asked to log in: they may be its author
        raise Http404
    match need:
        case "read":
            allowed = True
        case "edit":
            allowed = found.can_edit
        case "acknowledge":
            allowed = found.can_acknowledge
        case _:
            raise ValueError(f"unknown need {need!r}")
    if not allowed:
        raise PermissionDenied
    return found
