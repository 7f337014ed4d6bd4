"""A whole topic as a PDF, to read offline, print or archive: the same content as the HTML
download (``offline.offline_topic``), so the door and hidden posts are decided once.

fpdf2 writes the file with the vendored Vazirmatn font (Latin and Persian/Arabic script, SIL
Open Font License, in ``fonts/``) and HarfBuzz shaping, so Persian letters join and run right
to left. Each paragraph of what members wrote runs in the direction of its first strong
letter; the headings and labels run in the reader's language's direction.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from praxis.communities.models import Community
from praxis.core.templatetags.praxis import isolated, localnumber, when
from praxis.interop.queries import OfflinePost, OfflineThread, OfflineTopic
from praxis.topics.models import Topic

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "Vazirmatn"

Colour = tuple[int, int, int]
INK = (27, 31, 36)
MUTED = (77, 85, 97)
RULE = (201, 208, 216)
INDENT_STEP = 6.0  # mm per reply level
LINE_HEIGHT = 0.3528 * 1.5  # mm per point of font size: 1.5 lines

RTL, LTR = "rtl", "ltr"


# From sanitised post HTML to plain blocks ----------------------------------------------------

@dataclass(frozen=True)
class Block:
    """One paragraph of plain text; ``kind`` says how it is set: "p", "heading", "quote",
    "code" or "item" (a list item, ``level`` deep)."""

    text: str
    kind: str = "p"
    level: int = 0


_BLOCK_TAGS = {"p", "blockquote", "pre", "h3", "h4", "h5", "h6", "li", "tr", "table",
               "ul", "ol", "hr"}
_SPACES = re.compile(r"[ \t\r\n\f]+")
# Hebrew, Arabic, Syriac, Thaana, N'Ko...; the Arabic presentation forms; the bidi controls.
_NEEDS_SHAPING = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


class _BlockParser(HTMLParser):
    """Reads the tags ``core.markdown`` lets through; links keep their address as text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._text: list[str] = []
        self._lists: list[list[int]] = []  # per open list: [next number] or [] for bullets
        self._quote = 0
        self._pre = 0
        self._heading = False
        self._cells: list[str] | None = None
        self._href: str | None = None
        self._link_text: list[str] = []

    def _flush(self) -> None:
        raw = "".join(self._text)
        self._text = []
        text = raw.strip("\n") if self._pre else _SPACES.sub(" ", raw).strip()
        if not text:
            return
        if self._heading:
            kind = "heading"
        elif self._pre:
            kind = "code"
        elif self._lists:
            kind = "item"
        elif self._quote:
            kind = "quote"
        else:
            kind = "p"
        self.blocks.append(Block(text=text, kind=kind, level=len(self._lists)))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
        if tag == "br":
            self._text.append("\n")
        elif tag == "blockquote":
            self._quote += 1
        elif tag == "pre":
            self._pre += 1
        elif tag in ("h3", "h4", "h5", "h6"):
            self._heading = True
        elif tag == "ul":
            self._lists.append([])
        elif tag == "ol":
            start = dict(attrs).get("start") or "1"
            self._lists.append([int(start) if start.isdigit() else 1])
        elif tag == "li" and self._lists:
            numbering = self._lists[-1]
            if numbering:
                self._text.append(f"{localnumber(numbering[0])}. ")
                numbering[0] += 1
            else:
                self._text.append("• ")
        elif tag == "tr":
            self._cells = []
        elif tag in ("td", "th") and self._cells is not None:
            self._cells.append("")
        elif tag == "a":
            self._href = dict(attrs).get("href") or None
            self._link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            label = "".join(self._link_text).strip()
            address = self._href.removeprefix("mailto:")
            if address not in label:
                self._write(f" ({isolate(self._href)})")
            self._href = None
        elif tag in ("td", "th") and self._cells is not None:
            return
        elif tag == "tr" and self._cells is not None:
            cells, self._cells = self._cells, None
            self._text.append(" | ".join(_SPACES.sub(" ", c).strip() for c in cells))
            self._flush()
            return
        if tag in _BLOCK_TAGS:
            self._flush()
        if tag == "blockquote":
            self._quote = max(0, self._quote - 1)
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
        elif tag in ("h3", "h4", "h5", "h6"):
            self._heading = False
        elif tag in ("ul", "ol") and self._lists:
            self._lists.pop()

    def _write(self, data: str) -> None:
        if self._cells is not None and self._cells:
            self._cells[-1] += data
        else:
            self._text.append(data)

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._link_text.append(data)
        self._write(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_blocks(html: str) -> list[Block]:
    """The paragraphs of sanitised HTML (a post's ``body_html``, the synthesis) as text."""
    parser = _BlockParser()
    parser.feed(html or "")
    parser.close()
    return parser.blocks


def text_blocks(text: str) -> list[Block]:
    """Plain text (a summary, the apply prompt) cut into paragraphs at blank lines."""
    paragraphs = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n"))
    return [Block(text=p.strip()) for p in paragraphs if p.strip()]


def isolate(text: str) -> str:
    """Sets a name or an address apart from the text around it (like HTML's ``<bdi>``), so
    a Latin name followed by Persian digits, or an address ending in "/", keeps its order
    in a line of the other direction."""
    return isolated(text)


def direction_of(text: str, default: str) -> str:
    """Right to left when the first strong letter is Hebrew or Arabic script; ``default``
    when there is no strong letter at all (numbers, punctuation)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return LTR
        if kind in ("R", "AL"):
            return RTL
    return default


# The document --------------------------------------------------------------------------------

class TopicDocument(FPDF):
    """A4 pages in Vazirmatn with a page number in the footer; ``page_direction`` is the
    reader's language's."""

    def __init__(self, *, page_direction: str, page_label: Callable[[int], str]) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.page_direction = page_direction
        self.page_label = page_label
        self.add_font(FAMILY, "", str(FONTS / "Vazirmatn-Regular.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "Vazirmatn-Bold.ttf"))
        self.set_text_shaping(True)
        # No "{nb}" alias: members' text must come out as they wrote it.
        self.alias_nb_pages("")
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_font(FAMILY, "", 10.5)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FAMILY, "", 8.5)
        self.set_text_color(*MUTED)
        label = self.page_label(self.page_no())
        self._shaped(self.page_direction, label)
        self.cell(0, 6, label, align="C")

    def _shaped(self, direction: str, text: str = "") -> None:
        # Shaping (HarfBuzz) is what joins Persian letters and orders mixed lines, but it
        # positions every glyph: plain left-to-right text is set without it, at a fraction
        # of the time and file size.
        if direction == LTR and not _NEEDS_SHAPING.search(text):
            self.set_text_shaping(False)
        else:
            self.set_text_shaping(True, direction=direction)

    def paragraph(self, text: str, *, size: float = 10.5, bold: bool = False,
                  colour: Colour = INK, indent: float = 0.0, direction: str | None = None,
                  after: float = 1.6) -> None:
        """Writes one paragraph over the text width less ``indent`` (on the side the page
        starts from), aligned to the side its direction starts from: its first strong
        letter's unless ``direction`` says."""
        if not text.strip():
            return
        own = direction or direction_of(text, self.page_direction)
        self._shaped(own, text)
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*colour)
        width = self.epw - indent
        x = self.l_margin + (indent if self.page_direction == LTR else 0.0)
        self.set_x(x)
        self.multi_cell(width, size * LINE_HEIGHT, text, align="R" if own == RTL else "L",
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(after)

    def label(self, text: str, *, size: float = 10.5, bold: bool = False,
              colour: Colour = INK, indent: float = 0.0, after: float = 1.6) -> None:
        """A heading or label of ours: in the reader's direction, whatever it holds."""
        self.paragraph(text, size=size, bold=bold, colour=colour, indent=indent,
                       direction=self.page_direction, after=after)

    def heading(self, text: str, *, size: float = 14) -> None:
        self.ln(1.5)
        self.label(text, size=size, bold=True, after=2)

    def rule(self) -> None:
        self.set_draw_color(*RULE)
        self.set_line_width(0.3)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)

    def reply_mark(self, *, indent: float, page: int, top: float) -> None:
        """The line beside a reply, on the side the page starts from, as the web shows it:
        it makes the nesting visible even where a reply's text is of the other direction
        (an English reply in a Persian topic starts at the left, whatever its indent)."""
        if indent <= 0:
            return
        edge = (self.l_margin + indent - 2.5 if self.page_direction == LTR
                else self.w - self.r_margin - indent + 2.5)
        self.set_draw_color(*RULE)
        self.set_line_width(0.5)
        for number in range(page, self.page_no() + 1):
            self.page = number
            start = top if number == page else self.t_margin
            end = self.get_y() if number == self.page_no() else self.h - self.b_margin
            self.line(edge, start, edge, end - 1)
        self.page = self.page_no()

    def blocks(self, blocks: list[Block], *, indent: float = 0.0) -> None:
        for block in blocks:
            if block.kind == "heading":
                self.paragraph(block.text, bold=True, indent=indent)
            elif block.kind == "quote":
                self.paragraph(block.text, colour=MUTED, indent=indent + INDENT_STEP)
            elif block.kind == "code":
                self.paragraph(block.text, size=9.5, indent=indent + INDENT_STEP / 2)
            elif block.kind == "item":
                self.paragraph(block.text, indent=indent + INDENT_STEP * block.level / 2,
                               after=0.8)
            else:
                self.paragraph(block.text, indent=indent)


