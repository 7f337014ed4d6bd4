"""Template filters for topic pages."""

from django import template
from django.urls import reverse

from praxis.topics.models import Topic

register = template.Library()


@register.filter
def state_label(state: str) -> str:
    """The reader's words for a topic state ("open", "apply"...)."""
    try:
        return str(Topic.State(state).label)
    except ValueError:
        return state


@register.simple_tag
def new_thread_url(community_slug: str, topic_slug: str) -> str:
    """Where members start a thread in a topic: "discussions:thread_create"."""
    return reverse("discussions:thread_create", args=[community_slug, topic_slug])
