"""The door for critical friends and the reflection diary: the one place that says who reads
a diary entry.

- its author, always;
- an entry shared with friends: the author's accepted critical friends in the entry's
  community, while they are members of it (a friendship that ends takes the entry away);
- an entry shared with the community: the community's members;
- nobody else. A private entry is its author's alone: no steward, facilitator, site admin or
  researcher reads it, here, in the back office, a feed, a search, an email or an export.

Entries and friendships are found for a person or refused with a 404, so nobody learns that
an entry they may not read exists.
"""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from praxis.access.community import CommunityAccess, access_community
from praxis.accounts.models import AnyUser
from praxis.communities.models import Community, Membership
from praxis.practice.models import Friendship, JournalEntry
from praxis.practice.queries.friends import friend_ids

EntryNeed = Literal["read", "edit"]


def may_read_entry(user: AnyUser, entry: JournalEntry) -> bool:
    """Whether this person may read this entry (see the module's rules)."""
    if not user.is_authenticated:
        return False
    if entry.author_id == user.pk:
        return True
    if entry.visibility == JournalEntry.Visibility.PRIVATE or entry.community_id is None:
        return False
    is_member = Membership.objects.filter(user_id=user.pk,
                                          community_id=entry.community_id).exists()
    if not is_member:
        return False
    if entry.visibility == JournalEntry.Visibility.COMMUNITY:
        return True
    if entry.visibility == JournalEntry.Visibility.FRIENDS:
        return user.pk in friend_ids(entry.author_id, entry.community)
    return False


def may_edit_entry(user: AnyUser, entry: JournalEntry) -> bool:
    """Only the author writes, changes and deletes their entries."""
    return bool(user.is_authenticated and entry.author_id == user.pk)


def access_entry(user: AnyUser, entry_id: int, *, need: EntryNeed = "read") -> JournalEntry:
    """Finds an entry this person may read (``need`` "read") or change ("edit"), or raises
    Http404: an entry one may not read is one that does not exist. Someone signed out is
    refused (PermissionDenied) before anything is looked up, so the page sends them to log
    in, whether the entry exists or not."""
    if not user.is_authenticated:
        raise PermissionDenied
    entry = (JournalEntry.objects
             .select_related("author", "community", "plan_version__plan__community")
             .filter(pk=entry_id).first())
    if entry is None:
        raise Http404
    allowed = may_edit_entry(user, entry) if need == "edit" else may_read_entry(user, entry)
    if not allowed:
        if need == "edit" and may_read_entry(user, entry):
            raise PermissionDenied
        raise Http404
    return entry


def own_entries(user: AnyUser) -> QuerySet[JournalEntry]:
    """A person's own diary: every entry they wrote, whatever its visibility."""
    if not user.is_authenticated:
        return JournalEntry.objects.none()
    return JournalEntry.objects.filter(author_id=user.pk)


def shared_entries(user: AnyUser, community: Community) -> QuerySet[JournalEntry]:
    """Others' entries this person may read in a community: those shared with its members
    (for a member) and those their critical friends there shared with friends. Never a
    private entry, whoever asks."""
    if not user.is_authenticated or not Membership.objects.filter(
            user_id=user.pk, community=community).exists():
        return JournalEntry.objects.none()
    friends = friend_ids(user.pk, community)
    readable = Q(visibility=JournalEntry.Visibility.COMMUNITY)
    if friends:
        readable |= Q(visibility=JournalEntry.Visibility.FRIENDS, author_id__in=friends)
    return (JournalEntry.objects.filter(community=community)
            .exclude(visibility=JournalEntry.Visibility.PRIVATE)
            .exclude(author_id=user.pk).filter(readable))


def access_friends(user: AnyUser, slug: str) -> CommunityAccess:
    """The community whose critical friends and shared reflections a person opens: its
    members only (a site admin who is no member is refused like anyone: friendships and
    reflections are between members)."""
    access = access_community(user, slug, need="see")
    if not access.is_member:
        raise PermissionDenied
    return access


def access_friendship(user: AnyUser, access: CommunityAccess,
                      friendship_id: int) -> Friendship:
    """A friendship or invitation of this community that this person is one side of, or
    Http404."""
    friendship = (Friendship.objects.select_related("inviter", "invitee")
                  .filter(Q(inviter_id=user.pk) | Q(invitee_id=user.pk),
                          pk=friendship_id, community=access.community).first())
    if friendship is None:
        raise Http404
    return friendship
