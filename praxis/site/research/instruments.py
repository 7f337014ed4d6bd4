"""Questionnaire and interview pages: the builder, sending and closing, answering, the
responses, and interview transcripts. Thin views: the door (``study_view``) decides who,
one service or query of ``praxis.research.instruments`` does the work. Everything works
without JavaScript: every change is a form with a button."""

from typing import Any, Literal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.access.research import StudyAccess
from praxis.research import instruments as services
from praxis.research.instrument_forms import (
    AnswerForm,
    FollowUpForm,
    InstrumentForm,
    QuestionForm,
    TranscriptForm,
)
from praxis.research.models import Instrument, Participant, Question
from praxis.research.queries import consenting_participant
from praxis.research.transcripts import AUDIO_KINDS
from praxis.site.http import site_url
from praxis.site.research.common import study_context, study_view

PAGE = "instruments"


def _instrument(access: StudyAccess, number: int) -> Instrument:
    instrument = services.find_instrument(access.study, number)
    if instrument is None:
        raise Http404
    return instrument


def _participant(access: StudyAccess, code: str) -> Participant:
    """A consenting participant by code: anyone else is not found, as if never there."""
    participant = consenting_participant(access.study, code)
    if participant is None:
        raise Http404
    return participant


def _question(instrument: Instrument, question_id: int) -> Question:
    question = instrument.questions.filter(pk=question_id).first()
    if question is None:
        raise Http404
    question.instrument = instrument
    return question


def _back(instrument: Instrument, access: StudyAccess, anchor: str = "") -> HttpResponse:
    return redirect(_url("research:instrument", access, instrument.number) + anchor)


def _url(name: str, access: StudyAccess, *args: Any) -> str:
    return reverse(name, args=[access.community.slug, access.study.slug, *args])


# ---------------------------------------------------------------- list and builder


@study_view("run")
@require_GET
def instrument_list(request: HttpRequest, access: StudyAccess) -> HttpResponse:
    return render(request, "research/instruments.html", study_context(
        access, PAGE, instruments=list(services.study_instruments(access.study))))


@study_view("run")
@require_http_methods(["GET", "POST"])
def instrument_create(request: HttpRequest, access: StudyAccess) -> HttpResponse:
    form = InstrumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            instrument = services.create_instrument(study=access.study, **form.cleaned_data)
        except services.InstrumentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("“%(instrument)s” is created. Add its questions.")
                             % {"instrument": instrument})
            return _back(instrument, access)
    return render(request, "research/instrument_form.html", study_context(
        access, PAGE, form=form, instrument=None),
        status=400 if request.method == "POST" else 200)


@study_view("run")
@require_http_methods(["GET", "POST"])
def instrument_edit(request: HttpRequest, access: StudyAccess, number: int) -> HttpResponse:
    instrument = _instrument(access, number)
    form = InstrumentForm(request.POST or None, editing=True, initial={
        "title": instrument.title, "introduction": instrument.introduction})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_instrument(instrument=instrument, **form.cleaned_data)
        except services.InstrumentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return _back(instrument, access)
    return render(request, "research/instrument_form.html", study_context(
        access, PAGE, form=form, instrument=instrument),
        status=400 if request.method == "POST" else 200)


def _builder(request: HttpRequest, access: StudyAccess, instrument: Instrument,
             form: QuestionForm | None = None, status: int = 200) -> HttpResponse:
    interview = instrument.kind == Instrument.Kind.INTERVIEW
    return render(request, "research/instrument.html", study_context(
        access, PAGE, instrument=instrument, questions=services.all_questions(instrument),
        form=form or QuestionForm(interview=interview), interview=interview,
        transcripts=services.transcripts_overview(instrument) if interview else []),
        status=status)


@study_view("run")
@require_GET
def instrument_detail(request: HttpRequest, access: StudyAccess, number: int) -> HttpResponse:
    return _builder(request, access, _instrument(access, number))


@study_view("run")
@require_POST
def question_add(request: HttpRequest, access: StudyAccess, number: int) -> HttpResponse:
    instrument = _instrument(access, number)
    form = QuestionForm(request.POST, interview=instrument.kind == Instrument.Kind.INTERVIEW)
    if form.is_valid():
        try:
            services.add_question(instrument=instrument, **form.values())
        except services.InstrumentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The question is added."))
            return _back(instrument, access, "#add-question")
    return _builder(request, access, instrument, form, status=400)


