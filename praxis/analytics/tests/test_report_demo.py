"""The demo's report to leadership shows the main community's year and what it cost."""

from decimal import Decimal

import pytest
from django.urls import reverse

from praxis.accounts.models import User
from praxis.demo.analytics import HOURS, OTHER_COSTS, RATE
from praxis.demo.communities import MAIN_SLUG, STEWARD_EMAIL

pytestmark = pytest.mark.django_db


def test_the_demo_report_shows_the_years_costs(demo, client):
    client.force_login(User.objects.get(email=STEWARD_EMAIL))
    page = client.get(reverse("analytics:report", args=[MAIN_SLUG]))
    assert page.status_code == 200
    report = page.context["report"]
    assert report.costs is not None
    total = HOURS * RATE + sum(amount for _label, amount in OTHER_COSTS)
    assert report.costs.total == total.quantize(Decimal("0.01"))
    assert report.totals.posts > 0 and report.topics and report.quotes
    assert report.effort.facilitator_posts > 0
    text = page.content.decode()
    assert "Platform hosting" in text and "Per active participant" in text
    pdf = client.get(reverse("analytics:report_pdf", args=[MAIN_SLUG]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_the_demo_keeps_the_months_that_are_over_and_they_agree_with_the_rows(demo):
    from praxis.analytics import engagement
    from praxis.analytics.models import SettledMonth
    from praxis.analytics.report import default_period
    from praxis.communities.models import Community

    community = Community.objects.get(slug=MAIN_SLUG)
    assert SettledMonth.objects.filter(community=community).count() >= 12
    start, end = default_period()
    scope = engagement.Scope(community=community, start=start, end=end)
    assert engagement.engagement_table(scope) == engagement.engagement_table(
        scope, use_settled=False)
