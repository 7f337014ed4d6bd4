"""Attachments are accepted by what they contain and how big they are, never by their name."""

import pytest
from django.core.exceptions import ValidationError

from praxis.discussions import attachments
from praxis.discussions.attachments import FileRefused, check_file, check_files
from praxis.discussions.tests import samples
from praxis.discussions.tests.samples import upload


@pytest.mark.parametrize("name", sorted(samples.GOOD))
def test_each_accepted_kind_passes_by_its_content(name):
    checked = check_file(upload(name, samples.GOOD[name]()))
    assert checked.original_name == name
    assert checked.content_type == attachments.KINDS[checked.kind].content_type
    assert checked.size > 0


@pytest.mark.parametrize("name,content,reason", [
    ("lesson.pdf", samples.exe(), "not a kind of file"),
    ("setup.exe", samples.exe(), "not a kind of file"),
    ("plan.docx", samples.plain_zip(), "not a kind of file"),
    ("macros.docx", samples.ooxml("docm"), "not a kind of file"),
    ("script.pdf", b"<script>alert(1)</script>", "not a kind of file"),
    ("page.png", b"<html><body>hello</body></html>", "not a kind of file"),
    ("picture.pdf", samples.image("PNG"), "not what its name says"),
    ("report.doc", samples.pdf(), "not what its name says"),
    ("broken.png", samples.image("PNG")[:40], "damaged"),
    ("empty.pdf", b"", "empty"),
    ("installer.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "not a kind of file"),
])
def test_refused_files_name_the_file_and_the_reason(name, content, reason):
    with pytest.raises(FileRefused) as refusal:
        check_file(upload(name, content))
    assert f"“{name}”" in str(refusal.value)
    assert reason in str(refusal.value)


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.PRAXIS_MAX_ATTACHMENT_MB = 1
    big = samples.pdf() + b"0" * (1024 * 1024)
    with pytest.raises(FileRefused, match=r"“big.pdf” is too large \(1.0 MB\); the limit is 1 MB"):
        check_file(upload("big.pdf", big))
    assert check_file(upload("small.pdf", samples.pdf())).kind == "pdf"


def test_the_size_limit_defaults_to_ten_megabytes(settings):
    del settings.PRAXIS_MAX_ATTACHMENT_MB
    assert attachments.max_bytes() == 10 * 1024 * 1024


def test_a_huge_picture_is_refused_before_it_is_decoded():
    with pytest.raises(FileRefused, match="too large a picture"):
        check_file(upload("wall.png", samples.image("PNG", (8000, 6000))))


def test_every_bad_file_of_a_post_is_listed_at_once():
    with pytest.raises(ValidationError) as error:
        check_files([upload("a.pdf", samples.pdf()), upload("virus.pdf", samples.exe()),
                     upload("b.docx", samples.plain_zip())])
    messages = error.value.messages
    assert len(messages) == 2
    assert "“virus.pdf”" in messages[0] and "“b.docx”" in messages[1]


def test_at_most_five_files_to_a_post():
    files = [upload(f"p{n}.pdf", samples.pdf()) for n in range(6)]
    with pytest.raises(ValidationError, match="at most 5 files"):
        check_files(files)
    assert len(check_files(files[:5])) == 5


@pytest.mark.parametrize("given,kept", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\ali\\plan.pdf", "plan.pdf"),
    ("bad\x00name\n.pdf", "badname.pdf"),
    ("", "file"),
])
def test_original_names_lose_folders_and_control_characters(given, kept):
    assert attachments.clean_name(given) == kept


def test_stored_names_are_random_and_keep_the_checked_extension():
    checked = check_file(upload("My Plan (final).PDF", samples.pdf()))
    first, second = checked.stored_name(), checked.stored_name()
    assert first != second
    assert first.endswith(".pdf") and "Plan" not in first


def _office_zip(**extra: bytes) -> bytes:
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<Types><Override ContentType="application/'
                         'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
                         '/></Types>')
        archive.writestr("word/document.xml", "<w:document/>")
        for name, content in extra.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_an_office_file_that_unpacks_to_a_bomb_is_refused():
    bomb = _office_zip(**{"word/media/filler.bin": b"\0" * 50_000_000})
    assert len(bomb) < 100_000  # 50 MB of zeros packs into a few dozen kilobytes
    with pytest.raises(FileRefused, match="unpacks to far more"):
        check_file(upload("plan.docx", bomb))
    assert check_file(upload("plan.docx", _office_zip())).kind == "docx"
