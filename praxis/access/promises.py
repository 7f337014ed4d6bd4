"""The door for promises "I will use this in my training": they are their member's own.

Making one is for a member of the community who may react to the post (the door's
``can_react``, as the reaction itself); the list, telling what happened and dismissing are
the member's own, while they are a member. Nobody else sees a promise: not a facilitator,
a steward, a researcher or a site admin (what it led to is shared, if at all, as a story).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from praxis.access.community import CommunityAccess, access_community
from praxis.access.topic import TopicAccess, access_post
from praxis.accounts.models import AnyUser
from praxis.discussions.models import Post
from praxis.impact.models import UsePromise


def access_promises(user: AnyUser, slug: str) -> CommunityAccess:
    """The community whose promises a person opens: its members only."""
    access = access_community(user, slug, need="see")
    if not access.is_member:
        raise PermissionDenied
    return access


def access_promise(user: AnyUser, access: CommunityAccess, promise_id: int) -> UsePromise:
    """One of this person's own promises in this community, or Http404."""
    if user.pk is None:
        raise Http404
    promise = (UsePromise.objects.select_related("post__thread__topic", "story", "community")
               .filter(pk=promise_id, user_id=user.pk, community=access.community).first())
    if promise is None:
        raise Http404
    return promise


def access_promised_post(user: AnyUser, slug: str, post_id: int) -> tuple[TopicAccess, Post]:
    """The post a member promises to use: one they may react to (PermissionDenied else)."""
    access, post = access_post(user, slug, post_id)
    if not access.community_access.is_member or not access.can_react(post):
        raise PermissionDenied
    return access, post
