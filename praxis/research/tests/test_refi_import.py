"""Importing REFI-QDA projects and codebooks made by other tools (and by Praxis)."""

import datetime as dt
import io
import zipfile

import pytest

from praxis.research.models import Coding, Instrument, Participant, Passage, Source, Theme
from praxis.research.refi.codebook import export_codebook, import_codebook
from praxis.research.refi.common import RefiError
from praxis.research.refi.project_export import export_project
from praxis.research.refi.project_import import import_project
from praxis.research.tests.factories import (
    InstrumentFactory,
    ParticipantFactory,
    StudyFactory,
)
from praxis.research.tests.test_refi_support import coded_study, fixture, pack

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
HEAD = '<?xml version="1.0" encoding="utf-8"?>'
G = {n: f"{n:08X}-0000-4000-8000-000000000000" for n in range(1, 40)}


def _study_with(*codes: int):
    study = StudyFactory()
    for number in codes:
        ParticipantFactory(study=study, number=number)
    return study


def _quotes(study) -> dict[tuple[str, str], str]:
    return {(passage.source.title, coding.theme.name): passage.quote
            for passage in Passage.objects.filter(source__study=study)
            for coding in passage.codings.all()}


def _counts(study) -> tuple[int, int, int, int]:
    return (Theme.objects.filter(study=study).count(),
            Source.objects.filter(study=study).count(),
            Passage.objects.filter(source__study=study).count(),
            Coding.objects.filter(passage__source__study=study).count())


# The fixture files -----------------------------------------------------------------------

def test_sample_selections_land_on_the_readme_texts():
    study = _study_with(1, 3)
    import_project(study=study, upload=fixture("praxis-sample-tt.qdpx"))
    found = sorted((passage.source.title, coding.theme.name, passage.start, passage.end,
                    passage.quote)
                   for passage in Passage.objects.filter(source__study=study)
                   for coding in passage.codings.all())
    assert found == sorted([
        ("TT1-2 interview", "Applying to practice", 62, 117,
         "I tried the jigsaw task from the forum with my trainees"),
        ("TT1-2 interview", "Applying to practice", 119, 136, "It worked 👍 well."),
        ("TT3-2 interview", "Peer feedback on session plans", 71, 112,
         "I shared my session plan and got feedback"),
        ("TT3-2 interview", "Peer learning", 33, 51, "یادگیری از همکاران"),
    ])


def test_sample_groups_give_their_themes_an_origin():
    study = _study_with(1, 3)
    report = import_project(study=study, upload=fixture("praxis-sample-tt.qdpx"))
    themes = {theme.name: theme for theme in Theme.objects.filter(study=study)}
    assert set(themes) == {"Applying to practice", "Peer learning",
                           "Peer feedback on session plans"}
    assert themes["Applying to practice"].origin == Theme.Origin.DEDUCTIVE
    assert themes["Applying to practice"].colour == "#2ca02c"
    assert themes["Peer feedback on session plans"].origin == Theme.Origin.INDUCTIVE
    assert report.themes_added == 3


def test_sample_cases_attach_sources_to_participants_and_keep_coder_names():
    study = _study_with(1, 3)
    instrument = InstrumentFactory(study=study, number=2, kind=Instrument.Kind.INTERVIEW)
    report = import_project(study=study, upload=fixture("praxis-sample-tt.qdpx"))
    sources = {source.title: source for source in Source.objects.filter(study=study)}
    assert sources["TT1-2 interview"].participant.code == "TT1"
    assert sources["TT3-2 interview"].participant.code == "TT3"
    assert sources["TT3-2 interview"].instrument == instrument  # cited as TT3:2
    assert all(source.kind == Source.Kind.IMPORTED for source in sources.values())
    assert set(Coding.objects.filter(passage__source__study=study)
               .values_list("coder_name", flat=True)) == {"researcher"}
    assert not Coding.objects.filter(coder__isnull=False).exists()
    assert report.attached_to == ["TT1", "TT3"]
    told = " ".join(report.not_carried)
    assert "posts_last_3_months" in told  # a case variable
    assert "instrument" in told  # a source variable
    assert "1 note not attached" in told  # the sampling memo


def test_sample_into_a_study_without_those_participants():
    study = StudyFactory()
    report = import_project(study=study, upload=fixture("praxis-sample-tt.qdpx"))
    assert set(Source.objects.filter(study=study).values_list("participant", flat=True)) == \
        {None}
    assert any("TT1" in line for line in report.changed)
    assert Coding.objects.filter(passage__source__study=study).count() == 4


