"""``manage.py export_qdpx --study SLUG --output FILE.qdpx``: the study as a REFI-QDA
project, as the study's exchange page gives it (the consenting participants' data only)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from praxis.research.models import Study
from praxis.research.refi.project_export import export_project


class Command(BaseCommand):
    help = ("Writes a study as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA or "
            "QualCoder: codebook, the consenting participants as cases, their texts, the "
            "coded passages and the coders.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--study", required=True, help="The study's short name (slug).")
        parser.add_argument("--output", required=True, type=Path,
                            help="The file to write, e.g. study.qdpx.")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("en")
        study = Study.objects.filter(slug=options["study"]).select_related("community").first()
        if study is None:
            raise CommandError(f"No study has the short name “{options['study']}”.")
        output: Path = options["output"]
        data = export_project(study=study)
        try:
            output.write_bytes(data)
        except OSError as error:
            raise CommandError(f"{output} could not be written: {error.strerror}.") from None
        if options["verbosity"] >= 1:
            self.stdout.write(f"{study.slug} written to {output} ({len(data)} bytes).")
