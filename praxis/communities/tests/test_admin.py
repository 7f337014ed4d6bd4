"""The back office lets a steward work on the communities they run, and only those."""

import pytest
from django.urls import reverse

from praxis.communities.models import Membership
from praxis.communities.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_steward(cast):
    cast.steward.is_staff = True
    cast.steward.save()
    return cast.steward


def test_a_steward_sees_only_their_communities_and_members(cast, staff_steward, client):
    stranger = MembershipFactory()
    client.force_login(staff_steward)
    assert client.get(reverse("admin:index")).status_code == 200
    communities = client.get(reverse("admin:communities_community_changelist"))
    assert list(communities.context["cl"].result_list) == [cast.community]
    members = client.get(reverse("admin:communities_membership_changelist"))
    assert stranger not in members.context["cl"].result_list
    assert set(members.context["cl"].result_list) == set(cast.community.memberships.all())
    other = client.get(reverse("admin:communities_membership_change", args=[stranger.pk]))
    assert other.status_code == 302  # Django admin sends missing objects back to the index


def test_a_steward_changes_a_role_in_the_back_office(cast, staff_steward, client):
    membership = cast.community.memberships.get(user=cast.member)
    client.force_login(staff_steward)
    response = client.post(
        reverse("admin:communities_membership_change", args=[membership.pk]),
        {"role": "facilitator", "tier": "trainer"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Membership.Role.FACILITATOR
    assert membership.user == cast.member  # the person stays read-only for stewards


def test_staff_who_steward_nothing_see_no_community_pages(cast, client):
    cast.member.is_staff = True
    cast.member.save()
    client.force_login(cast.member)
    assert client.get(reverse("admin:communities_community_changelist")).status_code == 403


def test_members_without_staff_cannot_open_the_back_office(cast, client):
    client.force_login(cast.member)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_a_site_admin_sees_every_community(cast, client, django_user_model):
    root = django_user_model.objects.create_superuser(email="root@example.org", password="x",
                                                      display_name="Root")
    client.force_login(root)
    page = client.get(reverse("admin:communities_community_changelist"))
    assert len(page.context["cl"].result_list) == 2
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200


def test_the_back_office_keeps_the_last_steward(cast, staff_steward, client):
    stewardship = cast.community.memberships.get(user=staff_steward)
    client.force_login(staff_steward)
    response = client.post(
        reverse("admin:communities_membership_change", args=[stewardship.pk]),
        {"role": "member", "tier": ""},
    )
    assert response.status_code == 200
    assert "only steward" in response.content.decode()
    stewardship.refresh_from_db()
    assert stewardship.role == Membership.Role.STEWARD
    assert client.post(
        reverse("admin:communities_membership_delete", args=[stewardship.pk]), {"post": "yes"}
    ).status_code == 403


def test_join_requests_are_decided_on_the_site_not_in_the_back_office(cast, staff_steward,
                                                                      client):
    from praxis.communities.models import JoinRequest

    join_request = JoinRequest.objects.create(community=cast.community, user=cast.outsider)
    client.force_login(staff_steward)
    assert client.get(reverse("admin:communities_joinrequest_add")).status_code == 403
    client.post(reverse("admin:communities_joinrequest_change", args=[join_request.pk]),
                {"status": "approved"})
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING


def test_a_community_keeps_its_slug_in_the_back_office(cast, staff_steward, client):
    client.force_login(staff_steward)
    client.post(reverse("admin:communities_community_change", args=[cast.community.pk]), {
        "name": "Renamed", "slug": "admin", "description": "", "visibility": "listed",
        "join_policy": "open",
    })
    cast.community.refresh_from_db()
    assert cast.community.slug != "admin"
    assert cast.community.name == "Renamed"
