"""The "quotes by theme" document, ready to write findings from, as DOCX (python-docx) and
ODT (odfdo).

Both carry the same things in the same order: the study's title and research questions,
then every theme of the codebook in its order, headings nested as the themes are, each with
its origin, reference and definition, then the quotes coded with it, grouped by
participant, each a block quote followed by its citation (TT3:2). A paragraph whose text
starts in a right-to-left script (Persian) is laid out right to left: ``w:bidi`` and
``w:rtl`` in DOCX, ``style:writing-mode="rl-tb"`` in ODT.

The quotes come from ``praxis.research.grid.quotes_by_theme``, so a participant without
current consent is not in the document.
"""

import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

import docx
from django.utils.translation import gettext as _
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.text.paragraph import Paragraph as DocxParagraph
from odfdo import Document as OdfDocument
from odfdo import Element, Header, Paragraph, Span, Style

from praxis.research.grid import (
    ThemeSection,
    chosen_coder,
    coder_description,
    quotes_by_theme,
    study_coders,
)
from praxis.research.models import Study, Theme

# Characters XML 1.0 does not allow: a pasted transcript may carry some.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_HEADING_LEVEL = 9


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def is_rtl(text: str) -> bool:
    """Whether the text's first strongly directional letter is right to left (the rule of
    Unicode's bidi algorithm for a paragraph's direction)."""
    for character in text:
        direction = unicodedata.bidirectional(character)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


@dataclass(frozen=True)
class QuotesDocument:
    """What the document says, whatever its format."""

    study: Study
    coder: str
    sections: list[ThemeSection]

    @property
    def subtitle(self) -> str:
        return _("Quotes by theme. Coding: %(coder)s.") % {"coder": self.coder}


def quotes_document(*, study: Study, coder_key: str = "") -> QuotesDocument:
    """The study's quotes by theme, of one coder or all, read through the study's queries."""
    coder = chosen_coder(study_coders(study), coder_key)
    return QuotesDocument(study=study, coder=coder_description(coder),
                          sections=quotes_by_theme(study=study, coder_key=coder_key))


def theme_facts(theme: Theme) -> str:
    """The origin of a theme and, for a deductive one, its reference."""
    origin = str(Theme.Origin(theme.origin).label)
    if theme.reference:
        return _("%(origin)s. Reference: %(reference)s") % {"origin": origin,
                                                            "reference": theme.reference}
    return origin


def heading_level(section: ThemeSection) -> int:
    # Level 1 is for the document's parts; a top-level theme is level 2.
    return min(section.depth + 2, MAX_HEADING_LEVEL)


# --- DOCX -----------------------------------------------------------------------------

# The elements after w:bidi in a paragraph's properties (ECMA-376 order).
_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
               "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
               "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _right_to_left(paragraph: DocxParagraph) -> None:
    properties = paragraph._p.get_or_add_pPr()
    if properties.find(docx.oxml.ns.qn("w:bidi")) is None:
        properties.insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)
    for run in paragraph.runs:
        run.font.rtl = True


def _docx_paragraph(document: DocxDocument, parts: Iterable[tuple[str, bool]],
                    style: str | None = None, *, direction_of: str | None = None
                    ) -> DocxParagraph:
    """A paragraph of runs (text, bold), right to left when ``direction_of`` (or its first
    run) starts in a right-to-left script. Added before the body's section properties
    directly and styled by id: python-docx's ``add_paragraph`` looks the style up by name and
    scans the whole body for each paragraph, minutes for a study with thousands of quotes."""
    parts = [(xml_text(text), bold) for text, bold in parts]
    element = OxmlElement("w:p")
    _section_properties(document).addprevious(element)
    paragraph = DocxParagraph(element, document._body)
    if style is not None:
        element.style = _style_id(document, style)
    for text, bold in parts:
        paragraph.add_run(text).bold = bold or None
    if is_rtl(direction_of if direction_of is not None else parts[0][0] if parts else ""):
        _right_to_left(paragraph)
    return paragraph


def _section_properties(document: DocxDocument) -> Any:
    """The body's last child, before which every paragraph goes; found once per document."""
    found = document.__dict__.get("_praxis_section_properties")
    if found is None:
        found = document.element.body.get_or_add_sectPr()
        document.__dict__["_praxis_section_properties"] = found
    return found


def _style_id(document: DocxDocument, name: str) -> str:
    """A paragraph style's id by its name, looked up once per document."""
    ids: dict[str, str] = document.__dict__.setdefault("_praxis_style_ids", {})
    if name not in ids:
        ids[name] = document.styles[name].style_id
    return ids[name]


def _docx_heading(document: DocxDocument, text: str, level: int) -> None:
    paragraph = document.add_heading(xml_text(text), level)
    if is_rtl(text):
        _right_to_left(paragraph)


