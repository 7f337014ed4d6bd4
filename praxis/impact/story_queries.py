"""Reads for value-creation stories: which cycles a story reaches, the lists a viewer sees,
and what a member may pick as a story's sources (bounded lists, most recent first).

Immediate value counts the picked sources as well as the text: a story that only names the
topic it came from still reaches the first cycle.
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from praxis.impact.models import Cycle, ValueStory

SOURCE_FIELDS = ("source_topics", "source_posts", "source_resources", "source_versions",
                 "source_feedback")

CYCLE_ORDER = [Cycle.IMMEDIATE, Cycle.POTENTIAL, Cycle.APPLIED, Cycle.REALISED,
               Cycle.REFRAMING]


def _with_sources(text_cycles: list[Cycle], has_sources: bool) -> list[Cycle]:
    if has_sources and Cycle.IMMEDIATE not in text_cycles:
        return [Cycle.IMMEDIATE, *text_cycles]
    return text_cycles


def _ids_with_sources(story_ids: list[int]) -> set[int]:
    """The stories among ``story_ids`` with at least one picked source: one query per kind
    of source (five, however many stories)."""
    found: set[int] = set()
    for field in SOURCE_FIELDS:
        through = getattr(ValueStory, field).through
        found.update(through.objects.filter(valuestory_id__in=story_ids)
                     .values_list("valuestory_id", flat=True).distinct())
    return found


def cycles_of_many(stories: Iterable[ValueStory]) -> dict[int, list[str]]:
    """The cycles each story reaches, by story id, in the cycles' order (values of
    ``Cycle``). At most five queries, however many stories."""
    stories = list(stories)
    if not stories:
        return {}
    with_sources = _ids_with_sources([story.pk for story in stories])
    return {story.pk: [str(cycle) for cycle in
                       _with_sources(story.text_cycles(), story.pk in with_sources)]
            for story in stories}


def reaches(story: ValueStory) -> list[Cycle]:
    """The cycles one story reaches, in order."""
    return [Cycle(value) for value in cycles_of_many([story])[story.pk]]


cycles_of = reaches


def has_cycle(story: ValueStory) -> bool:
    return bool(reaches(story))


def readable_stories(community_id: int, user_id: int | None, *, is_member: bool,
                     is_leader: bool) -> QuerySet[ValueStory]:
    """The told stories of a community this person may read (the door decides the flags):
    their own whatever its visibility, the community's when a member, the leaders' when a
    facilitator or steward. Newest first."""
    shown = Q(pk__in=[])
    if is_member:
        shown |= Q(visibility=ValueStory.Visibility.COMMUNITY)
    if is_leader:
        shown |= Q(visibility=ValueStory.Visibility.LEADERS)
    if user_id is not None:
        shown |= Q(author_id=user_id)
    return (ValueStory.objects.filter(community_id=community_id,
                                      status=ValueStory.Status.TOLD)
            .filter(shown).select_related("author", "acknowledged_by")
            .order_by("-told_at", "-pk"))


def stories_of(community_id: int, user_id: int) -> QuerySet[ValueStory]:
    """A member's own stories in a community, drafts first, then the newest."""
    return (ValueStory.objects.filter(community_id=community_id, author_id=user_id)
            .order_by("status", "-updated_at", "-pk"))
