"""The topics part of ``seed_demo``: the study's topics, past and current, and proposals."""

from io import StringIO

import pytest
from django.core.management import call_command

from praxis.demo.communities import FACILITATOR_EMAIL, MAIN_SLUG
from praxis.discussions.models import Post, Thread
from praxis.topics.models import Topic, TopicProposal


@pytest.fixture
def demo(db) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_demo_has_the_study_topics_in_every_state(demo):
    topics = list(Topic.objects.filter(community__slug=MAIN_SLUG)
                  .prefetch_related("facilitators", "threads").select_related("seed_resource"))
    titles = {topic.title for topic in topics}
    assert {"Loop input", "Dealing with difficult participants", "Reflection on reflection",
            "Observation and clinical supervision", "What is effective teaching?",
            "Evaluating a training course",
            "Designing and planning in-service training courses"} <= titles
    states = [topic.state for topic in topics]
    assert states.count(Topic.State.OPEN) == 1
    assert states.count(Topic.State.APPLY) == 1
    assert states.count(Topic.State.SCHEDULED) == 1
    assert states.count(Topic.State.ARCHIVED) >= 2
    assert states.count(Topic.State.CLOSED) >= 1
    for topic in topics:
        assert topic.seed_resource is not None and topic.seed_resource.kind == "link"
        assert topic.seed_resource.citation
        kinds = [thread.kind for thread in topic.threads.all()]
        assert 2 <= kinds.count(Thread.Kind.QUESTION) <= 4, topic.title
        assert kinds.count(Thread.Kind.APPLY) == 1
        facilitators = set(topic.facilitators.all())
        for thread in topic.threads.all():
            if thread.kind == Thread.Kind.QUESTION:  # opened by a facilitator
                assert Post.objects.filter(thread=thread).order_by("path").first().author \
                    in facilitators, thread.title
        if topic.state in (Topic.State.CLOSED, Topic.State.ARCHIVED):
            assert topic.synthesis_published_at and topic.synthesis_html
    current = [t for t in topics if t.state in (Topic.State.OPEN, Topic.State.APPLY)]
    assert any(FACILITATOR_EMAIL in [f.email for f in t.facilitators.all()] for t in current)


def test_the_demo_has_proposals_waiting_and_decided(demo):
    proposals = TopicProposal.objects.filter(community__slug=MAIN_SLUG)
    pending = proposals.filter(status=TopicProposal.Status.PENDING)
    assert pending.count() >= 3
    assert all(p.supports.count() >= 2 for p in pending)
    declined = proposals.get(status=TopicProposal.Status.DECLINED)
    assert declined.decline_reason
    approved = proposals.get(status=TopicProposal.Status.APPROVED)
    assert approved.topic.state == Topic.State.SCHEDULED
    assert "Topics in" in demo
