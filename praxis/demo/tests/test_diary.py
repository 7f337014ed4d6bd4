"""The diary part of the demo: critical friends, a pending invitation for the member, and
entries of every visibility, the private ones shown to nobody but their author."""

import pytest
from django.urls import reverse

from praxis.accounts.models import User
from praxis.demo.communities import (
    FACILITATOR_EMAIL,
    MAIN_SLUG,
    MEMBER_EMAIL,
    STEWARD_EMAIL,
)
from praxis.demo.diary import SHIVA_EMAIL
from praxis.practice.models import Friendship, JournalEntry
from praxis.practice.queries.friends import friend_ids

pytestmark = pytest.mark.django_db


def test_the_demo_has_friends_an_invitation_and_entries_of_each_visibility(demo, client):
    member = User.objects.get(email=MEMBER_EMAIL)
    facilitator = User.objects.get(email=FACILITATOR_EMAIL)
    assert facilitator.pk in friend_ids(member.pk)
    assert Friendship.objects.filter(invitee=member, status=Friendship.Status.INVITED,
                                     inviter__email=SHIVA_EMAIL).exists()
    kinds = set(JournalEntry.objects.filter(author=member).values_list("visibility", flat=True))
    assert kinds == {"private", "friends", "community"}
    assert JournalEntry.objects.filter(author__email=SHIVA_EMAIL).exists()

    private = JournalEntry.objects.filter(author=member, visibility="private").first()
    shared = JournalEntry.objects.filter(author=member, visibility="friends").first()
    client.force_login(facilitator)
    assert client.get(reverse("practice:entry", args=[shared.pk])).status_code == 200
    assert client.get(reverse("practice:entry", args=[private.pk])).status_code == 404
    client.force_login(User.objects.get(email=STEWARD_EMAIL))
    page = client.get(reverse("practice:reflections", args=[MAIN_SLUG])).content.decode()
    assert private.title not in page and shared.title not in page
    client.force_login(member)
    home = client.get(reverse("core:home")).content.decode()
    assert f"/c/{MAIN_SLUG}/friends/" in home
