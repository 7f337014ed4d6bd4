"""Reads for value-creation stories: which cycles a story reaches, the lists a viewer sees,
and what a member may pick as a story's sources (bounded lists, most recent first).

Immediate value counts the picked sources as well as the text: a story that only names the
topic it came from still reaches the first cycle.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

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


# What a member may pick as a story's sources -------------------------------------------------

PICK_LIMIT = 30


@dataclass(frozen=True)
class SourceChoices:
    """The most recent ``PICK_LIMIT`` of each kind a member has seen in a community, plus
    whatever the story already names (so a draft never loses a pick that has aged out)."""

    topics: list[Any]
    posts: list[Any]
    resources: list[Any]
    versions: list[Any]
    feedback: list[Any]


def _recent(queryset: QuerySet[Any], order: str, kept: Iterable[int],
            picked_from: QuerySet[Any] | None = None) -> list[Any]:
    """The most recent choices, and those the story picked already, found in
    ``picked_from`` (the community's, whatever has happened to them since: a post hidden
    after it was picked stays picked) when given."""
    recent = list(queryset.order_by(order, "-pk")[:PICK_LIMIT])
    seen = {item.pk for item in recent}
    missing = [pk for pk in kept if pk not in seen]
    if missing:
        source = queryset if picked_from is None else picked_from
        recent += list(source.filter(pk__in=missing[:PICK_LIMIT]))
    return recent


def source_choices(community_id: int, user_id: int,
                   story: ValueStory | None = None) -> SourceChoices:
    """Five bounded queries (ten at most for a draft with old picks)."""
    from praxis.discussions.models import Post, ThreadRead
    from praxis.discussions.queries import viewer_q
    from praxis.library.models import Resource, ResourceRead
    from praxis.practice.models import Feedback, PlanVersion
    from praxis.topics.models import Topic

    def kept(field: str) -> list[int]:
        if story is None or story.pk is None:
            return []
        return [int(pk) for pk in getattr(story, field).values_list("pk", flat=True)]

    read_threads = ThreadRead.objects.filter(user_id=user_id).values("thread_id")
    # Private replies only for their two people: no one else may pick what they cannot see.
    posts = (Post.objects.filter(viewer_q(user_id), thread__community_id=community_id,
                                 is_hidden=False)
             .filter(Q(thread_id__in=read_threads) | Q(author_id=user_id))
             .select_related("author", "thread"))
    opened = ResourceRead.objects.filter(user_id=user_id).values("resource_id")
    feedback = (Feedback.objects.filter(version__plan__community_id=community_id)
                .filter(Q(author_id=user_id) | Q(version__plan__author_id=user_id))
                .select_related("author", "version"))
    return SourceChoices(
        topics=_recent(Topic.objects.filter(community_id=community_id), "-created_at",
                       kept("source_topics")),
        posts=_recent(posts, "-created_at", kept("source_posts"),
                      Post.objects.filter(viewer_q(user_id), thread__community_id=community_id)
                      .select_related("author", "thread")),
        resources=_recent(Resource.objects.filter(community_id=community_id,
                                                  pk__in=opened), "-created_at",
                          kept("source_resources")),
        versions=_recent(PlanVersion.objects.filter(plan__community_id=community_id),
                         "-created_at", kept("source_versions")),
        feedback=_recent(feedback, "-created_at", kept("source_feedback")),
    )


@dataclass(frozen=True)
class StorySources:
    topics: list[Any]
    posts: list[Any]
    resources: list[Any]
    versions: list[Any]
    feedback: list[Any]

    def __bool__(self) -> bool:
        return any((self.topics, self.posts, self.resources, self.versions, self.feedback))


def sources_of(story: ValueStory) -> StorySources:
    """What a story came from, as shown on its page (five queries). Hidden posts and
    private replies (the page is for its readers, not two people) stay out. Every source is
    of the story's community: its row is reused for their addresses."""
    community = story.community
    found = StorySources(
        topics=list(story.source_topics.all()),
        posts=list(story.source_posts.filter(is_hidden=False, private_to=None)
                   .select_related("author", "thread")),
        resources=list(story.source_resources.all()),
        versions=list(story.source_versions.select_related("plan")),
        feedback=list(story.source_feedback.select_related("author", "version")),
    )
    for item in (*found.topics, *found.resources):
        item.community = community
    for post in found.posts:
        post.thread.community = community
    for version in found.versions:
        version.plan.community = community
    return found


def evidence_of(story: ValueStory) -> list[Any]:
    evidence = list(story.evidence.select_related("plan_version__plan"))
    for item in evidence:
        if item.plan_version is not None:
            item.plan_version.plan.community = story.community
    return evidence
