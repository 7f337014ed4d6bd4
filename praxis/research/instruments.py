"""Questionnaires and interviews of a study: building them, sending them, answering them,
and keeping interview transcripts.

Every instrument has the next free number of its study (1, 2, 3 ...), the number a
citation (TT3:2) names. A questionnaire is built question by question, sent to the
consenting participants (each gets an email with a link to answer), answered over as many
visits as they like and submitted once; a submitted questionnaire becomes one source, so it
can be coded. An interview's questions are its schedule; its transcript (typed, or read from
a .txt, .docx or .odt file) is the source, with an optional recording.

Who may do each of these is decided at the door (``praxis.access.research``); what the
study may show of its participants, here as everywhere, only through
``praxis.research.queries``: a participant without current consent answers nothing, and
their answers are shown nowhere.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from django.db import transaction
from django.db.models import Max, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from praxis.core.email import absolute_url, send_notice
from praxis.research.models import (
    Answer,
    Instrument,
    Participant,
    Question,
    Response,
    Source,
    Study,
)
from praxis.research.pseudonyms import pseudonymise
from praxis.research.queries import consenting_participants, is_consenting
from praxis.research.services import participant_names
from praxis.research.transcripts import MAX_TRANSCRIPT_CHARS, CheckedAudio, normalise_text

# The kinds this module builds; community data is gathered elsewhere.
BUILT_KINDS = (Instrument.Kind.QUESTIONNAIRE, Instrument.Kind.INTERVIEW)
CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.LIKERT,
                Question.Kind.ORDERING)
MAX_QUESTIONS = 200
MAX_OPTIONS = 30
# A five-point scale, in the reader's language when the question is made.
LIKERT_DEFAULT = (gettext_noop("Strongly disagree"), gettext_noop("Disagree"),
                  gettext_noop("Neither agree nor disagree"), gettext_noop("Agree"),
                  gettext_noop("Strongly agree"))


class InstrumentError(ValueError):
    """A request about an instrument that cannot be done; the message says why."""


def likert_default() -> list[str]:
    return [_(label) for label in LIKERT_DEFAULT]


def _require_open(study: Study) -> None:
    if study.status != Study.Status.OPEN:
        raise InstrumentError(_("This study is closed: it takes no new data."))


# ---------------------------------------------------------------- reads


def study_instruments(study: Study) -> QuerySet[Instrument]:
    """The study's questionnaires and interviews, in number order."""
    return Instrument.objects.filter(study=study, kind__in=BUILT_KINDS).order_by("number")


def find_instrument(study: Study, number: int) -> Instrument | None:
    return Instrument.objects.filter(study=study, number=number, kind__in=BUILT_KINDS).first()


def questions_for(instrument: Instrument, participant: Participant | None) -> list[Question]:
    """What one participant is asked: the questions for everyone and their own follow-ups
    (None: the questions for everyone only)."""
    asked = Q(participant__isnull=True)
    if participant is not None:
        asked |= Q(participant=participant)
    return list(instrument.questions.filter(asked))


def all_questions(instrument: Instrument) -> list[Question]:
    """Every question of the instrument, follow-ups included (with their participant), each
    with ``answer_count`` and ``number`` (None for a follow-up) set: what the builder
    shows."""
    consenting = consenting_participants(instrument.study).values("pk")
    questions = list(instrument.questions.filter(
        Q(participant__isnull=True) | Q(participant__in=consenting))
        .select_related("participant", "participant__study"))
    counts = Counter(Answer.objects.filter(question__instrument=instrument)
                     .values_list("question_id", flat=True))
    number = 0
    for question in questions:
        question.answer_count = counts[question.pk]  # type: ignore[attr-defined]
        if question.participant_id is None:
            number += 1
        # Questions for everyone are numbered; a follow-up is shown with its code.
        question.number = number if question.participant_id is None else None  # type: ignore[attr-defined]
    return questions


def response_of(instrument: Instrument, participant: Participant) -> Response | None:
    return (Response.objects.filter(instrument=instrument, participant=participant)
            .prefetch_related("answers").first())


