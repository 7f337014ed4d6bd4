"""What the worker's periodic round does for analytics: keeps the figures of months and
weeks that are over fresh (``months``)."""

from datetime import date, timedelta

from django.utils import timezone

from praxis.analytics import months
from praxis.analytics.activity import settle_weeks
from praxis.analytics.engagement import settle
from praxis.analytics.models import SettledMonth
from praxis.communities.models import Community


def settle_in_round() -> None:
    """The worker's periodic round (``notifications.hooks.periodic_round``): kept months
    and weeks whose activity changed are read again once the margin has passed (sooner,
    they would be stale again at once), and the month just over is settled where months
    are kept, so that pages seldom have to."""
    cutoff = timezone.now() - months.SETTLING_MARGIN
    last_month = months.month_of(months.current_month() - timedelta(days=1))
    wanted: dict[int, set[date]] = {}
    for community_id, month in months.stale(before=cutoff).values_list("community_id", "month"):
        wanted.setdefault(community_id, set()).add(month)
    kept = SettledMonth.objects.values_list("community_id", flat=True).distinct()
    done = set(SettledMonth.objects.filter(month=last_month).values_list("community_id",
                                                                          flat=True))
    for community_id in kept:
        if community_id not in done:
            wanted.setdefault(community_id, set()).add(last_month)
    for community in Community.objects.filter(pk__in=list(wanted)):
        settle(community, wanted[community.pk])
    stale_weeks: dict[int, list[date]] = {}
    for community_id, monday in months.stale_weeks(before=cutoff).values_list(
            "community_id", "monday"):
        stale_weeks.setdefault(community_id, []).append(monday)
    for community in Community.objects.filter(pk__in=list(stale_weeks)):
        settle_weeks(community, stale_weeks[community.pk])
