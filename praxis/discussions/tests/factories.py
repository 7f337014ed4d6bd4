"""Topics, threads and posts for the discussion tests, made through the services so the
tree paths and counters are the real ones."""

from datetime import timedelta

from django.utils import timezone

from praxis.accounts.models import User
from praxis.communities.models import Community
from praxis.discussions import services
from praxis.discussions.models import Post, Thread
from praxis.topics.models import Topic

_counter = iter(range(1, 10**9))


def _dates(state: str):
    now = timezone.now()
    day = timedelta(days=1)
    starts, apply_from, ends = {
        "scheduled": (now + 2 * day, now + 5 * day, now + 9 * day),
        "open": (now - 2 * day, now + 3 * day, now + 7 * day),
        "apply": (now - 6 * day, now - day, now + 3 * day),
        "closed": (now - 30 * day, now - 20 * day, now - 9 * day),
        "archived": (now - 60 * day, now - 50 * day, now - 40 * day),
    }[state]
    return {"starts_at": starts, "apply_from": apply_from, "ends_at": ends,
            "archived_at": now - 30 * day if state == "archived" else None}


def make_topic(community: Community, *, state: str = "open", facilitators=(),
               title: str | None = None) -> Topic:
    """A topic whose dates put it in ``state`` now (open, apply, closed, scheduled,
    archived)."""
    n = next(_counter)
    topic = Topic.objects.create(
        community=community, title=title or f"Loop input in training sessions {n}",
        slug=f"topic-{n}", **_dates(state),
    )
    if facilitators:
        topic.facilitators.add(*facilitators)
    return topic


def set_state(topic: Topic, state: str) -> Topic:
    """Moves a topic's dates so that it is in ``state`` now."""
    for name, value in _dates(state).items():
        setattr(topic, name, value)
    topic.save()
    return topic


def make_thread(topic: Topic, author: User, *, title: str = "What is loop input?",
                body: str = "How do you use **loop input** with new trainers?",
                kind: str = Thread.Kind.QUESTION) -> Thread:
    return services.start_thread(topic=topic, author=author, title=title, body=body, kind=kind)


def opener(thread: Thread) -> Post:
    return Post.objects.filter(thread=thread).order_by("path").first()  # type: ignore[return-value]


def reply(thread: Thread, author: User, parent: Post | None = None,
          body: str = "I model the activity first, then we step out and talk about it.") -> Post:
    return services.publish_post(thread=thread, author=author, body=body, parent=parent)
