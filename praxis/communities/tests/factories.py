import factory

from praxis.accounts.tests.factories import UserFactory
from praxis.communities.models import Cohort, Community, Membership


class CommunityFactory(factory.django.DjangoModelFactory[Community]):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    description = "Teacher trainers learning from each other."
    visibility = Community.Visibility.LISTED
    join_policy = Community.JoinPolicy.REQUEST


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    community = factory.SubFactory(CommunityFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER


class CohortFactory(factory.django.DjangoModelFactory[Cohort]):
    class Meta:
        model = Cohort

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
