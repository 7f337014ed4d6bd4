"""The analysis pages and downloads: who may open them, what they show, the queries they
cost, and that a withdrawn participant is in none of them."""

import csv
import io
import re
import zipfile

import docx
import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from odfdo import Document as OdfDocument

from praxis.communities.tests.cast import ALL_VISITORS
from praxis.research.tests.factories import (
    CodingFactory,
    ParticipantFactory,
    PassageFactory,
    SourceFactory,
    ThemeFactory,
)
from praxis.research.tests.test_grid import PERSIAN, Scene, make_scene, withdraw

pytestmark = pytest.mark.django_db

RUN = {"anonymous": 302, "outsider": 404, "member": 404, "facilitator": 404,
       "steward": 403, "researcher": 200, "site_admin": 403}


def _urls(scene: Scene) -> dict[str, str]:
    study = scene.study
    args = [study.community.slug, study.slug]
    return {
        "grid": reverse("research:grid", args=args),
        "grid_cell": reverse("research:grid_cell", args=[*args, "TT1", scene.confidence.pk]),
        "theme_quotes": reverse("research:theme_quotes", args=[*args, scene.confidence.pk]),
        "grid_csv": reverse("research:grid_csv", args=args),
        "grid_xlsx": reverse("research:grid_xlsx", args=args),
        "quotes_docx": reverse("research:quotes_docx", args=args),
        "quotes_odt": reverse("research:quotes_odt", args=args),
        "agreement": reverse("research:agreement", args=args),
    }


@pytest.fixture
def scene(full_cast) -> Scene:
    return make_scene(full_cast.community, coder=full_cast.researcher)


@pytest.mark.parametrize("who", ALL_VISITORS)
def test_only_the_communitys_researchers_open_the_analysis(full_cast, scene, as_visitor, who):
    client = as_visitor(full_cast, who)
    for name, url in _urls(scene).items():
        response = client.get(url)
        assert response.status_code == RUN[who], name
        if who == "anonymous":
            assert response["Location"].startswith(reverse(settings.LOGIN_URL)), name


def test_a_researcher_of_another_community_is_not_let_in(full_cast, as_visitor):
    scene = make_scene()  # another community's study
    client = as_visitor(full_cast, "researcher")
    for name, url in _urls(scene).items():
        assert client.get(url).status_code == 404, name


def test_grid_page_shows_nested_themes_and_links_its_cells(full_cast, scene, as_visitor):
    client = as_visitor(full_cast, "researcher")
    urls = _urls(scene)
    page = client.get(urls["grid"]).content.decode()
    assert "Professional confidence / In the training room" in page
    assert urls["grid_cell"] in page
    assert urls["theme_quotes"] in page
    for download in ("grid_csv", "grid_xlsx", "quotes_docx", "quotes_odt", "agreement"):
        assert urls[download] in page
    # A cell with nothing in it is no link.
    empty = reverse("research:grid_cell", args=[scene.study.community.slug, scene.study.slug,
                                                "TT2", scene.sharing.pk])
    assert empty not in page
    assert f'<option value="user-{scene.ben.pk}">Ben</option>' in page


def test_grid_page_keeps_the_coder_filter_on_its_links(full_cast, scene, as_visitor):
    client = as_visitor(full_cast, "researcher")
    urls = _urls(scene)
    page = client.get(urls["grid"], {"coder": f"user-{scene.ben.pk}"}).content.decode()
    assert f"{urls['grid_csv']}?coder=user-{scene.ben.pk}" in page
    assert f'<option value="user-{scene.ben.pk}" selected>Ben</option>' in page
    assert "coding by Ben" in page


def test_grid_page_costs_the_same_queries_for_more_participants_and_themes(
        full_cast, scene, as_visitor, django_assert_max_num_queries):
    client = as_visitor(full_cast, "researcher")
    url = _urls(scene)["grid"]
    client.get(url)  # session and the like, loaded once
    with django_assert_max_num_queries(16) as small:
        client.get(url)
    for number in range(4, 14):
        participant = ParticipantFactory(study=scene.study, number=number)
        theme = ThemeFactory(study=scene.study, parent=scene.in_room)
        source = SourceFactory(participant=participant, study=scene.study,
                               instrument=scene.interview)
        CodingFactory(passage=PassageFactory(source=source), theme=theme, coder=scene.ben)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("<tr>") == 1 + 13 + 1


def test_cell_page_shows_each_quote_with_citation_themes_coder_memo_and_source(
        full_cast, scene, as_visitor, django_assert_max_num_queries):
    client = as_visitor(full_cast, "researcher")
    url = _urls(scene)["grid_cell"]
    client.get(url)
    with django_assert_max_num_queries(16):
        page = client.get(url).content.decode()
    assert "Participation changed my vision towards training." in page
    assert "(TT1:2)" in page and "(TT1:1)" in page
    assert PERSIAN in page
    assert "Vision: practical turn." in page
    assert scene.tt1_interview.get_absolute_url() in page
    assert "In the training room" in page and scene.anna.display_name in page and "Ben" in page
    assert "Keeping a balance" not in page  # TT2's


