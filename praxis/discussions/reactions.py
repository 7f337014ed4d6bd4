"""Reactions on posts ("helpful", "I will use this in my training"): reads.

The write, ``toggle_reaction``, is in ``moderation.py`` with the other acts on a post.
"""

from collections.abc import Sequence
from typing import Protocol

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet

from praxis.accounts.models import User
from praxis.communities.models import Community
from praxis.discussions.models import Post, Reaction


class ReactionAccess(Protocol):
    """The door's answers (``praxis.access.TopicAccess``) that a page of posts shows."""

    def can_react(self, post: Post) -> bool: ...

    def can_flag(self, post: Post) -> bool: ...


def annotate_reactions(posts: Sequence[Post], user: User | AnonymousUser | None, *,
                       access: ReactionAccess | None = None) -> None:
    """Sets on each post of a page, in at most two queries:

    - ``reaction_counts``: kind -> count;
    - ``my_reactions``: the kinds ``user`` gave it;
    - ``can_react`` and ``can_flag``: whether ``user`` may react to it and flag it, when the
      page passes the person's ``access`` to the post's topic (False otherwise).

    ``includes/post_actions.html`` shows these.
    """

    ids = [post.pk for post in posts]
    counts: dict[int, dict[str, int]] = {post_id: {} for post_id in ids}
    mine: dict[int, set[str]] = {post_id: set() for post_id in ids}
    if ids:
        rows = (
            Reaction.objects.filter(post_id__in=ids).order_by()
            .values_list("post_id", "kind").annotate(count=Count("id"))
        )
        for post_id, kind, count in rows:
            counts[post_id][kind] = count
        if user is not None and user.is_authenticated:
            for post_id, kind in Reaction.objects.filter(
                post_id__in=ids, user=user
            ).values_list("post_id", "kind"):
                mine[post_id].add(kind)
    for post in posts:
        post.reaction_counts = counts[post.pk]  # type: ignore[attr-defined]
        post.my_reactions = mine[post.pk]  # type: ignore[attr-defined]
        post.can_react = access is not None and access.can_react(post)  # type: ignore[attr-defined]
        post.can_flag = access is not None and access.can_flag(post)  # type: ignore[attr-defined]


def will_use_reactions(community: Community) -> QuerySet[Reaction]:
    """Every "I will use this in my training" in a community, newest first, with the post,
    its thread and topic, and who reacted: the seeds of later impact records."""
    return (
        Reaction.objects.filter(kind=Reaction.Kind.WILL_USE,
                                post__thread__community=community, post__private_to=None)
        .select_related("user", "post__author", "post__thread__topic")
        .order_by("-created_at", "-id")
    )
