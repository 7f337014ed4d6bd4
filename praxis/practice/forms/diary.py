"""Forms of critical friends and the diary: they read and check what a person typed; the
rules are the services' (``services.diary``)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from praxis.accounts.models import User
from praxis.communities.models import Community
from praxis.practice.models import JournalEntry, PlanVersion
from praxis.practice.models.diary import ReflectionModel
from praxis.practice.reflection import prompts_of
from praxis.practice.services.diary import MESSAGE_MAX, PART_MAX, EntryDraft

PART_PREFIX = "part_"


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class InviteFriendForm(forms.Form):
    invitee = MemberChoiceField(label=_("Member"), queryset=User.objects.none(),
                                empty_label=_("Choose a member"))
    message = forms.CharField(
        label=_("A short message (optional)"), required=False, max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Why you would like to review each other's plans."),
    )

    def __init__(self, *args: Any, candidates: list[User], invitable: QuerySet[User],
                 **kwargs: Any) -> None:
        """``candidates``: the members the list shows; ``invitable``: all whom the form
        accepts (a member found by name need not be among the first shown)."""
        super().__init__(*args, **kwargs)
        field = self.fields["invitee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = invitable
        # The choices come from the list already read: no query to draw them.
        field.choices = [("", field.empty_label), *((person.pk, str(person))
                                                    for person in candidates)]


class PlanVersionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.plan.community.name}: {obj.title} (v{obj.number})"


DATE_INPUT = {"type": "date"}


class EntryForm(forms.Form):
    """An entry; its text fields are one per part of the chosen prompt model, named
    ``part_<key>``. The model itself is chosen by link before (it shapes the form), so it
    comes as a hidden field."""

    model = forms.ChoiceField(choices=ReflectionModel.choices, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            widget=forms.TextInput(attrs={"dir": "auto"}))
    written_on = forms.DateField(label=_("Date"), widget=forms.DateInput(
        format="%Y-%m-%d", attrs=DATE_INPUT))
    session_date = forms.DateField(label=_("Date of the session"), required=False,
                                   widget=forms.DateInput(format="%Y-%m-%d", attrs=DATE_INPUT))
    session_audience = forms.CharField(
        label=_("Who took part"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_("For example: twelve novice teachers, a pre-service group."))
    plan_version = PlanVersionField(label=_("Session plan"), required=False,
                                    queryset=PlanVersion.objects.none(),
                                    empty_label=_("None"))
    visibility = forms.ChoiceField(label=_("Who can read it"),
                                   choices=JournalEntry.Visibility.choices,
                                   widget=forms.RadioSelect,
                                   initial=JournalEntry.Visibility.PRIVATE)
    community = forms.ModelChoiceField(
        label=_("Community"), required=False, queryset=Community.objects.none(),
        empty_label=_("None"),
        help_text=_("Where friends or members read it. Needed unless the entry is private."))

    def __init__(self, *args: Any, author: User, reflection_model: str,
                 versions: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reflection_model = reflection_model
        self.fields["model"].initial = reflection_model
        self.fields["plan_version"].queryset = versions  # type: ignore[attr-defined]
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]
        self.part_names: list[str] = []
        for prompt in prompts_of(reflection_model):
            name = PART_PREFIX + prompt.key
            self.fields[name] = forms.CharField(
                label=str(prompt.heading), help_text=str(prompt.hint), required=False,
                max_length=PART_MAX,
                widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}))
            self.part_names.append(name)

    def clean_model(self) -> str:
        # The shape of the form was chosen by the page; a different one posted is refused.
        value = self.cleaned_data["model"]
        if value != self.reflection_model:
            raise forms.ValidationError(_("The prompts changed: write the entry again."))
        return str(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any((data.get(name) or "").strip() for name in self.part_names):
            raise forms.ValidationError(_("Write something in at least one part of the entry."))
        if (data.get("visibility") not in (None, JournalEntry.Visibility.PRIVATE)
                and not data.get("community")):
            self.add_error("community", _("Choose the community to share the entry in."))
        return data

    def draft(self) -> EntryDraft:
        data = self.cleaned_data
        return EntryDraft(
            written_on=data["written_on"], visibility=data["visibility"],
            model=self.reflection_model,
            parts={name.removeprefix(PART_PREFIX): data.get(name) or ""
                   for name in self.part_names},
            title=data.get("title") or "", community=data.get("community"),
            session_date=data.get("session_date"),
            session_audience=data.get("session_audience") or "",
            plan_version=data.get("plan_version"),
        )


def entry_initial(entry: JournalEntry, parts: dict[str, str]) -> dict[str, Any]:
    """The form's values for an entry being changed; ``parts`` its text in the chosen
    model (``reflection.carried_over``)."""
    return {
        "title": entry.title, "written_on": entry.written_on, "session_date": entry.session_date,
        "session_audience": entry.session_audience, "plan_version": entry.plan_version_id,
        "visibility": entry.visibility, "community": entry.community_id,
        **{PART_PREFIX + key: text for key, text in parts.items()},
    }
