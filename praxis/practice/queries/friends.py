"""Who are a member's critical friends: read by the plans (friends are asked first) and by
the diary (friends read what is shared with them)."""

from django.db.models import Q

from praxis.communities.models import Community
from praxis.practice.models import Friendship


def friend_ids(user_id: int, community: Community | None = None) -> set[int]:
    """The ids of a member's accepted critical friends, in one community or in all."""
    live = Friendship.objects.filter(Q(inviter_id=user_id) | Q(invitee_id=user_id),
                                     status=Friendship.Status.ACCEPTED)
    if community is not None:
        live = live.filter(community=community)
    return {friendship.other(user_id) for friendship in live.only("inviter_id", "invitee_id")}