def _facilitators(topic: Topic) -> str:
    comma = "، " if translation.get_language_bidi() else ", "
    return comma.join(isolate(str(person)) for person in topic.facilitators.all())


def _thread(doc: TopicDocument, item: OfflineThread) -> None:
    thread = item.thread
    doc.paragraph(thread.title, size=12.5, bold=True, after=0.6)
    kind = str(thread.get_kind_display())
    if thread.created_by:
        kind = f"{kind} · {isolate(str(thread.created_by))}"
    doc.label(kind, size=9, colour=MUTED, after=2.4)
    if not item.posts:
        doc.label(_("No posts yet."), colour=MUTED)
    for entry in item.posts:
        _post(doc, entry)
    doc.ln(2)


def _post(doc: TopicDocument, entry: OfflinePost) -> None:
    indent = entry.indent * INDENT_STEP
    page, top = doc.page_no(), doc.get_y()
    _post_text(doc, entry, indent)
    doc.reply_mark(indent=indent, page=page, top=top)
    doc.ln(1.2)


def _post_text(doc: TopicDocument, entry: OfflinePost, indent: float) -> None:
    post = entry.post
    meta = f"{isolate(str(post.author))} · {when(post.created_at, 'datetime')}"
    if post.edited_at:
        meta += f" · {_('edited')}"
    doc.label(meta, size=9, bold=True, colour=MUTED, indent=indent, after=0.6)
    if not entry.show_body:
        doc.label(_("This post was hidden by a moderator."), colour=MUTED, indent=indent)
        return
    if post.is_hidden:
        doc.label(_("Hidden by a moderator: only you and the moderators see it."),
                  colour=MUTED, indent=indent)
    doc.blocks(html_blocks(post.body_html), indent=indent)


