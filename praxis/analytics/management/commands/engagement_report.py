"""``manage.py engagement_report --community SLUG --since YYYY-MM-DD --until YYYY-MM-DD
[--format csv|json|xlsx] [--output FILE] [--topic SLUG] [--cohort ID] [--tier TIER]``:
the engagement table the community's page shows, for the same window and filters, as CSV
(the default, to standard output), JSON or XLSX (into --output only: a workbook is no text
for a terminal)."""

import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from praxis.analytics import exports
from praxis.analytics.engagement import Scope, engagement_table
from praxis.communities.models import Cohort, Community, Membership
from praxis.core.management.options import day
from praxis.topics.models import Topic

FORMATS = ("csv", "json", "xlsx")


class Command(BaseCommand):
    help = ("Prints a community's engagement table for a window (both days included, UTC "
            "days): one row per current member, the columns of the table on its page. CSV "
            "(UTF-8 with a byte order mark) or JSON to standard output, or to --output; "
            "XLSX only into --output.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--community", required=True, help="The community's slug.")
        parser.add_argument("--since", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--until", required=True, help="Last day, YYYY-MM-DD.")
        parser.add_argument("--format", choices=FORMATS, default="csv",
                            help="csv (default), json or xlsx (xlsx needs --output).")
        parser.add_argument("--output", type=Path, default=None,
                            help="Write into this file instead of standard output.")
        parser.add_argument("--topic", default="", help="Only this topic (its slug).")
        parser.add_argument("--cohort", type=int, default=None,
                            help="Only the members of this cohort (its id).")
        parser.add_argument("--tier", default="", choices=["", *Membership.Tier.values],
                            help="Only the members of this cascade tier.")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("en")
        community = Community.objects.filter(slug=options["community"]).first()
        if community is None:
            raise CommandError(f"No community has the slug “{options['community']}”.")
        start = day(options["since"], "--since")
        end = day(options["until"], "--until")
        if start > end:
            raise CommandError(f"--since {start} is after --until {end}.")
        topic_id = None
        if options["topic"]:
            topic_id = Topic.objects.filter(community=community, slug=options["topic"]) \
                .values_list("pk", flat=True).first()
            if topic_id is None:
                raise CommandError(f"{community.slug} has no topic with the slug "
                                   f"“{options['topic']}”.")
        cohort_id = options["cohort"]
        if cohort_id is not None and not Cohort.objects.filter(pk=cohort_id,
                                                               community=community).exists():
            raise CommandError(f"{community.slug} has no cohort {cohort_id}.")
        output: Path | None = options["output"]
        if options["format"] == "xlsx" and output is None:
            raise CommandError("An XLSX workbook goes into a file: give --output FILE.")
        scope = Scope(community=community, start=start, end=end, topic_id=topic_id,
                      cohort_id=cohort_id, tier=options["tier"])
        rows = engagement_table(scope)
        if options["format"] == "xlsx":
            assert output is not None
            with output.open("wb") as stream:
                exports.write_xlsx(rows, stream, scope)
        else:
            text = io.StringIO(newline="")
            if options["format"] == "csv":
                exports.write_csv(rows, text)
            else:
                exports.write_json(rows, text, scope)
            if output is None:
                self.stdout.write(text.getvalue(), ending="")
            else:
                with output.open("w", encoding="utf-8", newline="") as stream:
                    stream.write(text.getvalue())
        if output is not None and options["verbosity"] >= 1:
            self.stderr.write(f"{len(rows)} members written to {output}.")
