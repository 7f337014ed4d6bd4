"""The door for topics and their discussions: who may read, take part, facilitate and
moderate, and why someone may not post.

``access_topic``, ``access_thread`` and ``access_post`` find the object for a person or refuse
as ``access_community`` does: "does not exist" and "may not know it" give the same 404.
"""

from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from praxis.access.community import CommunityAccess, access_community, community_access
from praxis.accounts.models import AnyUser
from praxis.communities.models import Community
from praxis.discussions.models import Post, Thread
from praxis.discussions.queries import is_visible_to
from praxis.topics.models import Topic

TopicNeed = Literal["read", "participate", "facilitate", "manage", "follow"]

# Why someone may not post in a thread (or answer a post in it), in the order asked: the web
# reply form, reply by email and every other entry point give the same reason.
PostRefusal = Literal["login", "not_member", "not_open", "closed", "locked", "hidden"]


class Refused(PermissionDenied):
    """A refusal with a reason the person can act on; the 403 page shows ``str(self)``."""

    def __init__(self, reason: PostRefusal | None = None, message: str = "") -> None:
        self.reason = reason
        super().__init__(message or (refusal_message(reason) if reason else ""))


def refusal_message(reason: PostRefusal) -> str:
    return {
        "login": _("Log in to take part in the discussion."),
        "not_member": _("Only members take part in the discussions. Join this community "
                        "to reply."),
        "not_open": _("This topic has not opened yet: the discussion starts on its first "
                      "day."),
        "closed": _("This topic is closed: its discussions stay here to read, but no longer "
                    "take replies or edits."),
        "locked": _("This thread is locked by a moderator: it can be read but no longer "
                    "answered."),
        "hidden": _("The post you are answering has been hidden by a moderator."),
    }[reason]


@dataclass(frozen=True)
class TopicAccess:
    """What one person may do in one topic; built on their CommunityAccess."""

    community_access: CommunityAccess
    topic: Topic
    is_topic_facilitator: bool
    viewer_id: int | None = None  # the person asking; None when anonymous

    @property
    def community(self) -> Community:
        return self.community_access.community

    @property
    def is_member(self) -> bool:
        return self.community_access.is_member

    @property
    def member_id(self) -> int | None:
        membership = self.community_access.membership
        return membership.user_id if membership is not None else None

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
        return self.why_cannot_take_part() is None

    def why_cannot_take_part(self) -> PostRefusal | None:
        """Why a signed-in person may not start threads or post in this topic, or None."""
        if not (self.community_access.is_member or self.community_access.is_site_admin):
            return "not_member"
        state = self.topic.state
        if state == Topic.State.ARCHIVED:
            return "closed"
        if self.can_facilitate or state in (Topic.State.OPEN, Topic.State.APPLY):
            return None
        return "not_open" if state == Topic.State.SCHEDULED else "closed"

    def why_cannot_post(self, thread: Thread, *, user: AnyUser,
                        replying_to: Post | None = None) -> PostRefusal | None:
        """None when the person may post in the thread (answering ``replying_to``), else the
        one reason they may not."""
        if not user.is_authenticated:
            return "login"
        if (refusal := self.why_cannot_take_part()) is not None:
            return refusal
        if thread.is_locked and not self.can_moderate:
            return "locked"
        if replying_to is not None and not self.can_see_post_body(replying_to):
            return "hidden"
        return None

    def can_edit_post(self, post: Post) -> bool:
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

    def why_cannot_edit(self, post: Post, *, user: AnyUser) -> PostRefusal | None:
        """The reason an author may not edit their own post now (the topic closed, the
        thread locked), or None when they may; someone else's post gives no reason."""
        if self.can_edit_post(post) or not self._is_author(post):
            return None
        return self.why_cannot_post(post.thread, user=user) or (
            "hidden" if post.is_hidden else None)

    def can_see_revisions(self, post: Post) -> bool:
        """How a post changed: for moderators, and for its author while they see it."""
        return self.can_moderate or (self._is_author(post) and self.can_see_post_body(post))

    def can_react(self, post: Post) -> bool:
        """Members react to others' visible posts while the topic is not archived."""
        return (
            self.community_access.is_member
            and self.topic.state != Topic.State.ARCHIVED
            and not post.is_hidden
            and not self._is_author(post)
        )

    def can_flag(self, post: Post) -> bool:
        """Members flag others' visible posts, in any state of the topic (an archive can hold
        something that must come down)."""
        # A private reply goes to no moderator: there is no one to flag it to.
        return (self.community_access.is_member and not post.is_hidden
                and not self._is_author(post) and post.private_to_id is None)

    def _is_author(self, post: Post) -> bool:
        return self.member_id is not None and post.author_id == self.member_id

    def can_see_post(self, post: Post) -> bool:
        """A private reply exists only for its author and the one it is addressed to; for
        anyone else (moderators too) it is as if it did not exist."""
        return is_visible_to(post, self.viewer_id)

    def can_see_post_body(self, post: Post) -> bool:
        """A hidden post stays in the tree as a placeholder; its words are for moderators
        and its author. A private reply's are for its two people only."""
        if not self.can_see_post(post):
            return False
        if not post.is_hidden:
            return True
        return self.can_moderate or self._is_author(post)


