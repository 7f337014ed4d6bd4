"""The exports carry the table's columns and values; nothing in them is a formula."""

import csv
import io
import json
from datetime import datetime

import openpyxl
import pytest

from praxis.analytics import engagement, exports
from praxis.analytics.engagement import COLUMNS, Scope
from praxis.analytics.tests.engagement_world import END, START, World, build
from praxis.communities.models import Membership


@pytest.fixture
def world(cast) -> World:
    return build(cast)


def scope(world: World, **narrowing) -> Scope:
    return Scope(community=world.cast.community, start=START, end=END, **narrowing)


def test_csv_has_a_bom_the_columns_and_the_rows(world):
    rows = engagement.engagement_table(scope(world))
    stream = io.StringIO(newline="")
    exports.write_csv(rows, stream)
    text = stream.getvalue()
    assert text.startswith("\ufeffname,role,tier,posts,")
    parsed = list(csv.reader(io.StringIO(text[1:])))
    assert parsed[0] == COLUMNS
    ali = dict(zip(COLUMNS, parsed[1], strict=True))
    assert ali == {"name": "Ali", "role": "member", "tier": "trainer", "posts": "5",
                   "replies_to_others": "2", "threads_started": "1", "words": "16",
                   "topics": "2", "active_days": "6", "thread_reads": "1",
                   "resource_reads": "0", "feedback_given": "0", "stories": "1",
                   "cascade_events": "0", "first_activity": "2026-01-01T00:00:00Z",
                   "last_activity": "2026-01-25T10:00:00Z"}
    nadia = dict(zip(COLUMNS, parsed[4], strict=True))
    assert (nadia["name"], nadia["first_activity"], nadia["last_activity"]) == ("Nadia", "",
                                                                                "")
    assert len(parsed) == 1 + 7


def test_a_name_that_looks_like_a_formula_stays_text(world):
    world.ali.display_name = "=HYPERLINK(\"http://evil\")"
    world.ali.save()
    Membership.objects.filter(user=world.sara).update(tier="")
    world.sara.display_name = "@Sara"
    world.sara.save()
    rows = engagement.engagement_table(scope(world))
    stream = io.StringIO(newline="")
    exports.write_csv(rows, stream)
    names = [line[0] for line in csv.reader(io.StringIO(stream.getvalue()[1:]))][1:]
    assert "'=HYPERLINK(\"http://evil\")" in names and "'@Sara" in names
    buffer = io.BytesIO()
    exports.write_xlsx(rows, buffer, scope(world))
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["engagement"]
    cells = [sheet.cell(row=n, column=1) for n in range(2, sheet.max_row + 1)]
    assert {cell.data_type for cell in cells} == {"s"}  # strings, never formulas
    assert "=HYPERLINK(\"http://evil\")" in [cell.value for cell in cells]


def test_json_describes_the_scope_and_carries_the_rows(world):
    rows = engagement.engagement_table(scope(world, topic_id=world.t1.pk))
    stream = io.StringIO()
    exports.write_json(rows, stream, scope(world, topic_id=world.t1.pk))
    document = json.loads(stream.getvalue())
    assert (document["community_slug"], document["since"], document["until"],
            document["topic"]) == (world.cast.community.slug, "2026-01-01", "2026-01-31",
                                   "Loop input")
    assert document["filters"] == {"topic_id": world.t1.pk, "cohort_id": None, "tier": None,
                                   "user_id": None}
    assert document["columns"] == COLUMNS and set(document["definitions"]) == set(COLUMNS)
    by_name = {row["name"]: row for row in document["rows"]}
    assert by_name["Ali"]["posts"] == 3 and by_name["Reza"]["resource_reads"] == 1
    assert by_name["Reza"]["first_activity"] == "2026-01-07T00:00:00Z"
    assert by_name["Nadia"]["last_activity"] is None


def test_xlsx_has_the_table_and_an_about_sheet(world):
    the_scope = scope(world, cohort_id=world.cohort.pk)
    rows = engagement.engagement_table(the_scope)
    buffer = io.BytesIO()
    exports.write_xlsx(rows, buffer, the_scope)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert book.sheetnames == ["engagement", "about"]
    table = list(book["engagement"].iter_rows(values_only=True))
    assert list(table[0]) == COLUMNS
    ali = dict(zip(COLUMNS, table[1], strict=True))
    assert (ali["name"], ali["posts"], ali["words"], ali["first_activity"]) == (
        "Ali", 5, 16, datetime(2026, 1, 1, 0, 0))
    reza = dict(zip(COLUMNS, table[2], strict=True))
    assert (reza["name"], reza["posts"], reza["thread_reads"]) == ("Reza", 0, 3)
    assert len(table) == 3
    about = {row[0]: row[1] for row in book["about"].iter_rows(values_only=True) if row[0]}
    assert (about["community_slug"], about["since"], about["until"], about["cohort"]) == (
        world.cast.community.slug, "2026-01-01", "2026-01-31", "Cohort 2012")
    assert about["posts"].startswith("Posts written")
