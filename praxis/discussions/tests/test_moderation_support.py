"""Helpers shared by the reaction, moderation and search tests (no tests of its own):
topics made directly, threads and posts through the discussion services."""

import itertools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions.models import Post, Thread
from praxis.discussions.services import publish_post, start_thread
from praxis.topics.models import Topic

_numbers = itertools.count(1)


def make_topic(community: Community, *, state: str = "open",
               title: str = "Designing in-service courses",
               facilitators: tuple[User, ...] = (), **fields) -> Topic:
    """A topic whose dates put it in ``state`` now (open, apply, closed, archived,
    scheduled)."""
    now = timezone.now()
    day = timedelta(days=1)
    starts, apply_from, ends = {
        "scheduled": (now + day, now + 3 * day, now + 7 * day),
        "open": (now - day, now + 3 * day, now + 6 * day),
        "apply": (now - 5 * day, now - day, now + day),
        "closed": (now - 10 * day, now - 5 * day, now - day),
        "archived": (now - 10 * day, now - 5 * day, now - day),
    }[state]
    topic = Topic.objects.create(
        community=community, title=title, slug=f"topic-{next(_numbers)}",
        starts_at=starts, apply_from=apply_from, ends_at=ends,
        archived_at=now if state == "archived" else None, **fields,
    )
    topic.facilitators.add(*facilitators)
    return topic


def make_thread(topic: Topic, author: User, *, title: str = "How do you open a session?",
                body: str = "I start with a question from the participants' own classes."
                ) -> Thread:
    return start_thread(topic=topic, author=author, title=title, body=body)


def reply(thread: Thread, author: User, body: str, parent: Post | None = None) -> Post:
    return publish_post(thread=thread, author=author, body=body, parent=parent)


def opener(thread: Thread) -> Post:
    return thread.posts.order_by("path").first()


@dataclass
class Discussion:
    """A cast's community with a running topic, a thread and a post by a fifth person, so
    every kind of visitor meets a post that is not their own."""

    cast: Any  # conftest.Cast
    author: User
    topic: Topic
    thread: Thread
    post: Post

    @property
    def slug(self) -> str:
        return self.cast.community.slug


def make_discussion(cast: Any, *, state: str = "open") -> Discussion:
    author = MembershipFactory(community=cast.community, role=Membership.Role.MEMBER).user
    topic = make_topic(cast.community, state=state)
    thread = make_thread(topic, cast.facilitator)
    post = reply(thread, author, "We use loop input with our trainee teachers.")
    return Discussion(cast=cast, author=author, topic=topic, thread=thread, post=post)
