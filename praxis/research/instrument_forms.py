"""Forms for questionnaires and interviews: the builder's forms, the one-page questionnaire
a participant answers (no JavaScript: radio buttons, checkboxes, and a number per item to
put items in order), and the transcript form."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from praxis.research.instruments import AnswerDraft
from praxis.research.models import Answer, Instrument, Question
from praxis.research.pseudonyms import PseudonymError, parse_replacements
from praxis.research.transcripts import (
    AUDIO_ACCEPT,
    TRANSCRIPT_ACCEPT,
    CheckedAudio,
    TranscriptError,
    check_audio,
    read_transcript,
)


class InstrumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), widget=forms.RadioSelect,
        choices=[(Instrument.Kind.QUESTIONNAIRE, _("Questionnaire: participants answer it "
                                                   "here")),
                 (Instrument.Kind.INTERVIEW, _("Interview: a schedule of questions and each "
                                               "participant's transcript"))],
        initial=Instrument.Kind.QUESTIONNAIRE)
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("For example: Questionnaire 1."))
    introduction = forms.CharField(
        label=_("Introduction"), max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What participants read before the questions."))

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["kind"]


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=Question.Kind.choices,
                             initial=Question.Kind.TEXT)
    prompt = forms.CharField(label=_("Question"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    options = forms.CharField(
        label=_("Options"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: the choices, the points of a Likert scale (leave empty for "
                    "Strongly disagree to Strongly agree) or the items to put in order."))
    required = forms.BooleanField(label=_("An answer is required"), required=False)

    def __init__(self, *args: Any, interview: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if interview:
            # An interview's schedule holds open questions only.
            for name in ("kind", "options", "required"):
                del self.fields[name]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"kind": data.get("kind", Question.Kind.TEXT), "prompt": data["prompt"],
                "options": data.get("options", ""), "required": data.get("required", False)}


class FollowUpForm(QuestionForm):
    """A question for one participant, in an instrument they have not submitted yet."""

    instrument = forms.TypedChoiceField(label=_("Ask it in"), coerce=int)

    def __init__(self, *args: Any, targets: list[Instrument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [  # type: ignore[attr-defined]
            (instrument.number, str(instrument)) for instrument in targets]
        self.order_fields(["instrument"])


@dataclass
class QuestionBlock:
    """One question of the answer form, numbered as this participant sees it, with its
    field (an ordering question has one number field per item)."""

    number: int
    question: Question
    fields: list[BoundField]

    @property
    def errors(self) -> list[str]:
        return [str(error) for bound in self.fields for error in bound.errors]

    @property
    def field(self) -> BoundField:
        return self.fields[0]


def _name(question: Question) -> str:
    return f"q{question.pk}"


class AnswerForm(forms.Form):
    """A questionnaire on one page. ``submit``: the participant pressed "Submit", so the
    required questions must be answered; "Save and continue later" keeps what is there."""

    def __init__(self, data: Any = None, *, questions: list[Question],
                 saved: dict[int, Answer] | None = None, submit: bool = False,
                 disabled: bool = False) -> None:
        super().__init__(data)
        self.questions = questions
        self.submit = submit
        saved = saved or {}
        for question in questions:
            answer = saved.get(question.pk)
            self._add_fields(question, answer, disabled)

    def _add_fields(self, question: Question, answer: Answer | None, disabled: bool) -> None:
        name = _name(question)
        options = question.option_list
        chosen = list(answer.choices) if answer is not None else []
        numbered = [(str(index), option) for index, option in enumerate(options, start=1)]
        field: forms.Field
        match question.kind:
            case Question.Kind.TEXT:
                field = forms.CharField(required=False, max_length=20000,
                                        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}))
                field.initial = answer.text if answer is not None else ""
            case Question.Kind.SINGLE | Question.Kind.LIKERT:
                field = forms.ChoiceField(required=False, choices=numbered,
                                          widget=forms.RadioSelect)
                field.initial = next((str(options.index(choice) + 1) for choice in chosen
                                      if choice in options), None)
            case Question.Kind.MULTIPLE:
                field = forms.MultipleChoiceField(required=False, choices=numbered,
                                                  widget=forms.CheckboxSelectMultiple)
                field.initial = [str(options.index(choice) + 1) for choice in chosen
                                 if choice in options]
            case _:  # ordering: a rank for each item
                ranks = {item: rank for rank, item in enumerate(chosen, start=1)}
                for index, item in enumerate(options, start=1):
                    rank_field = forms.IntegerField(
                        label=item, required=False, min_value=1, max_value=len(options),
                        disabled=disabled,
                        widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
                    rank_field.initial = ranks.get(item)
                    self.fields[f"{name}_{index}"] = rank_field
                return
        field.label = question.prompt
        field.disabled = disabled
        self.fields[name] = field

    def _field_names(self, question: Question) -> list[str]:
        if question.kind == Question.Kind.ORDERING:
            return [f"{_name(question)}_{index}"
                    for index in range(1, len(question.option_list) + 1)]
        return [_name(question)]

    def blocks(self) -> list[QuestionBlock]:
        return [QuestionBlock(number, question,
                              [self[name] for name in self._field_names(question)])
                for number, question in enumerate(self.questions, start=1)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for question in self.questions:
            names = self._field_names(question)
            if any(name in self.errors for name in names):
                continue
            draft = self._draft(question, cleaned)
            if question.kind == Question.Kind.ORDERING and draft is None:
                self.add_error(names[0], _(
                    "Give each item a different number from 1 to %(count)s, or leave them "
                    "all empty.") % {"count": len(question.option_list)})
                continue
            if self.submit and question.required and (draft is None or draft.is_blank):
                self.add_error(names[0], _("This question needs an answer before you submit."))
        return cleaned

    def _draft(self, question: Question, cleaned: dict[str, Any]) -> AnswerDraft | None:
        """The answer to one question; None for an ordering that is not a permutation."""
        options = question.option_list
        name = _name(question)
        match question.kind:
            case Question.Kind.TEXT:
                return AnswerDraft(text=cleaned.get(name) or "")
            case Question.Kind.SINGLE | Question.Kind.LIKERT:
                value = cleaned.get(name)
                return AnswerDraft(choices=(options[int(value) - 1],) if value else ())
            case Question.Kind.MULTIPLE:
                return AnswerDraft(choices=tuple(options[int(value) - 1]
                                                 for value in cleaned.get(name) or []))
        ranks = [cleaned.get(f"{name}_{index}") for index in range(1, len(options) + 1)]
        if all(rank is None for rank in ranks):
            return AnswerDraft()
        if sorted(rank or 0 for rank in ranks) != list(range(1, len(options) + 1)):
            return None
        by_rank = sorted(zip(ranks, options, strict=True), key=lambda pair: pair[0] or 0)
        return AnswerDraft(choices=tuple(item for _rank, item in by_rank))

    def drafts(self) -> dict[int, AnswerDraft]:
        """Every question's answer, once the form is valid."""
        result = {}
        for question in self.questions:
            draft = self._draft(question, self.cleaned_data)
            result[question.pk] = draft if draft is not None else AnswerDraft()
        return result


