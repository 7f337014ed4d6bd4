"""Interview transcripts: typed, or read from .txt, .docx and .odt; names replaced by codes;
recordings kept for researchers only; bad uploads refused with nothing saved."""

import io
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from odfdo import Document, Header, Paragraph

from praxis.research import instruments as services
from praxis.research.models import Participant, Passage, Source
from praxis.research.tests.test_instruments_world import World, make_world
from praxis.research.transcripts import TranscriptError, read_transcript

pytestmark = pytest.mark.django_db

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 400


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _odt(*paragraphs: str) -> bytes:
    document = Document("text")
    document.body.clear()
    document.body.append(Header(1, paragraphs[0]))
    for paragraph in paragraphs[1:]:
        document.body.append(Paragraph(paragraph))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _researcher(world: World) -> Client:
    client = Client()
    client.force_login(world.cast.researcher)
    return client


def test_plain_text_loses_its_byte_order_mark_and_windows_line_ends():
    upload = _upload("tt1.txt", "\ufeffQ: How?\r\nA: Well.\r\n".encode())
    assert read_transcript(upload) == "Q: How?\nA: Well."


def test_word_document_paragraphs_become_lines():
    upload = _upload("tt1.docx", _docx("Q: What changed?", "A: مریم گفت: everything."))
    assert read_transcript(upload) == "Q: What changed?\nA: مریم گفت: everything."


def test_opendocument_paragraphs_and_headings_become_lines():
    upload = _upload("tt1.odt", _odt("Interview TT1", "Q: What changed?", "A: The  plans."))
    assert read_transcript(upload) == "Interview TT1\nQ: What changed?\nA: The  plans."


@pytest.mark.parametrize(("name", "content", "message"), [
    ("tt1.docx", b"Just text pretending", "not a Word"),
    ("tt1.txt", b"\x00\x01\x02binary\x00" * 20, "not a text file"),
    ("tt1.txt", "Latin-1 caf\xe9".encode("latin-1"), "not UTF-8"),
    ("tt1.pdf", b"%PDF-1.4 ...", "not a transcript Praxis reads"),
    ("tt1.odt", _docx("A Word file named .odt"), "whatever its name says"),
    ("tt1.txt", b"", "empty"),
])
def test_bad_transcript_files_are_refused_with_a_reason(name, content, message):
    with pytest.raises(TranscriptError, match=message):
        read_transcript(_upload(name, content))


def test_a_zip_bomb_named_docx_is_refused_before_it_is_opened():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'))
        archive.writestr("word/document.xml", b"\0" * 20_000_000)
    with pytest.raises(TranscriptError, match="unpacks to far more"):
        read_transcript(_upload("tt1.docx", out.getvalue()))


def test_too_large_a_file_is_refused(settings):
    settings.PRAXIS_MAX_ATTACHMENT_MB = 1
    with pytest.raises(TranscriptError, match="too large"):
        read_transcript(_upload("tt1.txt", b"a" * (1024 * 1024 + 1)))


# ---------------------------------------------------------------- the page


def test_typed_transcript_is_saved_with_names_replaced_by_codes(full_cast):
    world = make_world(full_cast)
    response = _researcher(world).post(world.url("transcript", 2, "TT1"), {
        "text": "Interviewer: Maryam, tell me.\r\nMaryam Ahmadi: Reza helped, and Mr Karimi.",
        "replace_names": "on", "other_names": "Mr Karimi = Trainer A"})
    assert response.status_code == 302
    source = Source.objects.get(participant=world.tt1, instrument=world.interview)
    assert source.kind == Source.Kind.INTERVIEW
    assert source.title == "TT1 \u2013 Semi-structured interview"
    assert source.text == "Interviewer: TT1, tell me.\nTT1: TT2 helped, and Trainer A."


@pytest.mark.parametrize(("name", "content"), [
    ("tt1.txt", "\ufeffQ: What changed?\r\nA: My plans.".encode()),
    ("tt1.docx", _docx("Q: What changed?", "A: My plans.")),
    ("tt1.odt", _odt("Q: What changed?", "A: My plans.")),
])
def test_uploaded_transcript_in_each_format_becomes_the_source(full_cast, name, content):
    world = make_world(full_cast)
    response = _researcher(world).post(world.url("transcript", 2, "TT1"),
                                       {"upload": _upload(name, content), "text": ""})
    assert response.status_code == 302
    assert Source.objects.get(instrument=world.interview).text == "Q: What changed?\nA: My plans."


@pytest.mark.parametrize(("field", "name", "content"), [
    ("upload", "tt1.docx", b"PK\x03\x04 not really a zip"),
    ("upload", "tt1.txt", b"\x00\x00\x00\x00binary" * 10),
    ("audio", "tt1.mp3", b"<html>not audio</html>"),
])
def test_a_bad_upload_saves_nothing_and_says_why(full_cast, field, name, content):
    world = make_world(full_cast)
    page = _researcher(world).post(world.url("transcript", 2, "TT1"),
                                   {"text": "Typed too.", field: _upload(name, content)})
    assert page.status_code == 400
    assert "errorlist" in page.content.decode()
    assert not Source.objects.exists()


def test_a_transcript_with_coded_passages_keeps_its_text(full_cast):
    world = make_world(full_cast)
    client = _researcher(world)
    client.post(world.url("transcript", 2, "TT1"), {"text": "The first words."})
    source = Source.objects.get()
    Passage.objects.create(source=source, start=4, end=9)
    page = client.post(world.url("transcript", 2, "TT1"), {"text": "Other words."})
    assert page.status_code == 400
    assert "cannot be replaced" in page.content.decode()
    source.refresh_from_db()
    assert source.text == "The first words."
    # The same text with a recording added is fine.
    assert client.post(world.url("transcript", 2, "TT1"), {
        "text": "The first words.", "audio": _upload("call.mp3", MP3)}).status_code == 302


def test_recording_is_downloaded_by_researchers_only_with_its_type(full_cast):
    world = make_world(full_cast)
    client = _researcher(world)
    client.post(world.url("transcript", 2, "TT1"),
                {"text": "Words.", "audio": _upload("Maryam Ahmadi call.mp3", MP3)})
    source = Source.objects.get()
    assert source.audio.name.endswith("/TT1-2.mp3")  # no name from the upload
    download = client.get(world.url("transcript_audio", 2, "TT1"))
    assert download.status_code == 200
    assert download["Content-Type"] == "audio/mpeg"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == MP3
    for person in (world.participant, world.cast.steward, world.cast.member):
        other = Client()
        other.force_login(person)
        assert other.get(world.url("transcript_audio", 2, "TT1")).status_code in (403, 404)


def test_removing_the_recording_keeps_the_transcript(full_cast):
    world = make_world(full_cast)
    client = _researcher(world)
    client.post(world.url("transcript", 2, "TT1"),
                {"text": "Words.", "audio": _upload("call.mp3", MP3)})
    client.post(world.url("transcript", 2, "TT1"), {"text": "", "remove_audio": "on"})
    source = Source.objects.get()
    assert not source.audio
    assert source.text == "Words."


def test_no_transcript_for_a_withdrawn_participant(full_cast):
    world = make_world(full_cast)
    client = _researcher(world)
    assert client.get(world.url("transcript", 2, "TT3")).status_code == 404
    with pytest.raises(services.InstrumentError):
        services.save_transcript(instrument=world.interview, participant=world.withdrawn,
                                 text="Words.")
    Participant.objects.filter(pk=world.tt1.pk).update(status=Participant.Status.WITHDRAWN)
    page = client.get(world.url("instrument", 2)).content.decode()
    assert "TT1" not in page and "TT2" in page