def test_theme_page_lists_every_participants_quotes(full_cast, scene, as_visitor):
    client = as_visitor(full_cast, "researcher")
    page = client.get(_urls(scene)["theme_quotes"]).content.decode()
    assert "(TT1:2)" in page and "(TT2:2)" in page and "(TT3:2)" in page


def test_unknown_theme_or_participant_is_not_found(full_cast, scene, as_visitor):
    client = as_visitor(full_cast, "researcher")
    args = [scene.study.community.slug, scene.study.slug]
    other_theme = ThemeFactory()
    for url in (reverse("research:grid_cell", args=[*args, "TT99", scene.confidence.pk]),
                reverse("research:grid_cell", args=[*args, "XY1", scene.confidence.pk]),
                reverse("research:grid_cell", args=[*args, "TT1", other_theme.pk]),
                reverse("research:theme_quotes", args=[*args, other_theme.pk])):
        assert client.get(url).status_code == 404, url


def test_agreement_page_shows_figures_and_not_defined(full_cast, scene, as_visitor):
    ThemeFactory(study=scene.study, name="Nobody used this", position=9)
    client = as_visitor(full_cast, "researcher")
    page = client.get(_urls(scene)["agreement"]).content.decode()
    assert "Krippendorff" in page and "Cohen" in page
    assert "Professional confidence / In the training room" in page
    assert "Nobody used this" in page and "not defined" in page
    assert re.search(r"\bnan\b", page, re.IGNORECASE) is None


def test_downloads_are_files_named_for_the_study(full_cast, scene, as_visitor):
    client = as_visitor(full_cast, "researcher")
    urls = _urls(scene)
    expected = {"grid_csv": "text/csv", "grid_xlsx": "spreadsheetml",
                "quotes_docx": "wordprocessingml", "quotes_odt": "opendocument.text"}
    for name, kind in expected.items():
        response = client.get(urls[name])
        assert kind in response["Content-Type"], name
        assert response["Content-Disposition"].startswith(
            f'attachment; filename="{scene.study.slug}-'), name
        assert response["Cache-Control"] == "private, no-store"


def test_withdrawn_participant_disappears_from_every_output(full_cast, scene, as_visitor):
    withdraw(scene.tt3)
    client = as_visitor(full_cast, "researcher")
    urls = _urls(scene)
    args = [scene.study.community.slug, scene.study.slug]

    grid_page = client.get(urls["grid"]).content.decode()
    assert "TT3" not in grid_page and "TT1" in grid_page
    tt3_cell = reverse("research:grid_cell", args=[*args, "TT3", scene.confidence.pk])
    assert client.get(tt3_cell).status_code == 404
    theme_page = client.get(urls["theme_quotes"]).content.decode()
    assert "WITHDRAWN" not in theme_page and "TT3" not in theme_page
    assert "(TT2:2)" in theme_page

    csv_text = client.get(urls["grid_csv"]).content.decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(csv_text))] == ["code", "TT1", "TT2"]

    book = openpyxl.load_workbook(io.BytesIO(client.get(urls["grid_xlsx"]).content))
    assert [row[0] for row in book["grid"].iter_rows(values_only=True)] == [
        "code", "TT1", "TT2"]

    docx_bytes = client.get(urls["quotes_docx"]).content
    docx_text = "\n".join(p.text for p in docx.Document(io.BytesIO(docx_bytes)).paragraphs)
    odt_bytes = client.get(urls["quotes_odt"]).content
    odt_text = "\n".join(str(p) for p in OdfDocument(io.BytesIO(odt_bytes)).body.paragraphs)
    for text, data in ((docx_text, docx_bytes), (odt_text, odt_bytes)):
        assert "TT2:2" in text
        assert "TT3" not in text and "WITHDRAWN" not in text
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert not any(b"WITHDRAWN" in archive.read(name) for name in archive.namelist())


def test_pages_render_for_a_persian_reader_with_persian_digits(full_cast, scene, as_visitor):
    full_cast.researcher.locale = "fa"
    full_cast.researcher.save()
    client = as_visitor(full_cast, "researcher")
    urls = _urls(scene)
    for name in ("grid", "grid_cell", "theme_quotes", "agreement"):
        response = client.get(urls[name])
        assert response.status_code == 200 and response["Content-Language"] == "fa", name
    grid_page = client.get(urls["grid"]).content.decode()
    assert ">۴</td>" in grid_page  # the first theme's total, in Persian digits