def render_pdf(content: OfflineTopic, *, community: Community, topic_url: str,
               seed_url: str) -> bytes:
    """The topic as PDF bytes, in the active language (its direction, its dates)."""
    topic = content.topic
    page_direction = RTL if translation.get_language_bidi() else LTR
    doc = TopicDocument(
        page_direction=page_direction,
        page_label=lambda number: _("Page %(number)s") % {"number": localnumber(number)},
    )
    doc.set_title(topic.title)
    doc.set_creator("Praxis")
    doc.set_lang(translation.get_language() or "en")
    doc.add_page()

    doc.paragraph(community.name, size=10, colour=MUTED, after=0.5)
    doc.paragraph(topic.title, size=19, bold=True, after=2.5)
    dates = [(_("Starts"), when(topic.starts_at, "datetime")),
             (_("Apply phase from"), when(topic.apply_from, "datetime")),
             (_("Ends"), when(topic.ends_at, "datetime"))]
    if topic.archived_at:
        dates.append((_("Archived"), when(topic.archived_at)))
    for name, value in dates:
        doc.label(f"{name}: {value}", size=9.5, after=0.4)
    doc.ln(1.5)
    facilitators = _facilitators(content.topic)
    if facilitators:
        doc.label(f"{_('Facilitators')}: {facilitators}", size=9.5)
    doc.label(f"{_('Online at')}: {isolate(topic_url)}", size=9, colour=MUTED, after=3)
    doc.rule()

    if topic.summary:
        doc.heading(_("What this topic is about"))
        doc.blocks(text_blocks(topic.summary))

    doc.heading(_("Seed article"))
    resource = topic.seed_resource
    if resource:
        doc.paragraph(resource.title, bold=True)
        if resource.citation:
            doc.paragraph(resource.citation, colour=MUTED)
        if resource.kind == resource.Kind.LINK and resource.url:
            doc.label(isolate(resource.url))
        else:
            doc.label(f"{_('Download')}: {isolate(seed_url)}")
    else:
        doc.label(_("The facilitators have not added the article yet."))

    if topic.apply_prompt:
        doc.heading(_("Apply it to your own context"))
        doc.blocks(text_blocks(topic.apply_prompt))

    for heading, threads in content.sections:
        doc.ln(2)
        doc.rule()
        doc.heading(heading, size=15)
        for item in threads:
            _thread(doc, item)

    if topic.synthesis_published_at:
        doc.ln(2)
        doc.rule()
        doc.heading(_("Closing synthesis"), size=15)
        doc.blocks(html_blocks(topic.synthesis_html))
        doc.label(_("Published %(date)s") % {"date": when(topic.synthesis_published_at)},
                  size=9, colour=MUTED)
    return bytes(doc.output())
