"""Writing cascade events: a member records that they trained others (or a steward records it
for them), changes it, deletes it.

Every function is keyword-only and one transaction: an event and what it drew on are saved
together or not at all. What it drew on must be the community's own: a cohort, topic, reading
or plan of another community is refused, and nothing is saved."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from praxis.accounts.models import User
from praxis.communities.models import Cohort, Community, Membership
from praxis.core.history import rewritten
from praxis.impact.models import CascadeEvent
from praxis.library.models import Resource
from praxis.practice.models import PlanVersion
from praxis.topics.models import Topic

MAX_PEOPLE = 10_000  # more than any one event reaches: a typing slip
EARLIEST = datetime.date(1990, 1, 1)


class CascadeRuleError(Exception):
    """A write the rules refuse; its message is for the person."""


@dataclass(frozen=True)
class EventDraft:
    """What one cascade event says."""

    held_on: datetime.date
    kind: str
    audience: str
    people: int
    cohort: Cohort | None = None
    notes: str = ""
    topics: Iterable[Topic] = field(default_factory=tuple)
    resources: Iterable[Resource] = field(default_factory=tuple)
    plan_versions: Iterable[PlanVersion] = field(default_factory=tuple)


def _check(community: Community, trainer: User | None, draft: EventDraft) -> None:
    if trainer is not None and not Membership.objects.filter(community=community,
                                                             user=trainer).exists():
        raise CascadeRuleError(_("Only a member of the community can be named as trainer."))
    if draft.kind not in CascadeEvent.Kind.values:
        raise CascadeRuleError(_("Choose what kind of event it was."))
    if draft.audience not in CascadeEvent.Audience.values:
        raise CascadeRuleError(_("Choose who took part."))
    if not 1 <= draft.people <= MAX_PEOPLE:
        raise CascadeRuleError(_("The number of people is between 1 and %(most)s.")
                               % {"most": MAX_PEOPLE})
    if not EARLIEST <= draft.held_on <= timezone.localdate() + datetime.timedelta(days=366):
        raise CascadeRuleError(_("Give the date the event was held."))
    if draft.cohort is not None and draft.cohort.community_id != community.pk:
        raise CascadeRuleError(_("Choose one of this community's cohorts."))
    if any(topic.community_id != community.pk for topic in draft.topics):
        raise CascadeRuleError(_("Choose topics of this community."))
    if any(resource.community_id != community.pk for resource in draft.resources):
        raise CascadeRuleError(_("Choose readings of this community's library."))
    versions = list(draft.plan_versions)
    if versions and (PlanVersion.objects.filter(pk__in=[v.pk for v in versions])
                     .exclude(plan__community=community).exists()):
        raise CascadeRuleError(_("Choose session plans shared in this community."))


def _save(event: CascadeEvent, draft: EventDraft) -> CascadeEvent:
    # An event is often recorded for a day already past, or moved to another day.
    rewritten(event.community_id, event.held_on if event.pk else None, draft.held_on)
    event.held_on = draft.held_on
    event.kind = draft.kind
    event.audience = draft.audience
    event.people = draft.people
    event.cohort = draft.cohort
    event.notes = draft.notes.strip()
    event.save()
    event.topics.set(list(draft.topics))
    event.resources.set(list(draft.resources))
    event.plan_versions.set(list(draft.plan_versions))
    return event


@transaction.atomic
def record_event(*, community: Community, trainer: User, draft: EventDraft) -> CascadeEvent:
    """Records that ``trainer`` trained others (the view has asked the door whether the
    person recording may name them)."""
    _check(community, trainer, draft)
    return _save(CascadeEvent(community=community, trainer=trainer), draft)


@transaction.atomic
def change_event(*, event: CascadeEvent, draft: EventDraft) -> CascadeEvent:
    _check(event.community, None, draft)  # its trainer stays, even one who has left
    return _save(event, draft)


@transaction.atomic
def delete_event(*, event: CascadeEvent) -> None:
    rewritten(event.community_id, event.held_on)
    event.delete()
