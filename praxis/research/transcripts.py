"""An interview's transcript and recording as uploaded: read into plain text, checked by
content.

A transcript comes as UTF-8 text (.txt), Word (.docx) or OpenDocument text (.odt); what is
kept is its plain text, paragraphs one per line, with Unix line ends, because passages are
coded by code-point offsets into it. Office files pass the attachments' checks first (the
content says what the file is, and a zip that would unpack to far more than a document does
is refused before anything opens it). A recording is kept as it came, if its first bytes say
it is MP3, M4A, Ogg, WAV or WebM audio.
"""

import io
import unicodedata
from dataclasses import dataclass
from typing import IO

from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from praxis.discussions.attachments import FileRefused, check_file, clean_name, sniff
from praxis.discussions.attachments import max_bytes as max_attachment_bytes
from praxis.library.validators import MAX_DOCUMENT_BYTES

# A transcript's text as the Source model keeps it at most.
MAX_TRANSCRIPT_CHARS = 500_000


class TranscriptError(ValueError):
    """An upload that cannot be a transcript or a recording; the message says why."""


@dataclass(frozen=True)
class AudioKind:
    extension: str
    content_type: str


AUDIO_KINDS = {
    "mp3": AudioKind("mp3", "audio/mpeg"),
    "m4a": AudioKind("m4a", "audio/mp4"),
    "ogg": AudioKind("ogg", "audio/ogg"),
    "wav": AudioKind("wav", "audio/wav"),
    "webm": AudioKind("webm", "audio/webm"),
}
AUDIO_ACCEPT = ",".join(f".{extension}" for extension in AUDIO_KINDS)
TRANSCRIPT_ACCEPT = ".txt,.docx,.odt"


def max_transcript_bytes() -> int:
    return max_attachment_bytes()


def max_audio_bytes() -> int:
    """The largest file the site's forms take (a library document): a recording of a 15-20
    minute interview fits."""
    return max(MAX_DOCUMENT_BYTES, max_attachment_bytes())


def _extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _check_size(upload: UploadedFile, name: str, limit: int) -> int:
    size = upload.size or 0
    if size == 0:
        raise TranscriptError(_("“%(name)s” is empty.") % {"name": name})
    if size > limit:
        raise TranscriptError(
            _("“%(name)s” is too large (%(size)s); the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)})
    return size


def normalise_text(text: str) -> str:
    """Unix line ends, no byte-order mark, no trailing spaces at the end of the text."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.strip("\n ")


def _looks_binary(text: str) -> bool:
    controls = sum(1 for char in text[:20000]
                   if unicodedata.category(char) == "Cc" and char not in "\n\r\t\f")
    return "\x00" in text or controls > 10


def _read_plain(stream: IO[bytes], name: str) -> str:
    raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TranscriptError(
            _("“%(name)s” is not UTF-8 text. Save it as “Plain text (UTF-8)”, or upload the "
              "Word or OpenDocument file.") % {"name": name}) from error
    if _looks_binary(text):
        raise TranscriptError(
            _("“%(name)s” is not a text file. Upload the transcript as plain text, Word "
              "(.docx) or OpenDocument text (.odt).") % {"name": name})
    return text


def _read_docx(stream: IO[bytes]) -> str:
    import docx  # python-docx: loaded only for a transcript

    document = docx.Document(stream)
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def _read_odt(stream: IO[bytes]) -> str:
    from odfdo import Document

    document = Document(io.BytesIO(stream.read()))
    return "\n".join(element.text_recursive
                     for element in document.body.get_elements("//text:p|//text:h"))


def read_transcript(upload: UploadedFile) -> str:
    """The plain text of an uploaded transcript (.txt, .docx or .odt); raises
    TranscriptError with a message for the researcher otherwise."""
    name = clean_name(upload.name or "")
    _check_size(upload, name, max_transcript_bytes())
    extension = _extension(name)
    stream: IO[bytes] = upload.file if upload.file is not None else io.BytesIO()
    stream.seek(0)
    if extension == "txt":
        text = _read_plain(stream, name)
    elif extension in ("docx", "odt"):
        if sniff(stream, name) != extension:
            raise TranscriptError(_("“%(name)s” is not a Word (.docx) or OpenDocument text "
                                    "(.odt) document, whatever its name says. Save it as one "
                                    "and upload it again.") % {"name": name})
        try:
            check_file(upload)  # a zip that would unpack to far more than a document does
        except FileRefused as error:
            raise TranscriptError(str(error)) from error
        stream.seek(0)
        try:
            text = _read_docx(stream) if extension == "docx" else _read_odt(stream)
        except Exception as error:  # a damaged document's zip or XML fails in many ways
            raise TranscriptError(_("“%(name)s” is damaged: its text could not be read. Open "
                                    "it, save it again and upload it.") % {"name": name}) \
                from error
    else:
        raise TranscriptError(_("“%(name)s” is not a transcript Praxis reads: upload plain "
                                "text (.txt), Word (.docx) or OpenDocument text (.odt).")
                              % {"name": name})
    text = normalise_text(text)
    if not text:
        raise TranscriptError(_("“%(name)s” has no text in it.") % {"name": name})
    if len(text) > MAX_TRANSCRIPT_CHARS:
        raise TranscriptError(_("“%(name)s” is longer than a transcript can be (%(count)s "
                                "characters).") % {"name": name, "count": MAX_TRANSCRIPT_CHARS})
    return text


def _audio_kind(head: bytes) -> str | None:
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF
                                   and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    return None


@dataclass(frozen=True)
class CheckedAudio:
    upload: UploadedFile
    original_name: str
    kind: AudioKind

    def stored_name(self, stem: str) -> str:
        """The name it is kept under (``stem``: e.g. "TT3-3"): nothing of the uploaded name,
        since a recording's file name often names the person."""
        return f"{stem}.{self.kind.extension}"


def check_audio(upload: UploadedFile) -> CheckedAudio:
    """Accepts an MP3, M4A, Ogg, WAV or WebM recording, judged by its first bytes, within
    the upload limit; raises TranscriptError otherwise."""
    name = clean_name(upload.name or "")
    _check_size(upload, name, max_audio_bytes())
    stream: IO[bytes] = upload.file if upload.file is not None else io.BytesIO()
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    kind = _audio_kind(head)
    if kind is None or _extension(name) not in AUDIO_KINDS:
        raise TranscriptError(_("“%(name)s” is not a recording Praxis keeps: upload MP3, M4A, "
                                "Ogg, WAV or WebM audio.") % {"name": name})
    return CheckedAudio(upload=upload, original_name=name, kind=AUDIO_KINDS[kind])
