"""Template filters for topic pages."""

from django import template
from django.urls import NoReverseMatch, reverse

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
def thread_url(community_slug: str, thread_id: int) -> str:
    """Where the discussions app serves a thread: "discussions:thread", at this path."""
    try:
        return reverse("discussions:thread", args=[community_slug, thread_id])
    except NoReverseMatch:  # until the discussions app serves its thread page
        return f"/c/{community_slug}/threads/{thread_id}/"


@register.simple_tag
def post_url(community_slug: str, post_id: int) -> str:
    """A post's permalink, served by the discussions app: "discussions:post"."""
    try:
        return reverse("discussions:post", args=[community_slug, post_id])
    except NoReverseMatch:
        return f"/c/{community_slug}/posts/{post_id}/"


@register.simple_tag
def new_thread_url(community_slug: str, topic_slug: str) -> str:
    """Where members start a thread in a topic: "discussions:thread_create"."""
    try:
        return reverse("discussions:thread_create", args=[community_slug, topic_slug])
    except NoReverseMatch:
        return f"/c/{community_slug}/t/{topic_slug}/threads/new/"