def write_docx(content: QuotesDocument, stream: IO[bytes]) -> None:
    study = content.study
    document = docx.Document()
    document.core_properties.title = xml_text(study.title)[:255]
    _docx_heading(document, study.title, 0)
    _docx_paragraph(document, [(content.subtitle, False)], direction_of=study.title)
    if study.ethics_reference:
        _docx_paragraph(document, [(_("Ethics approval: %(reference)s")
                                    % {"reference": study.ethics_reference}, False)])
    _docx_heading(document, _("Research questions"), 1)
    for question in study.questions:
        _docx_paragraph(document, [(question, False)], "List Number")
    _docx_heading(document, _("Themes"), 1)
    for section in content.sections:
        theme = section.theme
        _docx_heading(document, theme.name, heading_level(section))
        _docx_paragraph(document, [(theme_facts(theme), False)])
        if theme.definition:
            _docx_paragraph(document, [(theme.definition, False)])
        if not section.groups:
            _docx_paragraph(document, [(_("No quotes yet."), False)])
        for group in section.groups:
            _docx_paragraph(document, [(group.code, True)])
            for quote in group.quotes:
                _docx_paragraph(document, [(quote.text, False), (f" ({quote.citation})", False)],
                                "Quote", direction_of=quote.text)
    buffer = io.BytesIO()
    document.save(buffer)
    stream.write(buffer.getvalue())


# --- ODT ------------------------------------------------------------------------------

_ODT_STYLES = """
<style:style style:name="Title" style:display-name="Title" style:family="paragraph"
  style:parent-style-name="Heading" style:next-style-name="Text_20_body"
  style:class="chapter">
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-size="200%" fo:font-weight="bold"/>
</style:style>
<style:style style:name="Quotations" style:display-name="Quotations" style:family="paragraph"
  style:parent-style-name="Standard" style:class="html">
  <style:paragraph-properties fo:margin-left="1cm" fo:margin-right="1cm"
    fo:margin-top="0cm" fo:margin-bottom="0.25cm"/>
</style:style>
<style:style style:name="Participant" style:display-name="Participant"
  style:family="paragraph" style:parent-style-name="Text_20_body">
  <style:paragraph-properties fo:keep-with-next="always"/>
  <style:text-properties fo:font-weight="bold"/>
</style:style>
<style:style style:name="Citation" style:display-name="Citation" style:family="text">
  <style:text-properties fo:font-style="normal"/>
</style:style>
"""


def _style(xml: str) -> Style:
    style = Element.from_tag(" ".join(xml.split()))
    assert isinstance(style, Style)  # odfdo makes a <style:style> a Style
    return style


class _OdtStyles:
    """Named paragraph styles and, once each, their right-to-left variants."""

    def __init__(self, document: OdfDocument) -> None:
        self.document = document
        self.rtl: set[str] = set()
        for xml in re.findall(r"<style:style .*?</style:style>", _ODT_STYLES, re.S):
            document.insert_style(_style(xml))

    def style(self, name: str, text: str) -> str:
        if not is_rtl(text):
            return name
        variant = f"{name}_RTL"
        if variant not in self.rtl:
            self.document.insert_style(_style(
                f'<style:style style:name="{variant}" style:family="paragraph" '
                f'style:parent-style-name="{name}">'
                '<style:paragraph-properties style:writing-mode="rl-tb" '
                'fo:text-align="start"/></style:style>'))
            self.rtl.add(variant)
        return variant


def write_odt(content: QuotesDocument, stream: IO[bytes]) -> None:
    study = content.study
    document = OdfDocument("text")
    document.body.clear()
    document.meta.title = xml_text(study.title)
    styles = _OdtStyles(document)
    body = document.body

    def paragraph(text: str, style: str, direction_of: str | None = None) -> Paragraph:
        element = Paragraph(xml_text(text),
                            style=styles.style(style, direction_of or text))
        body.append(element)
        return element

    def heading(text: str, level: int) -> None:
        element = Header(level, xml_text(text))
        element.style = styles.style(f"Heading_20_{level}", text)
        body.append(element)

    paragraph(study.title, "Title")
    paragraph(content.subtitle, "Text_20_body", study.title)
    if study.ethics_reference:
        paragraph(_("Ethics approval: %(reference)s") % {"reference": study.ethics_reference},
                  "Text_20_body")
    heading(_("Research questions"), 1)
    for number, question in enumerate(study.questions, start=1):
        paragraph(f"{number}. {question}", "Text_20_body", question)
    heading(_("Themes"), 1)
    for section in content.sections:
        theme = section.theme
        heading(theme.name, heading_level(section))
        paragraph(theme_facts(theme), "Text_20_body")
        if theme.definition:
            paragraph(theme.definition, "Text_20_body")
        if not section.groups:
            paragraph(_("No quotes yet."), "Text_20_body")
        for group in section.groups:
            paragraph(group.code, "Participant")
            for quote in group.quotes:
                block = paragraph(quote.text, "Quotations")
                block.append(Span(f" ({quote.citation})", style="Citation"))
    buffer = io.BytesIO()
    document.save(buffer)
    stream.write(buffer.getvalue())
