"""The case-by-theme grid as files, CSV and XLSX, with the columns of the page.

- CSV: UTF-8 with a byte order mark (a spreadsheet then opens Persian theme names as
  Persian); a header row ``code, tier, cohort`` (the tier as stored: ``master_trainer``)
  and one column per theme named by its path (``Parent / Child``), in codebook order;
  texts through ``safe_text`` so that no spreadsheet takes one for a formula.
- XLSX (xlsxwriter): a sheet "grid" like the CSV (counts as numbers, texts written as text,
  never as formulas), a sheet "themes" (the codebook: path, depth, origin, reference,
  definition) and a sheet "about" (study, coder filter, when it was made, what a cell counts).
"""

import csv
import io
from datetime import UTC
from typing import IO

import xlsxwriter
from django.utils import timezone

from praxis.core.spreadsheet import safe_text
from praxis.research.grid import Grid, coder_description, theme_path
from praxis.research.models import Study

CELL_MEANS = ("Distinct coded passages of the participant with the theme or any of its "
              "sub-themes.")


def header(grid: Grid) -> list[str]:
    return ["code", "tier", "cohort", *(path for _theme, _depth, path in grid.columns)]


def write_csv(grid: Grid, stream: IO[str]) -> None:
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow([safe_text(text) for text in header(grid)])
    for row in grid.rows:
        writer.writerow([safe_text(row.code), safe_text(row.participant.tier),
                         safe_text(row.cohort), *(cell.passages for cell in row.cells)])


def write_xlsx(grid: Grid, stream: IO[bytes], study: Study) -> None:
    """The workbook, made in memory and written to ``stream`` (which need not seek)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True,
                                            "strings_to_formulas": False,
                                            "strings_to_urls": False,
                                            "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet("grid")
    for index, text in enumerate(header(grid)):
        sheet.write_string(0, index, text, bold)
    for number, row in enumerate(grid.rows, start=1):
        sheet.write_string(number, 0, row.code)
        sheet.write_string(number, 1, row.participant.tier)
        sheet.write_string(number, 2, row.cohort)
        for index, cell in enumerate(row.cells, start=3):
            sheet.write_number(number, index, cell.passages)
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 2, 18)
    sheet.freeze_panes(1, 1)

    themes = workbook.add_worksheet("themes")
    for index, text in enumerate(["theme", "depth", "origin", "reference", "definition"]):
        themes.write_string(0, index, text, bold)
    for number, theme in enumerate(grid.themes, start=1):
        themes.write_string(number, 0, theme_path(grid.themes, theme))
        themes.write_number(number, 1, int(getattr(theme, "depth", 0)))
        themes.write_string(number, 2, theme.origin)
        themes.write_string(number, 3, theme.reference)
        themes.write_string(number, 4, theme.definition)
    themes.set_column(0, 0, 40)
    themes.set_column(3, 4, 60)

    about = workbook.add_worksheet("about")
    facts = [("study", study.title), ("study_slug", study.slug),
             ("coder", str(coder_description(grid.coder))),
             ("participants", str(len(grid.rows))),
             ("made", timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
             ("cell", CELL_MEANS)]
    for line, (key, value) in enumerate(facts):
        about.write_string(line, 0, key, bold)
        about.write_string(line, 1, value)
    about.set_column(0, 0, 16)
    about.set_column(1, 1, 90)
    workbook.close()
    stream.write(buffer.getvalue())
