"""``manage.py settle_engagement [--community SLUG] [--again]``: reads and keeps the
engagement figures of every month that is over (``analytics.months``), so that the first
report over a long window does not have to. The report settles what it needs by itself; run
this from cron at night, after a large Moodle import, or after an upgrade."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from praxis.analytics.engagement import settle_history
from praxis.communities.models import Community


class Command(BaseCommand):
    help = ("Settles the engagement figures of the months that are over, for one community "
            "or every one: only the months not yet settled or changed since, unless --again.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--community", help="The community's slug (default: every one).")
        parser.add_argument("--again", action="store_true",
                            help="Read every month again, even those settled and unchanged.")

    def handle(self, *args: Any, **options: Any) -> None:
        communities = Community.objects.order_by("pk")
        if options["community"]:
            communities = communities.filter(slug=options["community"])
            if not communities.exists():
                raise CommandError(f"No community has the slug {options['community']!r}.")
        for community in communities:
            began = time.perf_counter()
            settled = settle_history(community, again=options["again"])
            self.stdout.write(f"{community.slug}: {len(settled)} month(s) settled in "
                              f"{time.perf_counter() - began:.1f} s")
