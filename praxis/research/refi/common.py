"""What the REFI-QDA export and import share: the namespaces, GUIDs, the safe XML parser,
reading a ``.qdpx`` archive within limits, and the report an import gives back."""

import io
import re
import uuid
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from lxml import etree

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
ORIGIN = "Praxis"

# GUIDs Praxis derives (users, variables, notes, the deductive and inductive groups) are
# name-based, so that the same study exports the same GUIDs every time.
PRAXIS_NAMESPACE = uuid.UUID("6f1d3c52-8f4e-5b7a-9c1d-2e3f4a5b6c7d")

MB = 1024 * 1024
# What an import reads from an archive, whatever its size on disk (audio and video inside
# it are never read): the project file, each text and everything read together.
MAX_PROJECT_BYTES = 64 * MB
MAX_TEXT_BYTES = 4 * MB
MAX_READ_BYTES = 256 * MB
MAX_ENTRIES = 20_000
# Text and XML compress well, but not a thousand times over: past this, a bomb.
MAX_RATIO = 200

# Characters XML 1.0 cannot hold at all; dropped from what goes into project.qde.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_pis": True,
}


class RefiError(ValueError):
    """A file that cannot be imported, or a study that cannot be exported; the message says
    why in words a researcher understands."""


def tag(ns: str, name: str) -> str:
    """An element's name in the namespace ``ns`` (none when empty), for lxml."""
    return f"{{{ns}}}{name}" if ns else name


def guid_text(value: uuid.UUID) -> str:
    """A GUID as written in the files: upper case, as ATLAS.ti, NVivo and MAXQDA write it."""
    return str(value).upper()


def derived_guid(base: uuid.UUID, name: str) -> uuid.UUID:
    return uuid.uuid5(base, name)


def read_guid(value: str | None) -> uuid.UUID | None:
    """A GUID as another tool wrote it (upper or lower case, with or without braces)."""
    if not value:
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        return None


def xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)


def parse_xml(data: bytes, *, what: str) -> etree._Element:
    """The root of an XML document read without a DTD, entities, the network or libxml2's
    limits lifted; a document that declares a document type is refused, as no QDA tool
    writes one."""
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line = error.lineno or 0
        raise RefiError(_("%(file)s is not well-formed XML (the problem is at line "
                          "%(line)s).") % {"file": what, "line": line}) from None
    if root is None:
        raise RefiError(_("%(file)s is empty.") % {"file": what})
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise RefiError(_("%(file)s declares a document type; REFI-QDA files never do, so "
                          "it was refused.") % {"file": what})
    return root


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def zip_bytes(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """A ZIP of the entries in the order given, with a fixed date on each, so that the same
    content gives the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as packed:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            packed.writestr(info, content)
    return buffer.getvalue()


class Archive:
    """A ``.qdpx`` opened for reading: its entries found case-insensitively (``sources/``
    and ``Sources/``), each read within the limits above, so that a zip bomb stops early."""

    def __init__(self, stream: IO[bytes]) -> None:
        try:
            self.packed = zipfile.ZipFile(stream)
            entries = self.packed.infolist()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
            raise RefiError(_("This file is not a REFI-QDA project (.qdpx): it is not a ZIP "
                              "archive, or it is damaged.")) from None
        if len(entries) > MAX_ENTRIES:
            raise RefiError(_("The archive holds %(count)s files, more than a project ever "
                              "does; it was refused.") % {"count": len(entries)})
        self.entries = {entry.filename.replace("\\", "/").lower(): entry for entry in entries
                        if not entry.is_dir()}
        self.read_so_far = 0

    def find(self, name: str) -> zipfile.ZipInfo | None:
        return self.entries.get(name.lower())

    def read(self, entry: zipfile.ZipInfo, *, limit: int) -> bytes | None:
        """The entry's bytes, or None when it is larger than ``limit``; RefiError when it
        claims one size and holds another, or expands like a bomb."""
        if entry.file_size > limit:
            return None
        if entry.compress_size and entry.file_size / entry.compress_size > MAX_RATIO \
                and entry.file_size > MB:
            raise _bomb()
        try:
            with self.packed.open(entry) as stream:
                data = stream.read(limit + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            raise RefiError(_("“%(name)s” in the archive is damaged.")
                            % {"name": entry.filename[:200]}) from None
        except (NotImplementedError, RuntimeError):  # an unknown compression; a password
            raise RefiError(_("“%(name)s” in the archive is compressed in a way Praxis "
                              "cannot read, or protected by a password.")
                            % {"name": entry.filename[:200]}) from None
        if len(data) > limit:
            raise _bomb()
        self.read_so_far += len(data)
        if self.read_so_far > MAX_READ_BYTES:
            raise RefiError(_("The project's texts come to more than %(mb)s MB; it was "
                              "refused.") % {"mb": MAX_READ_BYTES // MB})
        return data

    def close(self) -> None:
        self.packed.close()


def _bomb() -> RefiError:
    return RefiError(_("A file in the archive expands far beyond what it says it holds; it "
                       "was refused as a likely zip bomb."))


def decode_text(data: bytes, *, what: str) -> str:
    """UTF-8 text, its byte order mark stripped (QualCoder writes one): offsets count from
    the first character after it."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise RefiError(_("%(file)s is not UTF-8 text.") % {"file": what}) from None
    return text.removeprefix("\ufeff")


@dataclass
class ImportReport:
    """What an import carried into the study, what it found there already, and what it
    could not carry (each a sentence)."""

    themes_added: int = 0
    themes_found: int = 0
    sources_added: int = 0
    sources_found: int = 0
    passages_added: int = 0
    codings_added: int = 0
    codings_found: int = 0
    memos_added: int = 0
    attached_to: list[str] = field(default_factory=list)  # participant codes
    changed: list[str] = field(default_factory=list)
    not_carried: list[str] = field(default_factory=list)

    @property
    def added_anything(self) -> bool:
        return bool(self.themes_added or self.sources_added or self.passages_added
                    or self.codings_added or self.memos_added)

    def carried(self) -> list[str]:
        """The counts as sentences, the ones that are not zero."""
        lines = []
        if self.themes_added:
            lines.append(ngettext("%(count)s theme added to the codebook.",
                                  "%(count)s themes added to the codebook.",
                                  self.themes_added) % {"count": self.themes_added})
        if self.sources_added:
            lines.append(ngettext("%(count)s text added as a source.",
                                  "%(count)s texts added as sources.",
                                  self.sources_added) % {"count": self.sources_added})
        if self.passages_added:
            lines.append(ngettext("%(count)s coded passage added.",
                                  "%(count)s coded passages added.",
                                  self.passages_added) % {"count": self.passages_added})
        if self.codings_added:
            lines.append(ngettext("%(count)s coding added.", "%(count)s codings added.",
                                  self.codings_added) % {"count": self.codings_added})
        if self.memos_added:
            lines.append(ngettext("%(count)s memo added.", "%(count)s memos added.",
                                  self.memos_added) % {"count": self.memos_added})
        if self.attached_to:
            lines.append(_("Sources attached to the participants %(codes)s.")
                         % {"codes": ", ".join(self.attached_to)})
        found = self.themes_found + self.sources_found + self.codings_found
        if found:
            lines.append(ngettext(
                "%(count)s item was in the study already (same GUID) and was left as it is.",
                "%(count)s items were in the study already (same GUID) and were left as "
                "they are.", found) % {"count": found})
        if not lines:
            lines.append(_("Nothing was added."))
        return lines

    def not_carried_once(self, message: str) -> None:
        if message not in self.not_carried:
            self.not_carried.append(message)