class TranscriptForm(forms.Form):
    text = forms.CharField(
        label=_("Transcript"), required=False, max_length=500_000,
        widget=forms.Textarea(attrs={"rows": 18, "dir": "auto"}),
        help_text=_("Type or paste it here, or upload its file below."))
    upload = forms.FileField(
        label=_("Transcript file"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": TRANSCRIPT_ACCEPT}),
        help_text=_("Plain text (UTF-8), Word (.docx) or OpenDocument text (.odt). Its text "
                    "replaces what is typed above."))
    audio = forms.FileField(
        label=_("Recording (optional)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": AUDIO_ACCEPT}),
        help_text=_("MP3, M4A, Ogg, WAV or WebM. Only the study's researchers can download it."))
    remove_audio = forms.BooleanField(label=_("Remove the recording"), required=False)
    replace_names = forms.BooleanField(
        label=_("Replace participants' names with their codes"), required=False,
        help_text=_("Every participant's name (and first name, where no one else has it) "
                    "becomes their code, e.g. TT3."))
    other_names = forms.CharField(
        label=_("Other names to replace"), required=False, max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("One per line, as “Name = code”, e.g. “Mr Karimi = Trainer A”."))

    def __init__(self, *args: Any, has_audio: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_audio:
            del self.fields["remove_audio"]

    def clean_upload(self) -> str:
        upload: UploadedFile | None = self.cleaned_data.get("upload")
        if not upload:
            return ""
        try:
            return read_transcript(upload)
        except TranscriptError as error:
            raise forms.ValidationError(str(error), code="unreadable") from error

    def clean_audio(self) -> CheckedAudio | None:
        upload: UploadedFile | None = self.cleaned_data.get("audio")
        if not upload:
            return None
        try:
            return check_audio(upload)
        except TranscriptError as error:
            raise forms.ValidationError(str(error), code="not_audio") from error

    def clean_other_names(self) -> dict[str, str]:
        try:
            return parse_replacements(self.cleaned_data.get("other_names") or "")
        except PseudonymError as error:
            raise forms.ValidationError(str(error), code="names") from error

    def transcript_text(self) -> str:
        """The uploaded file's text if one came, else what was typed."""
        return str(self.cleaned_data.get("upload") or self.cleaned_data.get("text") or "")
