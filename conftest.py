"""Fixtures shared by every app's tests: one community with a person in each role, and the
demo."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from praxis.accounts.models import User
from praxis.accounts.tests.factories import UserFactory
from praxis.communities.tests.cast import Cast
from praxis.communities.tests.factories import CommunityFactory, MembershipFactory
from praxis.demo.management.commands.seed_demo import delete_demo
from praxis.research.models import Researcher


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language: a request in Persian leaves Persian active
    in the test's thread, and a later service's messages would follow it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def make_cast(db):
    def make(researchers: bool = False, **community_fields) -> Cast:
        community = CommunityFactory(**community_fields)
        people = {}
        for role in ("steward", "facilitator", "member"):
            people[role] = MembershipFactory(community=community, role=role).user
        elsewhere = CommunityFactory()
        outsider = MembershipFactory(community=elsewhere).user
        if researchers:
            people["researcher"] = MembershipFactory(community=community,
                                                     user__is_staff=True).user
            Researcher.objects.create(community=community, user=people["researcher"])
            people["site_admin"] = UserFactory(is_staff=True, is_superuser=True)
        return Cast(community=community, outsider=outsider, **people)

    return make


@pytest.fixture
def cast(make_cast) -> Cast:
    return make_cast()


@pytest.fixture
def full_cast(make_cast) -> Cast:
    """A cast with a researcher and a site admin too (``ALL_VISITORS``)."""
    return make_cast(researchers=True)


@pytest.fixture
def user(db) -> User:
    return UserFactory()


@pytest.fixture
def as_visitor(client):
    """Logs the test client in as the named visitor of a cast (or leaves it anonymous)."""

    def log_in(cast: Cast, who: str):
        person = cast.person(who)
        if person is not None:
            client.force_login(person)
        return client

    return log_in


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for a test module and deleted after it: seeding commits, so it
    is cleaned up by hand."""
    with django_db_blocker.unblock():
        call_command("seed_demo", "--reset", stdout=StringIO(), stderr=StringIO())
        yield
        delete_demo()
