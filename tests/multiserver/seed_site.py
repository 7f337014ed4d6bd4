"""Fills the multi-server test's own database, run as a script with the app servers'
environment (``DJANGO_SETTINGS_MODULE=praxis.settings``, DEBUG off): a community, an open
topic with a thread, the people who post in it and one who follows it by email. Writes
through the services, so counters and hooks are the real ones, then prints what the test
needs as JSON.

Not collected by pytest (no ``test_`` prefix); ``test_two_app_servers.py`` runs it.
"""

import json
import sys
from datetime import timedelta
from pathlib import Path

import django

PASSWORD = "multi-server-test-password"  # a throwaway database's accounts
POSTERS = 4


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    django.setup()

    from django.contrib.auth.hashers import make_password
    from django.urls import reverse
    from django.utils import timezone

    from praxis.accounts.models import User
    from praxis.communities import services as communities
    from praxis.communities.models import Community, Membership
    from praxis.discussions import services as discussions
    from praxis.notifications import services as notifications
    from praxis.notifications.models import Mode
    from praxis.topics import services as topics

    password_hash = make_password(PASSWORD)  # one slow hash for everybody

    def person(name: str) -> User:
        return User.objects.create(email=f"{name}@multiserver.example.org",
                                   display_name=name.capitalize(), password=password_hash,
                                   digest=User.Digest.OFF)

    steward = person("steward")
    community = communities.create_community(
        creator=steward, name="Two servers", slug="two-servers",
        visibility=Community.Visibility.LISTED, join_policy=Community.JoinPolicy.REQUEST)
    names = ["alice", "bob", "watcher"] + [f"poster{n}" for n in range(POSTERS)]
    people = {name: person(name) for name in names}
    for user in people.values():
        Membership.objects.create(community=community, user=user)
    now = timezone.now()
    topic = topics.create_topic(
        community=community, actor=steward, title="Loop input across servers",
        starts_at=now - timedelta(days=1), apply_from=now + timedelta(days=3),
        ends_at=now + timedelta(days=7))
    thread = discussions.start_thread(
        topic=topic, author=steward, title="Where do our posts go?",
        body="Post here from any app server.")
    # The one member who hears of every post at once: each post owes exactly one email.
    notifications.set_mode(user=people["watcher"], community=community, thread=thread,
                           mode=Mode.INSTANT)

    json.dump({
        "password": PASSWORD,
        "community": community.slug,
        "thread_id": thread.pk,
        "topic_id": topic.pk,
        "community_id": community.pk,
        "thread_path": thread.get_absolute_url(),
        "reply_path": reverse("discussions:reply", args=[community.slug, thread.pk]),
        "users": {name: {"id": user.pk, "email": user.email}
                  for name, user in {"steward": steward, **people}.items()},
    }, sys.stdout)


if __name__ == "__main__":
    main()
