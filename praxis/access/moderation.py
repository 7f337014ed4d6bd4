"""The door for moderation: where in a community a person moderates, and where a thread may
move."""

from django.db.models import QuerySet

from praxis.access.community import CommunityAccess
from praxis.access.topic import TopicAccess
from praxis.accounts.models import AnyUser
from praxis.discussions.moderation import ModeratorScope
from praxis.topics.models import Topic


def moderator_scope(user: AnyUser, access: CommunityAccess) -> ModeratorScope | None:
    """Everywhere for the community's facilitators and stewards; in their own topics for a
    topic's facilitators; None when the person moderates nowhere in the community."""
    if access.can_lead_topics:
        return ModeratorScope(community=access.community, everywhere=True)
    if not user.is_authenticated or not access.is_member:
        return None
    topic_ids = frozenset(
        Topic.objects.filter(community=access.community, facilitators=user)
        .values_list("id", flat=True)
    )
    if not topic_ids:
        return None
    return ModeratorScope(community=access.community, everywhere=False, topic_ids=topic_ids)


def move_targets(access: TopicAccess, user: AnyUser) -> QuerySet[Topic]:
    """The topics a thread of ``access.topic`` may move to: others of the same community,
    not archived; a topic facilitator only to topics they also moderate."""
    topics = Topic.objects.filter(
        community=access.community, archived_at=None
    ).exclude(pk=access.topic.pk).order_by("-starts_at", "title")
    if not access.community_access.can_lead_topics:
        topics = topics.filter(facilitators=user) if user.is_authenticated else topics.none()
    return topics
