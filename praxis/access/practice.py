"""The door for session plans: who may read a plan and its feedback, share one, post a new
version, ask for feedback and give it.

Plans are read as the community's discussions are: by its members, by anyone in a public
community, and by site admins. Sharing and giving feedback are for members; a plan's versions
and its requests for feedback are its author's alone (while they are still a member).

``access_plan`` finds a plan for a person or refuses as ``access_community`` does: "does not
exist" and "may not know it" give the same 404.
"""

from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404

from praxis.access.community import CommunityAccess, access_community
from praxis.accounts.models import AnyUser
from praxis.communities.models import Community
from praxis.practice.models import FeedbackRequest, SessionPlan

PlanNeed = Literal["read", "edit", "give_feedback"]


def can_share_plans(access: CommunityAccess) -> bool:
    """Share a session plan: the community's own members."""
    return access.is_member


@dataclass(frozen=True)
class PlanAccess:
    """What one person may do with one session plan; built on their CommunityAccess."""

    community_access: CommunityAccess
    plan: SessionPlan

    @property
    def community(self) -> Community:
        return self.community_access.community

    @property
    def is_author(self) -> bool:
        membership = self.community_access.membership
        return membership is not None and membership.user_id == self.plan.author_id

    @property
    def can_read(self) -> bool:
        """The plan, its versions, its feedback and its downloads."""
        return self.community_access.can_read

    @property
    def can_edit(self) -> bool:
        """Post a new version, ask for feedback, mark feedback acted upon: the author, while
        a member."""
        return self.is_author

    @property
    def can_give_feedback(self) -> bool:
        """Members other than the author give feedback on any version."""
        return self.community_access.is_member and not self.is_author


def may_answer_request(access: PlanAccess, request: FeedbackRequest, user_id: int) -> bool:
    """Whether a member was asked by ``request`` (for an answer by email): everyone but the
    author for the whole community, else those named in it."""
    if not access.can_give_feedback:
        return False
    if request.audience == FeedbackRequest.Audience.COMMUNITY:
        return True
    return request.asked.filter(pk=user_id).exists()


def plan_access(user: AnyUser, plan: SessionPlan, known: CommunityAccess) -> PlanAccess:
    return PlanAccess(community_access=known, plan=plan)


def _require(found: PlanAccess, need: PlanNeed) -> None:
    match need:
        case "read":
            allowed = found.can_read
        case "edit":
            allowed = found.can_read and found.can_edit
        case "give_feedback":
            allowed = found.can_read and found.can_give_feedback
        case _:  # a caller mypy did not check
            raise ValueError(f"unknown need {need!r}")
    if not allowed:
        raise PermissionDenied


def access_plan(user: AnyUser, slug: str, plan_id: int, *,
                need: PlanNeed = "read") -> PlanAccess:
    """Finds a session plan of a community for this person, or refuses (404 where the
    community or plan is not theirs to know, 403 where they may not do ``need``)."""
    access = access_community(user, slug, need="see")
    plan = (SessionPlan.objects.select_related("author")
            .filter(community=access.community, pk=plan_id).first())
    if plan is None:
        raise Http404
    plan.community = access.community  # the same row, already read: no query for its URL
    found = plan_access(user, plan, access)
    _require(found, need)
    return found
