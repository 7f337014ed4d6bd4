"""Forms for cascade events: recording one, and the tree's filters (a date window and a
cohort). Every choice is the community's own, and a bounded list: its most recent ones."""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from praxis.accounts.models import User
from praxis.communities.models import Cohort, Community
from praxis.impact.cascade import MAX_PEOPLE, EventDraft
from praxis.impact.models import CascadeEvent
from praxis.library.models import Resource
from praxis.practice.models import PlanVersion
from praxis.topics.models import Topic

CHOICES_SHOWN = 50  # the most recent topics, readings and plan versions offered


def _recent(queryset: QuerySet[Any], order: tuple[str, ...], chosen: list[int]) -> QuerySet[Any]:
    """The most recent ``CHOICES_SHOWN`` of a queryset, and those already chosen."""
    recent = list(queryset.order_by(*order).values_list("pk", flat=True)[:CHOICES_SHOWN])
    return queryset.filter(Q(pk__in=recent) | Q(pk__in=chosen)).order_by(*order)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class EventForm(forms.ModelForm):
    trainer = forms.ModelChoiceField(label=_("Trainer"), queryset=User.objects.none(),
                                     required=False,
                                     help_text=_("The member who trained others."))

    class Meta:
        model = CascadeEvent
        fields = ["held_on", "kind", "audience", "people", "cohort", "topics", "resources",
                  "plan_versions", "notes"]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3}),
                   "topics": forms.CheckboxSelectMultiple,
                   "resources": forms.CheckboxSelectMultiple,
                   "plan_versions": forms.CheckboxSelectMultiple}
        help_texts = {"cohort": _("If those you trained became a cohort of this community."),
                      "plan_versions": _("The session plans you drew on.")}

    def __init__(self, *args: Any, community: Community, for_others: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        event = self.instance if self.instance.pk else None
        chosen: dict[str, list[int]] = {"topics": [], "resources": [], "plan_versions": []}
        if event is not None:
            for name in chosen:
                chosen[name] = [item.pk for item in getattr(event, name).all()]
        fields["cohort"].queryset = Cohort.objects.filter(community=community)
        fields["topics"].queryset = _recent(Topic.objects.filter(community=community),
                                            ("-starts_at", "-pk"), chosen["topics"])
        fields["resources"].queryset = _recent(Resource.objects.filter(community=community),
                                               ("-created_at", "-pk"), chosen["resources"])
        fields["plan_versions"].queryset = _recent(
            PlanVersion.objects.filter(plan__community=community).select_related("plan"),
            ("-created_at", "-pk"), chosen["plan_versions"])
        fields["plan_versions"].label_from_instance = (
            lambda version: f"{version.title} (v{version.number})")
        fields["people"].widget.attrs.update({"min": 1, "max": MAX_PEOPLE})
        if for_others and event is None:
            fields["trainer"].queryset = (User.objects.filter(memberships__community=community)
                                          .order_by("display_name", "pk"))
            fields["trainer"].required = True
            self.order_fields(["trainer"])
        else:
            del self.fields["trainer"]

    def clean_people(self) -> int:
        people = self.cleaned_data["people"]
        if not 1 <= people <= MAX_PEOPLE:
            raise ValidationError(_("The number of people is between 1 and %(most)s."),
                                  params={"most": MAX_PEOPLE})
        return int(people)

    def draft(self) -> EventDraft:
        data = self.cleaned_data
        return EventDraft(held_on=data["held_on"], kind=data["kind"],
                          audience=data["audience"], people=data["people"],
                          cohort=data.get("cohort"), notes=data.get("notes", ""),
                          topics=list(data.get("topics") or []),
                          resources=list(data.get("resources") or []),
                          plan_versions=list(data.get("plan_versions") or []))


class TreeFilterForm(forms.Form):
    since = forms.DateField(label=pgettext_lazy("date window", "From"), required=False,
                            widget=DateInput())
    until = forms.DateField(label=pgettext_lazy("date window", "To"), required=False,
                            widget=DateInput())
    cohort = forms.ModelChoiceField(label=_("Cohort"), queryset=Cohort.objects.none(),
                                    required=False, empty_label=_("All members"))

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["cohort"]
        field.queryset = Cohort.objects.filter(community=community)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since: datetime.date | None = data.get("since")
        until: datetime.date | None = data.get("until")
        if since and until and since > until:
            raise ValidationError(_("The window starts after it ends: give a start date "
                                    "before the end date."))
        return data
