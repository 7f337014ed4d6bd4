"""The promises part of the demo: Ali's home page asks him to tell what happened, and to
finish the story he began by email."""

import pytest
from django.urls import reverse

from praxis.accounts.models import User
from praxis.demo.communities import MAIN_SLUG, MEMBER_EMAIL
from praxis.impact.models import UsePromise, ValueStory
from praxis.impact.promise_queries import promises_of

pytestmark = pytest.mark.django_db


def test_the_demo_has_promises_in_every_state_and_the_home_page_asks(demo, client):
    member = User.objects.get(email=MEMBER_EMAIL)
    promised = UsePromise.objects.filter(user=member, community__slug=MAIN_SLUG)
    rows = promises_of(member, promised.first().community)
    assert {row.state for row in rows} == {"waiting", "due", "drafted"}
    drafted = next(row.promise for row in rows if row.state == "drafted")
    assert drafted.story.status == ValueStory.Status.DRAFT
    assert list(drafted.story.source_posts.all()) == [drafted.post]
    client.force_login(member)
    page = client.get("/").content.decode()
    assert "Tell what happened" in page and "Finish your story" in page
    assert client.get(reverse("impact:promises", args=[MAIN_SLUG])).status_code == 200
