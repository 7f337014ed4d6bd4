"""Which reader a file needs, told by its first bytes (a backup's ``.mbz`` is a zip or a
gzip'd tar whatever its name; an export is JSON or CSV), and the temporary folder a backup
is unpacked into, removed afterwards whatever happens."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from praxis.interop.moodle import archive, backup, forum_export
from praxis.interop.moodle.records import Source

ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b")


def _is_archive(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(262)
    # A plain tar says "ustar" at offset 257.
    return head.startswith(ARCHIVE_MAGIC) or head[257:262] == b"ustar"


@contextmanager
def open_source(path: Path, *, file_name: str = "", time_zone: str = "UTC"
                ) -> Iterator[Source]:
    """The records of a Moodle course backup or forum export; raises MoodleImportError.
    ``time_zone`` reads an export's readable dates (a backup's times are absolute)."""
    if not _is_archive(path):
        yield forum_export.read_forum_export(
            path, forum_name=Path(file_name or path.name).stem, time_zone=time_zone)
        return
    scratch_root = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    with tempfile.TemporaryDirectory(prefix="praxis-moodle-", dir=scratch_root) as folder:
        packaging = archive.unpack(path, Path(folder))
        yield backup.read_backup(Path(folder), packaging)