def test_atlas_blank_project_adds_nothing():
    study = StudyFactory()
    report = import_project(study=study, upload=fixture("atlas23-blank-project.qdpx"))
    assert _counts(study) == (0, 0, 0, 0)
    assert not report.added_anything


def test_atlas_codes_keep_their_nesting():
    study = StudyFactory()
    report = import_project(study=study, upload=fixture("atlas23-codes-project.qdpx"))
    commits = Theme.objects.get(study=study, name="Commits")
    assert commits.parent is None
    assert set(commits.children.values_list("name", flat=True)) == {
        "2022-05-10T02:05:59Z 19e4dce", "2022-02-11T10:39:25Z cdbfd92"}
    assert str(commits.guid) == "a182cd3a-d83c-4d8c-bc80-26d9103ec6d6"  # upper-case GUID read
    assert report.themes_added == 3


def test_importing_the_same_file_twice_adds_nothing_the_second_time():
    study = _study_with(1, 3)
    import_project(study=study, upload=fixture("praxis-sample-tt.qdpx"))
    before = _counts(study)
    again = import_project(study=study, upload=fixture("praxis-sample-tt.qdpx"))
    assert _counts(study) == before == (3, 2, 4, 4)
    assert not again.added_anything
    assert again.themes_found == 3 and again.sources_found == 2 and again.codings_found == 4


# Round trips -----------------------------------------------------------------------------

def test_round_trip_into_a_fresh_study_keeps_themes_passages_and_codings():
    coded = coded_study()
    data = export_project(study=coded.study, exported_by=coded.coder, now=NOW)
    fresh = StudyFactory(community=coded.study.community)
    report = import_project(study=fresh, upload=io.BytesIO(data))
    assert report.themes_added == 3
    themes = {theme.name: theme for theme in Theme.objects.filter(study=fresh)}
    assert themes["Peer learning"].parent == themes["Applying to practice"]
    assert themes["Applying to practice"].origin == Theme.Origin.DEDUCTIVE
    assert themes["Applying to practice"].reference == "Wenger (1998)"
    assert themes["Applying to practice"].definition == \
        "Trying in training what the community shared."
    assert themes["Applying to practice"].memo == "Watch for plans that were only intended."
    assert themes["Peer feedback on session plans"].origin == Theme.Origin.INDUCTIVE
    assert _quotes(fresh) == {
        ("TT1-2 interview", "Applying to practice"):
            "I tried the jigsaw task from the forum with my trainees",
        ("TT3-2 interview", "Peer feedback on session plans"):
            "I shared my session plan and got feedback",
        ("TT3-2 interview", "Peer learning"): "یادگیری از همکاران",
    }
    assert Passage.objects.get(source__study=fresh, start=62).memo == "The jigsaw again."
    assert set(Coding.objects.filter(passage__source__study=fresh)
               .values_list("coder_name", flat=True)) == {"Rana Researcher"}
    # The first study is untouched, though the GUIDs were its own.
    assert _counts(coded.study) == (3, 3, 4, 4)
    again = import_project(study=fresh, upload=io.BytesIO(data))
    assert not again.added_anything


def test_round_trip_into_the_same_study_adds_nothing():
    coded = coded_study()
    before = _counts(coded.study)
    report = import_project(study=coded.study, upload=io.BytesIO(
        export_project(study=coded.study, now=NOW)))
    assert _counts(coded.study) == before
    assert not report.added_anything


def test_codebook_round_trip_keeps_nesting_and_is_idempotent():
    coded = coded_study()
    data = export_codebook(study=coded.study)
    fresh = StudyFactory()
    report = import_codebook(study=fresh, upload=io.BytesIO(data))
    assert report.themes_added == 3
    peer = Theme.objects.get(study=fresh, name="Peer learning")
    assert peer.parent.name == "Applying to practice"
    assert peer.origin == Theme.Origin.DEDUCTIVE
    again = import_codebook(study=fresh, upload=io.BytesIO(data))
    assert again.themes_added == 0 and again.themes_found == 3
    assert Theme.objects.filter(study=fresh).count() == 3


def test_codebook_import_adds_only_the_new_themes():
    coded = coded_study()
    data = export_codebook(study=coded.study)
    report = import_codebook(study=coded.study, upload=io.BytesIO(data))
    assert report.themes_added == 0
    assert Theme.objects.filter(study=coded.study).count() == 3


# What other tools write ------------------------------------------------------------------

def _project(body: str, *, origin: str = "Some QDA tool", files: dict | None = None,
             folder: str = "sources") -> io.BytesIO:
    qde = (f'{HEAD}<Project name="p" origin="{origin}" xmlns="urn:QDA-XML:project:1.0">'
           f"{body}</Project>")
    return pack({"project.qde": qde, **{f"{folder}/{name}": content
                                        for name, content in (files or {}).items()}})


