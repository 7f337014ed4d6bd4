"""The "quotes by theme" document in DOCX and ODT: files that open (re-read with python-docx
and odfdo, every XML part well-formed), the study's questions, nested theme headings, quotes
as block quotes with their citations grouped by participant, and Persian right to left."""

import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree
from odfdo import Document as OdfDocument

from praxis.research import documents
from praxis.research.models import Source
from praxis.research.tests.factories import CodingFactory, PassageFactory, ThemeFactory
from praxis.research.tests.test_grid import PERSIAN, make_scene, withdraw

pytestmark = pytest.mark.django_db


def _docx(study, **kwargs) -> bytes:
    stream = io.BytesIO()
    documents.write_docx(documents.quotes_document(study=study, **kwargs), stream)
    return stream.getvalue()


def _odt(study, **kwargs) -> bytes:
    stream = io.BytesIO()
    documents.write_odt(documents.quotes_document(study=study, **kwargs), stream)
    return stream.getvalue()


def _well_formed(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        # (LibreOffice's template, which odfdo starts from, holds an empty placeholder:
        # Configurations2/accelerator/current.xml.)
        parts = [item.filename for item in archive.infolist()
                 if item.filename.endswith((".xml", ".rels", ".rdf")) and item.file_size]
        for name in parts:
            etree.fromstring(archive.read(name))  # raises on anything malformed
    return parts


def test_is_rtl_follows_the_first_strong_letter():
    assert documents.is_rtl(PERSIAN)
    assert documents.is_rtl("«۱۲» سلام TT3")
    assert not documents.is_rtl("TT3 سلام")
    assert not documents.is_rtl("123 ...")


def test_docx_opens_with_questions_nested_themes_and_cited_quotes():
    scene = make_scene()
    data = _docx(scene.study)
    assert "word/document.xml" in _well_formed(data)
    document = docx.Document(io.BytesIO(data))
    assert document.core_properties.title == "Impact of the CoP"
    lines = [(paragraph.style.name, paragraph.text) for paragraph in document.paragraphs]
    assert lines[0] == ("Title", "Impact of the CoP")
    headings = [(style, text) for style, text in lines if style.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Research questions"), ("Heading 1", "Themes"),
        ("Heading 2", "Professional confidence"), ("Heading 3", "In the training room"),
        ("Heading 2", "Sharing knowledge")]
    assert ("List Number", "Do they cascade it?") in lines
    assert ("Normal", "Deductive: from the literature. Reference: Alavi & Leidner (1990)") \
        in lines
    assert ("Normal", "How sure trainers feel in the training room.") in lines
    quotes = [text for style, text in lines if style == "Quote"]
    assert quotes == [
        "Participation changed my vision towards training. (TT1:2)",
        "Keeping a balance of theory (TT2:2)",
        "TT3 WITHDRAWN WORDS (TT3:2)",
        f"{PERSIAN} (TT1:1)",
        "Participation changed my vision towards training. (TT1:2)",
        "I share articles. (TT1:2)"]
    # Each participant's quotes follow their code, in bold.
    start = lines.index(("Heading 2", "Professional confidence"))
    assert [text for _style, text in lines[start + 3:start + 9]] == [
        "TT1", quotes[0], "TT2", quotes[1], "TT3", quotes[2]]
    code = next(p for p in document.paragraphs if p.text == "TT2")
    assert code.runs[0].bold


def test_docx_persian_quote_is_right_to_left():
    scene = make_scene()
    ThemeFactory(study=scene.study, name="احساس پیوند با جامعه", position=9)
    document = docx.Document(io.BytesIO(_docx(scene.study)))
    persian = next(p for p in document.paragraphs if p.text.startswith(PERSIAN))
    assert persian._p.pPr.find(qn("w:bidi")) is not None
    assert all(run.font.rtl for run in persian.runs)
    english = next(p for p in document.paragraphs if p.text.startswith("Keeping"))
    assert english._p.pPr.find(qn("w:bidi")) is None
    # w:bidi sits where the schema puts it: after the style, before the rest.
    tags = [etree.QName(child).localname for child in persian._p.pPr]
    assert tags[:2] == ["pStyle", "bidi"]
    heading = next(p for p in document.paragraphs if p.text == "احساس پیوند با جامعه")
    assert heading.style.name == "Heading 2"
    assert heading._p.pPr.find(qn("w:bidi")) is not None


def test_odt_opens_with_nested_headings_and_cited_quotes():
    scene = make_scene()
    data = _odt(scene.study)
    assert {"content.xml", "styles.xml", "meta.xml"} <= set(_well_formed(data))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    document = OdfDocument(io.BytesIO(data))
    body = document.body
    headings = [(int(heading.level), str(heading).strip()) for heading in body.headers]
    assert headings == [(1, "Research questions"), (1, "Themes"),
                        (2, "Professional confidence"), (3, "In the training room"),
                        (2, "Sharing knowledge")]
    texts = [str(paragraph).strip() for paragraph in body.paragraphs]
    assert texts[0] == "Impact of the CoP"
    assert "2. Do they cascade it?" in texts
    quotes = [str(paragraph).strip() for paragraph in body.paragraphs
              if paragraph.style in ("Quotations", "Quotations_RTL")]
    assert quotes == [
        "Participation changed my vision towards training. (TT1:2)",
        "Keeping a balance of theory (TT2:2)",
        "TT3 WITHDRAWN WORDS (TT3:2)",
        f"{PERSIAN} (TT1:1)",
        "Participation changed my vision towards training. (TT1:2)",
        "I share articles. (TT1:2)"]
    codes = [str(paragraph).strip() for paragraph in body.paragraphs
             if paragraph.style == "Participant"]
    assert codes == ["TT1", "TT2", "TT3", "TT1", "TT1"]


def test_odt_persian_quote_is_right_to_left():
    scene = make_scene()
    ThemeFactory(study=scene.study, name="احساس پیوند با جامعه", position=9)
    document = OdfDocument(io.BytesIO(_odt(scene.study)))
    persian = next(p for p in document.body.paragraphs if str(p).startswith(PERSIAN))
    assert persian.style == "Quotations_RTL"
    style = document.get_style("paragraph", "Quotations_RTL")
    assert style.parent_style == "Quotations"
    properties = style.get_element("style:paragraph-properties")
    assert properties.get_attribute("style:writing-mode") == "rl-tb"
    english = next(p for p in document.body.paragraphs if str(p).startswith("Keeping"))
    assert english.style == "Quotations"
    heading = next(h for h in document.body.headers if "احساس" in str(h))
    assert heading.style == "Heading_20_2_RTL"
    assert document.get_style("paragraph", "Heading_20_2_RTL").parent_style == "Heading_20_2"


def test_withdrawn_participant_missing_from_both_documents():
    scene = make_scene()
    withdraw(scene.tt3)
    docx_text = "\n".join(p.text for p in docx.Document(io.BytesIO(_docx(scene.study))).paragraphs)
    odt = OdfDocument(io.BytesIO(_odt(scene.study)))
    odt_text = "\n".join(str(p) for p in odt.body.paragraphs)
    for text in (docx_text, odt_text):
        assert "WITHDRAWN" not in text and "TT3" not in text
        assert "TT2:2" in text


def test_one_coders_document_and_hostile_text_still_make_valid_files():
    scene = make_scene()
    hostile = "Bell\x07 and form feed\x0c in a transcript, <b>&amp;</b>\nsecond line"
    Source.objects.filter(pk=scene.tt1_interview.pk).update(text=hostile)
    CodingFactory(passage=PassageFactory(source=scene.tt1_interview, start=0,
                                         end=len(hostile)),
                  theme=scene.sharing, coder=scene.ben)
    scene.study.title = "Study <&> \x01"
    scene.study.save()
    key = f"user-{scene.ben.pk}"
    for data in (_docx(scene.study, coder_key=key), _odt(scene.study, coder_key=key)):
        _well_formed(data)
    document = docx.Document(io.BytesIO(_docx(scene.study, coder_key=key)))
    texts = [p.text for p in document.paragraphs]
    assert texts[:2] == ["Study <&> ", "Quotes by theme. Coding: Ben."]
    assert ("Bell and form feed in a transcript, <b>&amp;</b>\nsecond line (TT1:2)"
            in texts)
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert all("TT2" not in text for text in quotes)  # Anna's coding is left out
