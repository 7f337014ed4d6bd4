"""Reading session plans for the pages: each function a constant number of queries, whatever
the number of plans, versions, stages and feedback."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.practice.models import Feedback, FeedbackRequest, PlanVersion, SessionPlan
from praxis.topics.models import Topic


def community_plans(community: Community) -> QuerySet[SessionPlan]:
    """A community's plans, newest version first (its index serves a page of them); a page's
    counts come from ``with_counts``."""
    return (SessionPlan.objects.filter(community=community).select_related("author")
            .order_by("-updated_at", "-pk"))


def with_counts(plans: Iterable[SessionPlan]) -> list[SessionPlan]:
    """One page of plans with ``version_count`` and ``feedback_count``: two grouped queries
    over that page's plans only, so a list of thousands of plans costs what a list of ten
    does."""
    plans = list(plans)
    ids = [plan.pk for plan in plans]
    versions = dict(PlanVersion.objects.filter(plan_id__in=ids).values("plan_id")
                    .annotate(n=Count("pk")).values_list("plan_id", "n"))
    feedback = dict(Feedback.objects.filter(version__plan_id__in=ids)
                    .values("version__plan_id").annotate(n=Count("pk"))
                    .values_list("version__plan_id", "n"))
    for plan in plans:
        plan.version_count = versions.get(plan.pk, 0)  # type: ignore[attr-defined]
        plan.feedback_count = feedback.get(plan.pk, 0)  # type: ignore[attr-defined]
    return plans


def topic_plans(topic: Topic, limit: int = 20) -> list[SessionPlan]:
    """The plans a topic inspired, for its page: one query."""
    plans = list(SessionPlan.objects.filter(topics=topic).select_related("author")
                 .order_by("-updated_at", "-pk")[:limit])
    for plan in plans:
        plan.community = topic.community
    return plans


@dataclass
class VersionFeedback:
    version: PlanVersion
    feedback: list[Feedback] = field(default_factory=list)


@dataclass
class PlanPage:
    plan: SessionPlan
    versions: list[PlanVersion]
    latest: PlanVersion
    stages: list
    feedback: list[VersionFeedback]  # newest version first
    open_requests: list[FeedbackRequest]

    @property
    def has_feedback(self) -> bool:
        return any(group.feedback for group in self.feedback)

    @property
    def unanswered(self) -> list[Feedback]:
        """Feedback no version answers yet, for the author's next version to name: whether
        the author marked it acted upon or not (a mark is their note; a version naming it is
        the evidence that it led to a change)."""
        return [item for group in self.feedback for item in group.feedback
                if not item.answered_in.all()]


def _feedback_of(plan: SessionPlan) -> QuerySet[Feedback]:
    answered = Prefetch("answered_in", queryset=PlanVersion.objects.only("pk", "number",
                                                                         "plan_id"))
    return (Feedback.objects.filter(version__plan=plan).select_related("author")
            .prefetch_related(answered).order_by("created_at", "pk"))


def plan_page(plan: SessionPlan) -> PlanPage:
    """The plan's versions, its latest version's stages, its feedback grouped by version
    (each with the versions that answered it) and its open requests."""
    versions = list(PlanVersion.objects.filter(plan=plan).order_by("number"))
    for version in versions:
        version.plan = plan
    latest = versions[-1]
    by_version = {version.pk: VersionFeedback(version) for version in versions}
    for item in _feedback_of(plan):
        item.version = by_version[item.version_id].version
        by_version[item.version_id].feedback.append(item)
    requests = list(FeedbackRequest.objects.filter(version__plan=plan, closed_at__isnull=True)
                    .select_related("version").order_by("-created_at"))
    return PlanPage(plan=plan, versions=versions, latest=latest,
                    stages=list(latest.stages.all()),
                    feedback=[by_version[v.pk] for v in reversed(versions)],
                    open_requests=requests)


def version_of(plan: SessionPlan, number: int) -> PlanVersion | None:
    version = PlanVersion.objects.filter(plan=plan, number=number).first()
    if version is not None:
        version.plan = plan
    return version


def latest_version(plan: SessionPlan) -> PlanVersion:
    version = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    assert version is not None, "a plan always has its version 1"
    version.plan = plan
    return version


def version_feedback(version: PlanVersion) -> list[Feedback]:
    items = list(Feedback.objects.filter(version=version).select_related("author")
                 .prefetch_related(Prefetch("answered_in",
                                            queryset=PlanVersion.objects.only("pk", "number")))
                 .order_by("created_at", "pk"))
    for item in items:
        item.version = version
    return items


def stages_of(version: PlanVersion) -> list:
    return list(version.stages.all())


def open_request(version: PlanVersion, pk: object) -> FeedbackRequest | None:
    """An open request on this version, for feedback given in answer to it."""
    try:
        request_id = int(str(pk))
    except (TypeError, ValueError):
        return None
    return FeedbackRequest.objects.filter(pk=request_id, version=version,
                                          closed_at__isnull=True).first()


def request_of(plan: SessionPlan, request_id: int) -> FeedbackRequest | None:
    return (FeedbackRequest.objects.filter(pk=request_id, version__plan=plan)
            .select_related("version").first())


def plan_feedback(plan: SessionPlan, feedback_id: int) -> Feedback | None:
    return (Feedback.objects.filter(pk=feedback_id, version__plan=plan)
            .select_related("version").first())


ASKABLE_SHOWN = 200


def askable(community: Community, user: User) -> QuerySet[User]:
    """Whom an author may ask by name: the community's other active members."""
    return (User.objects.filter(memberships__community=community, is_active=True)
            .exclude(pk=user.pk))


def askable_members(community: Community, user: User, friends: set[int],
                    search: str = "") -> tuple[list[User], bool]:
    """The members the request form lists: critical friends first, then by name, at most
    ``ASKABLE_SHOWN`` (``search``, part of a name, finds the others); and whether there are
    more than it lists."""
    found = askable(community, user)
    if search:
        found = found.filter(display_name__icontains=search)
    people = list(found.exclude(pk__in=friends).order_by("display_name", "pk")
                  [:ASKABLE_SHOWN + 1])
    more = len(people) > ASKABLE_SHOWN
    friends_listed = list(askable(community, user).filter(pk__in=friends)
                          .order_by("display_name", "pk")) if friends and not search else []
    return friends_listed + people[:ASKABLE_SHOWN], more


def asked_of(user: User, limit: int = 5) -> list[FeedbackRequest]:
    """Open requests asking this member for feedback (by name, or in a community they are a
    member of) that they have not answered yet, newest first: for their home page."""
    if not user.is_authenticated:
        return []
    # Only in communities they still belong to: one they left keeps its plans to itself.
    communities = Membership.objects.filter(user=user).values("community_id")
    asking = Q(asked=user) | Q(audience=FeedbackRequest.Audience.COMMUNITY)
    requests = list(
        FeedbackRequest.objects.filter(asking, closed_at__isnull=True,
                                       version__plan__community_id__in=communities)
        .exclude(asked_by=user).exclude(version__feedback__author=user)
        .select_related("version__plan__community", "asked_by")
        .order_by("-created_at").distinct()[:limit])
    return requests
