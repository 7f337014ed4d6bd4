"""Session plans, library and diary pages (issue 18): the study's community against a large one.

Small is the study's size: 125 members, 10 session plans, 15 library resources, 50 diary
entries shared with the community. Large: 10,000 members, 3,000 plans (3 versions of 6
stages each, a few feedback items), 2,000 resources read 200,000 times over 60 days (one row
per member, resource and day), 5,000 shared entries. Both are measured as the same kind of
member: the author of the plan with most feedback (12 items in both), of many diary entries,
with a few critical friends and invitations.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.measure import measure
from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.library.models import Resource, ResourceRead, Tag
from praxis.practice.models import (
    Feedback,
    Friendship,
    JournalEntry,
    PlanStage,
    PlanVersion,
    SessionPlan,
)
from praxis.practice.models.diary import ReflectionModel

TIERS = ["consultant", "master_trainer", "trainer", "teacher"]
INTERACTIONS = [choice.value for choice in PlanStage.Interaction]
MOST_FEEDBACK = 12  # on the viewer's plan, in both communities
READ_DAYS = 60


@dataclass(frozen=True)
class Size:
    members: int
    plans: int
    resources: int
    reads: int
    shared_entries: int
    own_entries: int  # the viewer's, half shared with the community


SMALL = Size(members=125, plans=10, resources=15, reads=2_500, shared_entries=50,
             own_entries=30)
LARGE = Size(members=10_000, plans=3_000, resources=2_000, reads=200_000,
             shared_entries=5_000, own_entries=300)


@dataclass(frozen=True)
class Built:
    community: Community
    viewer: User
    plan: SessionPlan
    resource: Resource


def _members(community: Community, slug: str, size: Size) -> list[User]:
    password = make_password("bench")
    users = User.objects.bulk_create(
        User(email=f"{slug}-{n}@example.org", display_name=f"Trainer {n:05d}",
             institution="Teacher Training Centre", region="Fars", password=password)
        for n in range(size.members)
    )
    Membership.objects.bulk_create(
        Membership(community=community, user=user, tier=TIERS[n % 4],
                   role="steward" if n == 0 else "member")
        for n, user in enumerate(users)
    )
    return users


def _plans(community: Community, users: list[User], size: Size) -> SessionPlan:
    """Plans of 3 versions of 6 stages; 3 feedback items each (one a version), 12 on the
    viewer's plan; version 2 answers the feedback on version 1."""
    now = timezone.now()
    viewer = users[1]
    plans = SessionPlan.objects.bulk_create(
        SessionPlan(community=community, author=viewer if p == 0 else users[p % len(users)],
                    title=f"Loop input with novice trainers {p}",
                    created_at=now - timedelta(days=30, minutes=p),
                    updated_at=now - timedelta(minutes=p))
        for p in range(size.plans)
    )
    versions = PlanVersion.objects.bulk_create(
        PlanVersion(plan=plan, number=number, title=f"{plan.title} (version {number})",
                    audience="trainers", level="novice trainers", duration_minutes=90,
                    aims=f"Trainers notice how a loop-input session models what it teaches; "
                         f"version {number} sharpens the debrief.",
                    change_note="" if number == 1 else "Shorter input, a longer debrief.",
                    created_at=plan.created_at + timedelta(days=number))
        for plan in plans for number in (1, 2, 3)
    )
    PlanStage.objects.bulk_create(
        PlanStage(version=version, position=position, minutes=15,
                  activity=f"Stage {position}: trainees try the task, then name what the "
                           f"trainer did and why (v{version.number}).",
                  interaction=INTERACTIONS[(position + version.number) % len(INTERACTIONS)],
                  materials="Task cards, a timer")
        for version in versions for position in range(1, 7)
    )
    feedback = Feedback.objects.bulk_create(
        Feedback(version=version, author=users[(p + n + 2) % len(users)],
                 works="The debrief questions make the loop visible.",
                 change="Give the observers a checklist before the task.",
                 question="How long is the debrief with a large group?")
        for p, plan in enumerate(plans)
        for version in versions[3 * p:3 * p + 3]
        for n in range(MOST_FEEDBACK // 3 if p == 0 else 1)
    )
    first_feedback = {item.version_id: item for item in reversed(feedback)}
    through = PlanVersion.answers.through
    through.objects.bulk_create(
        through(planversion_id=versions[3 * p + 1].pk,
                feedback_id=first_feedback[versions[3 * p].pk].pk)
        for p in range(len(plans))
    )
    return plans[0]


def _library(community: Community, users: list[User], size: Size) -> Resource:
    """Link resources with structured citations and two tags each; ``size.reads`` reading
    rows over 60 days, at most one a member, resource and day."""
    now = timezone.now()
    tags = Tag.objects.bulk_create(
        Tag(community=community, name=name, slug=name.lower())
        for name in ("Reflection", "CLT", "Observation", "Feedback", "Mentoring",
                     "Assessment", "Materials", "Research", "Policy", "Loop-input")
    )
    resources = Resource.objects.bulk_create(
        Resource(community=community, kind="link", title=f"Reflective practice in ELT {n}",
                 url=f"https://example.org/articles/{n}", added_by=users[n % len(users)],
                 authors="Farrell, Thomas S. C.\nMann, Steve", year=2000 + n % 25,
                 source="ELT Journal", volume=str(60 + n % 20), issue=str(1 + n % 4),
                 pages="1-10", doi=f"10.1093/elt/bench{n}",
                 tag_names=f"{tags[n % 10].name} {tags[(n + 3) % 10].name}",
                 created_at=now - timedelta(hours=n))
        for n in range(size.resources)
    )
    through = Resource.tags.through
    through.objects.bulk_create(
        through(resource_id=resource.pk, tag_id=tags[(n + shift) % 10].pk)
        for n, resource in enumerate(resources) for shift in (0, 3)
    )
    # Row i: resource i % R, its k-th reading (k = i // R of K a resource), on day
    # 60 k // K, by member (37 r + 101 k) % M: the days evenly spread, and (resource,
    # member, day) distinct (a member reads a resource again only M readings later, days
    # apart, or not at all).
    count = len(resources)
    per_resource = -(-size.reads // count)
    reads = []
    for i in range(size.reads):
        r, k = i % count, i // count
        opened = now - timedelta(days=READ_DAYS * k // per_resource, hours=r % 12)
        reads.append(ResourceRead(resource_id=resources[r].pk,
                                  user_id=users[(37 * r + 101 * k) % len(users)].pk,
                                  day=opened.date(), opened_at=opened))
    ResourceRead.objects.bulk_create(reads, batch_size=5_000)
    return resources[0]


def _diary(community: Community, users: list[User], size: Size, plan: SessionPlan) -> None:
    """Entries of others shared with the community (a few with friends only), the viewer's
    own, and the viewer's critical friends and invitations."""
    viewer = users[1]
    today = timezone.localdate()
    Friendship.objects.bulk_create([
        *(Friendship(community=community, inviter=viewer, invitee=users[n],
                     status=Friendship.Status.ACCEPTED) for n in (2, 3, 4)),
        *(Friendship(community=community, inviter=users[n], invitee=viewer,
                     message="Would you read my plans?") for n in (5, 6)),
        Friendship(community=community, inviter=viewer, invitee=users[7]),
    ])
    version = plan.versions.order_by("number").first()
    parts = {"what": "We tried the loop-input task with **novice** trainers.",
             "so_what": "They named the trainer's moves only after the second round.",
             "now_what": "Next time: a checklist for the observers."}
    shared = (
        JournalEntry(author=users[2 + n % (len(users) - 2)], community=community,
                     visibility="friends" if n % 25 == 0 else "community",
                     written_on=today - timedelta(days=n % 365), title=f"After session {n}",
                     model=ReflectionModel.WHAT_SO_WHAT, parts=parts,
                     plan_version=version if n % 5 == 0 else None)
        for n in range(size.shared_entries)
    )
    own = (
        JournalEntry(author=viewer, community=community,
                     visibility="community" if n % 2 else "private",
                     written_on=today - timedelta(days=n), title=f"My session {n}",
                     model=ReflectionModel.FREE, parts={"text": parts["what"]},
                     plan_version=version)
        for n in range(size.own_entries)
    )
    JournalEntry.objects.bulk_create([*shared, *own], batch_size=2_000)


def _community(slug: str, size: Size) -> Built:
    community = Community.objects.create(name=slug, slug=slug)
    users = _members(community, slug, size)
    plan = _plans(community, users, size)
    resource = _library(community, users, size)
    _diary(community, users, size, plan)
    return Built(community=community, viewer=users[1], plan=plan, resource=resource)


def _pages(built: Built) -> list[tuple[str, str]]:
    slug, plan = built.community.slug, built.plan.pk
    return [
        ("plans", reverse("practice:plans", args=[slug])),
        ("plan", reverse("practice:plan", args=[slug, plan])),
        ("compare v1/v3", reverse("practice:compare", args=[slug, plan]) + "?from=1&to=3"),
        ("library home", reverse("library:home", args=[slug])),
        ("library all", reverse("library:all", args=[slug])),
        ("resource", reverse("library:resource", args=[slug, built.resource.pk])),
        ("reflections", reverse("practice:reflections", args=[slug])),
        ("diary", reverse("practice:diary")),
        ("friends", reverse("practice:friends", args=[slug])),
    ]


def run(report: Callable[[str], None]) -> None:
    small = _community("practice-study", SMALL)
    large = _community("practice-college", LARGE)
    report("page                 members  median ms  gzip bytes  queries")
    for index in range(len(_pages(small))):
        rows = []
        for built in (small, large):
            client = Client()
            client.force_login(built.viewer)
            name, url = _pages(built)[index]
            ms, size, queries = measure(client, url)
            members = built.community.memberships.count()
            report(f"{name:<20} {members:>7}  {ms:>9.1f}  {size:>10}  {queries:>7}")
            rows.append(ms)
        report(f"  ratio large/small server time: {rows[1] / rows[0]:.2f}")
