"""Reactions on posts ("helpful", "I will use this in my training")."""

from collections.abc import Sequence

from praxis.accounts.models import User
from praxis.discussions.models import Post


def annotate_reactions(posts: Sequence[Post], user: User | None) -> None:
    """Sets ``reaction_counts`` (kind -> count) and ``my_reactions`` (set of kinds) on each
    post of a page, in a constant number of queries."""
    for post in posts:
        post.reaction_counts = {}  # type: ignore[attr-defined]
        post.my_reactions = set()  # type: ignore[attr-defined]
