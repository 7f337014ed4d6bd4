"""Member directory and community home: 125 members (the study's community) against 10,000."""

from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from bench.measure import measure
from praxis.accounts.models import User
from praxis.communities.models import Cohort, Community, Membership

TIERS = ["consultant", "master_trainer", "trainer", "teacher"]


def _community(slug: str, size: int) -> tuple[Community, User]:
    community = Community.objects.create(name=slug, slug=slug)
    password = make_password("bench")
    users = User.objects.bulk_create(
        User(email=f"{slug}-{n}@example.org", display_name=f"Trainer {n:05d}",
             institution="Teacher Training Centre", region="Fars", password=password)
        for n in range(size)
    )
    memberships = Membership.objects.bulk_create(
        Membership(community=community, user=user, tier=TIERS[n % 4],
                   role="steward" if n == 0 else "member")
        for n, user in enumerate(users)
    )
    cohorts = [Cohort.objects.create(community=community, name=f"Cohort {n}") for n in range(20)]
    through = Cohort.members.through
    through.objects.bulk_create(
        through(cohort=cohorts[n % 20], membership=membership)
        for n, membership in enumerate(memberships)
    )
    return community, users[0]


def run(report: Callable[[str], None]) -> None:
    small, small_steward = _community("study", 125)
    large, large_steward = _community("college", 10_000)
    report("page                 members  median ms  gzip bytes  queries")
    for name in ("communities:members", "communities:detail", "communities:cohorts"):
        rows = []
        for community, steward in ((small, small_steward), (large, large_steward)):
            client = Client()
            client.force_login(steward)
            url = reverse(name, args=[community.slug])
            ms, size, queries = measure(client, url)
            members = community.memberships.count()
            report(f"{name.split(':')[1]:<20} {members:>7}  {ms:>9.1f}  {size:>10}  {queries:>7}")
            rows.append(ms)
        report(f"  ratio large/small server time: {rows[1] / rows[0]:.2f}")
