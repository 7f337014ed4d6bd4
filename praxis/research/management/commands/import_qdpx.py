"""``manage.py import_qdpx --study SLUG FILE.qdpx``: a REFI-QDA project made by another tool
imported into a study, as its exchange page does; prints what was carried and what not.
A file that cannot be read changes nothing and the command ends with an error."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from praxis.research.models import Study
from praxis.research.refi.common import RefiError
from praxis.research.refi.project_import import import_project


class Command(BaseCommand):
    help = ("Imports a REFI-QDA project (.qdpx) into a study: its codebook, texts, coded "
            "passages and memos; importing the same file again adds nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--study", required=True, help="The study's short name (slug).")
        parser.add_argument("file", type=Path, help="The .qdpx file.")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("en")
        study = Study.objects.filter(slug=options["study"]).first()
        if study is None:
            raise CommandError(f"No study has the short name “{options['study']}”.")
        path: Path = options["file"]
        try:
            with path.open("rb") as upload:
                report = import_project(study=study, upload=upload)
        except OSError as error:
            raise CommandError(f"{path} could not be read: {error.strerror}.") from None
        except RefiError as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        for line in report.carried():
            self.stdout.write(line)
        if report.changed:
            self.stdout.write("Carried differently:")
            for line in report.changed:
                self.stdout.write(f"- {line}")
        if report.not_carried:
            self.stdout.write("Not carried:")
            for line in report.not_carried:
                self.stdout.write(f"- {line}")
