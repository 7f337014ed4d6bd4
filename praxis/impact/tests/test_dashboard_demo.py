"""The demo's community moved from Moodle shows its readers from before the move."""

import pytest
from django.urls import reverse

from praxis.accounts.models import User
from praxis.demo.communities import STEWARD_EMAIL
from praxis.demo.moodle import SLUG

pytestmark = pytest.mark.django_db


def test_the_moved_community_shows_its_readers_of_2020_and_2021(demo, client):
    client.force_login(User.objects.get(email=STEWARD_EMAIL))
    page = client.get(reverse("impact:dashboard", args=[SLUG]),
                      {"start": "2020-01-01", "end": "2021-12-31"})
    assert page.status_code == 200
    reading = page.context["reading"]
    # Moodle's logs had readers who never wrote: they read without writing here too.
    assert reading.readers > reading.lurkers > 0
    assert reading.visits >= reading.readers
    assert "A reader is a member who opened at least one discussion" in page.content.decode()
