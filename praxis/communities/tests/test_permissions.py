"""The permission matrix: every community view against every kind of visitor."""

import pytest
from django.urls import reverse

from praxis.access import (
    access_community,
    can_create_community,
    visible_communities,
)
from praxis.communities.models import Community
from praxis.communities.tests.cast import VISITORS
from praxis.communities.tests.factories import CohortFactory

LOGIN = "login"  # shorthand: redirected to the login page

# view name -> expected answer per visitor, in the order of VISITORS
# (anonymous, outsider, member, facilitator, steward), for a listed community.
LISTED_MATRIX = {
    "detail": (200, 200, 200, 200, 200),
    "members": (LOGIN, 403, 200, 200, 200),
    "cohorts": (LOGIN, 403, 200, 200, 200),
    "settings": (LOGIN, 403, 403, 403, 200),
    "privacy_record": (LOGIN, 403, 403, 403, 200),
    "invitations": (LOGIN, 403, 403, 403, 200),
    "join_requests": (LOGIN, 403, 403, 403, 200),
    "member_edit": (LOGIN, 403, 403, 403, 200),
    "member_remove": (LOGIN, 403, 403, 403, 200),
    "cohort_create": (LOGIN, 403, 403, 403, 200),
    "cohort_edit": (LOGIN, 403, 403, 403, 200),
    "cohort_delete": (LOGIN, 403, 403, 403, 200),
    "leave": (LOGIN, 302, 200, 200, 200),
}

# A private community does not exist for those outside it.
PRIVATE_MATRIX = {
    name: (404, 404, *answers[2:]) for name, answers in LISTED_MATRIX.items()
}
# Leaving needs a login before anything else, which says nothing about the community.
PRIVATE_MATRIX["leave"] = (LOGIN, 404, 200, 200, 200)
PUBLIC_MATRIX = LISTED_MATRIX


def _url(name, cast):
    community = cast.community
    member = community.memberships.get(user=cast.member)
    cohort = CohortFactory(community=community)
    args = {
        "member_edit": [community.slug, member.pk],
        "member_remove": [community.slug, member.pk],
        "cohort_edit": [community.slug, cohort.pk],
        "cohort_delete": [community.slug, cohort.pk],
    }.get(name, [community.slug])
    return reverse(f"communities:{name}", args=args)


def _check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("visibility,matrix", [
    (Community.Visibility.LISTED, LISTED_MATRIX),
    (Community.Visibility.PRIVATE, PRIVATE_MATRIX),
    (Community.Visibility.PUBLIC, PUBLIC_MATRIX),
])
@pytest.mark.parametrize("visitor_index,visitor", list(enumerate(VISITORS)))
def test_community_views_answer_each_visitor_as_the_matrix_says(
    make_cast, as_visitor, visibility, matrix, visitor_index, visitor
):
    cast = make_cast(visibility=visibility)
    client = as_visitor(cast, visitor)
    for name, answers in matrix.items():
        response = client.get(_url(name, cast))
        expected = answers[visitor_index]
        assert (response.status_code, name) == (
            302 if expected == LOGIN else expected, name
        ), f"{visitor} on {name} ({visibility})"
        _check(response, expected)


@pytest.mark.parametrize("visitor,expected", [
    ("anonymous", LOGIN), ("outsider", 403), ("member", 403), ("facilitator", 403),
    ("steward", 200),
])
def test_only_stewards_and_staff_may_create_communities(cast, as_visitor, visitor, expected):
    response = as_visitor(cast, visitor).get(reverse("communities:create"))
    _check(response, expected)


def test_anyone_may_create_communities_when_the_site_allows_it(cast, settings, client):
    settings.PRAXIS_COMMUNITY_CREATORS = "everyone"
    assert can_create_community(cast.outsider)
    client.force_login(cast.outsider)
    assert client.get(reverse("communities:create")).status_code == 200


@pytest.mark.parametrize("visitor", ["anonymous", "outsider"])
def test_a_private_community_is_not_listed_for_those_outside_it(make_cast, visitor):
    from django.contrib.auth.models import AnonymousUser

    cast = make_cast(visibility=Community.Visibility.PRIVATE)
    person = cast.person(visitor) or AnonymousUser()
    assert cast.community not in visible_communities(person)


def test_members_see_their_private_community_listed(make_cast):
    cast = make_cast(visibility=Community.Visibility.PRIVATE)
    assert cast.community in visible_communities(cast.member)


def test_a_site_admin_may_manage_any_community(make_cast, django_user_model):
    cast = make_cast(visibility=Community.Visibility.PRIVATE)
    admin = django_user_model.objects.create_superuser(email="root@example.org",
                                                       password="x", display_name="Root")
    assert access_community(admin, cast.community.slug, need="manage").can_manage


def test_an_unknown_need_is_a_programming_error(cast):
    with pytest.raises(ValueError):
        access_community(cast.member, cast.community.slug, need="fly")


@pytest.mark.parametrize("visitor,expected", [
    ("anonymous", 404), ("outsider", 404), ("member", 404), ("facilitator", 404),
    ("steward", 404),
])
def test_an_unknown_community_is_404_for_everyone(cast, as_visitor, visitor, expected):
    response = as_visitor(cast, visitor).get(reverse("communities:detail", args=["nowhere"]))
    assert response.status_code == expected


@pytest.mark.parametrize("name", ["invitation_revoke", "join_request_decide"])
@pytest.mark.parametrize("visitor,expected", [
    ("anonymous", LOGIN), ("outsider", 403), ("member", 403), ("facilitator", 403),
])
def test_steward_actions_refuse_everyone_else(cast, as_visitor, name, visitor, expected):
    response = as_visitor(cast, visitor).post(
        reverse(f"communities:{name}", args=[cast.community.slug, 1]), {"decision": "approve"}
    )
    _check(response, expected)


@pytest.mark.parametrize("visitor,expected", [
    ("anonymous", LOGIN), ("outsider", 302), ("member", 302), ("facilitator", 302),
    ("steward", 302),
])
def test_join_is_a_post_for_signed_in_people(cast, as_visitor, visitor, expected):
    response = as_visitor(cast, visitor).post(
        reverse("communities:join", args=[cast.community.slug])
    )
    _check(response, expected)
