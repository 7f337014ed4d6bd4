"""The certificate pages' forms: a programme's criteria, issuing, revoking, and the code a
stranger types from a paper certificate. Bad input is told and changes nothing."""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from praxis.credentials.models import Programme
from praxis.credentials.queries import has_certificates

EARLIEST = date(1990, 1, 1)
MAX_PERIOD = timedelta(days=366 * 5)
# Criteria beyond these are typing slips (and would overflow a database integer).
MAX_COUNT = 100_000
MAX_HOURS = Decimal("9999.9")


# What a certificate states of its programme (its verification page, PDF and Open Badges
# read them from the programme): fixed once one is issued.
LOCKED_FIELDS = ("name", "start", "end", "hours", "min_posts", "min_replies", "min_topics",
                 "needs_applied_story")


class ProgrammeForm(forms.ModelForm):
    """Defines a programme: its name, period, hours credited and the criteria a member meets
    (a criterion at zero is not asked).

    Once a certificate is issued under it (``locked``), only its description changes: the
    other fields are disabled (a browser does not send them and Django keeps the saved
    values whatever is posted), and a post that tries to change one anyway is refused with
    an error, so certificates already issued keep stating what they were issued for."""

    class Meta:
        model = Programme
        fields = ["name", "description", "start", "end", "hours", "min_posts", "min_replies",
                  "min_topics", "needs_applied_story"]
        labels = {"start": pgettext_lazy("date window", "From"),
                  "end": pgettext_lazy("date window", "To")}
        help_texts = {
            "description": _("Shown on the certificate's verification page and in the Open "
                             "Badges it carries."),
            "hours": _("The hours of professional development the certificate states."),
            "min_posts": _("Posts in the period, replies included. 0 asks nothing."),
            "min_replies": _("Replies to someone else's post in the period."),
            "min_topics": _("Topics in whose discussions the member posted in the period."),
            "needs_applied_story": _("The member told a value story, in the period, of "
                                     "something they applied in their own practice."),
        }
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
            "name": forms.TextInput(attrs={"dir": "auto"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bounds = {"hours": MAX_HOURS, "min_posts": MAX_COUNT, "min_replies": MAX_COUNT,
                  "min_topics": MAX_COUNT}
        for name, most in bounds.items():
            field = self.fields[name]
            field.validators += [MinValueValidator(0), MaxValueValidator(most)]
            field.widget.attrs.update({"min": 0, "max": most})
        self.fields["hours"].widget.attrs["step"] = "0.1"
        self.locked = has_certificates(self.instance)
        if self.locked:
            for name in LOCKED_FIELDS:
                field = self.fields[name]
                field.disabled = True
                # A screen reader says why with the field (the page's note, ``locked-note``),
                # and its help too.
                described = ["locked-note"]
                if field.help_text:
                    described.append(f"{self[name].auto_id}_helptext")
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def _forged_change(self) -> bool:
        """Whether the post changes a locked field (a browser sends none of them; only a
        forged post does). A field left out changes nothing."""
        for name in LOCKED_FIELDS:
            key = self.add_prefix(name)
            if key not in self.data:
                continue
            field = self.fields[name]
            raw = field.widget.value_from_datadict(self.data, self.files, key)
            try:
                value = field.clean(raw)
            except forms.ValidationError:
                return True
            if value != self.get_initial_for_field(field, name):
                return True
        return False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.locked and self.is_bound and self._forged_change():
            raise forms.ValidationError(
                _("Certificates were issued under this programme: its name, period, hours "
                  "and criteria stay as they were, so the certificates keep stating what "
                  "they were issued for. Only its description may change."))
        start, end = data.get("start"), data.get("end")
        if start and end:
            latest = timezone.localdate() + timedelta(days=366 * 2)
            if start < EARLIEST or end > latest:
                raise forms.ValidationError(
                    _("Choose dates from 1990 to two years from today."))
            if start > end:
                raise forms.ValidationError(_("The period must start before it ends."))
            if end - start > MAX_PERIOD:
                raise forms.ValidationError(_("Choose a period of at most five years."))
        return data


class IssueForm(forms.Form):
    """Whom to issue certificates to: the one member whose button was pressed (``one``),
    else everyone who meets the criteria (``everyone``), else the members ticked (``user``).
    Only the community's members may be named; a forged id makes the whole form invalid."""

    user = forms.TypedMultipleChoiceField(label=_("Members"), coerce=int, required=False,
                                          choices=())
    one = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, choices=())
    everyone = forms.BooleanField(required=False)

    def __init__(self, *args: Any, member_ids: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(pk), str(pk)) for pk in member_ids]
        for name in ("user", "one"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
            field.error_messages["invalid_choice"] = _(
                "One of the people chosen is not a member of the community.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not (data.get("one") or data.get("everyone")
                                    or data.get("user")):
            raise forms.ValidationError(_("Choose at least one member."))
        return data

    def chosen_ids(self) -> list[int] | None:
        """The ids of the people chosen, or None for everyone who meets the criteria."""
        data = self.cleaned_data
        if data.get("one"):
            return [data["one"]]
        if data.get("everyone"):
            return None
        return list(data.get("user") or [])


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it revoked?"), max_length=2000, strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Shown on the public verification page, with the date."),
        error_messages={"required": _("Say why the certificate is revoked.")})


class VerifyForm(forms.Form):
    """The code printed under a certificate's QR code, or its whole address."""

    code = forms.CharField(label=_("Certificate code"), max_length=300, strip=True,
                           widget=forms.TextInput(attrs={"autocomplete": "off",
                                                         "spellcheck": "false",
                                                         "dir": "ltr"}))

    def clean_code(self) -> str:
        text: str = self.cleaned_data["code"]
        # A pasted address: its last part is the code.
        parts = [part for part in text.replace("\\", "/").split("/") if part]
        if parts and parts[-1].endswith(".pdf") and len(parts) > 1:
            parts.pop()
        code = "".join((parts[-1] if parts else "").split())
        if not code or len(code) > 32 or not all(c.isascii() and (c.isalnum() or c in "-_")
                                                  for c in code):
            raise forms.ValidationError(
                _("This is not a certificate code: it is the letters and digits printed "
                  "under the QR code."))
        return code