def open_questionnaires(participant: Participant) -> list[tuple[Instrument, Response | None]]:
    """The questionnaires a consenting participant may answer now (sent, not closed), with
    their response so far: for their participation page."""
    if not is_consenting(participant):
        return []
    instruments = list(Instrument.objects.filter(
        study_id=participant.study_id, kind=Instrument.Kind.QUESTIONNAIRE,
        sent_at__isnull=False, closed_at__isnull=True).order_by("number"))
    responses = {response.instrument_id: response for response in Response.objects.filter(
        participant=participant, instrument__in=instruments)}
    return [(instrument, responses.get(instrument.pk)) for instrument in instruments]


# ---------------------------------------------------------------- building


@transaction.atomic
def create_instrument(*, study: Study, kind: str, title: str,
                      introduction: str = "") -> Instrument:
    """A new questionnaire or interview with the study's next free number."""
    if kind not in BUILT_KINDS:
        raise InstrumentError(_("Choose a questionnaire or an interview."))
    if not title.strip():
        raise InstrumentError(_("Give the instrument a title."))
    # The study's row is the lock: two researchers adding at once get 3 and 4, not 3 twice.
    Study.objects.select_for_update().filter(pk=study.pk).first()
    number = (Instrument.objects.filter(study=study).aggregate(top=Max("number"))["top"]
              or 0) + 1
    return Instrument.objects.create(study=study, number=number, kind=kind,
                                     title=title.strip(), introduction=introduction.strip())


@transaction.atomic
def update_instrument(*, instrument: Instrument, title: str, introduction: str) -> Instrument:
    if not title.strip():
        raise InstrumentError(_("Give the instrument a title."))
    instrument.title = title.strip()
    instrument.introduction = introduction.strip()
    instrument.save(update_fields=["title", "introduction"])
    return instrument


def _clean_options(instrument: Instrument, kind: str, options: str) -> str:
    lines = [" ".join(line.split()) for line in options.splitlines() if line.strip()]
    if instrument.kind == Instrument.Kind.INTERVIEW and kind != Question.Kind.TEXT:
        raise InstrumentError(_("An interview's schedule holds open questions only."))
    if kind not in Question.Kind.values:
        raise InstrumentError(_("Choose what kind of question it is."))
    if kind == Question.Kind.TEXT:
        return ""
    if kind == Question.Kind.LIKERT and not lines:
        lines = likert_default()
    if len(lines) < 2:
        raise InstrumentError(_("Give at least two options, one per line."))
    if len(lines) > MAX_OPTIONS:
        raise InstrumentError(_("Give at most %(count)s options.") % {"count": MAX_OPTIONS})
    if len({line.casefold() for line in lines}) != len(lines):
        raise InstrumentError(_("Each option must be different from the others."))
    return "\n".join(lines)


@transaction.atomic
def add_question(*, instrument: Instrument, kind: str, prompt: str, options: str = "",
                 required: bool = False, participant: Participant | None = None) -> Question:
    """Adds a question at the end; with ``participant``, a follow-up only they are asked.
    Questions may be added after the questionnaire is sent."""
    if not prompt.strip():
        raise InstrumentError(_("Write the question."))
    if participant is not None:
        if participant.study_id != instrument.study_id or not is_consenting(participant):
            raise InstrumentError(_("Follow-up questions are for participants taking part."))
        response = Response.objects.filter(instrument=instrument,
                                           participant=participant).first()
        if response is not None and response.submitted_at is not None:
            raise InstrumentError(_(
                "%(code)s has already submitted this questionnaire: ask the follow-up in a "
                "later questionnaire or in the interview.") % {"code": participant.code})
    cleaned = _clean_options(instrument, kind, options)
    locked = Instrument.objects.select_for_update().get(pk=instrument.pk)
    if locked.questions.count() >= MAX_QUESTIONS:
        raise InstrumentError(_("An instrument holds at most %(count)s questions.")
                              % {"count": MAX_QUESTIONS})
    position = (locked.questions.aggregate(top=Max("position"))["top"] or 0) + 1
    return Question.objects.create(instrument=instrument, position=position, kind=kind,
                                   prompt=prompt.strip(), options=cleaned,
                                   required=required, participant=participant)


