"""The one door: every question of who may see or do what in a community is answered here.

Views and queries ask these functions; templates get the answers as booleans. A community
that a person may not know about raises ``Http404`` (its existence stays private); one they
may see but not act in raises ``PermissionDenied``.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from praxis.accounts.models import User
from praxis.communities.models import Community, Membership

if TYPE_CHECKING:
    from praxis.discussions.models import Post, Thread
    from praxis.topics.models import Topic

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class CommunityAccess:
    """What one person may do in one community, decided once per request."""

    community: Community
    membership: Membership | None
    is_site_admin: bool = False

    @property
    def is_member(self) -> bool:
        return self.membership is not None

    @property
    def role(self) -> str | None:
        return self.membership.role if self.membership else None

    @property
    def can_see(self) -> bool:
        """Knows the community exists: its name, description and how to join."""
        return (
            self.community.visibility != Community.Visibility.PRIVATE
            or self.is_member
            or self.is_site_admin
        )

    @property
    def can_read(self) -> bool:
        """Reads what the community shares (topics, discussions, library)."""
        return (
            self.community.visibility == Community.Visibility.PUBLIC
            or self.is_member
            or self.is_site_admin
        )

    @property
    def can_view_members(self) -> bool:
        """The member directory is personal data: members only, even in a public community."""
        return self.is_member or self.is_site_admin

    @property
    def can_follow(self) -> bool:
        """Choose what to hear of by email, and get it: members only (email reaches no one
        who has not joined, whatever the community's visibility)."""
        return self.is_member

    @property
    def can_manage(self) -> bool:
        """Stewards run the community: settings, invitations, requests, roles, cohorts."""
        return self.is_site_admin or (
            self.membership is not None and self.membership.role == Membership.Role.STEWARD
        )

    @property
    def can_lead_topics(self) -> bool:
        return self.can_manage or (
            self.membership is not None and self.membership.role == Membership.Role.FACILITATOR
        )

    @property
    def can_propose_topics(self) -> bool:
        """Propose topics and support proposals: the community's own members."""
        return self.is_member

    @property
    def can_join_directly(self) -> bool:
        return not self.is_member and self.community.join_policy == Community.JoinPolicy.OPEN

    @property
    def can_request_to_join(self) -> bool:
        return not self.is_member and self.community.join_policy == Community.JoinPolicy.REQUEST


def _is_site_admin(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def membership_of(user: AnyUser, community: Community) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, community=community).first()


def community_access(user: AnyUser, community: Community) -> CommunityAccess:
    return CommunityAccess(
        community=community,
        membership=membership_of(user, community),
        is_site_admin=_is_site_admin(user),
    )


NEEDS = ("see", "read", "view_members", "manage", "lead_topics", "propose_topics")


def access_community(user: AnyUser, slug: str, *, need: str = "see") -> CommunityAccess:
    """Finds a community by slug for this person, or refuses.

    ``need`` is one of NEEDS. Raises Http404 when the person may not know the community
    exists, PermissionDenied when they may know it but not do what they need.
    """
    if need not in NEEDS:
        raise ValueError(f"unknown need {need!r}")
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise Http404
    access = community_access(user, community)
    if not access.can_see:
        raise Http404
    if not getattr(access, "can_" + need):
        raise PermissionDenied
    return access


def visible_communities(user: AnyUser) -> QuerySet[Community]:
    """Communities a person may know about: public and listed ones, and their own."""
    if _is_site_admin(user):
        return Community.objects.all()
    shown = ~Q(visibility=Community.Visibility.PRIVATE)
    if user.is_authenticated:
        shown |= Q(memberships__user=user)
    return Community.objects.filter(shown).distinct()


def can_create_community(user: AnyUser) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.is_staff:
        return True
    if settings.PRAXIS_COMMUNITY_CREATORS == "everyone":
        return True
    return Membership.objects.filter(user=user, role=Membership.Role.STEWARD).exists()


def require_can_create_community(user: AnyUser) -> None:
    if not can_create_community(user):
        raise PermissionDenied


def stewarded_communities(user: AnyUser) -> QuerySet[Community]:
    """The communities a person runs: what the back office lets them change."""
    if _is_site_admin(user):
        return Community.objects.all()
    if not user.is_authenticated:
        return Community.objects.none()
    return Community.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.STEWARD
    )


def readable_communities(user: AnyUser) -> QuerySet[Community]:
    """Communities whose content a person may read: public ones and their own.

    Search and any cross-community list filter by this, so private content never leaks.
    """
    if _is_site_admin(user):
        return Community.objects.all()
    readable = Q(visibility=Community.Visibility.PUBLIC)
    if user.is_authenticated:
        readable |= Q(memberships__user=user)
    return Community.objects.filter(readable).distinct()


# Topics and discussions --------------------------------------------------------------------

TOPIC_NEEDS = ("read", "participate", "facilitate", "manage", "follow")


