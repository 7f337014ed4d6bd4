"""``manage.py import_moodle FILE --community SLUG [--dry-run]``: imports a Moodle course
backup (.mbz) or a forum export (JSON or CSV) into a community, all or nothing, and prints
what it did. Running it again with the same file adds nothing."""

import zoneinfo
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from praxis.accounts.models import User
from praxis.communities.models import Community
from praxis.interop.moodle.importer import COUNT_NAMES, Summary, import_source
from praxis.interop.moodle.records import MoodleImportError
from praxis.interop.moodle.sources import open_source


class Command(BaseCommand):
    help = "Imports a Moodle course backup (.mbz) or forum export into a community."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The .mbz backup, or the forum export.")
        parser.add_argument("--community", required=True, help="The community's slug.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Do everything, then roll it back: show what would change.")
        parser.add_argument("--as", dest="actor", default="",
                            help="Email of the steward the import is recorded under.")
        parser.add_argument("--time-zone", default="",
                            help="Zone of a forum export's readable dates, such as "
                                 "Asia/Tehran (default: that of --as, else UTC).")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("en")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        community = Community.objects.filter(slug=options["community"]).first()
        if community is None:
            raise CommandError(f"No community has the slug “{options['community']}”.")
        actor = None
        if options["actor"]:
            actor = User.objects.filter(email__iexact=options["actor"]).first()
            if actor is None:
                raise CommandError(f"No account has the address {options['actor']}.")

        def progress(phase: str, counts: dict[str, int]) -> None:
            # On stderr, so the summary on stdout stays clean for scripts.
            if options["verbosity"] >= 1:
                self.stderr.write(f"{phase}: {counts.get('discussions', 0)} discussions, "
                                  f"{counts.get('posts', 0)} posts, "
                                  f"{counts.get('members_created', 0)} new members so far")

        try:
            time_zone = options["time_zone"] or (actor.timezone if actor else "UTC")
            if time_zone not in zoneinfo.available_timezones():
                raise CommandError(f"Unknown time zone: {time_zone}")
            with open_source(path, time_zone=time_zone) as source:
                summary = import_source(source, community=community, actor=actor,
                                        dry_run=options["dry_run"], progress=progress)
        except MoodleImportError as refused:
            raise CommandError(f"{path.name}: {refused} Nothing was imported.") from refused
        self.report(summary, community)

    def report(self, summary: Summary, community: Community) -> None:
        origin = summary.origin
        heading = "Dry run: nothing was changed." if summary.dry_run else (
            f"Imported into {community.slug}.")
        self.stdout.write(heading)
        self.stdout.write(f"From: {origin.get('course') or '-'} (Moodle "
                          f"{origin.get('moodle') or '?'}, {origin.get('kind')}, "
                          f"{origin.get('packaging')})")
        for name in COUNT_NAMES:
            self.stdout.write(f"  {name.replace('_', ' ')}: {summary.counts.get(name, 0)}")
        for topic in summary.topics:
            self.stdout.write(f"  topic {topic['slug']}: {topic['mapped_as']}")
        if summary.changed:
            self.stdout.write(f"Changed in the move ({len(summary.changed)}):")
            for item in summary.changed:
                self.stdout.write(f"  - {item['what']}: {item['how']}")
        if summary.skipped:
            self.stdout.write(f"Skipped ({len(summary.skipped)}):")
            for item in summary.skipped:
                self.stdout.write(f"  - {item['what']}: {item['reason']}")
