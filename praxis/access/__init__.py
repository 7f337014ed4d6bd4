"""The one door: every "may this person see or do this" in Praxis is answered here, for the
web pages, reply by email, feeds, downloads, exports and the back office alike.

It sits above the domain apps it judges (``docs/architecture.md``) and below the entry points
that ask it (``praxis.site``). Each area has its module; this package names what they offer.
"""

from praxis.access.community import (
    CommunityAccess,
    CommunityNeed,
    access_community,
    can_create_community,
    community_access,
    readable_communities,
    require_can_create_community,
    stewarded_communities,
    visible_communities,
)
from praxis.access.moderation import moderator_scope, move_targets
from praxis.access.outbox import readable_emails
from praxis.access.topic import (
    PostRefusal,
    Refused,
    TopicAccess,
    TopicNeed,
    access_post,
    access_thread,
    access_topic,
    refusal_message,
    topic_access,
)

__all__ = [
    "CommunityAccess", "CommunityNeed", "PostRefusal", "Refused", "TopicAccess", "TopicNeed",
    "access_community", "access_post", "access_thread", "access_topic", "can_create_community",
    "community_access", "moderator_scope", "move_targets", "readable_communities",
    "readable_emails", "refusal_message", "require_can_create_community",
    "stewarded_communities", "topic_access", "visible_communities",
]
