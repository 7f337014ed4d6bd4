"""Reading a Moodle backup's XML files safely, and in a stream when they are large.

Moodle writes plain UTF-8 XML with no document type declaration, so any file that has one
was not written by Moodle: it is refused before the parser sees it, which shuts out entity
expansion ("billion laughs"), external entities and parameter entities at once. The parser
is also told never to load a DTD, resolve an entity or touch the network, as a second guard.

``iter_elements`` walks a file of any size holding one element in memory at a time; the
small files (``moodle_backup.xml``, ``groups.xml``, ``roles.xml``) are read whole with
``parse_small``. The helpers ``text``, ``integer`` and ``moodle_time`` read a child's value
the way Moodle writes it (``$@NULL@$`` for NULL, Unix seconds for times).
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

from praxis.interop.moodle.records import MoodleImportError

MOODLE_NULL = "$@NULL@$"
# The part of a file read to check what comes before its root element.
PROLOG_BYTES = 1024 * 1024
# parse_small holds the whole tree in memory; a file this big must be streamed instead.
SMALL_FILE_MAX_BYTES = 256 * 1024 * 1024

# huge_tree stays off: it would lift libxml2's own limits (10 MB per text, nesting depth),
# and a post larger than 10 MB of text is not something a forum holds.
_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_pis": True,
}


class _RefuseEverything(etree.Resolver):
    """Asked for the file itself, which it leaves to libxml2, and for anything that slipped
    past the other guards, which it refuses: nothing else is ever read or fetched."""

    def __init__(self, own_path: str) -> None:
        super().__init__()
        self.own_path = own_path

    def resolve(self, system_url: str, public_id: str, context: object) -> Any:
        if system_url == self.own_path:
            return None
        raise MoodleImportError(
            _("The backup asked to read “%(url)s”; it was refused.") % {"url": system_url})


def shown_name(path: Path) -> str:
    """The file's name as a steward sees it in the backup: its path below the folder that
    holds ``moodle_backup.xml`` (``activities/forum_3/forum.xml``), else its own name."""
    for folder in list(path.parents)[:5]:
        if (folder / "moodle_backup.xml").is_file():
            return path.relative_to(folder).as_posix()
    return path.name


def iter_elements(path: Path, tag: str, *, label: str | None = None
                  ) -> Iterator[etree._Element]:
    """Each complete ``<tag>`` element of the file, in document order.

    Once the caller asks for the next one, the previous element is emptied and removed with
    every sibling before it, so memory stays flat however long the file is: copy what you
    need from an element before moving on. Elements outside the ``<tag>`` siblings (the
    forum's name before its ``<discussions>``) stay, reachable through ``getparent()``.
    """
    shown = label or shown_name(path)
    _refuse_declarations(path, shown)
    checked = False
    try:
        context = etree.iterparse(str(path), events=("end",), tag=tag, **_PARSER_OPTIONS)
        context.resolvers.add(_RefuseEverything(str(path)))
        for _event, element in context:
            if not checked:
                _refuse_dtd(element.getroottree(), shown)
                checked = True
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        raise _malformed(shown, error) from None
    except OSError as error:
        raise _unreadable(shown, error) from None


def parse_small(path: Path, *, label: str | None = None) -> etree._Element:
    """The root element of a small file, read whole, with the same protections."""
    shown = label or shown_name(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise _unreadable(shown, error) from None
    if size > SMALL_FILE_MAX_BYTES:
        raise MoodleImportError(
            _("“%(file)s” is %(size)s MB, far larger than Moodle writes this file; "
              "it was refused.") % {"file": shown, "size": size // (1024 * 1024)})
    _refuse_declarations(path, shown)
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    parser.resolvers.add(_RefuseEverything(str(path)))
    try:
        # Fed in chunks: etree.parse would report a bad byte as an OSError with no line.
        with path.open("rb") as stream:
            while chunk := stream.read(1024 * 1024):
                parser.feed(chunk)
        tree = parser.close().getroottree()
    except etree.XMLSyntaxError as error:
        raise _malformed(shown, error) from None
    except OSError as error:
        raise _unreadable(shown, error) from None
    tree.docinfo.URL = str(path)  # so that a bad value names the file and line
    _refuse_dtd(tree, shown)
    return tree.getroot()


def text(element: etree._Element, name: str, default: str = "") -> str:
    """The text of the child ``name``; ``default`` when it is absent, empty or NULL."""
    child = element.find(name)
    if child is None or child.text is None or child.text == MOODLE_NULL:
        return default
    return child.text


def integer(element: etree._Element, name: str, default: int = 0) -> int:
    """The whole number in the child ``name``; ``default`` when it is absent, empty or NULL."""
    value = text(element, name).strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise _bad_value(element, name, value) from None


def moodle_time(element: etree._Element, name: str) -> datetime | None:
    """The child ``name`` read as Moodle's Unix seconds, as an aware UTC time; None for
    Moodle's "never" (0), an empty value or NULL."""
    seconds = integer(element, name)
    if seconds <= 0:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise _bad_value(element, name, str(seconds)) from None


def _refuse_declarations(path: Path, shown: str) -> None:
    """Refuse a file whose prolog (what comes before the root element) declares anything."""
    try:
        with path.open("rb") as stream:
            head = stream.read(PROLOG_BYTES)
            whole = len(head) < PROLOG_BYTES or not stream.read(1)
    except OSError as error:
        raise _unreadable(shown, error) from None
    prolog = _decode_head(head)
    position = 0
    while True:
        while position < len(prolog) and prolog[position] in " \t\r\n\ufeff":
            position += 1
        if prolog.startswith("<?", position):
            end, skip = prolog.find("?>", position + 2), 2
        elif prolog.startswith("<!--", position):
            end, skip = prolog.find("-->", position + 4), 3
        elif prolog.startswith("<!", position):
            raise _declares(shown)
        else:
            return  # the root element starts here, or the parser will say what is wrong
        if end < 0:
            if whole:
                return  # an unfinished prolog: the parser reports it as malformed
            raise MoodleImportError(
                _("“%(file)s” does not start the way Moodle's XML files do, so it was refused.")
                % {"file": shown})
        position = end + skip


def _decode_head(head: bytes) -> str:
    # Moodle writes UTF-8; a UTF-16 or UTF-32 file is decoded only so that a declaration
    # hidden in it is still seen. Latin-1 maps every byte, which is all the scan needs.
    for marks, encoding in (((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"), "utf-32"),
                            ((b"\xff\xfe", b"\xfe\xff"), "utf-16"),
                            ((b"<\x00\x00\x00",), "utf-32-le"), ((b"\x00\x00\x00<",), "utf-32-be"),
                            ((b"<\x00",), "utf-16-le"), ((b"\x00<",), "utf-16-be")):
        if head.startswith(marks):
            return head.decode(encoding, errors="replace")
    return head.decode("latin-1")


def _refuse_dtd(tree: etree._ElementTree, shown: str) -> None:
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise _declares(shown)


def _declares(shown: str) -> MoodleImportError:
    return MoodleImportError(
        _("“%(file)s” contains a document type declaration; Moodle backups never do, "
          "so it was refused.") % {"file": shown})


def _malformed(shown: str, error: etree.XMLSyntaxError) -> MoodleImportError:
    line = error.lineno or (error.position[0] if error.position else 0)
    detail = (error.msg or "").lower()
    if "encoding" in detail or "utf-8" in detail:
        message = _("“%(file)s” has text that is not valid UTF-8 at line %(line)s; "
                    "the backup is damaged.")
    elif "huge" in detail:
        message = _("“%(file)s” has a text over 10 MB long at line %(line)s, more than "
                    "Praxis reads from one post.")
    else:
        message = _("“%(file)s” is not well-formed XML (the problem is at line %(line)s); "
                    "the backup is damaged or incomplete.")
    return MoodleImportError(message % {"file": shown, "line": line})


def _unreadable(shown: str, error: OSError) -> MoodleImportError:
    if isinstance(error, FileNotFoundError):
        return MoodleImportError(_("The backup has no “%(file)s”.") % {"file": shown})
    return MoodleImportError(_("“%(file)s” could not be read.") % {"file": shown})


def _bad_value(element: etree._Element, name: str, value: str) -> MoodleImportError:
    shown = shown_name(Path(element.base)) if element.base else ""
    return MoodleImportError(
        _("“%(file)s”, line %(line)s: <%(name)s> should be a whole number, not “%(value)s”.")
        % {"file": shown, "line": element.sourceline, "name": name, "value": value[:40]})
