"""Moodle's text formats into the Markdown that Praxis stores and renders.

Moodle keeps a post as text plus a format: 0 auto-format (plain text where HTML is allowed,
line breaks kept, URLs linked), 1 HTML, 2 plain text, 4 Markdown. Everything becomes
CommonMark that ``praxis.core.markdown.render_markdown`` shows as the author meant it.
HTML is first cleaned with nh3 (scripts, styles, frames, event handlers and inline styles
go), then turned into Markdown by markdownify. Files named ``@@PLUGINFILE@@/...`` are
looked up with the caller's ``resolve_file``.
"""

import html
import re
import warnings
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import nh3
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, NavigableString
from django.utils.translation import gettext as _
from markdownify import ATX, BACKSLASH, MarkdownConverter

FORMAT_MOODLE = 0
FORMAT_HTML = 1
FORMAT_PLAIN = 2
FORMAT_MARKDOWN = 4
PLUGINFILE = "@@PLUGINFILE@@"

FileResolver = Callable[[str], str | None]

_KEPT_TAGS = {
    "p", "br", "hr", "div", "span", "strong", "b", "em", "i", "u", "del", "s", "strike",
    "code", "pre", "kbd", "blockquote", "q", "ul", "ol", "li", "dl", "dt", "dd", "a", "img",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
    "caption", "sub", "sup", "figure", "figcaption", "section", "article",
}
_KEPT_ATTRIBUTES = {
    "a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"colspan"},
    "td": {"colspan"}, "ol": {"start"},
}
# Tags whose content is not text a reader should see (frames' fallback, scripts, forms).
_DROPPED_WITH_CONTENT = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "noscript",
    "template", "textarea", "select", "title", "head", "svg", "math", "audio", "video",
}
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING_PUNCTUATION = ".,;:!?'\")]}"
_MARKDOWN_ESCAPE = re.compile(r"([\\`*_\[\]<>#|~&])")
_LINE_START_MARKER = re.compile(r"^([-+=])|^(\d{1,9})([.)])")
_ESCAPED_PUNCTUATION = re.compile(r"\\([!-/:-@\[-`{-~])")
_DESTINATION_UNSAFE = re.compile(r"[\s<>()\\\x00-\x1f\x7f]")
_MARKDOWN_FILE_LINK = re.compile(
    r"(!?)\[((?:\\.|[^\]\\])*)\]\(<?" + re.escape(PLUGINFILE) + r"(/[^)\s>]*)>?"
    r"(?:\s+\"(?:\\.|[^\"\\])*\")?\)"
)


def to_markdown(text: str, text_format: int, *, resolve_file: FileResolver) -> str:
    """Moodle text in ``text_format`` as Praxis Markdown. Never raises on odd input; an
    unknown format is read as auto-format, which is what Moodle does with it."""
    text = text or ""
    if text_format == FORMAT_MARKDOWN:
        return _resolve_markdown_files(text, resolve_file)
    if text_format == FORMAT_PLAIN:
        return _plain_to_markdown(text)
    if text_format != FORMAT_HTML:
        text = _auto_format_to_html(text)
    return _html_to_markdown(text, resolve_file)


def plain_subject(text: str, max_length: int = 255) -> str:
    """A subject or title as one line of plain text: tags stripped, entities decoded,
    whitespace collapsed, cut to ``max_length`` characters."""
    stripped = nh3.clean(text or "", tags=set(), clean_content_tags={"script", "style"})
    plain = " ".join(html.unescape(stripped).split())
    return plain[:max_length].rstrip()


def missing_file_note(path_and_name: str) -> str:
    name = path_and_name.rsplit("/", 1)[-1]
    return _("(file not in the backup: %(name)s)") % {"name": name}


def escape_markdown(text: str) -> str:
    """Text that Markdown shows literally (inline: no line-start markers)."""
    return _MARKDOWN_ESCAPE.sub(r"\\\1", text)


def _auto_format_to_html(text: str) -> str:
    # As Moodle's text_to_html(): returns beside tags are spaces, other returns are <br>.
    text = re.sub(r">\s+<", "><", text)
    text = re.sub(r"[\r\n]<", " <", text)
    text = re.sub(r">[\r\n]", "> ", text)
    return re.sub(r"\r\n|\r|\n", "<br>\n", text)


def _plain_to_markdown(text: str) -> str:
    paragraphs: list[list[str]] = [[]]
    for raw_line in re.split(r"\r\n|\r|\n", text):
        line = raw_line.replace("\xa0", " ").strip()
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        paragraphs[-1].append(_plain_line(line))
    return "\n\n".join("\\\n".join(lines) for lines in paragraphs if lines)


def _plain_line(line: str) -> str:
    pieces: list[str] = []
    position = 0
    for match in _URL.finditer(line):
        url, _trail = _split_trailing_punctuation(match.group(0))
        pieces.append(escape_markdown(line[position:match.start()]))
        pieces.append(f"<{_href(url)}>")
        position = match.start() + len(url)
    pieces.append(escape_markdown(line[position:]))
    escaped = "".join(pieces)
    return _LINE_START_MARKER.sub(
        lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", escaped
    )


