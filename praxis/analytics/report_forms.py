"""The report's forms: the period (a GET form that works without JavaScript: bad input is
told and the default period is shown instead) and the costs a steward enters for a period
(the sheet, and its other costs as rows of a formset; a few empty rows to fill)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from praxis.analytics.models import CostItem, CostSheet
from praxis.analytics.report import default_period
from praxis.impact.dashboard_forms import clean_window

EMPTY_COST_ROWS = 3
MAX_COST_ROWS = 40


class PeriodForm(forms.Form):
    start = forms.DateField(label=pgettext_lazy("date window", "From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=pgettext_lazy("date window", "To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        return clean_window(super().clean() or {}, default_period(),
                            order=gettext("The period must start before it ends."),
                            length=gettext("Choose a period of at most five years."))

    def period(self) -> tuple[date, date]:
        """The period asked for, or the default one when the input is bad."""
        if not self.is_valid():
            return default_period()
        return self.cleaned_data["start"], self.cleaned_data["end"]


class CostSheetForm(forms.ModelForm):
    class Meta:
        model = CostSheet
        fields = ["currency", "facilitation_hours", "hourly_rate"]
        widgets = {"facilitation_hours": forms.NumberInput(attrs={"step": "0.5", "min": "0"}),
                   "hourly_rate": forms.NumberInput(attrs={"step": "0.01", "min": "0"})}


class CostItemForm(forms.ModelForm):
    class Meta:
        model = CostItem
        fields = ["label", "amount"]
        widgets = {"amount": forms.NumberInput(attrs={"step": "0.01", "min": "0"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A row emptied is a cost removed: neither cell is required on its own.
        self.fields["label"].required = False
        self.fields["amount"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A row with an amount and no label (or the reverse) is a slip to point out, not a
        # row to drop.
        if data.get("label") and data.get("amount") is None and not self.has_error("amount"):
            self.add_error("amount", _("Give the amount of this cost."))
        if data.get("amount") is not None and not data.get("label"):
            self.add_error("label", _("Say what this cost is."))
        return data


class BaseCostItemFormSet(forms.BaseFormSet):
    def rows(self) -> list[tuple[str, Decimal]]:
        """The filled rows, in order (call once valid)."""
        return [(form.cleaned_data["label"], form.cleaned_data["amount"]) for form in self.forms
                if form.cleaned_data.get("label")]


CostItemFormSet = forms.formset_factory(
    CostItemForm, formset=BaseCostItemFormSet, extra=EMPTY_COST_ROWS, max_num=MAX_COST_ROWS,
    validate_max=True, absolute_max=MAX_COST_ROWS)


def item_formset(data: Any = None, *, items: list[CostItem] | None = None) -> Any:
    """The formset of other costs: the sheet's rows and a few empty ones."""
    initial = [{"label": item.label, "amount": item.amount} for item in items or []]
    return CostItemFormSet(data, initial=initial, prefix="costs")
