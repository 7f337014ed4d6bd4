from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from praxis.accounts.models import User
from praxis.communities.models import Membership
from praxis.notifications.models import Mode


class DefaultsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["digest", "email_direct"]
        labels = {"digest": _("Unless I choose otherwise below, email me")}


def place_choices(inherited_label: str) -> list[tuple[str, str]]:
    return [("", inherited_label), *((value, str(label)) for value, label in Mode.choices)]


class CommunityModesForm(forms.Form):
    """One choice per community the member belongs to, named by the community's id."""

    def __init__(self, *args: Any, memberships: list[Membership],
                 current: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.memberships = memberships
        for membership in memberships:
            community = membership.community
            self.fields[f"community-{community.pk}"] = forms.ChoiceField(
                label=format_html("<bdi>{}</bdi>", community.name), required=False,
                choices=place_choices(str(_("As my default above"))),
                initial=current.get(community.pk, ""),
            )

    def chosen(self) -> list[tuple[Membership, str]]:
        return [(m, self.cleaned_data[f"community-{m.community.pk}"]) for m in self.memberships]


class PlaceModeForm(forms.Form):
    """The mode of one topic or thread, posted from its own page ("" follows the wider
    choice); the page draws the select itself (templatetags/notifications.py)."""

    mode = forms.ChoiceField(required=False,
                             choices=[("", ""), *((value, value) for value in Mode.values)])
