"""Forms for value-creation stories: one long page with a section per cycle (its sources
picked from bounded checkbox lists), and the small form that adds one piece of evidence.
No JavaScript: "Save draft" and "Tell it" are two submit buttons of the same form."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from praxis.core.templatetags.praxis import isolated
from praxis.impact.models import StoryEvidence, ValueStory
from praxis.impact.stories import SOURCE_FIELDS, StoryDraft
from praxis.impact.story_queries import SourceChoices

MAX_TRAINEES = 100_000


def _label(item: Any, kind: str) -> str:
    """A choice's label; each person's words isolated, so an English title and a Persian
    post (or the reverse) keep their order in one line."""
    match kind:
        case "posts":
            excerpt = " ".join(item.body.split())[:80]
            return (f"{isolated(item.thread.title)}: {isolated(str(item.author))}: "
                    f"{isolated(excerpt)}")
        case "feedback":
            excerpt = " ".join((item.works or item.change or item.question or "").split())[:60]
            return (f"{isolated(str(item.version))} · "
                    f"{isolated(str(item.author or _('a former member')))}: {isolated(excerpt)}")
        case "versions":
            return isolated(str(item))
    return isolated(str(item.title))


class StoryForm(forms.Form):
    title = forms.CharField(label=_("A title for your story"), max_length=200, required=False)
    source_topics = forms.MultipleChoiceField(label=_("Topics"), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    source_posts = forms.MultipleChoiceField(label=_("Posts you read or wrote"), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    source_resources = forms.MultipleChoiceField(label=_("Readings you opened"),
                                                 required=False,
                                                 widget=forms.CheckboxSelectMultiple)
    source_versions = forms.MultipleChoiceField(label=_("Session plan versions"),
                                                required=False,
                                                widget=forms.CheckboxSelectMultiple)
    source_feedback = forms.MultipleChoiceField(label=_("Feedback you gave or received"),
                                                required=False,
                                                widget=forms.CheckboxSelectMultiple)
    immediate = forms.CharField(label=_("What you took from it"), max_length=4000,
                                required=False, widget=forms.Textarea(attrs={"rows": 3}))
    potential = forms.CharField(
        label=_("What you gained"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Knowledge, a skill, confidence, a new idea to try."))
    applied = forms.CharField(
        label=_("What you did differently"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}))
    session_date = forms.DateField(label=_("Date of the training session"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text=_("For example 2026-03-14."))
    session_audience = forms.CharField(label=_("Who took part"), max_length=200,
                                       required=False,
                                       help_text=_("For example: novice teachers, a TTC "
                                                   "course."))
    trainee_count = forms.IntegerField(label=_("How many trainees"), required=False,
                                       min_value=1, max_value=MAX_TRAINEES)
    realised = forms.CharField(
        label=_("What happened"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the trainees responded, what changed in their work, results."))
    reframing = forms.CharField(
        label=_("How it changed how you see your work"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A change in how you think about training or what counts as success."))
    visibility = forms.ChoiceField(label=_("Who can read it"),
                                   choices=ValueStory.Visibility.choices,
                                   initial=ValueStory.Visibility.LEADERS,
                                   widget=forms.RadioSelect)

    def __init__(self, *args: Any, choices: SourceChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.picked: dict[str, dict[str, Any]] = {}
        for name in SOURCE_FIELDS:
            kind = name.removeprefix("source_")
            items = getattr(choices, kind)
            self.picked[name] = {str(item.pk): item for item in items}
            self.fields[name].choices = [  # type: ignore[attr-defined]
                (str(item.pk), _label(item, kind)) for item in items]

    def source_fields(self) -> list[Any]:
        return [self[name] for name in SOURCE_FIELDS]

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def reaches_a_cycle(self) -> bool:
        data = self.cleaned_data
        return any(data.get(name) for name in SOURCE_FIELDS) or any(
            (data.get(name) or "").strip()
            for name in ("immediate", "potential", "applied", "realised", "reframing"))

    def draft(self) -> StoryDraft:
        data = self.cleaned_data
        return StoryDraft(
            title=data["title"], visibility=data["visibility"], immediate=data["immediate"],
            potential=data["potential"], applied=data["applied"],
            session_date=data["session_date"], session_audience=data["session_audience"],
            trainee_count=data["trainee_count"], realised=data["realised"],
            reframing=data["reframing"],
            sources={name: [self.picked[name][pk] for pk in data[name]]
                     for name in SOURCE_FIELDS})


def story_initial(story: ValueStory) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(story, name) for name in (
        "title", "visibility", "immediate", "potential", "applied", "session_date",
        "session_audience", "trainee_count", "realised", "reframing")}
    for name in SOURCE_FIELDS:
        initial[name] = [str(pk) for pk in getattr(story, name).values_list("pk", flat=True)]
    return initial


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=StoryEvidence.Kind.choices,
                             widget=forms.RadioSelect)
    upload = forms.FileField(
        label=_("File"), required=False,
        help_text=_("A photo (JPEG or PNG), or a document (PDF, Word .docx or "
                    "OpenDocument .odt)."))
    text = forms.CharField(label=_("Trainees' comments"), max_length=8000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    plan_version = forms.ChoiceField(label=_("Session plan version"), required=False)
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)

    def __init__(self, *args: Any, versions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.versions = {str(version.pk): version for version in versions}
        self.fields["plan_version"].choices = [  # type: ignore[attr-defined]
            ("", "—"), *((str(v.pk), str(v)) for v in versions)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in (StoryEvidence.Kind.PHOTO, StoryEvidence.Kind.DOCUMENT) \
                and not data.get("upload"):
            self.add_error("upload", ValidationError(_("Choose the file to upload.")))
        if kind == StoryEvidence.Kind.COMMENTS and not (data.get("text") or "").strip():
            self.add_error("text", ValidationError(_("Write the trainees' comments.")))
        if kind == StoryEvidence.Kind.PLAN and not data.get("plan_version"):
            self.add_error("plan_version",
                           ValidationError(_("Choose a session plan version.")))
        return data

    def chosen_version(self) -> Any:
        return self.versions.get(self.cleaned_data.get("plan_version") or "")
