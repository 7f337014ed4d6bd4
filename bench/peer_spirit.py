"""Builds the peer forum's copy of the benchmark thread: run by Spirit's own venv, never by
Praxis's (``bench/peer.py`` calls it), as ``python bench/peer_spirit.py THREAD.json``.

Migrates a fresh Spirit database (bench/peer_spirit_settings.py), adds the people, one
category and one topic whose comments are the thread's posts in the same order with the same
bodies, rendered by Spirit's own Markdown as its comment form renders them, one minute apart.
Spirit has no reply tree: a reply is a comment like the others (its body already names whom
it answers). Prints the topic's address on the last line.
"""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_spirit_settings")


def build(spec: dict[str, Any]) -> str:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from spirit.category.models import Category
    from spirit.comment.models import Comment
    from spirit.core.utils.markdown import Markdown
    from spirit.topic.models import Topic

    user_model: Any = get_user_model()  # Spirit's: Django's own User
    # One at a time: Spirit makes each user's profile on post_save.
    people = [
        user_model.objects.create(username=person["username"], email=person["email"],
                                  first_name=person["name"], password=make_password(None))
        for person in spec["people"]
    ]
    posts = spec["posts"]
    start = timezone.now() - timedelta(minutes=len(posts) + 1)
    category = Category.objects.create(title=spec["category"], description=spec["category"])
    topic = Topic.objects.create(
        user=people[posts[0]["author"]], category=category, title=spec["title"], date=start,
        last_active=start + timedelta(minutes=len(posts)), comment_count=len(posts),
    )
    Comment.objects.bulk_create(
        Comment(user=people[post["author"]], topic=topic, comment=post["body"],
                comment_html=Markdown().render(post["body"]),
                date=start + timedelta(minutes=n + 1))
        for n, post in enumerate(posts)
    )
    return str(topic.get_absolute_url())


def main() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    print(build(spec))


if __name__ == "__main__":
    main()
