"""The engagement table as files: CSV, JSON and XLSX, all with the table's columns
(``engagement.COLUMNS``) in its order, for the pages' downloads and the command.

- CSV: UTF-8 with a byte order mark (a spreadsheet then opens Persian names as Persian); a
  text starting with = + - @ is prefixed with ' so that no spreadsheet takes it for a
  formula; moments in UTC, ISO 8601.
- JSON: the window, the community and the filters, the columns and their definitions, and
  the rows (moments in UTC, ISO 8601).
- XLSX (xlsxwriter, constant memory): a sheet "engagement" whose first row is the column
  keys, numbers as numbers, moments as real dates and times (UTC), texts written as text
  (never a formula); and a sheet "about" with the window, the community, the filters, when
  it was made and what each column counts.
"""

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import IO, Any

import xlsxwriter
from django.utils import timezone

from praxis.analytics.engagement import COLUMNS, DEFINITIONS, MemberEngagement, Scope
from praxis.communities.models import Cohort, Membership
from praxis.core.spreadsheet import safe_text
from praxis.topics.models import Topic

MOMENT_FORMAT = "yyyy-mm-dd hh:mm:ss"


def moment(value: datetime | None) -> str:
    """A moment in UTC, ISO 8601 (``2026-01-05T10:00:00Z``); empty when there is none."""
    if value is None:
        return ""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def values(row: MemberEngagement) -> list[Any]:
    """The row's values in COLUMNS order (moments as they are)."""
    return [getattr(row, column) for column in COLUMNS]


def describe(scope: Scope) -> list[tuple[str, str]]:
    """What the file covers: (key, value) pairs for the JSON and the "about" sheet."""
    topic = cohort = member = ""
    if scope.topic_id is not None:
        topic = Topic.objects.filter(pk=scope.topic_id).values_list("title", flat=True).first() \
            or ""
    if scope.cohort_id is not None:
        cohort = Cohort.objects.filter(pk=scope.cohort_id).values_list("name", flat=True) \
            .first() or ""
    if scope.user_id is not None:
        found = (Membership.objects.filter(community=scope.community, user_id=scope.user_id)
                 .select_related("user").first())
        member = str(found.user) if found else ""
    return [("community", scope.community.name), ("community_slug", scope.community.slug),
            ("since", scope.start.isoformat()), ("until", scope.end.isoformat()),
            ("days", "UTC"), ("topic", topic), ("cohort", cohort), ("tier", scope.tier),
            ("member", member), ("made", moment(timezone.now()))]


def write_csv(rows: Sequence[MemberEngagement], stream: IO[str]) -> None:
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([moment(value) if isinstance(value, datetime) or value is None
                         else safe_text(value) if isinstance(value, str) else value
                         for value in values(row)])


def write_json(rows: Sequence[MemberEngagement], stream: IO[str], scope: Scope) -> None:
    document = {
        **dict(describe(scope)),
        "filters": {"topic_id": scope.topic_id, "cohort_id": scope.cohort_id,
                    "tier": scope.tier or None, "user_id": scope.user_id},
        "columns": COLUMNS,
        "definitions": {column: str(DEFINITIONS[column]) for column in COLUMNS},
        "rows": [{column: moment(value) or None if column.endswith("_activity") else value
                  for column, value in zip(COLUMNS, values(row), strict=True)}
                 for row in rows],
    }
    json.dump(document, stream, ensure_ascii=False, indent=1)
    stream.write("\n")


def write_xlsx(rows: Sequence[MemberEngagement], stream: IO[bytes], scope: Scope) -> None:
    """The workbook, made in memory and written to ``stream`` (which need not seek)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True,
                                            "strings_to_formulas": False,
                                            "strings_to_urls": False,
                                            "strings_to_numbers": False})
    when = workbook.add_format({"num_format": MOMENT_FORMAT})
    bold = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet("engagement")
    for index, column in enumerate(COLUMNS):
        sheet.write_string(0, index, column, bold)
    for number, row in enumerate(rows, start=1):
        for index, value in enumerate(values(row)):
            if value is None:
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(number, index,
                                     value.astimezone(UTC).replace(tzinfo=None), when)
            elif isinstance(value, str):
                sheet.write_string(number, index, value)
            else:
                sheet.write_number(number, index, value)
    sheet.set_column(0, 0, 28)
    sheet.set_column(len(COLUMNS) - 2, len(COLUMNS) - 1, 20)
    about = workbook.add_worksheet("about")
    line = 0
    for key, value in describe(scope):
        about.write_string(line, 0, key, bold)
        about.write_string(line, 1, value)
        line += 1
    line += 1
    about.write_string(line, 0, "column", bold)
    about.write_string(line, 1, "definition", bold)
    for column in COLUMNS:
        line += 1
        about.write_string(line, 0, column)
        about.write_string(line, 1, str(DEFINITIONS[column]))
    about.set_column(0, 0, 20)
    about.set_column(1, 1, 90)
    workbook.close()
    stream.write(buffer.getvalue())