CODEBOOK = (f'<CodeBook><Codes><Code guid="{G[1]}" name="Theme A" isCodable="true"/>'
            "</Codes></CodeBook>")


def _source(text_guid: int, start: int, end: int, *, path: bool = True) -> str:
    where = f' plainTextPath="internal://{G[text_guid]}.txt"' if path else ""
    return (f'<TextSource guid="{G[text_guid]}" name="Interview"{where}>'
            f'<PlainTextSelection guid="{G[text_guid + 10]}" startPosition="{start}" '
            f'endPosition="{end}"><Coding guid="{G[text_guid + 20]}">'
            f'<CodeRef targetGUID="{G[1]}"/></Coding></PlainTextSelection></TextSource>')


def test_atlas_counts_crlf_as_one_character():
    study = StudyFactory()
    text = "Line one\r\nLine two is coded"
    upload = _project(CODEBOOK + f"<Sources>{_source(2, 14, 17)}</Sources>",
                      origin="ATLAS.ti for Windows 23.2.3", files={f"{G[2]}.txt": text})
    import_project(study=study, upload=upload)
    passage = Passage.objects.get(source__study=study)
    assert passage.source.text == "Line one\nLine two is coded"
    assert passage.quote == "two"


def test_other_tools_count_crlf_as_two_characters():
    study = StudyFactory()
    text = "Line one\r\nLine two is coded"
    upload = _project(CODEBOOK + f"<Sources>{_source(2, 15, 18)}</Sources>",
                      origin="MAXQDA 24", files={f"{G[2]}.txt": text})
    import_project(study=study, upload=upload)
    passage = Passage.objects.get(source__study=study)
    assert passage.source.text == "Line one\nLine two is coded"
    assert passage.quote == "two"


def test_byte_order_mark_is_stripped_before_counting():
    study = StudyFactory()
    upload = _project(CODEBOOK + f"<Sources>{_source(2, 0, 4)}</Sources>",
                      files={f"{G[2]}.txt": "\ufeffTrue words"})
    import_project(study=study, upload=upload)
    assert Passage.objects.get(source__study=study).quote == "True"


def test_upper_case_sources_folder_and_lower_case_guids_are_read():
    study = StudyFactory()
    body = (CODEBOOK + f"<Sources>{_source(2, 0, 4)}</Sources>").replace(
        G[2], G[2].lower())
    upload = _project(body, files={f"{G[2].lower()}.txt": "Some text"}, folder="Sources")
    import_project(study=study, upload=upload)
    assert Passage.objects.get(source__study=study).quote == "Some"


def test_plain_text_content_is_read():
    study = StudyFactory()
    source = _source(2, 5, 9, path=False).replace(
        'name="Interview">', 'name="Interview"><PlainTextContent>Text held inline'
        "</PlainTextContent>")
    import_project(study=study, upload=_project(CODEBOOK + f"<Sources>{source}</Sources>"))
    assert Passage.objects.get(source__study=study).quote == "held"


def test_maxqda_nested_codable_codes_with_descriptions():
    study = StudyFactory()
    codes = (f'<CodeBook><Codes><Code guid="{G[1]}" name="Parent" isCodable="true" '
             f'color="#f00"><Description>What a parent means</Description>'
             f'<Code guid="{G[2]}" name="Child" isCodable="true"><Description>A child'
             "</Description></Code></Code></Codes></CodeBook>"
             f'<Sets><Set guid="{G[3]}" name="A set"><MemberSource targetGUID="{G[4]}"/>'
             "</Set></Sets>")
    report = import_project(study=study, upload=_project(codes, origin="MAXQDA 24"))
    parent = Theme.objects.get(study=study, name="Parent")
    assert parent.definition == "What a parent means"
    assert parent.colour == "#ff0000"
    assert Theme.objects.get(study=study, name="Child").parent == parent
    assert any("Sets" in line for line in report.not_carried)


def test_what_cannot_be_carried_is_named():
    study = StudyFactory()
    body = (CODEBOOK + "<Sources>" + _source(2, 0, 400)
            + f'<PDFSource guid="{G[5]}" name="Article" path="internal://{G[5]}.pdf"/>'
            + f'<AudioSource guid="{G[6]}" name="Recording" path="relative:///a.m4a"/>'
            + "</Sources>"
            + f'<Links><Link guid="{G[7]}" name="l"/></Links>'
            + f'<Graphs><Graph guid="{G[8]}"/></Graphs>')
    report = import_project(study=study, upload=_project(body, files={f"{G[2]}.txt": "Short"}))
    told = " ".join(report.not_carried)
    assert "outside its text" in told
    assert "Article" in told and "Recording" in told
    assert "Links" in told and "Graphs" in told
    assert Source.objects.filter(study=study).count() == 1
    assert Passage.objects.filter(source__study=study).count() == 0


