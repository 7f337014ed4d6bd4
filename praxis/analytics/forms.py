"""The analytics pages' filters: a GET form that works without JavaScript.

A window (both days included; by default the last three months ending today), a topic, a
cohort, a tier, how to sort the engagement table and how many members "Top N by posts"
lists. Bad input is told beside its field and the default is used for the whole form
instead; it changes nothing and never fails the page.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from praxis.analytics.engagement import SORTABLE, Scope
from praxis.communities.models import Cohort, Community, Membership
from praxis.impact.dashboard import topic_choices
from praxis.impact.dashboard_forms import clean_window
from praxis.topics.models import Topic

DEFAULT_SORT = "posts"
DEFAULT_TOP = 10
MAX_TOP = 100

# The engagement table's columns as the pages name them (``engagement.COLUMNS``).
COLUMN_LABELS = {
    "name": _("Member"),
    "role": _("Role"),
    "tier": _("Tier"),
    "posts": _("Posts"),
    "replies_to_others": _("Replies to others"),
    "threads_started": _("Threads started"),
    "words": _("Words"),
    "topics": _("Topics"),
    "active_days": _("Active days"),
    "thread_reads": _("Discussions read"),
    "resource_reads": _("Resources opened"),
    "feedback_given": _("Feedback given"),
    "stories": _("Stories"),
    "cascade_events": _("Cascade events"),
    "first_activity": _("First activity"),
    "last_activity": _("Last activity"),
}
# The engagement groups (``engagement.GROUPS``) as the pages, the report and its PDF name
# them (``report.group_label``).
GROUP_LABELS = {
    "contributor": _("Contributors"),
    "occasional": _("Occasional posters"),
    "lurker": _("Readers who never post"),
    "inactive": _("Inactive"),
}


def default_window(today: date | None = None) -> tuple[date, date]:
    """The last three months ending today: from the day after the same date three months
    ago (the month's last day when it has no such date) to today."""
    today = today or timezone.localdate()
    month = today.month - 3
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for day in range(today.day, 0, -1):
        try:
            return date(year, month, day) + timedelta(days=1), today
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class Choices:
    """What the form settled on: the scope of the figures and how to show them."""

    scope: Scope
    sort: str
    descending: bool
    top: int


class AnalyticsFilterForm(forms.Form):
    start = forms.DateField(label=pgettext_lazy("date window", "From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=pgettext_lazy("date window", "To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.none(),
                                   required=False, empty_label=_("Every topic"))
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.none(),
                                    required=False, empty_label=_("Every cohort"))
    tier = forms.ChoiceField(label=_("Cascade tier"), required=False,
                             choices=[("", _("Every tier")), *Membership.Tier.choices])
    top = forms.IntegerField(label=_("Top N by posts"), required=False, min_value=1,
                             max_value=MAX_TOP, widget=forms.NumberInput(attrs={"size": 4}))
    sort = forms.ChoiceField(label=_("Sort the table by"), required=False,
                             choices=[(column, COLUMN_LABELS[column]) for column in SORTABLE])
    direction = forms.ChoiceField(label=_("Order"), required=False, choices=[
        ("desc", _("Largest first")), ("asc", _("Smallest first"))])

    def __init__(self, *args: Any, community: Community, mine: bool = False,
                 table: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.community = community
        self.mine = mine
        self.fields["topic"].queryset = topic_choices(community)  # type: ignore[attr-defined]
        self.fields["top"].widget.attrs["placeholder"] = str(DEFAULT_TOP)
        if mine or not table:  # pages without the member table: no sorting, no ranking
            for name in ("top", "sort", "direction"):
                del self.fields[name]
        if mine:  # one's own figures: cohorts and tiers narrow nothing
            for name in ("cohort", "tier"):
                del self.fields[name]
        else:
            self.fields["cohort"].queryset = (  # type: ignore[attr-defined]
                Cohort.objects.filter(community=community).only("id", "name")
                .order_by("name", "pk"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        return clean_window(data, default_window())

    def choices(self, *, user_id: int | None = None) -> Choices:
        """The scope and display asked for, or the defaults when the input is bad;
        ``user_id`` narrows the scope to one member ("mine")."""
        start, end = default_window()
        if not self.is_valid():
            return Choices(scope=Scope(community=self.community, start=start, end=end,
                                       user_id=user_id),
                           sort=DEFAULT_SORT, descending=True, top=DEFAULT_TOP)
        data = self.cleaned_data
        topic, cohort = data.get("topic"), data.get("cohort")
        scope = Scope(community=self.community, start=data["start"], end=data["end"],
                      topic_id=topic.pk if topic else None,
                      cohort_id=cohort.pk if cohort else None,
                      tier=data.get("tier") or "", user_id=user_id)
        return Choices(scope=scope, sort=data.get("sort") or DEFAULT_SORT,
                       descending=data.get("direction") != "asc",
                       top=data.get("top") or DEFAULT_TOP)
