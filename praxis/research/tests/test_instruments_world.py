"""A study with a questionnaire and an interview for the instruments' tests (no tests here).

Participants: TT1 and TT2 take part, TT3 withdrew, TT4 declined; the cast's member is not
invited (the permission matrix's "member not invited")."""

from dataclasses import dataclass

from django.urls import reverse

from praxis.accounts.models import User
from praxis.communities.tests.cast import Cast
from praxis.communities.tests.factories import MembershipFactory
from praxis.research import instruments as services
from praxis.research.models import Instrument, Participant, Question, Study
from praxis.research.tests.factories import ParticipantFactory, StudyFactory


@dataclass
class World:
    cast: Cast
    study: Study
    questionnaire: Instrument
    interview: Instrument
    tt1: Participant
    tt2: Participant
    withdrawn: Participant
    declined: Participant
    open_q: Question
    likert_q: Question
    ordering_q: Question

    @property
    def participant(self) -> User:
        assert self.tt1.user is not None
        return self.tt1.user

    def url(self, name: str, *args: object) -> str:
        return reverse(f"research:{name}",
                       args=[self.cast.community.slug, self.study.slug, *args])


def _member(cast: Cast, name: str) -> User:
    return MembershipFactory(community=cast.community, user__display_name=name).user


def make_world(cast: Cast, *, send: bool = True) -> World:
    study = StudyFactory(community=cast.community, slug="cop-impact", code_prefix="TT")
    tt1 = ParticipantFactory(study=study, number=1, user=_member(cast, "Maryam Ahmadi"))
    tt2 = ParticipantFactory(study=study, number=2, user=_member(cast, "Reza Karimi"))
    withdrawn = ParticipantFactory(study=study, number=3, user=_member(cast, "Sara Nouri"),
                                   status=Participant.Status.WITHDRAWN)
    declined = ParticipantFactory(study=study, number=4, user=_member(cast, "Ali Rahimi"),
                                  status=Participant.Status.DECLINED, consent_version=None)
    questionnaire = services.create_instrument(study=study, kind="questionnaire",
                                               title="Questionnaire 1")
    open_q = services.add_question(instrument=questionnaire, kind="text", required=True,
                                   prompt="How has the community changed your training?")
    likert_q = services.add_question(instrument=questionnaire, kind="likert",
                                     prompt="The forum helps me plan sessions.")
    ordering_q = services.add_question(instrument=questionnaire, kind="ordering",
                                       prompt="Order what helps you most.",
                                       options="Forum\nReadings\nDiary")
    interview = services.create_instrument(study=study, kind="interview",
                                           title="Semi-structured interview")
    services.add_question(instrument=interview, kind="text",
                          prompt="Tell me about a session you changed.")
    if send:
        services.send_questionnaire(instrument=questionnaire)
        questionnaire.refresh_from_db()
    return World(cast=cast, study=study, questionnaire=questionnaire, interview=interview,
                 tt1=tt1, tt2=tt2, withdrawn=withdrawn, declined=declined, open_q=open_q,
                 likert_q=likert_q, ordering_q=ordering_q)
