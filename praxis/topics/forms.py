from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from praxis.accounts.models import User
from praxis.communities.forms import split_addresses
from praxis.communities.models import Community, Membership
from praxis.core import params
from praxis.topics.models import Topic, TopicProposal
from praxis.topics.services import QuestionDraft

LENGTH_CHOICES = [(7, _("7 days (one week)")), (21, _("21 days (three weeks)"))]
QUESTION_SLOTS = 4

# datetime-local: a date and time picker without JavaScript, in the reader's time zone.
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _when_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(format=DATETIME_FORMAT, attrs={"type": "datetime-local"})


class ProposalForm(forms.ModelForm):
    suggested_days = forms.TypedChoiceField(
        label=_("Suggested length"), choices=LENGTH_CHOICES, coerce=int, initial=7,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = TopicProposal
        fields = ["title", "rationale", "suggested_facilitator", "suggested_days"]
        widgets = {"rationale": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "rationale": _("What problem in your training would this topic help with?"),
        }


class DeclineProposalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown on the proposal's page and emailed to the proposer)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def community_people(community: Community) -> Any:
    return (
        User.objects.filter(memberships__community=community)
        .only("id", "display_name", "email").order_by("display_name", "pk")
    )


def facilitator_candidates(community: Community, chosen: Iterable[int]) -> Any:
    """Whom the topic form offers as boxes to tick: the community's facilitators and stewards,
    and whoever is chosen already. Any other member is added by address (a community of 125
    would otherwise be a page of 125 boxes)."""
    leaders = Q(memberships__community=community,
                memberships__role__in=[Membership.Role.FACILITATOR, Membership.Role.STEWARD])
    return (User.objects.filter(leaders | Q(memberships__community=community, pk__in=chosen))
            .distinct().only("id", "display_name", "email").order_by("display_name", "pk"))


def _ids(people: Iterable[Any]) -> list[int]:
    return [person if isinstance(person, int) else int(getattr(person, "pk", person))
            for person in people]


class DatesForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=_when_input())
    apply_from = forms.DateTimeField(
        label=_("Apply phase from"), widget=_when_input(),
        help_text=_("From then on, members are asked how they would apply the ideas in their "
                    "own training context."),
    )
    ends_at = forms.DateTimeField(label=_("Ends"), widget=_when_input())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts: datetime | None = cleaned.get("starts_at")
        apply_from: datetime | None = cleaned.get("apply_from")
        ends: datetime | None = cleaned.get("ends_at")
        if starts and apply_from and apply_from < starts:
            self.add_error("apply_from",
                           _("The apply phase cannot begin before the topic starts."))
        if apply_from and ends and ends < apply_from:
            self.add_error("ends_at", _("The topic cannot end before its apply phase begins."))
        elif starts and ends and ends <= starts:
            self.add_error("ends_at", _("The topic must end after it starts."))
        return cleaned


class TopicForm(DatesForm):
    """What a facilitator or steward says about a topic; its questions and seed article come
    in their own forms beside it."""

    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What this topic is about and why it matters in our practice."),
    )
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Facilitators"), queryset=User.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The community's facilitators and stewards; members who run this topic."),
    )
    more_facilitators = forms.CharField(
        label=_("Another member as facilitator"), required=False, max_length=2000,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr",
                                      "inputmode": "email"}),
        help_text=_("Their email address as a member of this community; several addresses "
                    "separated by commas."),
    )
    apply_prompt = forms.CharField(
        label=_("Apply prompt"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What members are asked to do in the apply phase; it opens the apply "
                    "thread."),
    )

    field_order = ["title", "summary", "facilitators", "more_facilitators", "starts_at",
                   "apply_from", "ends_at", "apply_prompt"]

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.community = community
        chosen = _ids(self.initial.get("facilitators") or [])
        if self.is_bound:
            # A box ticked for someone added by address on an earlier try stays valid.
            posted = self.data.getlist("facilitators") if hasattr(self.data, "getlist") else []
            chosen += [pk for value in posted if (pk := params.number(value)) is not None]
        self.fields["facilitators"].queryset = facilitator_candidates(  # type: ignore[attr-defined]
            community, chosen)

    def clean_more_facilitators(self) -> list[User]:
        addresses = [address.lower() for address in
                     split_addresses(self.cleaned_data.get("more_facilitators") or "")]
        found = {person.email.lower(): person for person in
                 community_people(self.community).filter(email__in=addresses)}
        unknown = [address for address in addresses if address not in found]
        if unknown:
            raise forms.ValidationError(
                _("Not a member of this community: %(addresses)s")
                % {"addresses": ", ".join(unknown)})
        return list(found.values())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        ticked = list(cleaned.get("facilitators") or [])
        added = [person for person in cleaned.pop("more_facilitators", None) or []
                 if person not in ticked]
        cleaned["facilitators"] = ticked + added
        return cleaned


class QuestionForm(forms.Form):
    title = forms.CharField(label=_("Open question"), required=False, max_length=300)
    body = forms.CharField(
        label=_("Elaboration (optional)"), required=False, max_length=10000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Opens the question's thread. Markdown is allowed."),
    )

    def draft(self) -> QuestionDraft | None:
        title = (self.cleaned_data.get("title") or "").strip()
        if not title:
            return None
        return QuestionDraft(title=title, body=self.cleaned_data.get("body") or "")


class NewQuestionForm(QuestionForm):
    title = forms.CharField(label=_("Open question"), max_length=300)


QuestionFormSet = forms.formset_factory(QuestionForm, extra=QUESTION_SLOTS, max_num=20)


def question_drafts(formset: Any) -> list[QuestionDraft]:
    return [draft for form in formset.forms if (draft := form.draft()) is not None]


class ExtendForm(forms.Form):
    ends_at = forms.DateTimeField(label=_("New end"), widget=_when_input())


class SynthesisForm(forms.Form):
    synthesis = forms.CharField(
        label=_("Closing synthesis"), required=False, max_length=50000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Markdown: key points, practical ideas, and links to the best posts."),
    )


class ArchiveSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the archive"), required=False, max_length=100)


def topic_initial(topic: Topic) -> dict[str, Any]:
    return {
        "title": topic.title, "summary": topic.summary, "apply_prompt": topic.apply_prompt,
        "starts_at": topic.starts_at, "apply_from": topic.apply_from, "ends_at": topic.ends_at,
        "facilitators": list(topic.facilitators.all()),
    }
