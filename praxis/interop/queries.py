"""Reads of the interop app: whose token a feed address carries, and what the feeds show.

Every read here takes a community or topic the permission door has already let through."""

from django.db.models import QuerySet

from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.discussions.models import Post
from praxis.interop.models import FeedToken
from praxis.interop.services import hash_token
from praxis.topics.models import Topic

FEED_LENGTH = 50


def user_for_token(token: str) -> User | None:
    """The active member a secret feed token belongs to, or None."""
    if not token or len(token) > 100:
        return None
    found = (
        FeedToken.objects.select_related("user")
        .filter(token_hash=hash_token(token), user__is_active=True).first()
    )
    return found.user if found else None


def feed_token_of(user: User) -> FeedToken | None:
    return FeedToken.objects.filter(user=user).first()


def _visible_posts() -> QuerySet[Post]:
    return (
        Post.objects.filter(is_hidden=False)
        .select_related("author", "thread")
        .order_by("-created_at", "-pk")
    )


def community_feed_posts(community: Community) -> list[Post]:
    """The latest visible posts of a community's topics, newest first."""
    return list(_visible_posts().filter(thread__community=community)[:FEED_LENGTH])


def topic_feed_posts(topic: Topic) -> list[Post]:
    return list(_visible_posts().filter(thread__topic=topic)[:FEED_LENGTH])


def calendar_topics(community: Community) -> list[Topic]:
    """The topics a community's calendar shows: all but the archived ones."""
    return list(
        Topic.objects.filter(community=community, archived_at=None).order_by("starts_at", "pk")
    )


def memberships_with_topics(user: User) -> list[tuple[Membership, list[Topic]]]:
    """The member's communities, each with its topics that are not archived (for the page
    listing their feed addresses): two queries."""
    memberships = list(
        Membership.objects.filter(user=user).select_related("community")
        .order_by("community__name")
    )
    topics: dict[int, list[Topic]] = {m.community_id: [] for m in memberships}
    for topic in Topic.objects.filter(community_id__in=topics, archived_at=None).order_by(
        "-starts_at"
    ):
        topics[topic.community_id].append(topic)
    return [(m, topics[m.community_id]) for m in memberships]
