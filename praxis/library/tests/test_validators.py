"""Uploaded documents are checked by what they contain, not by their names."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from praxis.library.tests.documents import PDF, docx, odt, other_zip
from praxis.library.validators import (
    DOCX,
    MAX_DOCUMENT_BYTES,
    ODT,
    detect_document,
    validate_document,
)
from praxis.library.validators import PDF as PDF_KIND


@pytest.mark.parametrize("name,content,kind", [
    ("article.pdf", PDF, PDF_KIND),
    ("article.docx", docx(), DOCX),
    ("article.odt", odt(), ODT),
    ("no-extension", PDF, PDF_KIND),  # the name does not matter
    ("renamed.txt", docx(), DOCX),
])
def test_pdf_word_and_opendocument_files_are_accepted(name, content, kind):
    assert validate_document(SimpleUploadedFile(name, content)) == kind


@pytest.mark.parametrize("name,content", [
    ("virus.pdf", b"MZ\x90\x00\x03"),
    ("page.pdf", b"<html><script>alert(1)</script></html>"),
    ("archive.docx", other_zip()),
    ("broken.docx", b"PK\x03\x04 but not really a zip"),
    ("sheet.odt", b"PK\x03\x04"),
])
def test_other_content_is_refused_whatever_the_name(name, content):
    with pytest.raises(ValidationError, match=r"not a PDF, Word \(\.docx\) or OpenDocument"):
        validate_document(SimpleUploadedFile(name, content))


def test_an_opendocument_spreadsheet_is_not_a_text_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    with pytest.raises(ValidationError):
        validate_document(SimpleUploadedFile("sheet.odt", buffer.getvalue()))


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        validate_document(SimpleUploadedFile("empty.pdf", b""))


def test_a_file_over_twenty_megabytes_is_refused_before_it_is_read():
    upload = SimpleUploadedFile("big.pdf", PDF)
    upload.size = MAX_DOCUMENT_BYTES + 1
    with pytest.raises(ValidationError, match="largest file you can upload is 20"):
        validate_document(upload)


def test_detection_leaves_the_file_at_its_start():
    stream = io.BytesIO(docx())
    stream.seek(5)
    assert detect_document(stream) == DOCX
    assert stream.tell() == 0


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=512))
def test_arbitrary_bytes_never_crash_the_check(content):
    upload = SimpleUploadedFile("x", content)
    try:
        kind = validate_document(upload)
    except ValidationError:
        return
    assert kind == PDF_KIND and content.startswith(b"%PDF-")
