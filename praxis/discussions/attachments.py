"""Files attached to posts: checked by what they contain, not by what they are called.

A member's upload is accepted only when its first bytes (and, for Office and OpenDocument
files, the parts inside the zip; for images, Pillow's reading of the header) say it is one of
the kinds below, and when its name's extension agrees. Nothing here writes a file: the
service stores the checked files once every one of them has passed.
"""

import io
import os
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_FILES_PER_POST = 5
DEFAULT_MAX_MB = 10
# A picture bigger than this is a decompression bomb or a scan nobody can read on a phone.
MAX_IMAGE_PIXELS = 40_000_000
# Only small parts of a zip are read: their declared size is checked first.
MAX_ZIP_PART_BYTES = 1_000_000
# An Office or OpenDocument file unpacks to a few times its size (pictures stay compressed);
# one that claims far more is a "zip bomb" that would fill the disk of whoever opens it.
MAX_ZIP_UNPACKED_BYTES = 300_000_000
MAX_ZIP_RATIO = 100
MAX_ZIP_ENTRIES = 10_000


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]  # the first is given to the stored file
    is_image: bool = False


KINDS = {
    "pdf": FileKind("application/pdf", ("pdf",)),
    "doc": FileKind("application/msword", ("doc",)),
    "xls": FileKind("application/vnd.ms-excel", ("xls",)),
    "ppt": FileKind("application/vnd.ms-powerpoint", ("ppt",)),
    "docx": FileKind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)),
    "xlsx": FileKind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
    "pptx": FileKind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",)),
    "odt": FileKind("application/vnd.oasis.opendocument.text", ("odt",)),
    "ods": FileKind("application/vnd.oasis.opendocument.spreadsheet", ("ods",)),
    "odp": FileKind("application/vnd.oasis.opendocument.presentation", ("odp",)),
    "png": FileKind("image/png", ("png",), is_image=True),
    "jpeg": FileKind("image/jpeg", ("jpg", "jpeg"), is_image=True),
    "gif": FileKind("image/gif", ("gif",), is_image=True),
    "webp": FileKind("image/webp", ("webp",), is_image=True),
}
IMAGE_TYPES = frozenset(kind.content_type for kind in KINDS.values() if kind.is_image)
ACCEPT = ",".join(
    "." + extension for kind in KINDS.values() for extension in kind.extensions
)

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream each legacy Office program writes, as the compound file's directory names it.
_OLE2_STREAMS = {
    "doc": ("WordDocument",),
    "xls": ("Workbook", "Book"),
    "ppt": ("PowerPoint Document",),
}
# The main part's content type in [Content_Types].xml; macro-enabled and template variants
# have other types and are refused.
_OOXML_MAIN = {
    "docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_PILLOW_FORMATS = {"PNG": "png", "JPEG": "jpeg", "GIF": "gif", "WEBP": "webp"}


class FileRefused(Exception):
    """An upload that is not accepted; the message names the file and says why."""


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed: what it is, and the name it is stored and offered under."""

    upload: UploadedFile
    original_name: str
    kind: str
    size: int

    @property
    def content_type(self) -> str:
        return KINDS[self.kind].content_type

    def stored_name(self) -> str:
        """A random name: nothing a member typed reaches the file system."""
        return f"{secrets.token_urlsafe(18)}.{KINDS[self.kind].extensions[0]}"


def max_bytes() -> int:
    return int(getattr(settings, "PRAXIS_MAX_ATTACHMENT_MB", DEFAULT_MAX_MB)) * 1024 * 1024


def clean_name(name: str) -> str:
    """The uploaded file's own name, without folders or control characters."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 190] + dot + extension[-9:]) if dot else name[:200]
    return name or "file"


def _extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _ole2_kind(stream: IO[bytes]) -> str | None:
    stream.seek(0)
    content = stream.read()
    for kind, names in _OLE2_STREAMS.items():
        if any(name.encode("utf-16-le") in content for name in names):
            return kind
    return None


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_ZIP_PART_BYTES:
        return None
    with archive.open(info) as part:
        return part.read(MAX_ZIP_PART_BYTES)


def _zip_bomb(stream: IO[bytes], size: int) -> bool:
    """Whether a zip claims to unpack to far more than an office file does."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False  # not a zip we can read: the kind check refuses it
    unpacked = sum(entry.file_size for entry in entries)
    return (len(entries) > MAX_ZIP_ENTRIES or unpacked > MAX_ZIP_UNPACKED_BYTES
            or unpacked > max(size, 1) * MAX_ZIP_RATIO)


def _zip_kind(stream: IO[bytes]) -> str | None:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            mimetype = _read_part(archive, "mimetype")
            if mimetype is not None:
                return _ODF_MIMETYPES.get(mimetype.strip())
            types = _read_part(archive, "[Content_Types].xml")
            if types is None:
                return None
            for kind, main_type in _OOXML_MAIN.items():
                if re.search(rb'ContentType\s*=\s*"' + re.escape(main_type) + rb'"', types):
                    return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError,
            NotImplementedError, EOFError):
        return None
    return None


def _image_kind(stream: IO[bytes], name: str) -> str:
    stream.seek(0)
    try:
        with Image.open(stream) as image:
            kind = _PILLOW_FORMATS.get(image.format or "")
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as error:
        raise FileRefused(_("“%(name)s” is a damaged image.") % {"name": name}) from error
    if kind is None:
        raise _not_accepted(name)
    if width * height > MAX_IMAGE_PIXELS:
        raise FileRefused(_("“%(name)s” is too large a picture (%(width)s by %(height)s pixels).")
                          % {"name": name, "width": width, "height": height})
    return kind


def _not_accepted(name: str) -> FileRefused:
    return FileRefused(_(
        "“%(name)s” is not a kind of file Praxis accepts. Attach PDF, Word, Excel, "
        "PowerPoint or OpenDocument files, or PNG, JPEG, GIF or WebP pictures."
    ) % {"name": name})


def sniff(stream: IO[bytes], name: str = "file") -> str | None:
    """The kind (a key of KINDS) that the content says, or None. Images are verified."""
    stream.seek(0)
    head = stream.read(16)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(_OLE2):
        return _ole2_kind(stream)
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(stream)
    if (head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a"))
            or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")):
        return _image_kind(stream, name)
    return None


def check_file(upload: UploadedFile) -> CheckedFile:
    """Checks one upload; raises FileRefused with a message that names it."""
    name = clean_name(upload.name or "")
    size = upload.size or 0
    limit = max_bytes()
    if size == 0:
        raise FileRefused(_("“%(name)s” is empty.") % {"name": name})
    if size > limit:
        raise FileRefused(
            _("“%(name)s” is too large (%(size).1f MB); the limit is %(limit)s MB.")
            % {"name": name, "size": size / 1024 / 1024, "limit": limit // 1024 // 1024}
        )
    stream: IO[bytes] = upload.file if upload.file is not None else io.BytesIO()
    stream.seek(0)
    if stream.read(4) == b"PK\x03\x04" and _zip_bomb(stream, size):
        raise FileRefused(_(
            "“%(name)s” unpacks to far more than an office document does, so it is refused. "
            "Save it again from its program, or attach it as a PDF."
        ) % {"name": name})
    kind = sniff(stream, name)
    stream.seek(0)
    if kind is None:
        raise _not_accepted(name)
    if _extension(name) not in KINDS[kind].extensions:
        raise FileRefused(_(
            "“%(name)s” is not what its name says: its content is a %(kind)s file. "
            "Rename it to end in .%(extension)s, or attach the right file."
        ) % {"name": name, "kind": kind.upper(), "extension": KINDS[kind].extensions[0]})
    return CheckedFile(upload=upload, original_name=name, kind=kind, size=size)


def check_files(uploads: Sequence[UploadedFile]) -> list[CheckedFile]:
    """Checks every upload of one post; raises ValidationError listing each refused file."""
    if len(uploads) > MAX_FILES_PER_POST:
        raise ValidationError(
            _("Attach at most %(count)s files to one post.") % {"count": MAX_FILES_PER_POST},
            code="too_many",
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_file(upload))
        except FileRefused as refusal:
            errors.append(ValidationError(str(refusal), code="refused"))
    if errors:
        raise ValidationError(errors)
    return checked
