"""Unpacking Moodle backups and reading their XML: every real backup in the shared fixtures
unpacks; every hostile or broken one is refused with a message saying why, with nothing
written outside the working folder and nothing left inside it."""

import tarfile
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from lxml import etree

from praxis.interop.moodle import archive as archive_module
from praxis.interop.moodle.archive import UnpackLimits, unpack
from praxis.interop.moodle.records import MoodleImportError
from praxis.interop.moodle.safexml import integer, iter_elements, moodle_time, parse_small, text
from praxis.interop.tests import malicious

FIXTURES = Path(settings.BASE_DIR).parent / "shared" / "fixtures" / "moodle"
REAL_BACKUPS = sorted(FIXTURES.glob("*.mbz"))
MB = 1024 * 1024


def listing(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*")}


@pytest.fixture
def place(tmp_path):
    """A folder for the built archives, and an empty ``into`` inside a folder of its own."""
    archives = tmp_path / "archives"
    archives.mkdir()
    into = tmp_path / "work" / "into"
    into.mkdir(parents=True)
    return archives, into


def refused(archive: Path, into: Path, limits: UnpackLimits | None = None) -> str:
    """Unpack what must be refused: the message, once checked that nothing stayed behind."""
    root = into.parent.parent
    before = listing(root)
    with pytest.raises(MoodleImportError) as error:
        unpack(archive, into, limits=limits)
    assert listing(root) == before
    assert list(into.iterdir()) == []
    return str(error.value)


# Real backups written by Moodle 2.6 to 4.3.

@pytest.mark.skipif(not REAL_BACKUPS, reason="the shared Moodle fixtures are not present")
@pytest.mark.parametrize("backup", REAL_BACKUPS, ids=lambda path: path.stem)
def test_real_moodle_backup_unpacks_with_its_packaging_detected(backup, tmp_path):
    into = tmp_path / "into"
    packaging = unpack(backup, into)
    assert packaging == ("zip" if backup.read_bytes()[:2] == b"PK" else "tar.gz")
    assert (into / "moodle_backup.xml").is_file()
    assert (into / "course" / "course.xml").is_file() or (into / "activities").is_dir()
    root = parse_small(into / "moodle_backup.xml")
    assert root.tag == "moodle_backup"
    # "2016120504.02": a Moodle version is a decimal number.
    assert float(text(root.find("information"), "moodle_version")) > 2013000000


def test_both_packagings_and_the_dot_slash_prefix_are_among_the_real_backups():
    if not REAL_BACKUPS:
        pytest.skip("the shared Moodle fixtures are not present")
    heads = {path.name: path.read_bytes()[:2] for path in REAL_BACKUPS}
    assert heads["admin_tool_uploadcourse__backup.mbz"] == b"PK"
    shared_random = FIXTURES / "mod_quiz__pre-40-shared-random-question.mbz"
    with tarfile.open(shared_random) as packed:
        assert all(name == "." or name.startswith("./") for name in packed.getnames())


def test_dot_slash_prefixed_tar_unpacks_at_the_top(place):
    archives, into = place
    backup = malicious.tar_archive(archives, malicious.BACKUP_FILES, prefix="./")
    assert unpack(backup, into) == "tar.gz"
    assert listing(into) == {"moodle_backup.xml", "course", "course/course.xml", "files.xml"}


def test_uncompressed_tar_and_zip_unpack_alike(place):
    archives, into = place
    plain = malicious.tar_archive(archives, malicious.BACKUP_FILES, compressed=False,
                                  name="plain.mbz")
    packed = malicious.zip_archive(archives, malicious.BACKUP_FILES, name="zipped.mbz")
    assert unpack(plain, into / "a") == "tar"
    assert unpack(packed, into / "b") == "zip"
    assert listing(into / "a") == listing(into / "b")
    assert (into / "b" / "moodle_backup.xml").read_bytes() == malicious.MOODLE_BACKUP_XML


def test_packaging_is_told_by_content_not_by_name(place):
    archives, into = place
    backup = malicious.zip_archive(archives, malicious.BACKUP_FILES, name="course.tar.gz")
    assert unpack(backup, into) == "zip"


def test_a_repeated_entry_name_keeps_the_last(place):
    archives, into = place
    second = malicious._file("moodle_backup.xml", b"<moodle_backup/>")
    backup = malicious.tar_archive(archives, malicious.BACKUP_FILES, specials=[second])
    unpack(backup, into)
    assert (into / "moodle_backup.xml").read_bytes() == b"<moodle_backup/>"


# Entries that try to leave the folder.

@pytest.mark.parametrize("build", [malicious.tar_with_entry_named, malicious.zip_with_entry_named])
@pytest.mark.parametrize("entry", ["../../evil", "course/../../../evil", "C:\\evil", "C:evil",
                                   "course\\..\\..\\evil"])
def test_entry_escaping_the_folder_is_refused(place, build, entry):
    archives, into = place
    message = refused(build(archives, entry), into)
    assert "outside the folder" in message
    assert entry[:10] in message


@pytest.mark.parametrize("build", [malicious.tar_with_entry_named, malicious.zip_with_entry_named])
def test_absolute_entry_is_refused(place, build):
    archives, into = place
    target = Path(tempfile.gettempdir()) / f"praxis-evil-{uuid.uuid4().hex}"
    message = refused(build(archives, str(target)), into)
    assert "outside the folder" in message
    assert not target.exists()


@pytest.mark.parametrize("build", [malicious.tar_with_nul_in_name, malicious.zip_with_nul_in_name])
def test_nul_in_an_entry_name_is_refused(place, build):
    archives, into = place
    assert "outside the folder" in refused(build(archives), into)


@pytest.mark.parametrize("build", [malicious.tar_with_symlink, malicious.tar_with_hardlink,
                                   malicious.zip_with_symlink])
@pytest.mark.parametrize("target", ["/etc/passwd", "../../outside", "moodle_backup.xml"])
def test_links_are_refused_wherever_they_point(place, build, target):
    archives, into = place
    message = refused(build(archives, target), into)
    assert "course/passwd" in message
    assert "link or special file" in message


@pytest.mark.parametrize("kind", [tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE])
def test_devices_and_fifos_are_refused(place, kind):
    archives, into = place
    assert "link or special file" in refused(malicious.tar_with_device(archives, kind), into)


# Bombs: small limits keep the tests fast.

def test_default_limits_follow_the_archive_size_and_the_site_setting(settings):
    settings.PRAXIS_IMPORT_MAX_UNPACKED_MB = 1000
    limits = UnpackLimits()
    assert limits.max_total_bytes == 1000 * MB
    assert limits.max_entries == 2_000_000
    assert limits.allowed_bytes(1 * MB) == 100 * MB + 64 * MB
    assert limits.allowed_bytes(100 * MB) == 1000 * MB
    del settings.PRAXIS_IMPORT_MAX_UNPACKED_MB
    assert UnpackLimits().max_total_bytes == 20480 * MB


def test_zip_bomb_is_refused_by_ratio(place):
    archives, into = place
    bomb = malicious.zip_bomb(archives, megabytes=20)
    message = refused(bomb, into, UnpackLimits(max_ratio=50, ratio_allowance_bytes=0))
    assert "more than 50 times its own size" in message


def test_zip_bomb_is_refused_by_the_site_limit(place):
    archives, into = place
    bomb = malicious.zip_bomb(archives, megabytes=3)
    message = refused(bomb, into, UnpackLimits(max_total_bytes=2 * MB))
    assert "more than 2.0 MB" in message
    assert "PRAXIS_IMPORT_MAX_UNPACKED_MB" in message


def test_tar_gz_bomb_is_refused(place):
    archives, into = place
    bomb = malicious.tar_gz_bomb(archives, megabytes=10)
    message = refused(bomb, into, UnpackLimits(max_ratio=100, ratio_allowance_bytes=0))
    assert "more than 100 times its own size" in message


def test_bytes_written_are_counted_even_when_headers_are_not_checked(place, monkeypatch):
    archives, into = place
    monkeypatch.setattr(archive_module._Budget, "check_claims", lambda self, **claims: None)
    for build in (malicious.zip_bomb, malicious.tar_gz_bomb):
        bomb = build(archives, megabytes=5)
        message = refused(bomb, into, UnpackLimits(max_total_bytes=1 * MB))
        assert "more than 1.0 MB" in message
        bomb.unlink()


def test_zeros_after_the_tar_end_count_against_the_limit(place):
    archives, into = place
    bomb = malicious.tar_gz_with_trailing_zeros(archives, megabytes=5)
    assert "more than 1.0 MB" in refused(bomb, into, UnpackLimits(max_total_bytes=1 * MB))


@pytest.mark.parametrize("kind", ["pax", "gnu"])
def test_a_header_too_large_to_hold_in_memory_is_refused(place, kind):
    archives, into = place
    hostile = malicious.tar_gz_with_large_header(archives, megabytes=20, kind=kind)
    message = refused(hostile, into)
    assert "header of more than 16 MB" in message and "damaged or hostile" in message


def test_a_large_header_within_the_site_limit_still_counts_against_it(place, monkeypatch):
    archives, into = place
    monkeypatch.setattr(archive_module, "MAX_HEADER_BYTES", 64 * MB)
    hostile = malicious.tar_gz_with_large_header(archives, megabytes=3)
    assert "more than 2.0 MB" in refused(hostile, into, UnpackLimits(max_total_bytes=2 * MB))


def test_no_single_read_of_the_tar_may_be_larger_than_a_header_may_be(tmp_path):
    budget = archive_module._Budget(UnpackLimits(), archive_size=MB)
    with (tmp_path / "t").open("wb+") as raw:
        raw.write(bytes(100))
        raw.seek(0)
        stream = archive_module._BudgetedStream(raw, budget)
        assert stream.read(60) == bytes(60) and budget.written == 60
        with pytest.raises(MoodleImportError, match="damaged or hostile"):
            stream.read(archive_module.MAX_HEADER_BYTES + 1)
        with pytest.raises(MoodleImportError, match="damaged or hostile"):
            stream.read()


def test_too_many_entries_are_refused(place):
    archives, into = place
    backup = malicious.zip_with_many_entries(archives, count=50)
    assert "more than 20 files" in refused(backup, into, UnpackLimits(max_entries=20))
    tarred = malicious.tar_gz_bomb(archives, megabytes=0, entries=30)
    assert "more than 20 files" in refused(tarred, into, UnpackLimits(max_entries=20))


# Damaged archives and other files.

@pytest.mark.parametrize("build", [malicious.truncated_tar_gz, malicious.truncated_zip,
                                   malicious.zip_with_bad_crc, malicious.tar_gz_with_bad_crc])
def test_damaged_archive_is_refused(place, build):
    archives, into = place
    assert "damaged or incomplete" in refused(build(archives), into)


@pytest.mark.parametrize("build", [malicious.pdf_file, malicious.text_file,
                                   malicious.gzip_of_text])
def test_a_file_that_is_no_archive_is_refused(place, build):
    archives, into = place
    assert refused(build(archives), into).startswith("This file is not a Moodle backup:")


def test_an_empty_file_is_refused(place):
    archives, into = place
    empty = archives / "backup.mbz"
    empty.touch()
    assert refused(empty, into).startswith("This file is not a Moodle backup:")


def test_moodle_19_backup_is_told_apart(place):
    archives, into = place
    message = refused(malicious.moodle19_zip(archives), into)
    assert message == ("This is a Moodle 1.9 backup; Praxis reads backups from Moodle 2.6 "
                       "to 5.x.")


def test_archive_without_moodle_backup_xml_is_refused(place):
    archives, into = place
    message = refused(malicious.zip_without_moodle_backup(archives), into)
    assert message == ("This archive holds no moodle_backup.xml, so it is not a Moodle course "
                       "backup.")


def test_failure_removes_only_what_the_unpacking_wrote(place):
    archives, into = place
    (into / "kept.txt").write_text("the caller's")
    refused_archive = malicious.tar_with_symlink(archives)
    with pytest.raises(MoodleImportError):
        unpack(refused_archive, into)
    assert listing(into) == {"kept.txt"}


# XML: hostile declarations are refused, never expanded or fetched.

HOSTILE_XML = {
    "billion laughs": malicious.BILLION_LAUGHS,
    "external entity to a local file": malicious.external_entity("file:///etc/passwd"),
    "external entity over http": malicious.external_entity("http://127.0.0.1:9/secret"),
    "parameter entity": malicious.parameter_entity(),
    "doctype after a comment": malicious.doctype_after_comment(),
    "UTF-16 external entity": malicious.utf16_external_entity(),
}


@pytest.mark.parametrize("content", HOSTILE_XML.values(), ids=HOSTILE_XML.keys())
def test_document_type_declaration_is_refused(tmp_path, content):
    path = tmp_path / "moodle_backup.xml"
    path.write_bytes(content)
    expected = ("“moodle_backup.xml” contains a document type declaration; Moodle backups "
                "never do, so it was refused.")
    with pytest.raises(MoodleImportError) as small:
        parse_small(path)
    assert str(small.value) == expected
    with pytest.raises(MoodleImportError) as streamed:
        list(iter_elements(path, "name"))
    assert str(streamed.value) == expected


def test_hostile_xml_inside_a_real_looking_backup_names_the_file(place):
    archives, into = place
    backup = malicious.backup_with_moodle_backup_xml(archives, malicious.external_entity())
    unpack(backup, into)  # the archive itself is sound; its XML is read later
    with pytest.raises(MoodleImportError, match="“moodle_backup.xml” contains a document type"):
        parse_small(into / "moodle_backup.xml")


def test_a_file_deep_in_the_backup_is_named_by_its_path_there(tmp_path):
    (tmp_path / "moodle_backup.xml").write_bytes(malicious.MOODLE_BACKUP_XML)
    forum = tmp_path / "activities" / "forum_3" / "forum.xml"
    forum.parent.mkdir(parents=True)
    forum.write_bytes(malicious.BILLION_LAUGHS)
    with pytest.raises(MoodleImportError, match="“activities/forum_3/forum.xml” contains"):
        next(iter_elements(forum, "discussion"))


@pytest.mark.parametrize(("content", "expected"), [
    (malicious.truncated_xml(), r"is not well-formed XML \(the problem is at line 7\)"),
    (malicious.badly_encoded_xml(), "has text that is not valid UTF-8 at line 4"),
    (b"", "is not well-formed XML"),
])
def test_malformed_xml_is_refused_with_its_line(tmp_path, content, expected):
    path = tmp_path / "moodle_backup.xml"
    path.write_bytes(content)
    with pytest.raises(MoodleImportError, match=expected):
        parse_small(path)
    with pytest.raises(MoodleImportError, match=expected):
        list(iter_elements(path, "name"))


def test_a_prolog_too_long_to_check_is_refused(tmp_path):
    path = tmp_path / "moodle_backup.xml"
    comment = b"<!-- " + b"padding " * 200_000 + b"-->\n"
    path.write_bytes(b'<?xml version="1.0"?>\n' + comment + malicious.external_entity()[22:])
    with pytest.raises(MoodleImportError, match="does not start the way Moodle's XML files do"):
        parse_small(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(MoodleImportError, match="The backup has no “groups.xml”"):
        parse_small(tmp_path / "groups.xml")


# Streaming.

def write_forum(path: Path, discussions: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<activity id="1"><forum id="3">'
                  "<name>Staff room</name><discussions>")
        for number in range(1, discussions + 1):
            out.write(f'<discussion id="{number}"><name>Question {number}</name>'
                      f"<timemodified>{1_700_000_000 + number}</timemodified>"
                      f"<posts><post id=\"{number}\"><message>&lt;p&gt;Hello&lt;/p&gt;</message>"
                      "</post></posts></discussion>")
        out.write("</discussions></forum></activity>\n")


def test_iter_elements_streams_and_clears_what_it_yielded(tmp_path):
    path = tmp_path / "forum.xml"
    write_forum(path, 50_000)
    count = 0
    last = None
    for discussion in iter_elements(path, "discussion"):
        count += 1
        assert discussion.get("id") == str(count)
        assert text(discussion, "name") == f"Question {count}"
        # What was yielded before is gone, but for the one before, already emptied.
        previous = discussion.getprevious()
        assert previous is None or (len(previous) == 0 and previous.getprevious() is None)
        last = discussion
    assert count == 50_000
    assert last is not None
    discussions = last.getparent()
    assert len(discussions) <= 1
    assert len(last) == 0  # emptied once the caller moved on
    forum = discussions.getparent()
    assert text(forum, "name") == "Staff room"  # what came before the discussions stays


def test_a_large_text_is_read_whole(tmp_path):
    path = tmp_path / "forum.xml"
    message = "<p>" + "word " * 1_000_000 + "</p>"  # a 5 MB post
    root = etree.Element("posts")
    etree.SubElement(etree.SubElement(root, "post"), "message").text = message
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    posts = list(text(post, "message") for post in iter_elements(path, "post"))
    assert posts == [message]


# Reading values the way Moodle writes them.

def test_values_read_moodle_null_empty_and_missing_as_the_default():
    post = etree.fromstring(
        "<post id='7'><subject>Hi</subject><message>$@NULL@$</message><parent></parent>"
        "<created>1700000000</created><modified>0</modified><mailed>$@NULL@$</mailed>"
        "<userid> 42 </userid></post>")
    assert text(post, "subject") == "Hi"
    assert text(post, "message") == ""
    assert text(post, "nothing", default="-") == "-"
    assert integer(post, "parent") == 0
    assert integer(post, "mailed", default=-1) == -1
    assert integer(post, "userid") == 42
    assert moodle_time(post, "created") == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert moodle_time(post, "modified") is None
    assert moodle_time(post, "mailed") is None
    assert moodle_time(post, "missing") is None


def test_a_value_that_is_not_a_number_is_named(tmp_path):
    path = tmp_path / "forum.xml"
    path.write_bytes(b"<posts>\n<post><userid>forty-two</userid></post></posts>")
    post = next(iter_elements(path, "post"))
    with pytest.raises(MoodleImportError, match=r"“forum.xml”, line 2: <userid> should be a whole"):
        integer(post, "userid")
