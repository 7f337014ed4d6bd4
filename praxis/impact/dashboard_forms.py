"""The impact dashboard's filters: a GET form that works without JavaScript. Bad input is
told and the default window is shown instead; it changes nothing.

``clean_window`` is the date window's check, shared by every window form above this one
(the analytics pages' filters, the report's period): a missing day is the default's, the
days stay between 1990 and a year from today, in order, at most five years apart."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from praxis.communities.models import Cohort, Community, Membership
from praxis.impact.cascade import EARLIEST
from praxis.impact.dashboard import Filters, default_window, topic_choices
from praxis.topics.models import Topic

MAX_WINDOW = timedelta(days=366 * 5)


def clean_window(data: dict[str, Any], default: tuple[date, date], *, order: str = "",
                 length: str = "") -> dict[str, Any]:
    """Fills ``data["start"]`` and ``data["end"]`` (a form's cleaned data) with the window
    asked for, a missing day taken from ``default``; raises ValidationError for a window
    out of bounds, out of order or longer than MAX_WINDOW. A form calling its window
    something else ("period") says so in ``order`` and ``length``."""
    start = data.get("start") or default[0]
    end = data.get("end") or default[1]
    if start < EARLIEST or end > timezone.localdate() + timedelta(days=366):
        # Beyond these a window is a typing slip, and its day after overflows.
        raise forms.ValidationError(_("Choose dates from 1990 to a year from today."))
    if start > end:
        raise forms.ValidationError(
            order or gettext("The window must start before it ends."))
    if end - start > MAX_WINDOW:
        raise forms.ValidationError(
            length or gettext("Choose a window of at most five years."))
    data["start"], data["end"] = start, end
    return data


class DashboardFilterForm(forms.Form):
    start = forms.DateField(label=pgettext_lazy("date window", "From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=pgettext_lazy("date window", "To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.none(),
                                    required=False, empty_label=_("Every cohort"))
    tier = forms.ChoiceField(label=_("Cascade tier"), required=False,
                             choices=[("", _("Every tier")), *Membership.Tier.choices])
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.none(),
                                   required=False, empty_label=_("Every topic"))

    def __init__(self, *args: Any, community: Community, mine: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topic_choices(community)  # type: ignore[attr-defined]
        if mine:  # one's own stories: cohorts and tiers narrow nothing
            del self.fields["cohort"]
            del self.fields["tier"]
        else:
            self.fields["cohort"].queryset = (  # type: ignore[attr-defined]
                Cohort.objects.filter(community=community).only("id", "name")
                .order_by("name", "pk"))

    def clean(self) -> dict[str, Any]:
        return clean_window(super().clean() or {}, default_window())

    def filters(self, *, author_id: int | None = None) -> Filters:
        """The filters asked for, or the default window when the input is bad."""
        if not self.is_valid():
            start, end = default_window()
            return Filters(start=start, end=end, author_id=author_id)
        data = self.cleaned_data
        cohort = data.get("cohort")
        topic = data.get("topic")
        return Filters(start=data["start"], end=data["end"],
                       cohort_id=cohort.pk if cohort else None, tier=data.get("tier") or "",
                       topic_id=topic.pk if topic else None, author_id=author_id)
