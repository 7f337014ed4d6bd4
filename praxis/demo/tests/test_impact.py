"""The impact part of the demo: stories of each visibility and cycle, a draft, an
acknowledgement, and cascade events from the consultants down to the teachers."""

import pytest
from django.urls import reverse

from praxis.accounts.models import User
from praxis.demo.communities import FACILITATOR_EMAIL, MAIN_SLUG, MEMBER_EMAIL, STEWARD_EMAIL
from praxis.impact.models import CascadeEvent, ValueStory
from praxis.impact.story_queries import cycles_of_many

pytestmark = pytest.mark.django_db


def test_the_demo_tells_stories_of_every_cycle_and_visibility(demo, client):
    stories = list(ValueStory.objects.filter(community__slug=MAIN_SLUG))
    assert {s.visibility for s in stories} == {"private", "leaders", "community"}
    assert {s.status for s in stories} == {"draft", "told"}
    reached = {cycle for cycles in cycles_of_many(stories).values() for cycle in cycles}
    assert reached == {"immediate", "potential", "applied", "realised", "reframing"}
    assert any(s.acknowledged_by and s.acknowledged_by.email == FACILITATOR_EMAIL
               for s in stories)
    titles = {s.title for s in stories}
    assert {"Loop input in my TTC course", "Trainees setting their own rules",
            "Reflection in every session", "A new session on presenting at conferences",
            "دفتر خاطرات برای کارآموزان"} <= titles

    private = next(s for s in stories if s.visibility == "private" and s.status == "told")
    client.force_login(User.objects.get(email=STEWARD_EMAIL))
    page = client.get(reverse("impact:stories", args=[MAIN_SLUG])).content.decode()
    assert "Reflection in every session" in page and private.title not in page
    client.force_login(User.objects.get(email=MEMBER_EMAIL))
    page = client.get(reverse("impact:stories", args=[MAIN_SLUG])).content.decode()
    assert "Reflection cards, again" in page  # his draft, in "My stories"


def test_the_demo_cascade_runs_from_consultants_to_teachers(demo):
    events = CascadeEvent.objects.filter(community__slug=MAIN_SLUG)
    assert events.filter(trainer__memberships__tier="consultant",
                         audience="trainers").exists()
    assert events.filter(trainer__memberships__tier="master_trainer",
                         cohort__isnull=False).exists()
    assert events.filter(trainer__email=MEMBER_EMAIL, audience="teachers").exists()
    assert {e.kind for e in events} >= {"course", "workshop", "observation", "mentoring",
                                        "informal"}
    assert events.filter(topics__title="Loop input").exists()
    assert events.filter(notes__icontains="presenting at conferences").exists()
    # Each cohort's course is recorded once.
    cohorts = list(events.exclude(cohort=None).values_list("cohort_id", flat=True))
    assert len(cohorts) == len(set(cohorts))
