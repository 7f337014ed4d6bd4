"""The back office's "by community" filters (session plans, library resources, memberships,
topics) name only the communities the steward runs: never a private community they are not
in."""

import pytest
from django.urls import reverse

from praxis.communities.models import Community
from praxis.communities.tests.factories import CommunityFactory, MembershipFactory
from praxis.discussions.tests.factories import make_topic
from praxis.library import services as library
from praxis.practice.tests.plan_factories import share

pytestmark = pytest.mark.django_db

HIDDEN = "Hushhush Circle of Mentors"
PAGES = ("admin:practice_sessionplan_changelist", "admin:library_resource_changelist",
         "admin:communities_membership_changelist", "admin:topics_topic_changelist")


@pytest.fixture
def world(cast):
    """The steward runs the cast's community and a second one (so the filter has two
    communities to offer and shows); a private community they are not in has a plan and a
    resource too."""
    steward = cast.steward
    steward.is_staff = True
    steward.save()
    second = CommunityFactory(name="Second Circle of Ours")
    MembershipFactory(community=second, user=steward, role="steward")
    hidden = CommunityFactory(name=HIDDEN, visibility=Community.Visibility.PRIVATE)
    stranger = MembershipFactory(community=hidden, role="steward").user
    for community, author in ((cast.community, cast.member), (second, steward),
                              (hidden, stranger)):
        share(community, author, title=f"A plan in {community.name}")
        library.add_link(community=community, added_by=author, title=f"Read in {community.name}",
                         url="https://example.org/read")
        make_topic(community=community, title=f"A topic in {community.name}")
    return cast, second


@pytest.mark.parametrize("page", PAGES)
def test_a_steward_s_community_filter_names_only_their_communities(world, client, page):
    cast, second = world
    client.force_login(cast.steward)
    response = client.get(reverse(page))
    assert response.status_code == 200
    html = response.content.decode()
    assert cast.community.name in html and second.name in html  # the filter is there
    assert HIDDEN not in html
    hidden = Community.objects.get(name=HIDDEN)
    # Asking for the hidden community by hand shows nothing of it either.
    response = client.get(reverse(page), {"community__id__exact": hidden.pk})
    assert HIDDEN not in response.content.decode()
    assert not list(response.context["cl"].result_list)


@pytest.mark.parametrize("page", PAGES)
def test_a_site_admin_filters_by_every_community(world, client, page, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.org",
                                                       password="x-long-password-1")
    client.force_login(admin)
    assert HIDDEN in client.get(reverse(page)).content.decode()
