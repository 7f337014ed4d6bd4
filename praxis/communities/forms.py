import re

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from praxis.communities.models import Cohort, Community, JoinRequest, Membership
from praxis.core.params import MAX_EMAIL_LENGTH

RESERVED_SLUGS = {"new", "admin", "static", "media", "accounts", "api", "healthz"}
MAX_INVITATIONS_AT_ONCE = 200


class CommunityForm(forms.ModelForm):
    class Meta:
        model = Community
        fields = ["name", "slug", "description", "visibility", "join_policy"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "visibility": forms.RadioSelect,
            "join_policy": forms.RadioSelect,
        }

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("That web address is reserved; choose another."))
        clash = Community.objects.filter(slug=slug)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("That web address is taken; choose another."))
        return slug


class CommunitySettingsForm(CommunityForm):
    """The slug stays fixed once links to the community are out in the world."""

    class Meta(CommunityForm.Meta):
        fields = ["name", "description", "visibility", "join_policy"]


class JoinRequestForm(forms.ModelForm):
    class Meta:
        model = JoinRequest
        fields = ["message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"message": _("Optional: who you are and why you would like to join.")}


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the person will see it)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def split_addresses(text: str) -> list[str]:
    """Email addresses as people type lists of them: separated by commas, semicolons,
    spaces or new lines."""
    return [part for part in re.split(r"[\s,;]+", text) if part]


class InvitationForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses"),
        help_text=_("One or more addresses, separated by commas, spaces or new lines."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices,
                             initial=Membership.Role.MEMBER)
    tier = forms.ChoiceField(
        label=_("Cascade tier"), required=False,
        choices=[("", _("Not set")), *Membership.Tier.choices],
    )
    message = forms.CharField(
        label=_("Personal message"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_emails(self) -> list[str]:
        addresses = split_addresses(self.cleaned_data["emails"])
        invalid = []
        for address in addresses:
            try:
                validate_email(address)
                if len(address) > MAX_EMAIL_LENGTH:
                    raise forms.ValidationError("too long")
            except forms.ValidationError:
                invalid.append(address)
        if invalid:
            raise forms.ValidationError(
                _("These are not valid email addresses: %(list)s"),
                params={"list": ", ".join(invalid[:10])},
            )
        if not addresses:
            raise forms.ValidationError(_("Enter at least one email address."))
        if len(addresses) > MAX_INVITATIONS_AT_ONCE:
            raise forms.ValidationError(
                _("Invite at most %(max)d people at once."),
                params={"max": MAX_INVITATIONS_AT_ONCE},
            )
        return addresses


class MemberForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    tier = forms.ChoiceField(
        label=_("Cascade tier"), required=False,
        choices=[("", _("Not set")), *Membership.Tier.choices],
    )
    cohorts = forms.ModelMultipleChoiceField(
        label=_("Cohorts"), required=False, queryset=Cohort.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, community: Community, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["cohorts"].queryset = Cohort.objects.filter(community=community)  # type: ignore[attr-defined]


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    year = forms.IntegerField(label=_("Year trained"), required=False, min_value=1900,
                              max_value=2200)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    trainers = forms.ModelMultipleChoiceField(
        label=_("Trained by"), required=False, queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The members who trained this cohort, one step up the cascade."),
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Members"), required=False, queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, community: Community, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        people = (
            Membership.objects.filter(community=community)
            .select_related("user")
            .order_by("user__display_name")
        )
        self.fields["members"].queryset = people  # type: ignore[attr-defined]
        self.fields["trainers"].queryset = people.filter(  # type: ignore[attr-defined]
            tier__in=[Membership.Tier.CONSULTANT, Membership.Tier.MASTER_TRAINER,
                      Membership.Tier.TRAINER]
        ) | people.filter(role__in=[Membership.Role.STEWARD, Membership.Role.FACILITATOR])
        for field in ("members", "trainers"):
            self.fields[field].label_from_instance = _member_label  # type: ignore[attr-defined]


def _member_label(membership: Membership) -> str:
    parts = [str(membership.user)]
    if membership.tier:
        parts.append(str(membership.get_tier_display()))
    return " · ".join(parts)
