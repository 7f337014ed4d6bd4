"""``manage.py engagement_report``: the table, as CSV, JSON or XLSX, and clear refusals."""

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from praxis.analytics.engagement import COLUMNS
from praxis.analytics.tests.engagement_world import World, build


@pytest.fixture
def world(cast) -> World:
    return build(cast)


def run(world: World, *args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("engagement_report", "--community", world.cast.community.slug,
                 "--since", "2026-01-01", "--until", "2026-01-31", *args, stdout=out,
                 stderr=err)
    return out.getvalue()


def test_csv_to_standard_output_by_default(world):
    text = run(world)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert list(rows[0]) == COLUMNS
    assert {row["name"]: int(row["posts"]) for row in rows} == {
        "Ali": 5, "Farid": 2, "Maryam": 1, "Nadia": 0, "Reza": 0, "Sara": 1, "Shirin": 1}


def test_filters_narrow_the_rows_and_counts(world):
    rows = list(csv.DictReader(io.StringIO(run(world, "--topic", world.t1.slug)[1:])))
    assert {row["name"]: int(row["posts"]) for row in rows if int(row["posts"])} == {
        "Ali": 3, "Farid": 2, "Sara": 1, "Shirin": 1}
    rows = list(csv.DictReader(io.StringIO(run(world, "--cohort", str(world.cohort.pk))[1:])))
    assert [row["name"] for row in rows] == ["Ali", "Reza"]
    rows = list(csv.DictReader(io.StringIO(run(world, "--tier", "teacher")[1:])))
    assert [row["name"] for row in rows] == ["Nadia", "Sara"]


def test_json(world):
    document = json.loads(run(world, "--format", "json"))
    assert document["since"] == "2026-01-01" and document["until"] == "2026-01-31"
    assert [row["name"] for row in document["rows"]][:2] == ["Ali", "Farid"]
    assert document["rows"][0]["replies_to_others"] == 2


def test_xlsx_and_csv_into_a_file(world, tmp_path):
    target = tmp_path / "engagement.xlsx"
    err = io.StringIO()
    call_command("engagement_report", "--community", world.cast.community.slug,
                 "--since", "2026-01-01", "--until", "2026-01-31", "--format", "xlsx",
                 "--output", str(target), stdout=io.StringIO(), stderr=err)
    assert "7 members written" in err.getvalue()
    sheet = openpyxl.load_workbook(target)["engagement"]
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == COLUMNS and table[1][0] == "Ali" and table[1][3] == 5
    written = tmp_path / "engagement.csv"
    assert run(world, "--output", str(written)) == ""
    assert written.read_text(encoding="utf-8").startswith("\ufeffname,role")


@pytest.mark.parametrize(("args", "message"), [
    (["--community", "nowhere", "--since", "2026-01-01", "--until", "2026-01-31"],
     "No community has the slug"),
    (["--since", "2026-13-01", "--until", "2026-01-31"], "--since 2026-13-01: not a date"),
    (["--since", "2026-02-01", "--until", "2026-01-31"], "is after --until"),
    (["--since", "2026-01-01", "--until", "2026-01-31", "--format", "xlsx"],
     "give --output"),
    (["--since", "2026-01-01", "--until", "2026-01-31", "--topic", "nope"],
     "has no topic"),
    (["--since", "2026-01-01", "--until", "2026-01-31", "--cohort", "999999"],
     "has no cohort"),
])
def test_clear_refusals(world, args, message):
    if args[0] != "--community":
        args = ["--community", world.cast.community.slug, *args]
    with pytest.raises(CommandError, match=message):
        call_command("engagement_report", *args, stdout=io.StringIO(), stderr=io.StringIO())
