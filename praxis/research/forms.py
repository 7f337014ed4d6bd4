"""Forms of the study pages: a study's description, its consent text, invitations, the
researcher role, community data and the codebook."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from praxis.research.models import Study, Theme

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StudyForm(forms.ModelForm):
    consent_text = forms.CharField(
        label=_("Consent text"), max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
        help_text=_("What participants agree to: what you collect, how it is used and kept, "
                    "that they are cited by a code and can withdraw at any time."))

    class Meta:
        model = Study
        fields = ["title", "slug", "research_questions", "ethics_reference", "retain_until",
                  "code_prefix"]
        widgets = {"retain_until": DATE,
                   "research_questions": forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
                   "title": forms.TextInput(attrs={"dir": "auto"})}

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["consent_text"]
            del self.fields["slug"]

    def clean_code_prefix(self) -> str:
        prefix: str = self.cleaned_data["code_prefix"].strip()
        if not prefix.isalpha():
            raise forms.ValidationError(_("Use letters only, e.g. TT."))
        return prefix

    def validate_unique(self) -> None:
        # The service says which short names are taken, in words a researcher reads.
        pass


class ConsentForm(forms.Form):
    text = forms.CharField(label=_("Consent text"), max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 10, "dir": "auto"}))


class InviteForm(forms.Form):
    members = forms.MultipleChoiceField(label=_("Members to invite"),
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = choices  # type: ignore[attr-defined]


class GrantForm(forms.Form):
    member = forms.ChoiceField(label=_("Member"))

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = choices  # type: ignore[attr-defined]


class CommunityDataForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200,
                            initial=_("Posts, plans and stories in the community"))
    since = forms.DateField(label=_("From"), widget=DATE)
    until = forms.DateField(label=_("To (inclusive)"), widget=DATE)


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name", "parent", "origin", "reference", "definition", "colour", "memo"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"}),
                   "name": forms.TextInput(attrs={"dir": "auto"}),
                   "definition": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
                   "memo": forms.Textarea(attrs={"rows": 3, "dir": "auto"})}

    def __init__(self, *args: Any, study: Study, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = Theme.objects.filter(study=study)
        if self.instance.pk:
            parents = parents.exclude(pk__in=_self_and_below(self.instance))
        parent_field = self.fields["parent"]
        assert isinstance(parent_field, forms.ModelChoiceField)
        parent_field.queryset = parents
        parent_field.empty_label = _("(a top-level theme)")


def _self_and_below(theme: Theme) -> set[int]:
    found, frontier = {theme.pk}, [theme.pk]
    while frontier:
        frontier = list(Theme.objects.filter(parent_id__in=frontier)
                        .values_list("pk", flat=True))
        found.update(frontier)
    return found
