"""Unpacking a Moodle backup (``.mbz``) into a working folder, safely.

A ``.mbz`` is a gzip'd tar (Moodle 2.6+'s default packer) or a ZIP (older sites, or the
``usezipbackups`` setting): the first bytes tell which, never the name. Entries are streamed
to disk one at a time; every name is checked before anything is written (no absolute paths,
no ``..``, no drive letters or backslashes, no NUL), links and special files are refused,
and the bytes actually written are counted against the limits, so a zip bomb stops as soon
as it passes one. On any failure everything written is removed again.
"""

import gzip
import io
import os
import re
import shutil
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from praxis.interop.moodle.records import MoodleImportError

MB = 1024 * 1024
DEFAULT_MAX_UNPACKED_MB = 20480
DEFAULT_MAX_RATIO = 100
# A small archive may unpack to this much more than the ratio allows: Moodle's XML
# compresses very well, and a course with few files is mostly XML.
DEFAULT_RATIO_ALLOWANCE_BYTES = 64 * MB
DEFAULT_MAX_ENTRIES = 2_000_000
CHUNK_BYTES = MB
# tarfile reads a PAX or GNU long-name header whole into memory, outside the files it
# writes; a real one holds a few names and times, never megabytes.
MAX_HEADER_BYTES = 16 * MB
# Headers tarfile reads into memory before the entry they describe.
_EXTENDED_HEADERS = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE,
                     tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK)

_GZIP = b"\x1f\x8b"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # an archive with entries; an empty one
_DRIVE = re.compile(r"^[A-Za-z]:")
_UNIX = 3  # a ZIP entry made on Unix keeps the file's mode (and so its type) in its attributes


def _site_max_unpacked_bytes() -> int:
    return int(getattr(settings, "PRAXIS_IMPORT_MAX_UNPACKED_MB", DEFAULT_MAX_UNPACKED_MB)) * MB


@dataclass(frozen=True)
class UnpackLimits:
    """How much an archive may unpack to: at most ``max_ratio`` times its own size plus
    ``ratio_allowance_bytes``, never more than ``max_total_bytes`` (the site's setting
    ``PRAXIS_IMPORT_MAX_UNPACKED_MB``), in at most ``max_entries`` files and folders."""

    max_total_bytes: int = field(default_factory=_site_max_unpacked_bytes)
    max_ratio: int = DEFAULT_MAX_RATIO
    max_entries: int = DEFAULT_MAX_ENTRIES
    ratio_allowance_bytes: int = DEFAULT_RATIO_ALLOWANCE_BYTES

    def allowed_bytes(self, archive_size: int) -> int:
        return min(self.max_total_bytes,
                   self.max_ratio * archive_size + self.ratio_allowance_bytes)


def unpack(archive: Path, into: Path, *, limits: UnpackLimits | None = None) -> str:
    """Unpack the backup ``archive`` into the folder ``into`` (made if missing; the caller
    gives an empty one) and return its packaging: "tar.gz", "zip" or "tar".

    Raises MoodleImportError, with nothing left in ``into``, when the file is not a backup,
    is damaged or incomplete, holds an entry that could escape ``into``, a link or a
    special file, unpacks to more than ``limits`` allow, or is not a Moodle 2 backup.
    """
    limits = limits or UnpackLimits()
    into.mkdir(parents=True, exist_ok=True)
    present = set(into.iterdir())
    try:
        packaging = _packaging(archive)
        budget = _Budget(limits, archive.stat().st_size)
        if packaging == "zip":
            _unpack_zip(archive, into, budget)
        else:
            _unpack_tar(archive, into, budget, compressed=packaging == "tar.gz")
        _check_moodle_backup(into)
    except BaseException:
        for path in set(into.iterdir()) - present:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        raise
    return packaging


def _packaging(archive: Path) -> str:
    try:
        with archive.open("rb") as stream:
            head = stream.read(512)
    except OSError:
        raise MoodleImportError(_("The backup file could not be read.")) from None
    if head.startswith(_GZIP):
        return "tar.gz"
    if head.startswith(_ZIP):
        return "zip"
    if head[257:262] == b"ustar":
        return "tar"
    raise MoodleImportError(
        _("This file is not a Moodle backup: it is neither a ZIP nor a gzip-compressed tar "
          "archive, the two ways Moodle packs a .mbz file."))


