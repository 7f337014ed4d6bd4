"""Reads of promises "I will use this in my training": a member's list, with each one's
state, and what their home page asks them to tell."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from praxis.accounts.models import AnyUser
from praxis.communities.models import Community
from praxis.impact.models import UsePromise, ValueStory

# The home page lists at most this many.
HOME_LIMIT = 10
# "My promises" shows at most this many (newest session first).
LIST_LIMIT = 200

STATE_LABELS = {
    "waiting": _("Waiting for the session"),
    "due": _("Tell what happened"),
    "drafted": _("Story begun"),
    "told": _("Told"),
    "dismissed": _("Dismissed"),
}


def state_of(promise: UsePromise, today: date) -> str:
    """waiting (the session is still to come), due (it has passed: tell what happened),
    drafted (a story is begun), told, or dismissed."""
    if promise.story_id is not None and promise.story is not None:
        return "told" if promise.story.status == ValueStory.Status.TOLD else "drafted"
    if promise.dismissed_at is not None:
        return "dismissed"
    return "due" if promise.session_date < today else "waiting"


@dataclass(frozen=True)
class PromiseRow:
    promise: UsePromise
    state: str

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def promises_of(user: AnyUser, community: Community, *,
                today: date | None = None) -> list[PromiseRow]:
    """A member's promises in a community, the latest session first: one query."""
    if not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    found = (UsePromise.objects.filter(user=user, community=community)
             .select_related("post__thread__topic", "post__thread__community", "story")
             .order_by("-session_date", "-pk")[:LIST_LIMIT])
    return [PromiseRow(promise, state_of(promise, today)) for promise in found]


def to_tell(user: AnyUser, *, today: date | None = None) -> list[PromiseRow]:
    """For the home page: promises whose session has passed and whose story is not told
    (not begun: "tell what happened"; begun: "finish your story"), in communities the member
    is still in. One query."""
    if not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    found = (UsePromise.objects
             .filter(user=user, session_date__lt=today,
                     community__memberships__user=user)
             .filter(Q(story__isnull=True, dismissed_at__isnull=True)
                     | Q(story__status=ValueStory.Status.DRAFT))
             .select_related("community", "post__thread__topic", "story")
             .order_by("session_date", "pk")[:HOME_LIMIT])
    return [PromiseRow(promise, state_of(promise, today)) for promise in found]