def _split_trailing_punctuation(url: str) -> tuple[str, str]:
    end = len(url)
    while end and url[end - 1] in _URL_TRAILING_PUNCTUATION:
        # A closing bracket that closes one opened inside the URL belongs to it.
        if url[end - 1] == ")" and url[:end].count("(") >= url[:end].count(")"):
            break
        end -= 1
    return url[:end], url[end:]


def _href(url: str) -> str:
    return url if "://" in url else f"http://{url}"


def _resolve_markdown_files(text: str, resolve_file: FileResolver) -> str:
    def replace(match: re.Match[str]) -> str:
        path = _pluginfile_path(PLUGINFILE + match.group(3))
        url = resolve_file(path)
        if url is None:
            label = match.group(2)
            return f"{label} {escape_markdown(missing_file_note(path))}".strip()
        return f"{match.group(1)}[{match.group(2)}]({_destination(url)})"

    return _MARKDOWN_FILE_LINK.sub(replace, text)


def _pluginfile_path(reference: str) -> str:
    """``@@PLUGINFILE@@/photo%201.png?time=1`` -> ``/photo 1.png``."""
    path = re.split(r"[?#]", reference[len(PLUGINFILE):], maxsplit=1)[0]
    path = unquote(path)
    return path if path.startswith("/") else f"/{path}"


def _destination(url: str) -> str:
    return _DESTINATION_UNSAFE.sub(lambda m: f"%{ord(m.group(0)):02X}", url)


def _html_to_markdown(text: str, resolve_file: FileResolver) -> str:
    cleaned = nh3.clean(
        text,
        tags=_KEPT_TAGS,
        attributes=_KEPT_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        clean_content_tags=_DROPPED_WITH_CONTENT,
        strip_comments=True,
        link_rel=None,
    )
    with warnings.catch_warnings():
        # A post whose whole text is an address or a file name is still a post, not a
        # mistake to warn about.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(cleaned, "html.parser")
    _prepare_text(soup)
    converter = _PraxisConverter(
        resolve_file=resolve_file, heading_style=ATX, newline_style=BACKSLASH,
        escape_misc=True, bullets="-",
    )
    markdown = converter.convert_soup(soup)
    markdown = re.sub(r"[ \t]+\n", "\n", markdown)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()


def _prepare_text(soup: BeautifulSoup) -> None:
    """Non-breaking spaces become spaces; bare URLs outside links and code become links
    (Moodle's URL-to-link filter does this when it shows a post)."""
    for node in list(soup.find_all(string=True)):
        text = str(node)
        if "\xa0" in text:
            text = text.replace("\xa0", " ")
        in_link_or_code = node.find_parent(["a", "pre", "code"]) is not None
        if in_link_or_code or not _URL.search(text):
            if text != str(node):
                node.replace_with(NavigableString(text))
            continue
        pieces: list[Any] = []
        position = 0
        for match in _URL.finditer(text):
            url, _trail = _split_trailing_punctuation(match.group(0))
            pieces.append(NavigableString(text[position:match.start()]))
            link = soup.new_tag("a", href=_href(url))
            link.string = url
            pieces.append(link)
            position = match.start() + len(url)
        pieces.append(NavigableString(text[position:]))
        node.replace_with(*pieces)


class _PraxisConverter(MarkdownConverter):  # type: ignore[misc]
    options: dict[str, Any]

    def __init__(self, *, resolve_file: FileResolver, **options: Any) -> None:
        super().__init__(**options)
        self.resolve_file = resolve_file

    def _resolve(self, reference: str) -> tuple[str | None, str]:
        """The URL to use for ``reference`` (None: a file the backup lacks), and the note."""
        if not reference.startswith(PLUGINFILE):
            return reference, ""
        path = _pluginfile_path(reference)
        url = self.resolve_file(path)
        return url, ("" if url else escape_markdown(missing_file_note(path)))

    def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags:
            return text
        stripped = text.strip()
        href, note = self._resolve(el.get("href") or "")
        if not stripped:
            return note
        if not href:
            return f"{text} {note}" if note else text
        if not el.get("title") and _ESCAPED_PUNCTUATION.sub(r"\1", stripped) == href \
                and re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>]*", href):
            return text.replace(stripped, f"<{href}>")
        title_part = _title_part(el.get("title") or "")
        return text.replace(stripped, f"[{stripped}]({_destination(href)}{title_part})")

    def convert_img(self, el: Any, text: str, parent_tags: set[str]) -> str:
        alt = escape_markdown(" ".join((el.get("alt") or "").split()))
        src, note = self._resolve(el.get("src") or "")
        if not src:
            return f"{alt} {note}".strip()
        if "_inline" in parent_tags and el.parent.name not in self.options["keep_inline_images_in"]:
            return alt
        title_part = _title_part(el.get("title") or "")
        return f"![{alt}]({_destination(src)}{title_part})"


def _title_part(title: str) -> str:
    if not title:
        return ""
    return ' "{}"'.format(title.replace("\\", "\\\\").replace('"', '\\"'))
