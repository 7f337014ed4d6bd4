"""The door for impact research: who runs a study, who takes part, who grants the role.

- A researcher is a member a steward (or a site admin) has made one in that community; the
  role ends with their membership. Researchers run every study of the community: its
  sampling, instruments, codebook, coding, grid and exports.
- Stewards grant and withdraw the role and see which studies run (title, status, how many take
  part), never a study's data unless they are researchers themselves.
- A member invited to a study sees their invitation, gives, declines or withdraws consent,
  answers questionnaires and chooses what of theirs to share with it.
- Nobody else learns that a study exists: ``access_study`` answers "not found" to them, as
  ``access_community`` does for a private community.

What a study shows of its participants (consenting ones only) is decided in
``praxis.research.queries``, below this door, so that pages, exports and commands agree.
"""

from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404

from praxis.access.community import CommunityAccess, access_community
from praxis.accounts.models import AnyUser
from praxis.communities.models import Community
from praxis.research.models import Participant, Researcher, Study

StudyNeed = Literal["see", "run", "take_part"]


def is_researcher(access: CommunityAccess) -> bool:
    """A member of the community with the researcher role."""
    return access.membership is not None and Researcher.objects.filter(
        community=access.community, user_id=access.membership.user_id).exists()


def can_grant_research_role(access: CommunityAccess) -> bool:
    return access.can_manage


@dataclass(frozen=True)
class ResearchAccess:
    """What one person may do in a community's research area."""

    community_access: CommunityAccess
    is_researcher: bool

    @property
    def community(self) -> Community:
        return self.community_access.community

    @property
    def can_run_studies(self) -> bool:
        return self.is_researcher

    @property
    def can_grant_roles(self) -> bool:
        return can_grant_research_role(self.community_access)

    @property
    def can_see_studies(self) -> bool:
        """The list of the community's studies (not their data)."""
        return self.is_researcher or self.can_grant_roles


def access_research(user: AnyUser, slug: str) -> ResearchAccess:
    """The research area of a community: its members and site admins; others are refused
    as the community door refuses them."""
    community_access = access_community(user, slug, need="see")
    if not (community_access.is_member or community_access.is_site_admin):
        raise PermissionDenied
    return ResearchAccess(community_access, is_researcher(community_access))


@dataclass(frozen=True)
class StudyAccess:
    """What one person may do with one study."""

    research: ResearchAccess
    study: Study
    participant: Participant | None

    @property
    def community_access(self) -> CommunityAccess:
        return self.research.community_access

    @property
    def community(self) -> Community:
        return self.research.community

    @property
    def can_run(self) -> bool:
        """Work with the study's data: the community's researchers."""
        return self.research.is_researcher

    @property
    def can_see(self) -> bool:
        return self.can_run or self.research.can_grant_roles or self.can_take_part

    @property
    def can_take_part(self) -> bool:
        """Answer the invitation, consent or withdraw, answer questionnaires: the member
        invited, while a member and while the study holds personal data."""
        return (self.participant is not None and self.community_access.is_member
                and self.study.status != Study.Status.ERASED)

    @property
    def is_open(self) -> bool:
        return self.study.status == Study.Status.OPEN


def access_study(user: AnyUser, slug: str, study_slug: str, *,
                 need: StudyNeed = "see") -> StudyAccess:
    """Finds a study of a community for this person, or refuses: "not found" to anyone who
    may not know it exists (members not invited, outsiders), PermissionDenied to those who
    may know it but not do what they need (a steward asking for the data)."""
    try:
        research = access_research(user, slug)
    except PermissionDenied:
        if not user.is_authenticated:
            raise  # signing in may help
        raise Http404 from None
    study = Study.objects.filter(community=research.community, slug=study_slug).first()
    if study is None:
        raise Http404
    participant = None
    if user.is_authenticated:
        participant = Participant.objects.filter(study=study, user=user).first()
    access = StudyAccess(research, study, participant)
    if not access.can_see:
        raise Http404
    allowed = {"see": access.can_see, "run": access.can_run,
               "take_part": access.can_take_part}[need]
    if not allowed:
        raise PermissionDenied
    return access
