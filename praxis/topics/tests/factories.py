from datetime import timedelta

import factory
from django.utils import timezone

from praxis.accounts.tests.factories import UserFactory
from praxis.communities.tests.factories import CommunityFactory
from praxis.library.models import Resource
from praxis.topics.models import Topic, TopicProposal


class TopicFactory(factory.django.DjangoModelFactory[Topic]):
    """A topic that opened two days ago: a week long, apply phase from day four."""

    class Meta:
        model = Topic

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Loop input {n}")
    slug = factory.Sequence(lambda n: f"loop-input-{n}")
    summary = "Training teachers through the very process they are learning about."
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    apply_from = factory.LazyAttribute(lambda topic: topic.starts_at + timedelta(days=4))
    ends_at = factory.LazyAttribute(lambda topic: topic.starts_at + timedelta(days=7))


class LinkResourceFactory(factory.django.DjangoModelFactory[Resource]):
    class Meta:
        model = Resource

    community = factory.SubFactory(CommunityFactory)
    kind = Resource.Kind.LINK
    title = "Loop input"
    citation = "Woodward, T. (2003) Loop input. ELT Journal 57/3: 301-304."
    url = "https://doi.org/10.1093/elt/57.3.301"


class ProposalFactory(factory.django.DjangoModelFactory[TopicProposal]):
    class Meta:
        model = TopicProposal

    community = factory.SubFactory(CommunityFactory)
    proposed_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Presenting at conferences {n}")
    rationale = "Several of us have been asked to present our training work."
    suggested_days = 7
