"""What research keeps about a person: the studies they were invited to and their answer,
what they gave a study (questionnaire answers; transcripts and copies are the study's,
listed by title), the researcher role, and the passages they coded as a researcher
(``core.personal_data``); and what becomes of it when they erase their account
(``accounts.hooks.account_erased``). Registered in ``ResearchConfig.ready``.

On erasure a participant is withdrawn from every study (all they gave is deleted, their
code is kept unused) and a researcher loses the role; the coding they did stays with the
study, by a former member, as analysis is the study's, not a person's."""

from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from praxis.accounts.hooks import Erasure
from praxis.accounts.models import User
from praxis.communities.models import Membership
from praxis.core.personal_data import Absolute, Field, Row, Section
from praxis.research.models import Answer, Coding, Participant, Researcher, Source
from praxis.research.services import erase_data_of

BATCH = 500
STUDY = Field("study", _lazy("study"))
COMMUNITY = Field("community", _lazy("community"))


def _participations(user: User, absolute: Absolute) -> Iterator[Row]:
    participations = (Participant.objects.filter(user=user)
                      .select_related("study", "study__community", "consent_version")
                      .order_by("invited_at", "pk"))
    for participant in participations.iterator(chunk_size=BATCH):
        yield {"study": participant.study.title, "community": participant.study.community.name,
               "code": participant.code, "status": participant.get_status_display(),
               "consent_version": participant.consent_version.number
               if participant.consent_version else "",
               "invited_at": participant.invited_at, "answered_at": participant.answered_at,
               "sources": [source.title for source in
                           Source.objects.filter(participant=participant).only("title")]}


PARTICIPATIONS = Section(
    key="study_participations", order=85,
    title=_lazy("Studies you were invited to"),
    fields=(STUDY, COMMUNITY, Field("code", _lazy("your code in the study")),
            Field("status", _lazy("your answer")),
            Field("consent_version", _lazy("consent text version agreed to")),
            Field("invited_at", _lazy("invited"), "when"),
            Field("answered_at", _lazy("answered"), "when"),
            Field("sources", _lazy("what the study holds of yours"))),
    rows=_participations,
    purpose=_lazy("To study, with your consent, what taking part in the community changes "
                  "in training practice."),
    retention=_lazy("Until you withdraw, until the study's retention date, or until you "
                    "erase your account: then everything you gave the study is deleted."),
    seen_by=_lazy("The community's researchers, under your code, while you consent. Never "
                  "stewards, facilitators or other members."),
)


def _answers(user: User, absolute: Absolute) -> Iterator[Row]:
    answers = (Answer.objects.filter(response__participant__user=user)
               .select_related("question", "response__instrument__study")
               .order_by("response_id", "question__position", "pk"))
    for answer in answers.iterator(chunk_size=BATCH):
        instrument = answer.response.instrument
        yield {"study": instrument.study.title,
               "instrument": f"{instrument.number}. {instrument.title}",
               "question": answer.question.prompt,
               "answer": answer.text or "; ".join(str(choice) for choice in answer.choices),
               "submitted_at": answer.response.submitted_at}


ANSWERS = Section(
    key="study_answers", order=86,
    title=_lazy("Your answers to study questionnaires"),
    fields=(STUDY, Field("instrument", _lazy("questionnaire")),
            Field("question", _lazy("question"), "long"), Field("answer", _lazy("answer"), "long"),
            Field("submitted_at", _lazy("submitted"), "when")),
    rows=_answers,
    purpose=_lazy("To answer the study's research questions."),
    retention=_lazy("As long as you take part in the study, until its retention date."),
    seen_by=_lazy("The community's researchers, under your code."),
)


def _roles(user: User, absolute: Absolute) -> Iterator[Row]:
    for role in Researcher.objects.filter(user=user).select_related("community"):
        yield {"community": role.community.name, "granted_at": role.granted_at,
               "codings": Coding.objects.filter(coder=user,
                                                theme__study__community=role.community).count()}


ROLES = Section(
    key="research_roles", order=87,
    title=_lazy("Your researcher roles"),
    fields=(COMMUNITY, Field("granted_at", _lazy("granted"), "when"),
            Field("codings", _lazy("passages you coded"))),
    rows=_roles,
    purpose=_lazy("To let you run the community's studies."),
    retention=_lazy("Until a steward removes the role or you leave the community."),
    seen_by=_lazy("The community's stewards and researchers."),
)

SECTIONS = (PARTICIPATIONS, ANSWERS, ROLES)


def forget_erased_member(erasure: Erasure) -> None:
    """Withdraws the person from every study and ends their researcher roles (see the
    module)."""
    user = erasure.user
    participations = list(Participant.objects.filter(user=user))
    erase_data_of(participations)
    Participant.objects.filter(user=user).exclude(
        status__in=[Participant.Status.DECLINED]).update(
        status=Participant.Status.WITHDRAWN, tier="", cohort="")
    Participant.objects.filter(user=user).update(user=None)
    Researcher.objects.filter(user=user).delete()
    Coding.objects.filter(coder=user).update(coder=None, coder_name=_("Former member"))


def forget_role(membership: Membership) -> None:
    """A member who leaves the community is no longer one of its researchers."""
    Researcher.objects.filter(community_id=membership.community_id,
                              user_id=membership.user_id).delete()
