"""The exchange pages of a study: researchers only; downloads, uploads and the report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import etree

from praxis.communities.tests.cast import ALL_VISITORS
from praxis.research.models import Source, Study, Theme
from praxis.research.refi.codebook import export_codebook
from praxis.research.tests.factories import (
    CodingFactory,
    ParticipantFactory,
    PassageFactory,
    SourceFactory,
    StudyFactory,
)
from praxis.research.tests.test_refi_support import (
    FIXTURES,
    coded_study,
    schema,
    unpack,
)

pytestmark = pytest.mark.django_db

PAGES = ["exchange", "export_qdpx", "export_qdc"]
# What each visitor gets: only the community's researchers run a study's exchange (the
# signed-out are sent to log in).
EXPECTED = {"anonymous": 302, "outsider": 404, "member": 404, "facilitator": 404,
            "steward": 403, "researcher": 200, "site_admin": 403}


def _url(name: str, study: Study) -> str:
    return reverse(f"research:{name}", args=[study.community.slug, study.slug])


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize("who", ALL_VISITORS)
@pytest.mark.parametrize("page", PAGES)
def test_only_researchers_reach_the_exchange_pages(full_cast, as_visitor, who, page):
    coded = coded_study(community=full_cast.community)
    response = as_visitor(full_cast, who).get(_url(page, coded.study))
    assert response.status_code == EXPECTED[who]


@pytest.mark.parametrize("who", ALL_VISITORS)
@pytest.mark.parametrize("page,field", [("import_qdpx", "project-file"),
                                        ("import_qdc", "codebook-file")])
def test_only_researchers_can_import(full_cast, as_visitor, who, page, field):
    study = StudyFactory(community=full_cast.community)
    upload = _upload("x.qdpx", (FIXTURES / "atlas23-codes-project.qdpx").read_bytes())
    response = as_visitor(full_cast, who).post(_url(page, study), {field: upload})
    assert response.status_code == EXPECTED[who]
    if who != "researcher":
        assert not Theme.objects.filter(study=study).exists()


def test_exchange_page_shows_downloads_and_forms(full_cast, as_visitor):
    coded = coded_study(community=full_cast.community)
    response = as_visitor(full_cast, "researcher").get(_url("exchange", coded.study))
    page = response.content.decode()
    assert _url("export_qdpx", coded.study) in page
    assert _url("export_qdc", coded.study) in page
    assert 'enctype="multipart/form-data"' in page
    assert '<label for="id_project-file"' in page and '<label for="id_codebook-file"' in page


def test_project_download_is_a_valid_qdpx_without_the_withdrawn(full_cast, as_visitor):
    coded = coded_study(community=full_cast.community, coder=full_cast.researcher)
    response = as_visitor(full_cast, "researcher").get(_url("export_qdpx", coded.study))
    assert response["Content-Disposition"] == f'attachment; filename="{coded.study.slug}.qdpx"'
    root, _files = unpack(response.content)
    schema("Project-mrt2019.xsd").assertValid(root)
    cases = root.xpath("//q:Case/@name", namespaces={"q": "urn:QDA-XML:project:1.0"})
    assert cases == ["TT1", "TT3"]
    users = root.xpath("//q:User/@name", namespaces={"q": "urn:QDA-XML:project:1.0"})
    assert users == [full_cast.researcher.display_name]


def test_codebook_download(full_cast, as_visitor):
    coded = coded_study(community=full_cast.community)
    response = as_visitor(full_cast, "researcher").get(_url("export_qdc", coded.study))
    assert response["Content-Disposition"].endswith('-codebook.qdc"')
    schema("Codebook-v1.0.xsd").assertValid(etree.fromstring(response.content))


def test_empty_codebook_download_says_why(full_cast, as_visitor):
    study = StudyFactory(community=full_cast.community)
    client = as_visitor(full_cast, "researcher")
    response = client.get(_url("export_qdc", study), follow=True)
    assert "no themes yet" in response.content.decode()


def test_import_shows_what_was_carried_and_what_not(full_cast, as_visitor):
    study = StudyFactory(community=full_cast.community)
    upload = _upload("sample.qdpx", (FIXTURES / "praxis-sample-tt.qdpx").read_bytes())
    response = as_visitor(full_cast, "researcher").post(_url("import_qdpx", study),
                                                        {"project-file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "3 themes added to the codebook." in page
    assert "posts_last_3_months" in page
    assert Source.objects.filter(study=study).count() == 2


def test_bad_upload_shows_the_error_and_changes_nothing(full_cast, as_visitor):
    study = StudyFactory(community=full_cast.community)
    response = as_visitor(full_cast, "researcher").post(
        _url("import_qdpx", study), {"project-file": _upload("bad.qdpx", b"no zip")})
    page = response.content.decode()
    assert "not a ZIP archive" in page and "Nothing was changed." in page
    assert not Source.objects.filter(study=study).exists()


def test_codebook_import_page(full_cast, as_visitor):
    coded = coded_study()
    study = StudyFactory(community=full_cast.community)
    upload = _upload("c.qdc", export_codebook(study=coded.study))
    response = as_visitor(full_cast, "researcher").post(_url("import_qdc", study),
                                                        {"codebook-file": upload})
    assert "3 themes added to the codebook." in response.content.decode()
    assert Theme.objects.filter(study=study).count() == 3


def test_too_large_upload_is_refused(full_cast, as_visitor, monkeypatch):
    monkeypatch.setattr("praxis.site.research.exchange.largest_file_bytes", lambda: 10)
    study = StudyFactory(community=full_cast.community)
    response = as_visitor(full_cast, "researcher").post(
        _url("import_qdpx", study), {"project-file": _upload("big.qdpx", b"x" * 100)})
    assert "the limit is" in response.content.decode()


def test_closed_study_takes_no_import(full_cast, as_visitor):
    study = StudyFactory(community=full_cast.community, status=Study.Status.CLOSED)
    client = as_visitor(full_cast, "researcher")
    assert "is closed" in client.get(_url("exchange", study)).content.decode()
    response = client.post(_url("import_qdpx", study),
                           {"project-file": _upload("x.qdpx", b"x")})
    assert response.status_code == 403


def test_exchange_page_query_count(full_cast, as_visitor, django_assert_max_num_queries):
    coded = coded_study(community=full_cast.community)
    client = as_visitor(full_cast, "researcher")
    with django_assert_max_num_queries(20):
        client.get(_url("exchange", coded.study))


def test_project_download_queries_do_not_grow_with_the_study(
        full_cast, as_visitor, django_assert_max_num_queries):
    coded = coded_study(community=full_cast.community)
    for number in range(4, 9):
        source = SourceFactory(participant=ParticipantFactory(study=coded.study, number=number),
                               study=coded.study, instrument=coded.interview)
        for start in range(3):
            CodingFactory(passage=PassageFactory(source=source, start=start, end=start + 5,
                                                 memo="A memo"), theme=coded.applying)
    client = as_visitor(full_cast, "researcher")
    with django_assert_max_num_queries(40):
        response = client.get(_url("export_qdpx", coded.study))
    root, _files = unpack(response.content)
    assert len(root.xpath("//q:Case", namespaces={"q": "urn:QDA-XML:project:1.0"})) == 7
