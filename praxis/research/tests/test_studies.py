"""Studies, consent and participation: the services and their pages."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from praxis.accounts.tests.factories import UserFactory
from praxis.communities.tests.cast import ALL_VISITORS
from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions.models import Post
from praxis.discussions.tests.factories import make_thread, make_topic, reply
from praxis.practice.models import JournalEntry
from praxis.research import queries, services
from praxis.research.models import Participant, Researcher, Source, Study
from praxis.research.tests.factories import (
    CodingFactory,
    InstrumentFactory,
    ParticipantFactory,
    SourceFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _study(cast) -> Study:
    return services.create_study(
        community=cast.community, created_by=cast.researcher, title="Impact of the CoP",
        slug="cop-impact", research_questions="What changed?\nHow?", ethics_reference="E-12",
        retain_until=TODAY + datetime.timedelta(days=400), code_prefix="TT",
        consent_text="I agree.")


def test_create_study_refuses_a_past_retention_date_and_a_taken_name(full_cast):
    _study(full_cast)
    with pytest.raises(services.ResearchRuleError):
        _study(full_cast)
    with pytest.raises(services.ResearchRuleError):
        services.create_study(
            community=full_cast.community, created_by=full_cast.researcher, title="T",
            slug="other", research_questions="Q", ethics_reference="",
            retain_until=TODAY, code_prefix="TT", consent_text="I agree.")
    with pytest.raises(services.ResearchRuleError):
        services.create_study(
            community=full_cast.community, created_by=full_cast.researcher, title="T",
            slug="new", research_questions="Q", ethics_reference="",
            retain_until=TODAY + datetime.timedelta(days=1), code_prefix="TT",
            consent_text="I agree.")


def test_invitations_give_codes_in_order_skip_the_invited_and_email_each(
        full_cast, django_capture_on_commit_callbacks):
    study = _study(full_cast)
    member, facilitator = full_cast.member, full_cast.facilitator
    with django_capture_on_commit_callbacks(execute=True):
        first = services.invite_participants(study=study, users=[member, full_cast.outsider],
                                             invited_by=full_cast.researcher)
        again = services.invite_participants(study=study, users=[member, facilitator],
                                             invited_by=full_cast.researcher)
    assert [p.code for p in first] == ["TT1"]
    assert [p.code for p in again] == ["TT2"]
    assert [m.to for m in mail.outbox] == [[member.email], [facilitator.email]]
    assert "/research/cop-impact/take-part/" in mail.outbox[0].body


def test_consent_shows_data_and_withdrawal_erases_it_everywhere(full_cast):
    study = _study(full_cast)
    (participant,) = services.invite_participants(study=study, users=[full_cast.member],
                                                  invited_by=full_cast.researcher)
    source = SourceFactory(participant=participant, study=study,
                           instrument=InstrumentFactory(study=study, number=1))
    coding = CodingFactory(passage__source=source, coder=full_cast.researcher)
    assert list(queries.visible_sources(study)) == []  # invited, not consented
    services.answer_invitation(participant=participant, consent=True, consent_version=1)
    assert list(queries.visible_codings(study)) == [coding]
    services.withdraw(participant=participant)
    participant.refresh_from_db()
    assert participant.status == Participant.Status.WITHDRAWN
    assert not Source.objects.filter(study=study).exists()
    assert participant.code == "TT1"
    # The code is not given again.
    (next_one,) = services.invite_participants(study=study, users=[full_cast.facilitator],
                                               invited_by=full_cast.researcher)
    assert next_one.code == "TT2"


def test_consent_to_an_outdated_text_is_refused(full_cast):
    study = _study(full_cast)
    (participant,) = services.invite_participants(study=study, users=[full_cast.member],
                                                  invited_by=full_cast.researcher)
    services.revise_consent(study=study, text="A corrected text.")  # nobody agreed: in place
    assert study.consent_versions.count() == 1
    with pytest.raises(services.ResearchRuleError):
        services.answer_invitation(participant=participant, consent=True, consent_version=0)


def test_a_new_consent_version_hides_data_until_agreed_again(
        full_cast, django_capture_on_commit_callbacks):
    study = _study(full_cast)
    (participant,) = services.invite_participants(study=study, users=[full_cast.member],
                                                  invited_by=full_cast.researcher)
    services.answer_invitation(participant=participant, consent=True, consent_version=1)
    SourceFactory(participant=participant, study=study,
                  instrument=InstrumentFactory(study=study, number=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        version = services.revise_consent(study=study, text="We also record interviews.")
    assert version.number == 2
    assert list(queries.visible_sources(study)) == []
    assert len(mail.outbox) == 1 and "changed" in mail.outbox[0].subject
    services.answer_invitation(participant=participant, consent=True, consent_version=2)
    assert len(list(queries.visible_sources(study))) == 1


def test_retention_date_erases_every_participants_data(full_cast):
    study = _study(full_cast)
    (participant,) = services.invite_participants(study=study, users=[full_cast.member],
                                                  invited_by=full_cast.researcher)
    services.answer_invitation(participant=participant, consent=True, consent_version=1)
    SourceFactory(participant=participant, study=study,
                  instrument=InstrumentFactory(study=study, number=1))
    assert services.erase_expired_studies(today=TODAY) == []
    erased = services.erase_expired_studies(today=study.retain_until)
    assert erased == [study]
    study.refresh_from_db()
    assert study.status == Study.Status.ERASED
    assert not Source.objects.filter(study=study).exists()
    assert not study.participants.exclude(user=None).exists()


def test_community_data_copies_posts_plans_and_shared_stories_with_codes(full_cast):
    study = _study(full_cast)
    member = full_cast.member
    member.display_name = "Maryam Ahmadi"
    member.save()
    (participant,) = services.invite_participants(study=study, users=[member],
                                                  invited_by=full_cast.researcher)
    services.answer_invitation(participant=participant, consent=True, consent_version=1)
    topic = make_topic(full_cast.community)
    thread = make_thread(topic, full_cast.facilitator, body="Not a participant.")
    reply(thread, member, body="As Maryam Ahmadi said, it worked. Maryam from Yazd agreed.")
    Post.objects.filter(pk=reply(thread, member, body="Hidden.").pk).update(is_hidden=True)
    instrument = services.create_community_instrument(
        study=study, title="Posts", since=TODAY - datetime.timedelta(days=30), until=TODAY)
    assert services.gather_community_data(instrument=instrument) == 1
    assert services.gather_community_data(instrument=instrument) == 0
    (source,) = queries.visible_sources(study)
    # The full name is the participant's; "Maryam" alone may be anyone: it stays.
    assert source.kind == Source.Kind.POST
    assert source.text == "As TT1 said, it worked. Maryam from Yazd agreed."
    assert Post.objects.count() == 3


def test_a_private_diary_entry_is_never_shared(full_cast):
    study = _study(full_cast)
    (participant,) = services.invite_participants(study=study, users=[full_cast.member],
                                                  invited_by=full_cast.researcher)
    services.answer_invitation(participant=participant, consent=True, consent_version=1)
    private = JournalEntry.objects.create(author=full_cast.member, community=full_cast.community,
                                          title="Mine", parts={"text": "Private."})
    shared = JournalEntry.objects.create(author=full_cast.member, community=full_cast.community,
                                         title="Ours", parts={"text": "Shared."},
                                         visibility=JournalEntry.Visibility.COMMUNITY)
    assert services.shareable_diary_entries(participant) == [shared]
    services.share_diary_entries(participant=participant, entry_ids=[private.pk, shared.pk])
    (source,) = queries.visible_sources(study)
    assert source.journal_entry == shared
    # Made private later: out of the study at once.
    shared.visibility = JournalEntry.Visibility.PRIVATE
    shared.save()
    assert list(queries.visible_sources(study)) == []


# --- pages -------------------------------------------------------------------------------

# Who gets what: the research area, a study's overview (researchers' page), the participant
# key, and the participation page.
HOME = {"anonymous": 302, "outsider": 403, "member": 200, "facilitator": 200,
        "steward": 200, "researcher": 200, "site_admin": 200}
RUN = {"anonymous": 302, "outsider": 404, "member": 403, "facilitator": 404,
       "steward": 403, "researcher": 200, "site_admin": 403}
TAKE_PART = {"anonymous": 302, "outsider": 404, "member": 200, "facilitator": 404,
             "steward": 403, "researcher": 403, "site_admin": 403}


@pytest.mark.parametrize("who", ALL_VISITORS)
def test_research_pages_permission_matrix(full_cast, as_visitor, who):
    study = _study(full_cast)
    services.invite_participants(study=study, users=[full_cast.member],
                                 invited_by=full_cast.researcher)
    client = as_visitor(full_cast, who)
    slug = full_cast.community.slug
    assert client.get(reverse("research:home", args=[slug])).status_code == HOME[who]
    for name in ("study_edit", "consent_edit", "invite", "participant_key"):
        url = reverse(f"research:{name}", args=[slug, study.slug])
        assert client.get(url).status_code == RUN[who], (name, who)
    url = reverse("research:participation", args=[slug, study.slug])
    assert client.get(url).status_code == TAKE_PART[who]


def test_steward_sees_that_a_study_runs_not_its_data(full_cast, client):
    study = _study(full_cast)
    client.force_login(full_cast.steward)
    page = client.get(study.get_absolute_url())
    assert page.status_code == 200
    assert b"not its data" in page.content or b"not their data" in page.content \
        or "only the community" in page.content.decode()


def test_member_consents_and_withdraws_through_the_page(full_cast, client):
    study = _study(full_cast)
    (participant,) = services.invite_participants(study=study, users=[full_cast.member],
                                                  invited_by=full_cast.researcher)
    client.force_login(full_cast.member)
    url = reverse("research:participation", args=[full_cast.community.slug, study.slug])
    page = client.get(url)
    assert "I agree." in page.content.decode()
    client.post(url, {"answer": "consent", "version": "1"})
    participant.refresh_from_db()
    assert participant.status == Participant.Status.CONSENTED
    assert "TT1" in client.get(url).content.decode()
    client.post(url, {"answer": "withdraw"})
    participant.refresh_from_db()
    assert participant.status == Participant.Status.WITHDRAWN


def test_steward_grants_and_removes_the_researcher_role(full_cast, client):
    client.force_login(full_cast.steward)
    slug = full_cast.community.slug
    client.post(reverse("research:researcher_grant", args=[slug]),
                {"member": full_cast.member.pk})
    assert Researcher.objects.filter(user=full_cast.member).exists()
    client.post(reverse("research:researcher_revoke", args=[slug, full_cast.member.pk]))
    assert not Researcher.objects.filter(user=full_cast.member).exists()
    outsider = UserFactory()
    with pytest.raises(services.ResearchRuleError):
        services.grant_researcher(community=full_cast.community, user=outsider,
                                  granted_by=full_cast.steward)


def test_researcher_creates_a_study_through_the_page(full_cast, client):
    client.force_login(full_cast.researcher)
    slug = full_cast.community.slug
    response = client.post(reverse("research:study_create", args=[slug]), {
        "title": "Impact", "slug": "impact-2026", "research_questions": "What changed?",
        "ethics_reference": "", "retain_until": (TODAY + datetime.timedelta(days=90)).isoformat(),
        "code_prefix": "TT", "consent_text": "I agree to take part."})
    study = Study.objects.get(slug="impact-2026")
    assert response.status_code == 302 and response["Location"] == study.get_absolute_url()
    page = client.get(study.get_absolute_url())
    assert page.status_code == 200 and "What changed?" in page.content.decode()


def test_overview_lists_participants_by_code_never_by_name(full_cast, client):
    study = StudyFactory(community=full_cast.community)
    MembershipFactory(community=full_cast.community, user__display_name="Zahra Karimi")
    participant = ParticipantFactory(study=study, user__display_name="Zahra Karimi")
    client.force_login(full_cast.researcher)
    page = client.get(study.get_absolute_url()).content.decode()
    assert participant.code in page and "Zahra Karimi" not in page


def test_every_file_of_a_studys_data_is_written_to_the_security_log(full_cast, client):
    from praxis.core.models import AuditEvent

    study = _study(full_cast)
    client.force_login(full_cast.researcher)
    for name in ("grid_csv", "quotes_docx", "export_qdpx"):
        response = client.get(reverse(f"research:{name}",
                                      args=[full_cast.community.slug, study.slug]))
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT, actor=full_cast.researcher)
    assert sorted(event.subject for event in events) == [
        "research study cop-impact: cop-impact-grid.csv",
        "research study cop-impact: cop-impact-quotes.docx",
        "research study cop-impact: cop-impact.qdpx"]
