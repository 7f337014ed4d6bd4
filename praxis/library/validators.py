"""What a member may upload as something to read: checked by content, never by name.

A file's name and the browser's content type are whatever the sender says; the first bytes
are what a reader's program will open. PDF files start with ``%PDF-``; Word (.docx) and
OpenDocument text (.odt) files are zip archives with known entries inside.
"""

import zipfile
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class DocumentKind:
    extension: str
    content_type: str


PDF = DocumentKind("pdf", "application/pdf")
DOCX = DocumentKind(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
ODT = DocumentKind("odt", ODT_MIMETYPE.decode())


def _zip_kind(stream: IO[bytes]) -> DocumentKind | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if {"[Content_Types].xml", "word/document.xml"} <= names:
                return DOCX
            if {"mimetype", "content.xml"} <= names:
                # Only the small "mimetype" entry is ever decompressed.
                with archive.open("mimetype") as entry:
                    if entry.read(len(ODT_MIMETYPE) + 1).strip() == ODT_MIMETYPE:
                        return ODT
    except (zipfile.BadZipFile, OSError, KeyError, EOFError, RuntimeError):
        return None
    return None


def detect_document(stream: IO[bytes]) -> DocumentKind | None:
    """The kind of document in ``stream`` (PDF, DOCX or ODT), or None; rewinds it."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    kind: DocumentKind | None = None
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(stream)
    stream.seek(0)
    return kind


def validate_document(upload: UploadedFile) -> DocumentKind:
    """Accepts a PDF, Word (.docx) or OpenDocument text (.odt) file of at most 20 MB.

    Returns its kind; raises ValidationError with a message for the person otherwise.
    """
    if upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("This file is %(size)s; the largest file you can upload is %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_DOCUMENT_BYTES)},
            code="too_large",
        )
    if not upload.size:
        raise ValidationError(_("This file is empty."), code="empty")
    kind = detect_document(upload.file) if upload.file is not None else None
    if kind is None:
        raise ValidationError(
            _("This file is not a PDF, Word (.docx) or OpenDocument text (.odt) document. "
              "Save it in one of those formats and upload it again."),
            code="unsupported",
        )
    return kind
