"""Demo analytics: the steward's costs for the report to leadership, so the demo report
shows what the main community's year cost (facilitation hours at a rate, hosting, printed
materials, a venue) beside what it did; and the months that are over settled, as the
worker and ``settle_engagement`` keep them on a site that has run for a while."""

from decimal import Decimal

from praxis.analytics.engagement import settle_history
from praxis.analytics.models import CostItem, CostSheet
from praxis.analytics.report import default_period
from praxis.communities.models import Community
from praxis.demo.communities import DEMO_SLUGS, DemoContext
from praxis.demo.moodle import SLUG as MOODLE_SLUG

HOURS = Decimal(186)  # two facilitators, about four hours a week over the topics' weeks
RATE = Decimal("32.00")
OTHER_COSTS = [
    ("Platform hosting and backups (12 months)", Decimal("480.00")),
    ("Printed materials for face-to-face sessions", Decimal("265.50")),
    ("Venue for the two face-to-face days", Decimal("350.00")),
]


def build(ctx: DemoContext) -> None:
    """A cost sheet for the report's default period (the last twelve months) in the main
    community."""
    start, end = default_period(ctx.now.date())
    sheet = CostSheet.objects.create(
        community=ctx.community, start=start, end=end, currency="EUR",
        facilitation_hours=HOURS, hourly_rate=RATE, updated_by=ctx.steward,
        updated_at=ctx.now)
    CostItem.objects.bulk_create([CostItem(sheet=sheet, label=label, amount=amount)
                                  for label, amount in OTHER_COSTS])
    ctx.summary.append(f"Report to leadership: costs entered for {start} to {end} "
                       f"({HOURS} facilitation hours at {RATE} {sheet.currency}).")


def settle(ctx: DemoContext) -> None:
    """Every demo community's months that are over, read and kept."""
    months = 0
    for community in Community.objects.filter(slug__in=[*DEMO_SLUGS, MOODLE_SLUG]):
        months += len(settle_history(community))
    ctx.summary.append(f"Engagement: {months} months that are over settled.")
