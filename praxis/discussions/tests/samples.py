"""Small files of each kind, made in memory, for the attachment tests."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

OOXML_MAIN = {
    "docx": ("word/document.xml",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
    "docm": ("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
}
ODF = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
OLE2_STREAM = {"doc": "WordDocument", "xls": "Workbook", "ppt": "PowerPoint Document"}


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def image(fmt: str = "PNG", size: tuple[int, int] = (8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 20)).save(buffer, fmt)
    return buffer.getvalue()


def ooxml(kind: str) -> bytes:
    part, content_type = OOXML_MAIN[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="xml" ContentType="application'
            f'/xml"/><Override PartName="/{part}" ContentType="{content_type}"/></Types>',
        )
        archive.writestr(part, "<document/>")
    return buffer.getvalue()


def odf(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODF[kind])
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def ole2(kind: str) -> bytes:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return header + OLE2_STREAM[kind].encode("utf-16-le") + b"\x00" * 64


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not an office document")
    return buffer.getvalue()


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"PE\x00\x00"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


GOOD = {
    "plan.pdf": pdf,
    "board.png": lambda: image("PNG"),
    "class photo.jpg": lambda: image("JPEG"),
    "photo.jpeg": lambda: image("JPEG"),
    "loop.gif": lambda: image("GIF"),
    "chart.webp": lambda: image("WEBP"),
    "session plan.docx": lambda: ooxml("docx"),
    "marks.xlsx": lambda: ooxml("xlsx"),
    "slides.pptx": lambda: ooxml("pptx"),
    "notes.odt": lambda: odf("odt"),
    "sheet.ods": lambda: odf("ods"),
    "talk.odp": lambda: odf("odp"),
    "old plan.doc": lambda: ole2("doc"),
    "old marks.xls": lambda: ole2("xls"),
    "old slides.ppt": lambda: ole2("ppt"),
}