@dataclass(frozen=True)
class TopicAccess:
    """What one person may do in one topic; built on their CommunityAccess."""

    community_access: CommunityAccess
    topic: "Topic"
    is_topic_facilitator: bool

    @property
    def community(self) -> Community:
        return self.community_access.community

    @property
    def can_read(self) -> bool:
        return self.community_access.can_read

    @property
    def can_facilitate(self) -> bool:
        """Edit the topic, its questions and dates, write the synthesis, moderate."""
        return self.is_topic_facilitator or self.community_access.can_lead_topics

    @property
    def can_moderate(self) -> bool:
        """Hide and restore posts, lock, pin and move threads: facilitators and stewards."""
        return self.can_facilitate

    @property
    def can_participate(self) -> bool:
        """Start threads and post: members while the topic runs; facilitators at any time
        before it is archived."""
        if not self.community_access.is_member and not self.community_access.is_site_admin:
            return False
        state = self.topic.state
        if state == self.topic.State.ARCHIVED:
            return False
        if self.can_facilitate:
            return True
        return state in (self.topic.State.OPEN, self.topic.State.APPLY)

    def can_post_in(self, thread: "Thread") -> bool:
        if thread.is_locked and not self.can_moderate:
            return False
        return self.can_participate

    def can_edit_post(self, post: "Post") -> bool:
        """Moderators edit any post; authors their own while they may post in its thread
        (a locked thread is locked for edits too)."""
        if self.can_moderate:
            return True
        return (
            self._is_author(post)
            and not post.is_hidden
            and self.can_participate
            and not post.thread.is_locked
        )

    def can_see_revisions(self, post: "Post") -> bool:
        """How a post changed: for moderators, and for its author while they see it."""
        return self.can_moderate or (self._is_author(post) and self.can_see_post_body(post))

    def can_react(self, post: "Post") -> bool:
        """Members react to others' visible posts while the topic is not archived."""
        return (
            self.community_access.is_member
            and self.topic.state != self.topic.State.ARCHIVED
            and not post.is_hidden
            and not self._is_author(post)
        )

    def can_flag(self, post: "Post") -> bool:
        """Members flag others' visible posts, in any state of the topic (an archive can hold
        something that must come down)."""
        return self.community_access.is_member and not post.is_hidden and not self._is_author(post)

    def _is_author(self, post: "Post") -> bool:
        membership = self.community_access.membership
        return membership is not None and post.author_id == membership.user_id

    def can_see_post_body(self, post: "Post") -> bool:
        """A hidden post stays in the tree as a placeholder; its words are for moderators
        and its author."""
        if not post.is_hidden:
            return True
        return self.can_moderate or self._is_author(post)


def topic_access(user: AnyUser, topic: "Topic",
                 known: CommunityAccess | None = None) -> TopicAccess:
    """``known``: the person's CommunityAccess when the caller has it already."""
    access = known or community_access(user, topic.community)
    is_topic_facilitator = bool(
        user.is_authenticated and topic.facilitators.filter(pk=user.pk).exists()
    )
    return TopicAccess(community_access=access, topic=topic,
                       is_topic_facilitator=is_topic_facilitator)


def _require(found: TopicAccess, need: str, thread: "Thread | None" = None) -> None:
    """Refuses (403) unless the person may do ``need`` in the topic; "participate" means
    posting in ``thread`` when there is one."""
    access = found.community_access
    if need == "participate":
        allowed = found.can_read and (found.can_participate if thread is None
                                      else found.can_post_in(thread))
    else:
        allowed = {
            "read": found.can_read,
            "facilitate": found.can_facilitate,
            "manage": access.can_manage,
            "follow": access.can_follow,
        }[need]
    if not allowed:
        raise PermissionDenied


def access_topic(user: AnyUser, slug: str, topic_slug: str, *, need: str = "read") -> TopicAccess:
    """Finds a topic of a community for this person, or refuses (404 / 403 as for
    communities). ``need`` is one of TOPIC_NEEDS."""
    from praxis.topics.models import Topic

    if need not in TOPIC_NEEDS:
        raise ValueError(f"unknown need {need!r}")
    access = access_community(user, slug, need="see")
    topic = Topic.objects.filter(community=access.community, slug=topic_slug).first()
    if topic is None:
        raise Http404
    found = topic_access(user, topic, access)
    _require(found, need)
    return found


def access_thread(user: AnyUser, slug: str, thread_id: int,
                  *, need: str = "read") -> tuple[TopicAccess, "Thread"]:
    """Finds a thread of a community for this person, with their TopicAccess, or refuses."""
    from praxis.discussions.models import Thread

    if need not in TOPIC_NEEDS:
        raise ValueError(f"unknown need {need!r}")
    access = access_community(user, slug, need="see")
    thread = (
        Thread.objects.select_related("topic", "created_by")
        .filter(community=access.community, pk=thread_id).first()
    )
    if thread is None:
        raise Http404
    found = topic_access(user, thread.topic, access)
    _require(found, need, thread)
    return found, thread


def access_post(user: AnyUser, slug: str, post_id: int,
                related: tuple[str, ...] = ()) -> tuple[TopicAccess, "Post"]:
    """Finds a post of a community for someone who may read it, with their TopicAccess, or
    refuses as the door does: 404 where the community or post is not theirs to know, 403
    where they may not read."""
    from praxis.discussions.models import Post

    access = access_community(user, slug, need="see")
    post = (
        Post.objects.select_related("thread__topic", "author", *related)
        .filter(pk=post_id, thread__community=access.community).first()
    )
    if post is None:
        raise Http404
    found = topic_access(user, post.thread.topic, access)
    if not found.can_read:
        raise PermissionDenied
    return found, post