class _Budget:
    """Counts entries and bytes written, and stops the unpacking as a limit is passed."""

    def __init__(self, limits: UnpackLimits, archive_size: int) -> None:
        self.limits = limits
        self.allowed = limits.allowed_bytes(archive_size)
        self.written = 0
        self.entries = 0

    def check_claims(self, *, entries: int, size: int) -> None:
        """Refuse at once what the archive's headers announce beyond the limits."""
        if entries > self.limits.max_entries:
            raise self._too_many_entries()
        if self.written + size > self.allowed:
            raise self._too_many_bytes()

    def add_entry(self) -> None:
        self.entries += 1
        if self.entries > self.limits.max_entries:
            raise self._too_many_entries()

    def add_bytes(self, count: int) -> None:
        self.written += count
        if self.written > self.allowed:
            raise self._too_many_bytes()

    def _too_many_entries(self) -> MoodleImportError:
        return MoodleImportError(
            _("The archive holds more than %(count)s files and folders, far more than a "
              "Moodle backup does; it was refused as a likely zip bomb.")
            % {"count": f"{self.limits.max_entries:,}"})

    def _too_many_bytes(self) -> MoodleImportError:
        if self.allowed == self.limits.max_total_bytes:
            return MoodleImportError(
                _("The archive unpacks to more than %(mb)s MB, the largest backup this site "
                  "imports (PRAXIS_IMPORT_MAX_UNPACKED_MB); it was refused.")
                % {"mb": _megabytes(self.limits.max_total_bytes)})
        return MoodleImportError(
            _("The archive unpacks to more than %(ratio)s times its own size, which a Moodle "
              "backup never does; it was refused as a likely zip bomb.")
            % {"ratio": self.limits.max_ratio})


def _megabytes(count: int) -> str:
    return f"{count / MB:,.0f}" if count >= 10 * MB else f"{count / MB:.1f}"


def _target(into: Path, name: str) -> Path | None:
    """Where the entry ``name`` goes inside ``into``; None for the archive's own root
    ("./"). Raises for any name that could land elsewhere."""
    if "\x00" in name or "\\" in name or _DRIVE.match(name) or name.startswith("/"):
        raise _unsafe(name)
    parts = [part for part in PurePosixPath(name).parts if part != "."]
    if ".." in parts:
        raise _unsafe(name)
    if not parts:
        return None
    target = into.joinpath(*parts)
    if not target.resolve().is_relative_to(into.resolve()):
        raise _unsafe(name)
    return target


def _unsafe(name: str) -> MoodleImportError:
    shown = name.replace("\x00", "\\0")[:200]
    return MoodleImportError(
        _("The archive holds an entry named “%(name)s” that would be written outside the "
          "folder it is unpacked into; it was refused.") % {"name": shown})


def _link(name: str) -> MoodleImportError:
    return MoodleImportError(
        _("The archive holds “%(name)s”, a link or special file; Moodle backups hold only "
          "files and folders, so it was refused.") % {"name": name[:200]})


def _damaged(name: str | None = None) -> MoodleImportError:
    if name:
        return MoodleImportError(
            _("The archive is damaged or incomplete (at “%(name)s”); perhaps it did not "
              "finish downloading or uploading.") % {"name": name[:200]})
    return MoodleImportError(
        _("The archive is damaged or incomplete; perhaps it did not finish downloading or "
          "uploading."))


def _make_folder(target: Path, name: str) -> None:
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise _clash(name) from None


def _clash(name: str) -> MoodleImportError:
    return MoodleImportError(
        _("The archive's entry “%(name)s” could not be written: it clashes with another entry "
          "or its name is too long.") % {"name": name[:200]})


