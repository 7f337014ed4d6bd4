"""The session plans of the demo: several versions, feedback that led to changes, a plan in
Persian and an open request to critical friends."""

import pytest
from django.urls import reverse

from praxis.accounts.models import User
from praxis.demo.communities import MAIN_SLUG, MEMBER_EMAIL
from praxis.practice.models import Feedback, FeedbackRequest, SessionPlan

pytestmark = pytest.mark.django_db


def test_the_demo_has_plans_with_versions_and_feedback_that_led_to_changes(demo, client):
    plans = SessionPlan.objects.filter(community__slug=MAIN_SLUG)
    assert plans.count() >= 4
    assert any(plan.versions.count() >= 3 for plan in plans)
    assert Feedback.objects.filter(answered_in__isnull=False,
                                   version__plan__community__slug=MAIN_SLUG).count() >= 3
    assert plans.filter(versions__title__regex=r"[\u0600-\u06FF]").exists()
    assert FeedbackRequest.objects.filter(audience="friends", closed_at__isnull=True).exists()
    client.force_login(User.objects.get(email=MEMBER_EMAIL))
    plan = plans.get(title__contains="exit reflection")
    page = client.get(reverse("practice:plan", args=[MAIN_SLUG, plan.pk])).content.decode()
    assert "answered in v2" in page and "too much input" in page
