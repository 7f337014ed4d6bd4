"""The study as a REFI-QDA project (.qdpx) and its codebook (.qdc): valid, complete,
deterministic, and without anyone who does not take part."""

import datetime as dt
import uuid
import zipfile
from io import BytesIO

import pytest
from lxml import etree

from praxis.communities.tests.factories import MembershipFactory
from praxis.discussions.tests.factories import make_thread, make_topic, reply
from praxis.research.models import Participant, SampleDraw
from praxis.research.refi.codebook import GROUP_GUIDS, export_codebook
from praxis.research.refi.common import RefiError
from praxis.research.refi.project_export import export_project
from praxis.research.tests.factories import StudyFactory, ThemeFactory
from praxis.research.tests.test_refi_support import NS, coded_study, schema, unpack

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)


def _guid(element: etree._Element, attribute: str = "guid") -> uuid.UUID:
    return uuid.UUID(element.get(attribute))


def test_export_is_valid_against_the_project_schema():
    coded = coded_study()
    root, _files = unpack(export_project(study=coded.study, exported_by=coded.coder, now=NOW))
    schema("Project-mrt2019.xsd").assertValid(root)


def test_export_passes_the_checks_the_schema_cannot_make():
    coded = coded_study()
    data = export_project(study=coded.study, exported_by=coded.coder, now=NOW)
    root, files = unpack(data)
    # Every element that can be pointed at, by GUID.
    targets = {_guid(element) for element in root.iter() if element.get("guid")}
    for element in root.iter():
        if element.get("targetGUID"):
            assert _guid(element, "targetGUID") in targets, etree.tostring(element)
        for attribute in ("creatingUser", "creatingUserGUID"):
            if element.get(attribute):
                assert _guid(element, attribute) in targets
    texts = {}
    for element in root.iterfind(".//q:TextSource", NS) :
        assert element.find("q:PlainTextContent", NS) is None  # never both
        path = element.get("plainTextPath")
        assert path.startswith("internal://")
        name = f"sources/{path.removeprefix('internal://')}"
        assert name in files
        texts[element.get("guid")] = files[name].decode("utf-8")
        for selection in element.iterfind("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert 0 <= start < end <= len(texts[element.get("guid")])
    for note in root.iterfind(".//q:Note", NS):
        assert f"sources/{note.get('plainTextPath').removeprefix('internal://')}" in files
    with zipfile.ZipFile(BytesIO(data)) as packed:
        assert all(not name.startswith("Sources/") for name in packed.namelist())


def test_export_carries_users_codebook_cases_sources_and_codings():
    coded = coded_study()
    MembershipFactory(community=coded.study.community, user=coded.tt1.user)
    thread = make_thread(make_topic(coded.study.community), coded.tt1.user)
    reply(thread, coded.tt1.user)
    root, files = unpack(export_project(study=coded.study, exported_by=coded.coder, now=NOW))
    users = {user.get("name") for user in root.iterfind("q:Users/q:User", NS)}
    assert users == {"Rana Researcher"}
    groups = root.findall("q:CodeBook/q:Codes/q:Code", NS)
    assert [_guid(group) for group in groups] == [GROUP_GUIDS["deductive"],
                                                  GROUP_GUIDS["inductive"]]
    assert all(group.get("isCodable") == "false" for group in groups)
    applying = groups[0].find("q:Code", NS)
    assert applying.get("name") == "Applying to practice"
    assert applying.get("color") == "#2CA02C"
    assert "Reference: Wenger (1998)" in applying.findtext("q:Description", namespaces=NS)
    assert applying.find("q:Code", NS).get("name") == "Peer learning"  # nested
    memo = applying.find("q:NoteRef", NS).get("targetGUID")
    note = root.find(f"q:Notes/q:Note[@guid='{memo}']", NS)
    assert files[f"sources/{memo}.txt"].decode() == "Watch for plans that were only intended."
    assert note is not None
    cases = {case.get("name"): case for case in root.iterfind("q:Cases/q:Case", NS)}
    assert set(cases) == {"TT1", "TT3"}
    tt1 = cases["TT1"]
    assert _guid(tt1) == coded.tt1.guid
    assert _guid(tt1.find("q:SourceRef", NS), "targetGUID") == coded.source_tt1.guid
    variables = {variable.get("guid"): variable.get("name")
                 for variable in root.iterfind("q:Variables/q:Variable", NS)}
    values = {variables[value.find("q:VariableRef", NS).get("targetGUID")]:
              value[1].text for value in tt1.iterfind("q:VariableValue", NS)}
    assert values["tier"] == "trainer"
    assert values["cohort"] == "Cohort A"
    assert values["posts"] == "2"
    assert values["threads started"] == "1"
    assert "posts" not in {variables[value.find("q:VariableRef", NS).get("targetGUID")]
                           for value in cases["TT3"].iterfind("q:VariableValue", NS)}
    sources = {source.get("name"): source for source in root.iterfind(".//q:TextSource", NS)}
    assert set(sources) == {"TT1-2 interview", "TT3-2 interview"}
    selection = sources["TT1-2 interview"].find("q:PlainTextSelection", NS)
    assert (selection.get("startPosition"), selection.get("endPosition")) == ("62", "117")
    coding = selection.find("q:Coding", NS)
    assert _guid(coding.find("q:CodeRef", NS), "targetGUID") == coded.applying.guid
    coder_guid = coding.get("creatingUser")
    assert root.find(f"q:Users/q:User[@guid='{coder_guid}']", NS).get("name") == \
        "Rana Researcher"
    assert selection.find("q:NoteRef", NS) is not None  # the passage memo


def test_withdrawn_participant_absent_from_the_project():
    coded = coded_study()
    data = export_project(study=coded.study, exported_by=coded.coder, now=NOW)
    root, files = unpack(data)
    everything = etree.tostring(root, encoding="unicode") + "".join(
        content.decode("utf-8") for content in files.values())
    assert "TT2" not in everything
    assert "secret" not in everything
    assert str(coded.tt2.guid).upper() not in everything
    assert str(coded.source_tt2.guid).upper() not in everything
    for name in ("Amina Participant", "Bahar Withdrawn"):
        assert name not in everything  # participants never appear by name
    assert f"sources/{str(coded.source_tt2.guid).upper()}.txt" not in files


def test_participant_without_current_consent_absent_from_the_project():
    coded = coded_study()
    coded.study.consent_versions.create(number=2, text="A changed consent text.")
    Participant.objects.filter(pk=coded.tt1.pk).update(
        consent_version=coded.study.consent_versions.get(number=1))
    coded.tt3.consent_version = coded.study.consent_versions.get(number=2)
    coded.tt3.save()
    root, _files = unpack(export_project(study=coded.study, now=NOW))
    assert [case.get("name") for case in root.iterfind("q:Cases/q:Case", NS)] == ["TT3"]


def test_same_study_gives_the_same_bytes():
    coded = coded_study()
    first = export_project(study=coded.study, exported_by=coded.coder, now=NOW)
    assert export_project(study=coded.study, exported_by=coded.coder, now=NOW) == first


def test_engagement_window_is_the_latest_sample():
    coded = coded_study()
    SampleDraw.objects.create(study=coded.study, measure="posts", since=dt.date(2026, 1, 1),
                              until=dt.date(2026, 3, 31), top=10, pick=5, seed=42)
    root, _files = unpack(export_project(study=coded.study, now=NOW))
    posts = root.find("q:Variables/q:Variable[@name='posts']", NS)
    assert "2026-01-01" in posts.findtext("q:Description", namespaces=NS)
    assert posts.get("typeOfVariable") == "Integer"


def test_empty_study_exports_a_valid_project():
    study = StudyFactory()
    root, files = unpack(export_project(study=study, now=NOW))
    schema("Project-mrt2019.xsd").assertValid(root)
    assert files == {}


def test_codebook_is_valid_against_the_codebook_schema():
    coded = coded_study()
    root = etree.fromstring(export_codebook(study=coded.study))
    schema("Codebook-v1.0.xsd").assertValid(root)
    names = [code.get("name") for code in root.iter("{urn:QDA-XML:codebook:1.0}Code")]
    assert names == ["Deductive themes", "Applying to practice", "Peer learning",
                     "Inductive themes", "Peer feedback on session plans"]


def test_empty_codebook_is_not_exported():
    with pytest.raises(RefiError):
        export_codebook(study=StudyFactory())


def test_theme_colour_and_odd_characters_stay_valid():
    study = StudyFactory()
    ThemeFactory(study=study, name="Bell \x07 and <tags> & “quotes”", colour="#abcdef")
    root = etree.fromstring(export_codebook(study=study))
    schema("Codebook-v1.0.xsd").assertValid(root)
