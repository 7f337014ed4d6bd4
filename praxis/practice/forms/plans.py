"""Forms for session plans: a version's fields and its stages (a formset with blank rows to
fill, and a button for more: no JavaScript), asking for feedback, giving it."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from praxis.accounts.models import User
from praxis.communities.models import Community
from praxis.library.validators import validate_document
from praxis.practice.models import Feedback, FeedbackRequest, PlanStage, PlanVersion
from praxis.practice.services.plans import MAX_STAGES, PlanDraft, StageDraft
from praxis.topics.models import Topic

BLANK_STAGES = 3  # empty rows offered after the filled ones, and added by "more stages"
STAGES_PREFIX = "stages"


class PlanForm(forms.ModelForm):
    """What one version of a plan says, its original file and the topics that inspired it."""

    upload = forms.FileField(
        label=_("Original file (optional)"), required=False,
        help_text=_("Your plan as you wrote it: a PDF, Word (.docx) or OpenDocument (.odt) "
                    "file of at most 20 MB."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics that inspired it"), queryset=Topic.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PlanVersion
        fields = ["title", "audience", "level", "duration_minutes", "aims"]
        widgets = {"aims": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = (  # type: ignore[attr-defined]
            Topic.objects.filter(community=community).order_by("-starts_at", "pk"))
        self.fields["duration_minutes"].widget.attrs.update({"min": 1, "max": 600})

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if upload:
            validate_document(upload)
        return upload

    def clean_duration_minutes(self) -> int:
        minutes = self.cleaned_data["duration_minutes"]
        if not 1 <= minutes <= 600:
            raise ValidationError(_("A session lasts between 1 and 600 minutes."))
        return int(minutes)


class VersionForm(PlanForm):
    change_note = forms.CharField(
        label=_("What changed"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is new in this version, and why."),
    )
    answers = forms.ModelMultipleChoiceField(
        label=_("Feedback this version answers"), queryset=Feedback.objects.none(),
        required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the feedback that led to these changes: it is marked acted upon, "
                    "and linked to this version."),
    )

    def __init__(self, *args: Any, community: Community, feedback: Sequence[Feedback] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, community=community, **kwargs)
        field: Any = self.fields["answers"]
        field.queryset = (Feedback.objects.filter(pk__in=[item.pk for item in feedback])
                          .select_related("version").order_by("created_at", "pk"))
        labels = {item.pk: _feedback_label(item) for item in feedback}
        field.label_from_instance = lambda item: labels.get(item.pk) or str(item)


def _feedback_label(item: Feedback) -> str:
    said = item.change or item.works or item.question or item.comment
    said = " ".join(said.split())
    if len(said) > 120:
        said = said[:119] + "…"
    return f"v{item.version.number} · {item.author or _('a former member')}: {said}"


class StageForm(forms.Form):
    """One stage; a row left empty is no stage."""

    minutes = forms.IntegerField(label=_("Minutes"), required=False, min_value=1,
                                 max_value=600)
    activity = forms.CharField(label=_("Activity"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))
    interaction = forms.ChoiceField(
        label=_("Interaction"), required=False,
        choices=[("", _("Choose…")), *PlanStage.Interaction.choices],
    )
    materials = forms.CharField(label=_("Materials"), required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("activity") or "").strip():
            if cleaned.get("materials") or cleaned.get("minutes"):
                self.add_error("activity", _("Say what happens in this stage, or clear the "
                                             "row."))
            return cleaned
        if not cleaned.get("minutes"):
            self.add_error("minutes", _("How many minutes does this stage take?"))
        if not cleaned.get("interaction"):
            self.add_error("interaction", _("Choose who works with whom."))
        return cleaned

    def draft(self) -> StageDraft | None:
        activity = (self.cleaned_data.get("activity") or "").strip()
        if not activity:
            return None
        return StageDraft(minutes=self.cleaned_data["minutes"], activity=activity,
                          interaction=self.cleaned_data["interaction"],
                          materials=self.cleaned_data.get("materials") or "")


class BaseStageFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if not stage_drafts(self):
            raise ValidationError(_("Describe at least one stage."))


StageFormSet = forms.formset_factory(StageForm, formset=BaseStageFormSet, extra=0,
                                     max_num=MAX_STAGES, absolute_max=MAX_STAGES)


def stage_drafts(formset: Any) -> list[StageDraft]:
    return [draft for form in formset.forms if (draft := form.draft()) is not None]


def stage_formset(data: QueryDict | None, initial: list[dict[str, Any]] | None = None,
                  *, more: bool = False) -> Any:
    """The stages formset: the posted rows (with ``BLANK_STAGES`` more when asked), or the
    given stages followed by blank rows."""
    if data is not None:
        if more:
            data = data.copy()
            key = f"{STAGES_PREFIX}-TOTAL_FORMS"
            try:
                count = int(data.get(key, "0"))
            except ValueError:
                count = 0
            data[key] = str(min(count + BLANK_STAGES, MAX_STAGES))
        return StageFormSet(data, prefix=STAGES_PREFIX)
    rows = list(initial or [])
    formset_class = forms.formset_factory(
        StageForm, formset=BaseStageFormSet,
        extra=max(0, min(BLANK_STAGES, MAX_STAGES - len(rows))), max_num=MAX_STAGES,
        absolute_max=MAX_STAGES)
    return formset_class(initial=rows, prefix=STAGES_PREFIX)


def stages_initial(stages: Sequence[PlanStage]) -> list[dict[str, Any]]:
    return [{"minutes": s.minutes, "activity": s.activity, "interaction": s.interaction,
             "materials": s.materials} for s in stages]


def plan_draft(form: PlanForm, stages: Any) -> PlanDraft:
    data = form.cleaned_data
    return PlanDraft(title=data["title"], audience=data["audience"], level=data["level"],
                     duration_minutes=data["duration_minutes"], aims=data["aims"],
                     stages=stage_drafts(stages))


def version_initial(version: PlanVersion, topics: Sequence[Topic]) -> dict[str, Any]:
    return {"title": version.title, "audience": version.audience, "level": version.level,
            "duration_minutes": version.duration_minutes, "aims": version.aims,
            "topics": list(topics)}


class FeedbackRequestForm(forms.Form):
    audience = forms.ChoiceField(label=_("Ask"), choices=FeedbackRequest.Audience.choices,
                                 widget=forms.RadioSelect,
                                 initial=FeedbackRequest.Audience.COMMUNITY)
    questions = forms.CharField(
        label=_("Focus questions"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you would like readers to look at; one question a line."),
    )
    chosen = forms.ModelMultipleChoiceField(
        label=_("Members to ask"), queryset=User.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only when you ask members you choose. Your critical friends come first."),
    )

    def __init__(self, *args: Any, people: Sequence[User], friends: set[int],
                 askable: QuerySet[User], **kwargs: Any) -> None:
        """``people``: the members listed; ``askable``: all whom the form accepts (a member
        found by name need not be among those listed first)."""
        super().__init__(*args, **kwargs)
        field: Any = self.fields["chosen"]
        field.queryset = askable
        order = {person.pk: index for index, person in enumerate(people)}
        # The choices in the given order (friends first), each friend marked so.
        field.choices = [
            (person.pk, _("%(name)s (critical friend)") % {"name": person}
             if person.pk in friends else str(person))
            for person in sorted(people, key=lambda p: order[p.pk])
        ]
        self.has_friends = bool(friends)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        audience = cleaned.get("audience")
        if audience == FeedbackRequest.Audience.CHOSEN and not cleaned.get("chosen"):
            self.add_error("chosen", _("Choose at least one member to ask."))
        if audience == FeedbackRequest.Audience.FRIENDS and not self.has_friends:
            self.add_error("audience", _("You have no critical friends in this community "
                                         "yet: ask the whole community or choose members."))
        return cleaned


class FeedbackForm(forms.ModelForm):
    request = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Feedback
        fields = ["works", "change", "question"]
        widgets = {"works": forms.Textarea(attrs={"rows": 3}),
                   "change": forms.Textarea(attrs={"rows": 3}),
                   "question": forms.Textarea(attrs={"rows": 2})}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any((cleaned.get(name) or "").strip() for name in ("works", "change",
                                                                   "question")):
            raise ValidationError(_("Write what works, what to change or a question."))
        return cleaned