def test_case_of_a_withdrawn_participant_keeps_its_texts_out():
    study = _study_with(1)
    ParticipantFactory(study=study, number=2, status=Participant.Status.WITHDRAWN)
    body = (CODEBOOK + f'<Cases><Case guid="{G[9]}" name="TT2">'
            f'<SourceRef targetGUID="{G[2]}"/></Case></Cases>'
            f"<Sources>{_source(2, 0, 4)}</Sources>")
    upload = _project(body.replace('name="Interview"', 'name="TT2-1 interview"'),
                      files={f"{G[2]}.txt": "Text of someone who withdrew"})
    report = import_project(study=study, upload=upload)
    assert not Source.objects.filter(study=study).exists()
    assert any("TT2" in line for line in report.not_carried)


def test_text_named_after_a_withdrawn_participant_stays_out_without_a_case():
    study = _study_with(1)
    ParticipantFactory(study=study, number=2, status=Participant.Status.WITHDRAWN)
    body = CODEBOOK + f"<Sources>{_source(2, 0, 4)}{_source(3, 0, 4)}</Sources>"
    body = body.replace('name="Interview"', 'name="TT2-2 interview"', 1)
    upload = _project(body, files={f"{G[2]}.txt": "Withdrawn words", f"{G[3]}.txt": "Kept"})
    report = import_project(study=study, upload=upload)
    assert list(Source.objects.filter(study=study).values_list("text", flat=True)) == ["Kept"]
    assert any("TT2-2 interview" in line for line in report.not_carried)


def test_source_of_a_consenting_case_is_attached():
    study = _study_with(1)
    body = (CODEBOOK + f'<Cases><Case guid="{G[9]}" name="tt1">'
            f'<SourceRef targetGUID="{G[2]}"/></Case></Cases>'
            f"<Sources>{_source(2, 0, 4)}</Sources>")
    import_project(study=study, upload=_project(body, files={f"{G[2]}.txt": "Mine"}))
    assert Source.objects.get(study=study).participant.code == "TT1"


# Bad files change nothing ----------------------------------------------------------------

@pytest.mark.parametrize("upload", [
    pytest.param(io.BytesIO(b"not a zip at all"), id="not-a-zip"),
    pytest.param(pack({"readme.txt": "hello"}), id="no-project"),
    pytest.param(pack({"project.qde": "<Project name='p'"}), id="malformed"),
    pytest.param(pack({"project.qde": f"{HEAD}<CodeBook/>"}), id="wrong-root"),
    pytest.param(pack({"project.qde": (
        f'{HEAD}<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        '<Project name="&b;" xmlns="urn:QDA-XML:project:1.0"/>')}), id="entity-expansion"),
    pytest.param(pack({"project.qde": (
        f'{HEAD}<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<Project name="&x;" xmlns="urn:QDA-XML:project:1.0"/>')}), id="external-entity"),
])
def test_bad_file_is_refused_and_changes_nothing(upload):
    study = StudyFactory()
    with pytest.raises(RefiError):
        import_project(study=study, upload=upload)
    assert _counts(study) == (0, 0, 0, 0)


def test_zip_bomb_is_refused():
    study = StudyFactory()
    upload = _project(CODEBOOK + f"<Sources>{_source(2, 0, 4)}</Sources>",
                      files={f"{G[2]}.txt": "a" * (3 * 1024 * 1024)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(upload) as plain, zipfile.ZipFile(buffer, "w",
                                                           zipfile.ZIP_DEFLATED) as packed:
        for name in plain.namelist():
            packed.writestr(name, plain.read(name))
    buffer.seek(0)
    with pytest.raises(RefiError, match="zip bomb"):
        import_project(study=study, upload=buffer)
    assert _counts(study) == (0, 0, 0, 0)


def test_broken_source_after_a_good_codebook_changes_nothing():
    study = StudyFactory()
    body = CODEBOOK + '<Sources><TextSource guid="not-a-guid" name="x"/></Sources>'
    with pytest.raises(RefiError):
        import_project(study=study, upload=_project(body))
    assert _counts(study) == (0, 0, 0, 0)


def test_bad_codebook_file_is_refused():
    study = StudyFactory()
    for data in (b"<CodeBook", b'<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>'):
        with pytest.raises(RefiError):
            import_codebook(study=study, upload=io.BytesIO(data))
    assert not Theme.objects.filter(study=study).exists()
