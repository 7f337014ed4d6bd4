"""What both download tests start from: a topic with a summary, an apply prompt and a
linked seed article, in a community of the given visibility."""

import pytest

from praxis.communities.models import Community
from praxis.discussions.tests.factories import make_topic
from praxis.library.models import Resource

PUBLIC, LISTED, PRIVATE = (Community.Visibility.PUBLIC, Community.Visibility.LISTED,
                           Community.Visibility.PRIVATE)


@pytest.fixture
def make_downloadable(make_cast):
    def make(visibility=LISTED):
        cast = make_cast(visibility=visibility)
        topic = make_topic(cast.community, facilitators=[cast.facilitator],
                           title="Loop input in practice")
        topic.summary = "Why loop input matters."
        topic.apply_prompt = "Plan one session with loop input."
        topic.seed_resource = Resource.objects.create(
            community=cast.community, kind=Resource.Kind.LINK, title="Loop input explained",
            citation="Woodward, T. (2003). Loop input. ELT Journal.",
            url="https://example.org/loop-input",
        )
        topic.save()
        return cast, topic

    return make
