"""``manage.py seed_demo``: loads the demo communities, the same every time for one seed.

Each app that has demo data adds its builder to ``BUILDERS`` (called in order with one shared
``DemoContext``) and, if it owns data that does not go away with the demo communities and
people, a function to ``CLEANERS``.
"""

import random
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from praxis.demo import analytics as analytics_demo
from praxis.demo import communities as communities_demo
from praxis.demo import credentials as credentials_demo
from praxis.demo import diary as diary_demo
from praxis.demo import discussions as discussions_demo
from praxis.demo import impact as impact_demo
from praxis.demo import library as library_demo
from praxis.demo import moodle as moodle_demo
from praxis.demo import notifications as notifications_demo
from praxis.demo import practice as practice_demo
from praxis.demo import privacy as privacy_demo
from praxis.demo import promises as promises_demo
from praxis.demo import research as research_demo
from praxis.demo import topics as topics_demo
from praxis.demo.communities import DEFAULT_SEED, DEMO_PASSWORD, DemoContext

BUILDERS: list[Callable[[DemoContext], None]] = [
    communities_demo.build,
    topics_demo.build,
    discussions_demo.build,
    library_demo.build,
    notifications_demo.build,
    privacy_demo.build,
    practice_demo.build,
    diary_demo.build,
    impact_demo.build,
    promises_demo.build,
    moodle_demo.build,
    analytics_demo.build,
    credentials_demo.build,
    research_demo.build,
    analytics_demo.settle,  # last: the months it keeps count everything above
]
# Run in reverse order by --reset, so later apps clear their data before the communities go.
CLEANERS: list[Callable[[], None]] = [
    communities_demo.delete,
    notifications_demo.delete,
    library_demo.delete,
    moodle_demo.delete,
]


NO_QUEUE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend",
                       "QUEUES": ["default"]}}


def delete_demo() -> None:
    """Deletes all the demo wrote, later apps' data first."""
    for clean in reversed(CLEANERS):
        clean()


class Command(BaseCommand):
    help = (
        "Loads the demo: an Iranian teacher trainers' community of practice (about 125 "
        "people in a training cascade) and two smaller communities. Every demo account's "
        f"password is '{DEMO_PASSWORD}'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED,
            help=f"Seed of the random generator; the same seed gives the same demo "
                 f"(default {DEFAULT_SEED}).",
        )
        once = parser.add_mutually_exclusive_group()
        once.add_argument(
            "--reset", action="store_true",
            help="Delete the demo (its communities and its people) first, then build it again.",
        )
        once.add_argument(
            "--if-empty", action="store_true",
            help="Do nothing if the demo is already loaded (what `make run` calls).",
        )

    def handle(self, *args: Any, seed: int, reset: bool, if_empty: bool,
               **options: Any) -> None:
        started = time.perf_counter()
        if communities_demo.demo_is_loaded():
            if if_empty:
                self.stdout.write(
                    f"The demo is already loaded ({communities_demo.STEWARD_EMAIL} exists); "
                    "nothing to do."
                )
                return
            if not reset:
                raise CommandError(
                    "The demo is already loaded. Run `manage.py seed_demo --reset` (or "
                    "`make demo`) to delete it and build it again."
                )
        if not reset and (clashes := communities_demo.conflicts()):
            message = (
                f"Cannot load the demo: {', '.join(clashes)} already exist(s). "
                "`manage.py seed_demo --reset` deletes them and loads the demo."
            )
            if if_empty:  # keep `make run` going: the site works without the demo
                self.stderr.write(message)
                return
            raise CommandError(message)

        # The demo is the past: the emails it owed are in the outbox, none is sent now. The
        # queue that takes nothing stays in place until the on-commit enqueues have run.
        with override_settings(TASKS=NO_QUEUE), transaction.atomic():
            if reset:
                delete_demo()
            ctx = DemoContext(
                rng=random.Random(seed), seed=seed, now=timezone.now(),
                password_hash=make_password(DEMO_PASSWORD),
            )
            for build in BUILDERS:
                build(ctx)

        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            f"Demo loaded (seed {seed}) in {elapsed:.1f} s: {len(ctx.people)} people."
        ))
        for line in ctx.summary:
            self.stdout.write(f"  {line}")
        site = settings.SITE_URL
        persian = next(
            (user for user in ctx.people if user.locale == "fa" and user.email.endswith(
                "@" + communities_demo.PEOPLE_DOMAIN)),
            None,
        )
        self.stdout.write(
            f"Sign in at {site}{reverse('accounts:login')} with the password "
            f"'{DEMO_PASSWORD}':"
        )
        accounts = [
            (ctx.steward, f"steward of {ctx.community.name} and of {ctx.private_community.name}; "
                          f"staff, so the back office at {site}/admin/ works"),
            (ctx.facilitator, "facilitator, master trainer (trained in 2012)"),
            (ctx.member, "member, trainer (trained in 2013 in Isfahan)"),
        ]
        researcher = next((user for user in ctx.people
                           if user.email == communities_demo.RESEARCHER_EMAIL), None)
        if researcher is not None:
            accounts.append((researcher, "researcher: runs the community's impact study"))
        for user, what in accounts:
            self.stdout.write(f"  {user.email:<26} {user.display_name}: {what}")
        if persian is not None:
            self.stdout.write(
                f"  Every demo person has the same password, e.g. {persian.email} "
                "(sees the site in Persian)."
            )
