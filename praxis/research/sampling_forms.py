"""The form of a sample draw: measure, window, top N, number picked, seed and strata. The
seed comes prefilled with a random one, which the researcher may change (to redo a draw
made elsewhere)."""

import secrets
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from praxis.research.sampling import MEASURES, MOST_RANKED, STRATA, Criteria

WINDOW_DAYS = 91  # the study's "last three-month period", offered first
SEEDS_OFFERED = 1_000_000  # a prefilled seed short enough to read aloud and type again


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def initial_criteria(today: date | None = None) -> dict[str, Any]:
    """The form's first values: posts over the last three months, top 10, 5 picked, a
    random seed."""
    until = today or timezone.now().date()
    return {"measure": "posts", "since": until - timedelta(days=WINDOW_DAYS - 1),
            "until": until, "top": 10, "pick": 5, "seed": secrets.randbelow(SEEDS_OFFERED),
            "stratify_by": ""}


class SampleForm(forms.Form):
    measure = forms.ChoiceField(label=_("Rank members by"), choices=list(MEASURES.items()),
                                help_text=_("Counted in the window, as the engagement table "
                                            "counts it; members with none are left out."))
    since = forms.DateField(label=pgettext_lazy("date window", "From"), widget=DateInput())
    until = forms.DateField(label=pgettext_lazy("date window", "To"), widget=DateInput(),
                            help_text=_("Both days included, whole days in UTC."))
    top = forms.IntegerField(label=_("Keep the top"), min_value=1, max_value=MOST_RANKED,
                             help_text=_("How many of the ranked members are kept, e.g. 10."))
    pick = forms.IntegerField(label=_("Pick at random"), min_value=1, max_value=MOST_RANKED,
                              help_text=_("How many of those are picked, e.g. 5."))
    seed = forms.IntegerField(label=_("Seed"), min_value=0, max_value=2**63 - 1,
                              help_text=_("The same seed over the same data picks the same "
                                          "members; keep it to recompute the draw."))
    stratify_by = forms.ChoiceField(label=_("Strata"), choices=list(STRATA.items()),
                                    required=False,
                                    help_text=_("With strata, each tier or cohort has its own "
                                                "top and its own pick."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since: date | None = data.get("since")
        until: date | None = data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The window ends before it starts: give an end date "
                                      "after the start date."))
        top: int | None = data.get("top")
        pick: int | None = data.get("pick")
        if top and pick and pick > top:
            self.add_error("pick", _("Pick at most as many members as the top keeps."))
        return data

    def criteria(self) -> Criteria:
        data = self.cleaned_data
        return Criteria(measure=data["measure"], since=data["since"], until=data["until"],
                        top=data["top"], pick=data["pick"], seed=data["seed"],
                        stratify_by=data.get("stratify_by") or "")