def topic_access(user: AnyUser, topic: Topic,
                 known: CommunityAccess | None = None) -> TopicAccess:
    """``known``: the person's CommunityAccess when the caller has it already."""
    access = known or community_access(user, topic.community)
    is_topic_facilitator = bool(
        user.is_authenticated and topic.facilitators.filter(pk=user.pk).exists()
    )
    return TopicAccess(community_access=access, topic=topic,
                       is_topic_facilitator=is_topic_facilitator,
                       viewer_id=user.pk if user.is_authenticated else None)


def _require(found: TopicAccess, need: TopicNeed, user: AnyUser,
             thread: Thread | None = None) -> None:
    """Refuses (403) unless the person may do ``need`` in the topic; "participate" means
    posting in ``thread`` when there is one, and the refusal says why."""
    match need:
        case "participate":
            if not found.can_read:
                raise PermissionDenied
            if thread is not None:
                reason = found.why_cannot_post(thread, user=user)
            else:
                reason = ("login" if not user.is_authenticated
                          else found.why_cannot_take_part())
            if reason is not None:
                raise Refused(reason)
            return
        case "read":
            allowed = found.can_read
        case "facilitate":
            allowed = found.can_facilitate
        case "manage":
            allowed = found.community_access.can_manage
        case "follow":
            allowed = found.community_access.can_follow
        case _:  # a caller mypy did not check
            raise ValueError(f"unknown need {need!r}")
    if not allowed:
        raise PermissionDenied


def access_topic(user: AnyUser, slug: str, topic_slug: str, *,
                 need: TopicNeed = "read") -> TopicAccess:
    """Finds a topic of a community for this person, or refuses (404 / 403 as for
    communities)."""
    access = access_community(user, slug, need="see")
    topic = Topic.objects.filter(community=access.community, slug=topic_slug).first()
    if topic is None:
        raise Http404
    topic.community = access.community  # the same row, already read: no query for its URL
    found = topic_access(user, topic, access)
    _require(found, need, user)
    return found


def access_thread(user: AnyUser, slug: str, thread_id: int,
                  *, need: TopicNeed = "read") -> tuple[TopicAccess, Thread]:
    """Finds a thread of a community for this person, with their TopicAccess, or refuses."""
    access = access_community(user, slug, need="see")
    thread = (
        Thread.objects.select_related("topic", "created_by", "community")
        .filter(community=access.community, pk=thread_id).first()
    )
    if thread is None:
        raise Http404
    found = topic_access(user, thread.topic, access)
    _require(found, need, user, thread)
    return found, thread


def access_post(user: AnyUser, slug: str, post_id: int,
                related: tuple[str, ...] = ()) -> tuple[TopicAccess, Post]:
    """Finds a post of a community for someone who may read it, with their TopicAccess, or
    refuses as the door does: 404 where the community or post is not theirs to know (a
    private reply to someone else too), 403 where they may not read."""
    access = access_community(user, slug, need="see")
    post = (
        Post.objects.select_related("thread__topic", "thread__community", "author", *related)
        .filter(pk=post_id, thread__community=access.community).first()
    )
    if post is None:
        raise Http404
    found = topic_access(user, post.thread.topic, access)
    if not found.can_see_post(post):
        raise Http404
    if not found.can_read:
        raise PermissionDenied
    return found, post