@study_view("run")
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, access: StudyAccess, number: int,
                  question_id: int) -> HttpResponse:
    instrument = _instrument(access, number)
    question = _question(instrument, question_id)
    form = QuestionForm(request.POST or None,
                        interview=instrument.kind == Instrument.Kind.INTERVIEW,
                        initial={"kind": question.kind, "prompt": question.prompt,
                                 "options": question.options, "required": question.required})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_question(question=question, **form.values())
        except services.InstrumentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The question is saved."))
            return _back(instrument, access, f"#question-{question.pk}")
    return render(request, "research/instrument_question.html", study_context(
        access, PAGE, instrument=instrument, question=question, form=form,
        has_answers=question.answers.exists()),
        status=400 if request.method == "POST" else 200)


@study_view("run")
@require_POST
def question_delete(request: HttpRequest, access: StudyAccess, number: int,
                    question_id: int) -> HttpResponse:
    instrument = _instrument(access, number)
    try:
        services.delete_question(question=_question(instrument, question_id))
    except services.InstrumentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The question is deleted."))
    return _back(instrument, access)


@study_view("run")
@require_POST
def question_move(request: HttpRequest, access: StudyAccess, number: int,
                  question_id: int) -> HttpResponse:
    instrument = _instrument(access, number)
    question = _question(instrument, question_id)
    direction: Literal["up", "down"] = "up" if request.POST.get("direction") == "up" else "down"
    services.move_question(question=question, direction=direction)
    return _back(instrument, access, f"#question-{question.pk}")


# ---------------------------------------------------------------- sending


@study_view("run")
@require_POST
def instrument_send(request: HttpRequest, access: StudyAccess, number: int) -> HttpResponse:
    instrument = _instrument(access, number)
    try:
        owed = services.send_questionnaire(instrument=instrument,
                                           site_url=site_url(request))
    except services.InstrumentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The questionnaire is sent: %(count)s participants get an "
                                    "email with the link to answer it.") % {"count": owed})
    return _back(instrument, access)


@study_view("run")
@require_POST
def instrument_close(request: HttpRequest, access: StudyAccess, number: int) -> HttpResponse:
    instrument = _instrument(access, number)
    try:
        if request.POST.get("reopen"):
            services.reopen_questionnaire(instrument=instrument)
            messages.success(request, _("The questionnaire takes answers again."))
        else:
            services.close_questionnaire(instrument=instrument)
            messages.success(request, _("The questionnaire is closed: it takes no more "
                                        "answers."))
    except services.InstrumentError as error:
        messages.error(request, str(error))
    return _back(instrument, access)


# ---------------------------------------------------------------- answering


@study_view("take_part")
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, access: StudyAccess, number: int) -> HttpResponse:
    """A participant's questionnaire: one page, saved as they go, submitted once."""
    instrument = _instrument(access, number)
    participant = access.participant
    assert participant is not None  # the door: take_part
    if instrument.kind != Instrument.Kind.QUESTIONNAIRE:
        raise Http404
    response = services.response_of(instrument, participant)
    submitted = response is not None and response.submitted_at is not None
    if not services.is_consenting(participant) or instrument.sent_at is None:
        raise PermissionDenied(services.why_not_answer(instrument, participant))
    # Closed, or the study closed: their answers so far are shown, not changed.
    reason = None if submitted else services.why_not_answer(instrument, participant)
    questions = services.questions_for(instrument, participant)
    saved = {a.question_id: a for a in (response.answers.all() if response else [])}
    submit = "submit" in request.POST
    read_only = submitted or reason is not None
    form = AnswerForm(request.POST if request.method == "POST" and not read_only else None,
                      questions=questions, saved=saved, submit=submit, disabled=read_only)
    if request.method == "POST" and not read_only and form.is_valid():
        try:
            services.save_answers(instrument=instrument, participant=participant,
                                  answers=form.drafts(), submit=submit)
        except services.InstrumentError as error:
            form.add_error(None, str(error))
        else:
            if submit:
                messages.success(request, _("Your answers are submitted. Thank you."))
            else:
                messages.success(request, _("Your answers are saved. Come back to finish "
                                            "whenever you like."))
            return redirect(services.answer_path(instrument))
    elif request.method == "POST" and read_only:
        messages.error(request, reason or _("You have already submitted this questionnaire."))
        return redirect(services.answer_path(instrument))
    return render(request, "research/questionnaire_answer.html", study_context(
        access, "answer", instrument=instrument, form=form, blocks=form.blocks(),
        response=response, submitted=submitted, closed_reason=reason,
        participant=participant,
        answered=services.answered_questions(instrument, participant, response)
        if read_only else []),
        status=400 if request.method == "POST" else 200)


