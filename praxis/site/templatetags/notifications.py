from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from praxis.access import TopicAccess
from praxis.discussions.models import Thread
from praxis.notifications.forms import place_choices
from praxis.notifications.models import Mode
from praxis.notifications.queries import subscription_state

register = template.Library()


@register.inclusion_tag("notifications/includes/place_mode.html", takes_context=True)
def email_choice(context: dict[str, Any], access: TopicAccess,
                 thread: Thread | None = None) -> dict[str, Any]:
    """A member's email choice for the access's topic, or for ``thread`` in it, on its own
    page (one query)."""
    request = context["request"]
    if not access.community_access.can_follow:
        return {"place": {"show": False}}
    community, topic = access.community, access.topic
    state = subscription_state(request.user, community, topic=topic, thread=thread)
    if thread is not None:
        current, wider = state.thread_mode, state.inherited
        action = reverse("notifications:thread_mode", args=[community.slug, thread.pk])
        label = _("Email about this thread")
    else:
        current = state.topic_mode
        wider = state.community_mode or state.default_mode
        action = reverse("notifications:topic_mode", args=[community.slug, topic.slug])
        label = _("Email about this topic")
    inherited = _("As for the rest (%(mode)s)") % {"mode": Mode(wider).label}
    return {"place": {
        "show": True, "action": action, "label": label, "current": current,
        "choices": place_choices(inherited), "next": request.get_full_path(),
        "id": "email-choice-" + ("thread" if thread is not None else "topic"),
    }}
