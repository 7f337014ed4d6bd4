"""Reads of critical friends and the diary. Which entries a person may read is the door's
(``praxis.access.diary``); these take what it allows and shape it for a page, each in a
constant number of queries."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.practice.models import Friendship, JournalEntry, PlanVersion

HOME_LINES = 5
CANDIDATES_SHOWN = 200


@dataclass(frozen=True)
class FriendsBoard:
    """A member's critical friends in one community, the invitations either way, and whom
    they could invite."""

    friends: list[Friendship]
    incoming: list[Friendship]
    outgoing: list[Friendship]
    candidates: list[User]
    # More members could be invited than the list shows: the page offers to find them by name.
    more_candidates: bool = False


def _live(user_id: int) -> QuerySet[Friendship]:
    return Friendship.objects.filter(
        Q(inviter_id=user_id) | Q(invitee_id=user_id),
        status__in=[Friendship.Status.INVITED, Friendship.Status.ACCEPTED])


def invitable_members(user: User, community: Community) -> QuerySet[User]:
    """Whom a member may choose to invite: the community's other active members (the
    service refuses those invited or befriended already)."""
    return (User.objects.filter(memberships__community=community, is_active=True)
            .exclude(pk=user.pk))


def friends_board(user: User, community: Community, search: str = "") -> FriendsBoard:
    """``search``: part of a name, to find one member among more than the list shows."""
    live = list(_live(user.pk).filter(community=community)
                .select_related("inviter", "invitee").order_by("-created_at", "-pk"))
    taken = {user.pk} | {f.other(user.pk) for f in live}
    found = invitable_members(user, community).exclude(pk__in=taken)
    if search:
        found = found.filter(display_name__icontains=search)
    candidates = list(found.only("id", "display_name", "email")
                      .order_by("display_name", "pk")[:CANDIDATES_SHOWN + 1])
    accepted = Friendship.Status.ACCEPTED
    return FriendsBoard(
        friends=[f for f in live if f.status == accepted],
        incoming=[f for f in live if f.status != accepted and f.invitee_id == user.pk],
        outgoing=[f for f in live if f.status != accepted and f.inviter_id == user.pk],
        candidates=candidates[:CANDIDATES_SHOWN],
        more_candidates=len(candidates) > CANDIDATES_SHOWN,
    )


def pending_invitations(user: User) -> list[Friendship]:
    """Invitations waiting for this person's answer, in every community they still belong
    to (the home page)."""
    communities = Membership.objects.filter(user=user).values("community_id")
    return list(Friendship.objects.filter(invitee=user, status=Friendship.Status.INVITED,
                                          community_id__in=communities)
                .select_related("inviter", "community").order_by("-created_at", "-pk")[:20])


def friends_new_versions(user: User, limit: int = HOME_LINES) -> list[PlanVersion]:
    """The latest versions of plans shared by this person's critical friends, in the
    community they are friends in, and that they still belong to: "your friend X shared a
    new version of Y". One query."""
    friendship = Friendship.objects.filter(
        Q(inviter_id=user.pk, invitee_id=OuterRef("plan__author_id"))
        | Q(invitee_id=user.pk, inviter_id=OuterRef("plan__author_id")),
        community_id=OuterRef("plan__community_id"), status=Friendship.Status.ACCEPTED)
    member = Membership.objects.filter(user_id=user.pk,
                                       community_id=OuterRef("plan__community_id"))
    return list(PlanVersion.objects.filter(Exists(friendship), Exists(member))
                .select_related("plan__author", "plan__community")
                .only("id", "number", "title", "created_at", "plan__id", "plan__title",
                      "plan__author__id", "plan__author__display_name",
                      "plan__author__email", "plan__community__slug",
                      "plan__community__name")
                .order_by("-created_at", "-pk")[:limit])


def with_list_fields(entries: QuerySet[JournalEntry]) -> QuerySet[JournalEntry]:
    """Entries (which the door chose) with what their lists and exports show, newest
    first."""
    return (entries.select_related("author", "community", "plan_version__plan__community")
            .order_by("-written_on", "-pk"))


def plan_versions_for(user: User) -> QuerySet[PlanVersion]:
    """The plan versions an entry may name: those of plans in the author's communities
    (which the author may read)."""
    return (PlanVersion.objects.filter(plan__community__memberships__user=user)
            .select_related("plan__community").order_by("-created_at", "-pk"))


def communities_of(user: User) -> QuerySet[Community]:
    return Community.objects.filter(memberships__user=user).order_by("name", "pk")
