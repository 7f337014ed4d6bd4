"""``export_qdpx`` and ``import_qdpx``."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from praxis.research.management.commands.import_qdpx import Command as ImportCommand
from praxis.research.models import Source, Theme
from praxis.research.tests.factories import ParticipantFactory, StudyFactory
from praxis.research.tests.test_refi_support import FIXTURES, coded_study, schema, unpack

pytestmark = pytest.mark.django_db


def test_export_command_writes_a_valid_project(tmp_path):
    coded = coded_study()
    output = tmp_path / "study.qdpx"
    out = StringIO()
    call_command("export_qdpx", "--study", coded.study.slug, "--output", str(output), stdout=out)
    root, files = unpack(output.read_bytes())
    schema("Project-mrt2019.xsd").assertValid(root)
    assert "TT2" not in root.getroottree().getroot().xpath("string(.)")
    assert len([name for name in files if name.startswith("sources/")]) >= 2
    assert str(output) in out.getvalue()


def test_export_command_refuses_an_unknown_study(tmp_path):
    with pytest.raises(CommandError, match="no-such-study"):
        call_command("export_qdpx", "--study", "no-such-study", "--output",
                     str(tmp_path / "x.qdpx"))


def test_import_command_prints_what_was_carried_and_what_not():
    study = StudyFactory()
    ParticipantFactory(study=study, number=1)
    out = StringIO()
    call_command("import_qdpx", "--study", study.slug,
                 str(FIXTURES / "praxis-sample-tt.qdpx"), stdout=out)
    printed = out.getvalue()
    assert "3 themes added to the codebook." in printed
    assert "Not carried:" in printed
    assert "posts_last_3_months" in printed
    assert Source.objects.filter(study=study).count() == 2


def test_import_command_fails_on_a_bad_file_and_changes_nothing(tmp_path):
    study = StudyFactory()
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"this is no zip")
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("import_qdpx", "--study", study.slug, str(bad))
    assert not Theme.objects.filter(study=study).exists()


def test_import_command_exits_non_zero_on_a_bad_file(tmp_path):
    study = StudyFactory()
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"this is no zip")
    command = ImportCommand(stdout=StringIO(), stderr=StringIO())
    with pytest.raises(SystemExit) as ended:
        command.run_from_argv(["manage.py", "import_qdpx", "--study", study.slug, str(bad)])
    assert ended.value.code != 0
