"""The impact dashboard's filters: a GET form that works without JavaScript. Bad input is
told and the default window is shown instead; it changes nothing."""

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from praxis.communities.models import Cohort, Community, Membership
from praxis.impact.cascade import EARLIEST
from praxis.impact.dashboard import Filters, default_window, topic_choices
from praxis.topics.models import Topic

MAX_WINDOW = timedelta(days=366 * 5)


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
        data = super().clean() or {}
        default_start, default_end = default_window()
        start = data.get("start") or default_start
        end = data.get("end") or default_end
        if start < EARLIEST or end > timezone.localdate() + timedelta(days=366):
            # Beyond these a window is a typing slip, and its day after overflows.
            raise forms.ValidationError(_("Choose dates from 1990 to a year from today."))
        if start > end:
            raise forms.ValidationError(_("The window must start before it ends."))
        if end - start > MAX_WINDOW:
            raise forms.ValidationError(_("Choose a window of at most five years."))
        data["start"], data["end"] = start, end
        return data

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