def _hostile_header() -> MoodleImportError:
    return MoodleImportError(
        _("The archive holds a header of more than %(mb)s MB, which no Moodle backup has; "
          "it was refused as damaged or hostile.") % {"mb": MAX_HEADER_BYTES // MB})


def _write_file(source: IO[bytes], target: Path, name: str, budget: _Budget | None) -> None:
    """Streams ``source`` into ``target``, counting its bytes against ``budget`` (None
    when the stream below already counts them)."""
    _make_folder(target.parent, name)
    try:
        # O_NOFOLLOW: a later entry of the same name replaces the file, never follows a link.
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW,
                             0o644)
    except OSError:
        raise _clash(name) from None
    with os.fdopen(descriptor, "wb") as out:
        while True:
            try:
                chunk = source.read(CHUNK_BYTES)
            except (OSError, EOFError, zlib.error, tarfile.TarError, zipfile.BadZipFile):
                raise _damaged(name) from None
            if not chunk:
                return
            if budget is not None:
                budget.add_bytes(len(chunk))
            try:
                out.write(chunk)
            except OSError:
                raise MoodleImportError(
                    _("The archive could not be unpacked at “%(name)s”: the server's disk may "
                      "be full.") % {"name": name[:200]}) from None


def _unpack_zip(archive: Path, into: Path, budget: _Budget) -> None:
    try:
        with zipfile.ZipFile(archive) as packed:
            entries = packed.infolist()
            # What the headers claim is checked first, so a bomb is refused before writing;
            # the bytes really written are counted all the same.
            budget.check_claims(entries=len(entries),
                                size=sum(entry.file_size for entry in entries))
            for entry in entries:
                _unpack_zip_entry(packed, entry, into, budget)
    except (zipfile.BadZipFile, EOFError, zlib.error):
        raise _damaged() from None
    except (NotImplementedError, RuntimeError):  # an unknown compression; a password
        raise MoodleImportError(
            _("The archive uses a compression method or a password Moodle does not use; "
              "it could not be unpacked.")) from None


def _unpack_zip_entry(packed: zipfile.ZipFile, entry: zipfile.ZipInfo, into: Path,
                      budget: _Budget) -> None:
    budget.add_entry()
    # orig_filename keeps what zipfile cuts off at a NUL.
    target = _target(into, entry.orig_filename)
    mode = entry.external_attr >> 16 if entry.create_system == _UNIX else 0
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise _link(entry.filename)
    if target is None:
        return
    if entry.is_dir() or stat.S_ISDIR(mode):
        _make_folder(target, entry.filename)
        return
    with packed.open(entry) as source:
        _write_file(source, target, entry.filename, budget)


def _unpack_tar(archive: Path, into: Path, budget: _Budget, *, compressed: bool) -> None:
    with _tar_stream(archive, compressed) as unpacked:
        # Every byte tarfile reads is counted, headers and padding too, not only the files.
        stream = _BudgetedStream(unpacked, budget)
        name = None
        try:
            # "r|": one pass in order, never seeking; the gzip layer below checks its CRC.
            with tarfile.open(fileobj=stream, mode="r|", tarinfo=_BoundedTarInfo) as packed:
                for member in packed:
                    name = member.name
                    budget.add_entry()
                    target = _target(into, member.name)
                    if not (member.isreg() or member.isdir()):
                        raise _link(member.name)
                    if target is None:
                        continue
                    if member.isdir():
                        _make_folder(target, member.name)
                        continue
                    budget.check_claims(entries=budget.entries, size=member.size)
                    source = packed.extractfile(member)
                    if source is None:
                        raise _damaged(member.name)
                    _write_file(source, target, member.name, None)
                name = None
                # Read to the end, so that a cut or corrupted gzip stream is noticed.
                while stream.read(CHUNK_BYTES):
                    pass
        except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
            if (budget.entries == 0 and isinstance(error, tarfile.ReadError)
                    and "truncated" not in str(error) and "unexpected end" not in str(error)):
                raise MoodleImportError(
                    _("This file is not a Moodle backup: it is compressed with gzip but "
                      "holds no tar archive.")) from None
            raise _damaged(name) from None


class _BudgetedStream(io.RawIOBase):
    """The unpacked tar as tarfile reads it: every read counts against the budget, and no
    single read may exceed ``MAX_HEADER_BYTES``."""

    def __init__(self, unpacked: io.BufferedIOBase, budget: _Budget) -> None:
        super().__init__()
        self._unpacked = unpacked
        self._budget = budget

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0 or size > MAX_HEADER_BYTES:
            raise _hostile_header()
        chunk = self._unpacked.read(size)
        self._budget.add_bytes(len(chunk))
        return chunk

    def readinto(self, buffer: "bytearray | memoryview") -> int:  # type: ignore[override]
        chunk = self.read(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)


class _BoundedTarInfo(tarfile.TarInfo):
    """A tar header that refuses an extended header (PAX, GNU long name) too large to be
    one, before tarfile reads it into memory: in "r|" mode tarfile gathers it from many
    small reads, so the stream below never sees one large read."""

    @classmethod
    def frombuf(cls, buf: bytes, encoding: str, errors: str) -> "_BoundedTarInfo":
        header = super().frombuf(buf, encoding, errors)
        if header.type in _EXTENDED_HEADERS and header.size > MAX_HEADER_BYTES:
            raise _hostile_header()
        return header


@contextmanager
def _tar_stream(archive: Path, compressed: bool) -> Iterator[io.BufferedIOBase]:
    with archive.open("rb") as raw:
        if not compressed:
            yield raw
            return
        with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
            yield unzipped


def _check_moodle_backup(into: Path) -> None:
    if (into / "moodle_backup.xml").is_file():
        return
    if (into / "moodle.xml").is_file():
        raise MoodleImportError(
            _("This is a Moodle 1.9 backup; Praxis reads backups from Moodle 2.6 to 5.x."))
    raise MoodleImportError(
        _("This archive holds no moodle_backup.xml, so it is not a Moodle course backup."))
