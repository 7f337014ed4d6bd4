"""Pages answer in a constant number of SQL queries, whatever the number of topics,
threads, questions, posts, proposals and members."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions.models import Reaction, Thread
from praxis.discussions.services import publish_post, start_thread
from praxis.topics import queries, services
from praxis.topics.services import QuestionDraft, SeedArticle


def _grow(cast, *, topics: int, questions: int, threads: int, extra_members: int):
    """A community with ``topics`` running topics (and as many past and upcoming ones)."""
    now = timezone.now()
    facilitators = [cast.facilitator] + [
        MembershipFactory(community=cast.community).user for _ in range(extra_members)]
    made = []
    for n in range(topics):
        for start, label in ((-1, "running"), (-40 - n, "past"), (5 + n, "upcoming")):
            starts_at = now + timedelta(days=start)
            topic = services.create_topic(
                community=cast.community, actor=cast.facilitator, title=f"{label} {n}",
                starts_at=starts_at, apply_from=starts_at + timedelta(days=2),
                ends_at=starts_at + timedelta(days=7), facilitators=facilitators,
                seed=SeedArticle(title="Article", url="https://example.org/a"),
                questions=[QuestionDraft(f"Question {q}?") for q in range(questions)],
            )
            if label == "running":
                made.append(topic)
        for t in range(threads):
            thread = start_thread(topic=made[-1], author=facilitators[t % len(facilitators)],
                                  title=f"Member thread {t}", body="b",
                                  kind=Thread.Kind.MEMBER if t % 2 else Thread.Kind.SESSION_PLAN)
            reply = publish_post(thread=thread, author=cast.member, body="reply",
                                 parent=thread.posts.first())
            Reaction.objects.create(post=reply, user=cast.steward, kind=Reaction.Kind.HELPFUL)
        apply_thread = made[-1].threads.get(kind=Thread.Kind.APPLY)
        for person in facilitators:
            publish_post(thread=apply_thread, author=person, body="I will...")
        proposal = services.propose_topic(community=cast.community, proposer=cast.member,
                                          title=f"Proposal {n}", rationale="r")
        for person in facilitators:
            services.toggle_support(proposal=proposal, user=person)
    return made[0]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _pages(topic):
    slug, topic_slug = topic.community.slug, topic.slug
    return {
        "topic page": reverse("topics:detail", args=[slug, topic_slug]),
        "topic list": reverse("topics:list", args=[slug]),
        "archive": reverse("topics:archive", args=[slug]),
        "archive search": reverse("topics:archive", args=[slug]) + "?q=past",
        "proposals": reverse("topics:proposals", args=[slug]),
        "participation": reverse("topics:participation", args=[slug, topic_slug]),
        "synthesis": reverse("topics:synthesis", args=[slug, topic_slug]),
        "questions": reverse("topics:questions", args=[slug, topic_slug]),
    }


def test_topic_pages_use_a_constant_number_of_queries(make_cast, client):
    small = make_cast()
    small_topic = _grow(small, topics=1, questions=1, threads=1, extra_members=0)
    large = make_cast()
    large_topic = _grow(large, topics=6, questions=8, threads=25, extra_members=6)
    counts = {}
    for cast, topic in ((small, small_topic), (large, large_topic)):
        client.force_login(cast.steward)
        for name, url in _pages(topic).items():
            counts.setdefault(name, []).append(_count(client, url))
    differing = {name: pair for name, pair in counts.items() if pair[0] != pair[1]}
    assert not differing, f"queries grow with the data (small, large): {differing}"
    assert counts["topic page"][0] <= 14, counts


def test_running_and_upcoming_topics_for_the_community_home(cast):
    topic = _grow(cast, topics=2, questions=1, threads=0, extra_members=1)
    with CaptureQueriesContext(connection) as captured:
        board = queries.running_and_upcoming_topics(cast.community)
        for shown in board.running + board.upcoming:
            list(shown.facilitators.all())
            assert shown.thread_count >= 2
    assert len(captured) == 2
    assert topic in board.running and len(board.upcoming) == 2
    assert [t.title for t in board.upcoming] == ["upcoming 0", "upcoming 1"]
    assert bool(board)
