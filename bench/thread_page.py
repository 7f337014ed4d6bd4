"""Thread page: a 500-post thread against a 20-post one, for a signed-in member.

The page shows 50 posts at a time (keyset on the tree path), so its server time, bytes and
queries must not grow with the thread: the first and the last page of 500 posts cost what a
20-post thread costs. Bytes are what a first visit downloads, page and stylesheet, against
the 30 KB budget.
"""

import random
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.measure import measure
from bench.page_weight import BUDGET_BYTES, stylesheet_bytes
from praxis.accounts.models import User
from praxis.communities.models import Community, Membership
from praxis.demo.discussions import THEMES, Writer
from praxis.discussions import services
from praxis.discussions.models import Post, Thread
from praxis.topics.models import Topic


def _community() -> tuple[Community, Topic, list[User]]:
    community = Community.objects.create(name="Thread bench", slug="thread-bench")
    password = make_password("bench")
    people = User.objects.bulk_create(
        User(email=f"thread-bench-{n}@example.org", display_name=f"Trainer {n:03d} Rahimi",
             institution="Isfahan Teacher Training Centre", region="Isfahan",
             password=password)
        for n in range(60)
    )
    Membership.objects.bulk_create(
        Membership(community=community, user=person,
                   role="facilitator" if n < 3 else "member")
        for n, person in enumerate(people)
    )
    now = timezone.now()
    topic = Topic.objects.create(
        community=community, title="Loop input", slug="loop-input",
        starts_at=now - timedelta(days=3), apply_from=now + timedelta(days=4),
        ends_at=now + timedelta(days=7),
    )
    topic.facilitators.add(people[0])
    return community, topic, people


def _thread(topic: Topic, people: list[User], size: int, rng: random.Random) -> Thread:
    """A thread shaped like the demo's: answers, replies to replies, some quoting."""
    writer = Writer(rng)
    theme = THEMES[3]  # loop input
    thread = services.start_thread(topic=topic, author=people[0], kind=Thread.Kind.QUESTION,
                                   title=f"Have you been trained through loop input? ({size})",
                                   body=rng.choice(theme.questions))
    posts: list[Post] = []
    for _ in range(size - 1):
        author = rng.choice(people)
        parent = None
        if posts and rng.random() < 0.55:
            parent = rng.choice(posts[-8:])
            body = writer.reply(theme, author, parent.author, facilitating=False)
        else:
            body = writer.answer(theme, author)
        posts.append(services.publish_post(thread=thread, author=author, body=body,
                                           parent=parent))
    thread.refresh_from_db()
    return thread


def run(report: Callable[[str], None]) -> None:
    rng = random.Random(2015)
    community, topic, people = _community()
    small = _thread(topic, people, 20, rng)
    full = _thread(topic, people, 50, rng)  # exactly one full page
    large = _thread(topic, people, 500, rng)
    reader = people[10]
    client = Client()
    client.force_login(reader)
    css = stylesheet_bytes()
    last_page_after = list(Post.objects.filter(thread=large).values_list("path", flat=True))[449]
    cases = [
        ("first page", small, ""),
        ("first page", full, ""),
        ("first page", large, ""),
        ("last page", large, f"?after={last_page_after}"),
    ]
    report("thread page          posts  median ms  gzip bytes  queries")
    times = []
    for label, thread, query in cases:
        url = reverse("discussions:thread", args=[community.slug, thread.pk]) + query
        ms, size, queries = measure(client, url)
        times.append(ms)
        report(f"{label:<18} {thread.post_count:>7}  {ms:>9.1f}  {size:>10}  {queries:>7}")
        if thread is large and not query:
            first_load = size + css
            report(f"  first load of a 500-post thread (page {size} + CSS {css} bytes, gzip): "
                   f"{first_load} bytes = {100 * first_load / BUDGET_BYTES:.0f} % of the "
                   f"{BUDGET_BYTES // 1024} KB budget")
    report(f"  ratio server time 500/20 posts: first page {times[2] / times[0]:.2f}, "
           f"last page {times[3] / times[0]:.2f} (a 20-post thread shows 20 posts, the "
           f"others 50); 500/50 posts: {times[2] / times[1]:.2f}")
