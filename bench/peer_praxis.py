"""Builds Praxis's side of `make bench-peer`: run by ``bench/peer.py`` in its own process, on
its own SQLite file (``SQLITE_PATH``) and with the production settings the server runs with,
as ``python -m bench.peer_praxis THREAD.json``.

Migrates the database, collects the static files into ``STATIC_ROOT`` (WhiteNoise serves them
compressed, as in production), writes the thread it builds to THREAD.json for the peer forum
(people, title, and each post's author, parent and body) and builds it: a public community,
a topic and one 1,000-post thread shaped as bench/thread_page.py shapes its threads (answers,
replies to replies, some quoting; the demo's writer, seeded, so every run has the same
posts), published through ``services.publish_post``. Prints the thread's address last.
"""

import json
import os
import random
import sys
from pathlib import Path
from typing import Any

POSTS = 1000
SEED = 2015


def spec_of(people: list[Any], rng: random.Random) -> dict[str, Any]:
    """The thread as plain data: the same posts for Praxis and for the peer forum."""
    from praxis.demo.discussions import THEMES, Writer

    writer = Writer(rng)
    theme = THEMES[3]  # loop input
    posts: list[dict[str, Any]] = [
        {"author": 0, "parent": None, "body": rng.choice(theme.questions)}]
    for _ in range(POSTS - 1):
        author = rng.randrange(len(people))
        parent = None
        if len(posts) > 1 and rng.random() < 0.55:
            parent = rng.randrange(max(1, len(posts) - 8), len(posts))
            body = writer.reply(theme, people[author], people[posts[parent]["author"]],
                                facilitating=False)
        else:
            body = writer.answer(theme, people[author])
        posts.append({"author": author, "parent": parent, "body": body})
    return {
        "category": "Loop input",
        "title": f"Have you been trained through loop input? ({POSTS})",
        "people": [{"name": person.display_name, "email": person.email,
                    "username": person.display_name.replace(" ", "_")} for person in people],
        "posts": posts,
    }


def build(spec_path: Path) -> str:
    from bench.thread_page import _community
    from praxis.communities.models import Community
    from praxis.discussions import services
    from praxis.discussions.models import Post, Thread

    community, topic, people = _community()
    # Anyone may read it, as anyone may read the peer forum's topic.
    Community.objects.filter(pk=community.pk).update(
        visibility=Community.Visibility.PUBLIC, join_policy=Community.JoinPolicy.OPEN)
    spec = spec_of(people, random.Random(SEED))
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    first, *rest = spec["posts"]
    thread = services.start_thread(topic=topic, author=people[first["author"]],
                                   kind=Thread.Kind.QUESTION, title=spec["title"],
                                   body=first["body"])
    published: list[Post] = [Post.objects.get(thread=thread)]
    for post in rest:
        parent = None if post["parent"] is None else published[post["parent"]]
        published.append(services.publish_post(thread=thread, author=people[post["author"]],
                                               body=post["body"], parent=parent))
    thread.refresh_from_db()
    assert thread.post_count == POSTS, thread.post_count
    return thread.get_absolute_url()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praxis.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False, clear=True)
    print(build(Path(sys.argv[1])))


if __name__ == "__main__":
    main()
