"""What research keeps of a person, what they download of it, and what their erasure or
leaving the community does to it."""

import pytest

from praxis.accounts.services import erase_account
from praxis.communities.models import Membership
from praxis.communities.services import remove_member
from praxis.core.personal_data import sections
from praxis.research import queries
from praxis.research.models import Coding, Participant, Researcher, Source
from praxis.research.tests.factories import CodingFactory, ParticipantFactory, StudyFactory

pytestmark = pytest.mark.django_db


def test_erasing_an_account_withdraws_from_every_study_and_keeps_the_code(full_cast):
    study = StudyFactory(community=full_cast.community)
    participant = ParticipantFactory(study=study, user=full_cast.member)
    coding = CodingFactory(passage__source__participant=participant,
                           passage__source__study=study, coder=full_cast.researcher)
    erase_account(user=full_cast.member, keep_posts=True)
    participant.refresh_from_db()
    assert participant.user is None and participant.status == Participant.Status.WITHDRAWN
    assert not Source.objects.exists() and not Coding.objects.filter(pk=coding.pk).exists()
    assert participant.code == f"TT{participant.number}"


def test_an_erased_researchers_coding_stays_with_the_study(full_cast):
    study = StudyFactory(community=full_cast.community)
    participant = ParticipantFactory(study=study)
    coding = CodingFactory(passage__source__participant=participant,
                           passage__source__study=study, coder=full_cast.researcher)
    erase_account(user=full_cast.researcher, keep_posts=False)
    coding.refresh_from_db()
    assert coding.coder is None and coding.coder_name
    assert list(queries.visible_codings(study)) == [coding]
    assert not Researcher.objects.filter(community=full_cast.community).exists()


def test_leaving_the_community_ends_the_researcher_role(full_cast):
    membership = Membership.objects.get(community=full_cast.community, user=full_cast.researcher)
    remove_member(membership=membership)
    assert not Researcher.objects.exists()


def test_the_download_lists_studies_and_roles(full_cast):
    study = StudyFactory(community=full_cast.community, title="Impact of the CoP")
    ParticipantFactory(study=study, user=full_cast.member)
    keys = {section.key: section for section in sections}
    rows = list(keys["study_participations"].rows(full_cast.member, lambda path: path))
    assert rows[0]["study"] == "Impact of the CoP" and rows[0]["code"].startswith("TT")
    roles = list(keys["research_roles"].rows(full_cast.researcher, lambda path: path))
    assert roles[0]["community"] == full_cast.community.name