# ---------------------------------------------------------------- responses


@study_view("run")
@require_GET
def responses(request: HttpRequest, access: StudyAccess, number: int) -> HttpResponse:
    instrument = _instrument(access, number)
    if instrument.kind != Instrument.Kind.QUESTIONNAIRE:
        raise Http404
    return render(request, "research/questionnaire_responses.html", study_context(
        access, PAGE, instrument=instrument,
        overview=services.responses_overview(instrument)))


def _response_page(request: HttpRequest, access: StudyAccess, instrument: Instrument,
                   participant: Participant, form: FollowUpForm | None = None,
                   status: int = 200) -> HttpResponse:
    response = services.response_of(instrument, participant)
    targets = list(services.follow_up_targets(participant))
    if form is None:
        later = [target for target in targets if target.number > instrument.number]
        form = FollowUpForm(targets=targets, initial={
            "instrument": (later or targets or [instrument])[0].number})
    return render(request, "research/questionnaire_response.html", study_context(
        access, PAGE, instrument=instrument, participant=participant, response=response,
        answered=services.answered_questions(instrument, participant, response),
        follow_up_form=form, targets=targets), status=status)


@study_view("run")
@require_GET
def response_detail(request: HttpRequest, access: StudyAccess, number: int,
                    code: str) -> HttpResponse:
    instrument = _instrument(access, number)
    if instrument.kind != Instrument.Kind.QUESTIONNAIRE:
        raise Http404
    return _response_page(request, access, instrument, _participant(access, code))


@study_view("run")
@require_POST
def follow_up_add(request: HttpRequest, access: StudyAccess, number: int,
                  code: str) -> HttpResponse:
    """A follow-up question for one participant, asked in a later questionnaire or their
    interview (the study's interviews were "based on responses to Questionnaire 2")."""
    instrument = _instrument(access, number)
    participant = _participant(access, code)
    targets = list(services.follow_up_targets(participant))
    form = FollowUpForm(request.POST, targets=targets)
    if form.is_valid():
        target = next(t for t in targets if t.number == form.cleaned_data["instrument"])
        values = form.values()
        if target.kind == Instrument.Kind.INTERVIEW:
            values.update(kind=Question.Kind.TEXT, options="")
        try:
            services.add_question(instrument=target, participant=participant, **values)
        except services.InstrumentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The follow-up question for %(code)s is added to "
                                        "“%(instrument)s”.")
                             % {"code": participant.code, "instrument": target})
            return redirect(_url("research:response", access, instrument.number,
                                 participant.code))
    return _response_page(request, access, instrument, participant, form, status=400)


# ---------------------------------------------------------------- transcripts


@study_view("run")
@require_http_methods(["GET", "POST"])
def transcript(request: HttpRequest, access: StudyAccess, number: int,
               code: str) -> HttpResponse:
    instrument = _instrument(access, number)
    if instrument.kind != Instrument.Kind.INTERVIEW:
        raise Http404
    participant = _participant(access, code)
    source = services.transcript_of(instrument, participant)
    form = TranscriptForm(request.POST or None, request.FILES or None,
                          has_audio=bool(source and source.audio),
                          initial={"text": source.text if source else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_transcript(
                instrument=instrument, participant=participant, text=form.transcript_text(),
                audio=data.get("audio"), replace_participant_names=data["replace_names"],
                other_names=data["other_names"], remove_audio=data.get("remove_audio", False))
        except services.InstrumentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The transcript of %(code)s is saved.")
                             % {"code": participant.code})
            return redirect(_url("research:transcript", access, instrument.number,
                                 participant.code))
    return render(request, "research/transcript_form.html", study_context(
        access, PAGE, instrument=instrument, participant=participant, source=source,
        form=form, schedule=services.questions_for(instrument, participant),
        coded=bool(source and source.passages.exists())),
        status=400 if request.method == "POST" else 200)


@study_view("run")
@require_GET
def transcript_audio(request: HttpRequest, access: StudyAccess, number: int,
                     code: str) -> FileResponse:
    """An interview's recording, for the study's researchers only: never a public URL."""
    instrument = _instrument(access, number)
    source = services.audio_of(instrument, _participant(access, code))
    if source is None:
        raise Http404
    try:
        handle = source.audio.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = source.audio.name.rsplit("/", 1)[-1]
    extension = name.rpartition(".")[2].lower()
    kind = AUDIO_KINDS.get(extension)
    response = FileResponse(handle, as_attachment=True, filename=name,
                            content_type=kind.content_type if kind else "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