@transaction.atomic
def edit_question(*, question: Question, kind: str, prompt: str, options: str,
                  required: bool) -> Question:
    """Changes a question; one already answered keeps its kind."""
    if not prompt.strip():
        raise InstrumentError(_("Write the question."))
    if kind != question.kind and question.answers.exists():
        raise InstrumentError(_("This question has answers, so its kind cannot change. Add a "
                                "new question instead."))
    question.options = _clean_options(question.instrument, kind, options)
    question.kind = kind
    question.prompt = prompt.strip()
    question.required = required
    question.save(update_fields=["kind", "prompt", "options", "required"])
    return question


@transaction.atomic
def delete_question(*, question: Question) -> None:
    if question.answers.exists():
        raise InstrumentError(_("This question has answers, so it cannot be deleted: the "
                                "answers would be lost."))
    question.delete()


@transaction.atomic
def move_question(*, question: Question, direction: Literal["up", "down"]) -> None:
    """Moves a question one place among those asked of the same people (a follow-up moves
    among the questions for everyone and its participant's follow-ups)."""
    instrument = Instrument.objects.select_for_update().get(pk=question.instrument_id)
    questions = list(instrument.questions.all())
    # Positions made distinct first, so a swap always moves.
    for position, each in enumerate(questions, start=1):
        if each.position != position:
            each.position = position
            each.save(update_fields=["position"])
    peers = [each for each in questions
             if each.participant_id is None or each.participant_id == question.participant_id]
    index = next(i for i, each in enumerate(peers) if each.pk == question.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(peers):
        return
    mine, other = peers[index], peers[other_index]
    mine.position, other.position = other.position, mine.position
    mine.save(update_fields=["position"])
    other.save(update_fields=["position"])


# ---------------------------------------------------------------- sending


@transaction.atomic
def send_questionnaire(*, instrument: Instrument, site_url: str | None = None) -> int:
    """Opens a questionnaire to the study's consenting participants and owes each one with
    an email address an email with the link to answer it (sent once the write commits).
    Members who consent later find it on their participation page. Returns how many emails
    were owed."""
    instrument = Instrument.objects.select_for_update().select_related(
        "study", "study__community").get(pk=instrument.pk)
    _require_open(instrument.study)
    if instrument.kind != Instrument.Kind.QUESTIONNAIRE:
        raise InstrumentError(_("Only a questionnaire is sent: an interview is held."))
    if instrument.sent_at is not None:
        raise InstrumentError(_("This questionnaire has already been sent."))
    if not instrument.questions.filter(participant__isnull=True).exists():
        raise InstrumentError(_("Add at least one question for everyone before sending."))
    instrument.sent_at = timezone.now()
    instrument.closed_at = None
    instrument.save(update_fields=["sent_at", "closed_at"])
    study = instrument.study
    link = absolute_url(site_url, answer_path(instrument))
    owed = 0
    for participant in consenting_participants(study).select_related("user"):
        user = participant.user
        if user is None or not user.is_active or not user.email:
            continue
        send_notice(to=user, subject_template="research/email/questionnaire_sent_subject.txt",
                    body_template="research/email/questionnaire_sent.txt",
                    context={"recipient": user, "study": study, "instrument": instrument,
                             "community": study.community, "code": participant.code,
                             "link": link})
        owed += 1
    return owed


def answer_path(instrument: Instrument) -> str:
    study = instrument.study
    return reverse("research:answer",
                   args=[study.community.slug, study.slug, instrument.number])


@transaction.atomic
def close_questionnaire(*, instrument: Instrument) -> Instrument:
    """Stops taking answers; what was submitted stays."""
    if instrument.sent_at is None:
        raise InstrumentError(_("This questionnaire has not been sent."))
    if instrument.closed_at is None:
        instrument.closed_at = timezone.now()
        instrument.save(update_fields=["closed_at"])
    return instrument


@transaction.atomic
def reopen_questionnaire(*, instrument: Instrument) -> Instrument:
    _require_open(instrument.study)
    if instrument.closed_at is not None:
        instrument.closed_at = None
        instrument.save(update_fields=["closed_at"])
    return instrument


# ---------------------------------------------------------------- answering


@dataclass(frozen=True)
class AnswerDraft:
    """What a participant gave for one question: text, or the chosen options' text in
    order (one for a single choice or a scale point; the items in rank order)."""

    text: str = ""
    choices: tuple[str, ...] = ()

    @property
    def is_blank(self) -> bool:
        return not self.text.strip() and not self.choices


def why_not_answer(instrument: Instrument, participant: Participant) -> str | None:
    """Why this participant may not answer this questionnaire now, or None."""
    if instrument.kind != Instrument.Kind.QUESTIONNAIRE:
        return _("This is not a questionnaire.")
    if not is_consenting(participant):
        return _("Only participants who have given consent to the study answer its "
                 "questionnaires.")
    if instrument.study.status != Study.Status.OPEN:
        return _("This study is closed: it takes no new data.")
    if instrument.sent_at is None:
        return _("This questionnaire has not been sent yet.")
    if instrument.closed_at is not None:
        return _("This questionnaire is closed: it takes no more answers.")
    return None


def _check_draft(question: Question, draft: AnswerDraft) -> AnswerDraft:
    options = question.option_list
    match question.kind:
        case Question.Kind.TEXT:
            return AnswerDraft(text=draft.text.strip())
        case Question.Kind.SINGLE | Question.Kind.LIKERT:
            if len(draft.choices) > 1 or not set(draft.choices) <= set(options):
                raise InstrumentError(_("Choose one of the options of question “%(prompt)s”.")
                                      % {"prompt": question.prompt[:80]})
        case Question.Kind.MULTIPLE:
            if not set(draft.choices) <= set(options):
                raise InstrumentError(_("Choose among the options of question “%(prompt)s”.")
                                      % {"prompt": question.prompt[:80]})
            return AnswerDraft(choices=tuple(o for o in options if o in draft.choices))
        case Question.Kind.ORDERING:
            if draft.choices and sorted(draft.choices) != sorted(options):
                raise InstrumentError(_("Put every item of question “%(prompt)s” in order, "
                                        "each once.") % {"prompt": question.prompt[:80]})
    return AnswerDraft(choices=tuple(draft.choices))


@transaction.atomic
def save_answers(*, instrument: Instrument, participant: Participant,
                 answers: dict[int, AnswerDraft], submit: bool = False) -> Response:
    """Keeps what a participant has answered so far (a blank answer clears one saved
    before); with ``submit``, checks that every required question is answered, submits the
    response and makes it one source of the study, "1. <question>\\n<answer>" for each
    answered question. A submitted response is not changed again."""
    reason = why_not_answer(instrument, participant)
    if reason:
        raise InstrumentError(reason)
    response, _created = Response.objects.select_for_update().get_or_create(
        instrument=instrument, participant=participant)
    if response.submitted_at is not None:
        raise InstrumentError(_("You have already submitted this questionnaire."))
    questions = questions_for(instrument, participant)
    checked = {question.pk: _check_draft(question, answers.get(question.pk, AnswerDraft()))
               for question in questions}
    if submit:
        missing = [number for number, question in enumerate(questions, start=1)
                   if question.required and checked[question.pk].is_blank]
        if missing:
            raise InstrumentError(_("Answer the required questions before submitting: "
                                    "%(numbers)s.") % {"numbers": ", ".join(map(str, missing))})
    existing = {answer.question_id: answer for answer in response.answers.all()}
    for question in questions:
        draft = checked[question.pk]
        answer = existing.get(question.pk)
        if draft.is_blank:
            if answer is not None:
                answer.delete()
            continue
        if answer is None:
            Answer.objects.create(response=response, question=question, text=draft.text,
                                  choices=list(draft.choices))
        elif answer.text != draft.text or answer.choices != list(draft.choices):
            answer.text, answer.choices = draft.text, list(draft.choices)
            answer.save(update_fields=["text", "choices"])
    now = timezone.now()
    response.saved_at = now
    if submit:
        response.submitted_at = now
        Source.objects.create(
            study_id=instrument.study_id, participant=participant, instrument=instrument,
            kind=Source.Kind.QUESTIONNAIRE,
            title=source_title(participant, instrument),
            text=answers_text(questions, checked))
    response.save(update_fields=["saved_at", "submitted_at"])
    return response


def source_title(participant: Participant, instrument: Instrument) -> str:
    """"TT3 \u2013 Questionnaire 2": a source's title says whose and which."""
    return f"{participant.code} \u2013 {instrument.title}"[:300]


def answer_as_text(question: Question, draft: AnswerDraft) -> str:
    """One answer as the source's text shows it."""
    if question.kind == Question.Kind.TEXT:
        return normalise_text(draft.text)
    if question.kind == Question.Kind.ORDERING:
        return "\n".join(f"{rank}. {item}" for rank, item in enumerate(draft.choices, 1))
    return "\n".join(draft.choices)


def answers_text(questions: list[Question], answers: dict[int, AnswerDraft]) -> str:
    """The questionnaire as one text to code: each answered question's number (as the
    participant saw it) and prompt on a line, its answer below, a blank line between."""
    parts = []
    for number, question in enumerate(questions, start=1):
        draft = answers.get(question.pk, AnswerDraft())
        if draft.is_blank:
            continue
        prompt = " ".join(question.prompt.split())
        parts.append(f"{number}. {prompt}\n{answer_as_text(question, draft)}")
    return "\n\n".join(parts)


# ---------------------------------------------------------------- responses


@dataclass
class QuestionSummary:
    number: int
    question: Question
    # Choices and scales: (option, how many chose it); ordering: (item, mean rank).
    counts: list[tuple[str, int]] = field(default_factory=list)
    mean_ranks: list[tuple[str, float]] = field(default_factory=list)
    # Open questions: (participant code, text).
    texts: list[tuple[str, str]] = field(default_factory=list)
    answered: int = 0


@dataclass
class ResponseRow:
    participant: Participant
    response: Response | None

    @property
    def status(self) -> str:
        if self.response is None:
            return "not_started"
        return "submitted" if self.response.submitted_at else "saved"


@dataclass
class ResponsesOverview:
    rows: list[ResponseRow]
    summaries: list[QuestionSummary]

    @property
    def submitted(self) -> int:
        return sum(1 for row in self.rows if row.status == "submitted")


def responses_overview(instrument: Instrument) -> ResponsesOverview:
    """Who of the consenting participants has answered, and per question for everyone, a
    summary of the submitted answers: counts for choices and scales, mean ranks for
    ordering, the texts with their code for open questions. Nothing of anyone else."""
    participants = list(consenting_participants(instrument.study))
    responses = {response.participant_id: response for response in Response.objects.filter(
        instrument=instrument, participant__in=participants).prefetch_related(
        Prefetch("answers", queryset=Answer.objects.order_by("pk")))}
    rows = [ResponseRow(participant, responses.get(participant.pk))
            for participant in participants]
    summaries = []
    submitted = [row for row in rows if row.status == "submitted"]
    for number, question in enumerate(questions_for(instrument, None), start=1):
        summary = QuestionSummary(number=number, question=question)
        counts: Counter[str] = Counter()
        ranks: dict[str, list[int]] = {}
        for row in submitted:
            assert row.response is not None
            answer = next((a for a in row.response.answers.all()
                           if a.question_id == question.pk), None)
            if answer is None:
                continue
            summary.answered += 1
            if question.kind == Question.Kind.TEXT:
                summary.texts.append((row.participant.code, answer.text))
            elif question.kind == Question.Kind.ORDERING:
                for rank, item in enumerate(answer.choices, start=1):
                    ranks.setdefault(item, []).append(rank)
            else:
                counts.update(answer.choices)
        options = question.option_list
        summary.counts = [(option, counts[option]) for option in options]
        summary.counts += [(other, count) for other, count in counts.items()
                           if other not in options]  # options renamed after answers
        summary.mean_ranks = sorted(
            ((item, sum(found) / len(found)) for item, found in ranks.items()),
            key=lambda pair: pair[1])
        summaries.append(summary)
    return ResponsesOverview(rows=rows, summaries=summaries)


@dataclass
class AnsweredQuestion:
    number: int
    question: Question
    answer: Answer | None

    @property
    def shown(self) -> str:
        if self.answer is None:
            return ""
        return answer_as_text(self.question, AnswerDraft(text=self.answer.text,
                                                         choices=tuple(self.answer.choices)))


def answered_questions(instrument: Instrument, participant: Participant,
                       response: Response | None) -> list[AnsweredQuestion]:
    """Each question one participant is asked, numbered as they see it, with their answer."""
    answers = {answer.question_id: answer
               for answer in (response.answers.all() if response is not None else [])}
    return [AnsweredQuestion(number, question, answers.get(question.pk))
            for number, question in enumerate(questions_for(instrument, participant), 1)]


def follow_up_targets(participant: Participant) -> QuerySet[Instrument]:
    """Where a follow-up for one participant can go: the study's interviews, and its
    questionnaires they have not submitted."""
    submitted = Response.objects.filter(participant=participant,
                                        submitted_at__isnull=False).values("instrument_id")
    return (study_instruments(participant.study).exclude(pk__in=submitted)
            .order_by("number"))


# ---------------------------------------------------------------- transcripts


@dataclass
class TranscriptRow:
    participant: Participant
    source: Source | None


def transcripts_overview(instrument: Instrument) -> list[TranscriptRow]:
    """The consenting participants with their transcript of this interview, if any."""
    participants = list(consenting_participants(instrument.study))
    sources = {source.participant_id: source for source in Source.objects.filter(
        instrument=instrument, kind=Source.Kind.INTERVIEW, participant__in=participants)}
    return [TranscriptRow(participant, sources.get(participant.pk))
            for participant in participants]


def transcript_of(instrument: Instrument, participant: Participant) -> Source | None:
    return Source.objects.filter(instrument=instrument, participant=participant,
                                 kind=Source.Kind.INTERVIEW).first()


@transaction.atomic
def save_transcript(*, instrument: Instrument, participant: Participant, text: str,
                    audio: CheckedAudio | None = None, replace_participant_names: bool = False,
                    other_names: dict[str, str] | None = None,
                    remove_audio: bool = False) -> Source:
    """Keeps one participant's interview transcript as a source of the study, its names
    replaced by codes if asked, with the recording if one is given. A transcript with
    coded passages keeps its text: the passages point into it."""
    study = instrument.study
    _require_open(study)
    if instrument.kind != Instrument.Kind.INTERVIEW:
        raise InstrumentError(_("Transcripts belong to interviews."))
    if participant.study_id != study.pk or not is_consenting(participant):
        raise InstrumentError(_("Transcripts are kept for participants taking part only."))
    text = normalise_text(text)
    replacements: dict[str, str] = {}
    if replace_participant_names:
        replacements.update(participant_names(study))
    replacements.update(other_names or {})
    if replacements:
        text = pseudonymise(text, replacements)
    if len(text) > MAX_TRANSCRIPT_CHARS:
        raise InstrumentError(_("A transcript holds at most %(count)s characters.")
                              % {"count": MAX_TRANSCRIPT_CHARS})
    source = (Source.objects.select_for_update()
              .filter(instrument=instrument, participant=participant,
                      kind=Source.Kind.INTERVIEW).first())
    if source is None:
        if not text:
            raise InstrumentError(_("Type the transcript or upload its file."))
        source = Source(study=study, participant=participant, instrument=instrument,
                        kind=Source.Kind.INTERVIEW)
    elif not text:
        text = source.text  # only the recording changes
    elif text != source.text and source.passages.exists():
        raise InstrumentError(_(
            "This transcript has coded passages, so its text cannot be replaced: the codes "
            "point to places in it. Remove the coding first, or keep the text."))
    source.text = text
    source.title = source_title(participant, instrument)
    source.save()
    old_audio = source.audio.name if source.audio else ""
    if audio is not None or (remove_audio and old_audio):
        storage = source.audio.storage
        if audio is not None:
            # The last write: a failure before it stores no file.
            source.audio.save(audio.stored_name(f"{participant.code}-{instrument.number}"),
                              audio.upload, save=False)
        else:
            source.audio = ""  # type: ignore[assignment]
        source.save(update_fields=["audio"])
        if old_audio:
            transaction.on_commit(lambda: storage.delete(old_audio))
    return source


def audio_of(instrument: Instrument, participant: Participant) -> Source | None:
    source = transcript_of(instrument, participant)
    return source if source is not None and source.audio else None

