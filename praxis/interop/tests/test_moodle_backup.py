"""Reading unpacked Moodle 2 backups: the real backups Moodle ships as test fixtures (2.6 to
4.3, no user data) for the structure across versions, and backups written by
``praxis.demo.moodle_backup`` for everything a forum holds, read back exactly as written."""

import base64
import json
import tarfile
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings

from praxis.demo.moodle_backup import (
    VERSIONS,
    BackupSpec,
    CoursePlan,
    php_serialize,
    write_backup,
)
from praxis.interop.moodle.backup import decode_other, read_backup
from praxis.interop.moodle.records import MoodleImportError, ReadEvent

FIXTURES = Path(settings.BASE_DIR).parent / "shared" / "fixtures" / "moodle"


def unpack(archive: Path, folder: Path) -> str:
    """Trusted archives only: the safe unpacking of uploads is archive.py's job."""
    folder.mkdir()
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as packed:
            packed.extractall(folder)  # noqa: S202 - our own fixtures, not uploads
        return "zip"
    with tarfile.open(archive, "r:*") as packed:
        packed.extractall(folder, filter="data")
    return "tar.gz"


def read_fixture(name, tmp_path):
    folder = tmp_path / "backup"
    packaging = unpack(FIXTURES / f"{name}.mbz", folder)
    return read_backup(folder, packaging), packaging


def walk(source):
    forums = [(content.forum, list(content.discussions)) for content in source.forums]
    return {
        "users": list(source.users), "roles": list(source.roles),
        "groups": list(source.groups), "files": list(source.files), "forums": forums,
        "reads": sorted(source.reads, key=read_order),
    }


def read_order(read: ReadEvent):
    return (read.time, read.user_id, read.discussion_id, read.source)


# -- Moodle's own backups ------------------------------------------------------------------

# name: (release starts, kind, packaging, course name, forums (name, type), skipped)
REAL_BACKUPS = {
    "admin_tool_uploadcourse__backup": (
        "2.6dev", "course", "zip", "Course Import", [], ["Glossary “Imported Glossary”"]),
    "backup_moodle2__availability_26_format": (
        "2.6.2", "course", "tar.gz", "MDL-44070 Moodle 2.6 backup",
        [("Group forum (group members only)", "general")], ["Quiz “Quiz for grade”"]),
    "mod_quiz__moodle_28_quiz": (
        "2.8.5+", "activity", "zip", "Backup test", [], ["Quiz “Restored Moodle 2.8 quiz”"]),
    "mod_quiz__pre-40-shared-random-question": (
        "3.1.10+", "course", "tar.gz", "2022/23/2 GTI22AN303HU UJG1-MEX - Üzleti jog I.", [],
        ["Quiz “1. zárthelyi dolgozat - 2023.03.27. 08:05-08:35”"]),
    "backup_controller__deadlock": (
        "3.2.4+", "course", "tar.gz", "Deadlock Backup", [("Announcements", "news")],
        ["Folder “Folder”", "IMS content package “IMS CC”", "SCORM package “SCORM”"]),
    "backup_moodle2__question_category_34_format": (
        "3.4.1", "course", "tar.gz", "C101", [("Announcements", "news")], ["Quiz “Q1”"]),
    "backup_moodle2__question_category_35_format": (
        "3.5dev", "course", "tar.gz", "C101", [("Announcements", "news")], ["Quiz “Q1”"]),
    "mod_quiz__random_by_tag_quiz": (
        "3.5dev", "activity", "tar.gz", "MDL-61614", [], ["Quiz “Quiz 1”"]),
    "mod_quiz__moodle_39_quiz_with_random_question_from_mod_context": (
        "3.9.25", "activity", "tar.gz", "Test MDL-78902 Course", [],
        ["Quiz “Test MDL-78902 quiz”"]),
    "mod_quiz__question_attempts_missing_users": (
        "3.10.7+", "course", "tar.gz", "Course 01", [], ["Quiz “Quiz 01”"]),
    "mod_quiz__moodle_311_quiz": (
        "3.11.6+", "activity", "tar.gz", "test", [], ["Quiz “moodle_311_quiz”"]),
    "completion__legacy_course_completion": (
        "4.1dev", "course", "tar.gz", "Course 1", [], ["Assignment “Test assignment name”"]),
    "backup_moodle2__test_tags_backup": (
        "4.1dev+", "course", "tar.gz", "Course 1", [], ["Quiz “Test quiz Q001”"]),
    "mod_quiz__moodle_42_random_question": (
        "4.3dev", "activity", "tar.gz", "C1", [], ["Quiz “Random Question Quiz”"]),
}


def test_every_real_fixture_is_listed_here():
    assert {path.stem for path in FIXTURES.glob("*.mbz")} == set(REAL_BACKUPS)


@pytest.mark.parametrize("name", sorted(REAL_BACKUPS))
def test_real_moodle_backup_reads_without_error(name, tmp_path):
    release, kind, packaging, course, forums, skipped = REAL_BACKUPS[name]
    source, found_packaging = read_fixture(name, tmp_path)
    read = walk(source)

    origin = source.origin
    assert found_packaging == packaging == origin.packaging
    assert origin.moodle_release.startswith(release)
    assert origin.kind == kind
    assert origin.course_name == course
    assert len(origin.site) == 32 and int(origin.site, 16) >= 0
    assert origin.with_users is False or name in (
        "mod_quiz__question_attempts_missing_users", "completion__legacy_course_completion",
        "backup_moodle2__test_tags_backup", "mod_quiz__moodle_42_random_question")
    assert [(forum.name, forum.type) for forum, _discussions in read["forums"]] == forums
    assert all(discussions == [] for _forum, discussions in read["forums"])
    found = {entry.what for entry in source.skipped}
    assert set(skipped) <= found
    assert all(entry.reason == "Praxis imports forums only." for entry in source.skipped
               if "“" in entry.what and not entry.what.startswith("File"))


def test_real_backup_names_its_site_course_and_forum_ids(tmp_path):
    source, _packaging = read_fixture("backup_controller__deadlock", tmp_path)
    assert source.origin.site == "4bc5824249972b3fc38d9f33e15296df"
    assert source.origin.course_id == 3
    assert source.origin.moodle_version == 2016120504
    assert source.origin.course_start is not None
    assert source.origin.course_end is not None
    forum = next(iter(source.forums)).forum
    assert (forum.id, forum.module_id, forum.context_id) == (2, 2, 33)
    assert forum.intro == "General news and announcements"


def test_moodle_410_backup_users_and_roles(tmp_path):
    source, _packaging = read_fixture("completion__legacy_course_completion", tmp_path)
    users = list(source.users)
    assert [user.username for user in users] == ["teacher1", "student1", "student2"]
    assert all(user.email and not user.deleted for user in users)
    roles = {(role.user_id, role.archetype) for role in source.roles}
    assert {archetype for _user, archetype in roles} >= {"student"}
    assert source.origin.with_users is True
    assert source.origin.anonymised is False


def test_moodle_310_backup_users_and_standard_log(tmp_path):
    source, _packaging = read_fixture("mod_quiz__question_attempts_missing_users", tmp_path)
    assert [user.username for user in source.users] == ["user01", "user04"]
    assert list(source.reads) == []  # a quiz course: its log names no discussion
    assert source.log_entries == source.log_entries_without_discussion > 0
    assert source.origin.with_logs is True


# -- backups written by the demo writer ------------------------------------------------------

def expected(plan: CoursePlan, folder: Path):
    files, forums, reads = [], [], []
    for planned in plan.forums:
        discussions = []
        for planned_file in plan.intro_files(planned):
            files.append(planned_file)
        for planned_discussion in plan.discussions(planned):
            discussions.append(planned_discussion.discussion)
            files.extend(planned_discussion.files)
            reads.extend(planned_discussion.reads)
        forums.append((planned.forum, discussions))
    stored = [replace(f.record, blob=None if f.missing else
                      folder / "files" / f.record.content_hash[:2] / f.record.content_hash)
              for f in files]
    return {"users": plan.users, "roles": plan.roles, "groups": plan.groups,
            "files": stored, "forums": forums, "reads": sorted(reads, key=read_order)}


def write_and_read(spec: BackupSpec, tmp_path: Path):
    archive = tmp_path / "course.mbz"
    plan = write_backup(spec, archive)
    folder = tmp_path / "backup"
    packaging = unpack(archive, folder)
    assert packaging == spec.packaging
    source = read_backup(folder, packaging)
    return plan, source, folder


@pytest.mark.parametrize("packaging", ["zip", "tar.gz"])
@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_written_backup_reads_back_exactly(version, packaging, tmp_path):
    spec = BackupSpec(version=version, packaging=packaging)
    plan, source, folder = write_and_read(spec, tmp_path)

    assert walk(source) == expected(plan, folder)
    origin = source.origin
    assert origin.site == spec.site_hash
    assert origin.moodle_release == VERSIONS[version].release
    assert (origin.kind, origin.packaging, origin.course_id) == ("course", packaging, 42)
    assert origin.course_name == spec.course_name
    assert origin.with_users and origin.with_logs and not origin.anonymised
    skipped = {entry.what for entry in source.skipped}
    assert {"Quiz “Placement quiz”", "Page “Course handbook”"} <= skipped
    missing = [f for f in source.files if f.blob is None]
    assert len(missing) == 1 and f"File “{missing[0].file_name}”" in skipped
    lines = sum(len(d.log) for p in plan.forums for d in plan.discussions(p))
    assert source.log_entries == lines + len(plan.course_log())


@pytest.mark.parametrize("version", ["2.6", "3.9", "4.5"])
def test_written_backup_holds_every_kind_of_content(version, tmp_path):
    _plan, source, _folder = write_and_read(BackupSpec(version=version), tmp_path)
    read = walk(source)
    posts = [post for _forum, discussions in read["forums"] for discussion in discussions
             for post in discussion.posts]
    assert {forum.type for forum, _d in read["forums"]} == {
        "news", "general", "qanda", "single", "eachuser", "blog"}
    assert any(not discussions for _forum, discussions in read["forums"])
    assert any(post.parent_id and post.parent_id != discussion.posts[0].id
               for _f, discussions in read["forums"] for discussion in discussions
               for post in discussion.posts)  # threaded, not only flat replies
    assert any(post.ratings for post in posts)
    assert any(post.attachment for post in posts)
    assert any("@@PLUGINFILE@@" in post.message for post in posts)
    assert {post.message_format for post in posts} >= {1, 2, 4}
    assert {read.source for read in read["reads"]} == (
        {"legacy_log", "read_tracking"} if version == "2.6"
        else {"legacy_log", "standard_log", "read_tracking"} if version == "3.9"
        else {"standard_log", "read_tracking"})
    lurkers = {111, 112}
    assert lurkers <= {read.user_id for read in read["reads"]}
    assert not lurkers & {post.user_id for post in posts}
    deleted_users = [user for user in read["users"] if user.deleted]
    assert [user.id for user in deleted_users] == [110]
    assert any(user.firstname == "پریسا" for user in read["users"])
    assert {role.forum_id for role in read["roles"]} == {None, 33}
    assert {group.name for group in read["groups"]} >= {"گروه اصفهان"}
    newer = version != "2.6"
    assert any(post.tags for post in posts) is newer
    assert any(d.pinned for _f, ds in read["forums"] for d in ds) is newer
    assert any(post.private_reply_to for post in posts) is (version >= "3.7")
    assert any(post.deleted for post in posts) is (version >= "3.7")
    assert any(d.locked for _f, ds in read["forums"] for d in ds) is (version >= "3.7")


def test_standard_log_in_both_forms_is_read(tmp_path):
    plan, source, _folder = write_and_read(BackupSpec(version="4.1"), tmp_path)
    lines = [line for p in plan.forums for d in plan.discussions(p) for line in d.log
             if not line.legacy]
    assert {line.json_other for line in lines} == {True, False}
    assert {read.source for read in source.reads} == {"standard_log", "read_tracking"}


def test_anonymised_backup_is_marked_and_keeps_the_threads(tmp_path):
    spec = BackupSpec(version="3.9", anonymised=True)
    plan, source, folder = write_and_read(spec, tmp_path)
    assert source.origin.anonymised is True
    read = walk(source)
    assert read == expected(plan, folder)
    assert all(user.email.startswith("anon") and user.email.endswith("@doesntexist.invalid")
               for user in read["users"])
    assert read["forums"] == expected(CoursePlan(replace(spec, anonymised=False)),
                                      folder)["forums"]


def test_backup_without_users_has_forums_but_no_people_or_posts(tmp_path):
    spec = BackupSpec(version="4.5", with_users=False, packaging="zip")
    plan, source, folder = write_and_read(spec, tmp_path)
    read = walk(source)
    assert read == expected(plan, folder)
    assert source.origin.with_users is False
    assert read["users"] == read["roles"] == read["reads"] == []
    assert len(read["forums"]) == 7
    assert all(discussions == [] for _forum, discussions in read["forums"])
    assert [f.file_area for f in read["files"]] == ["intro"]
    assert all(group.member_ids == () for group in read["groups"])


def test_single_activity_backup(tmp_path):
    spec = BackupSpec(version="4.1", kind="activity")
    plan, source, folder = write_and_read(spec, tmp_path)
    read = walk(source)
    assert read == expected(plan, folder)
    assert source.origin.kind == "activity"
    assert [forum.name for forum, _d in read["forums"]] == ["Lesson planning circle"]
    assert not [entry for entry in source.skipped if entry.reason.endswith("forums only.")]


@pytest.mark.parametrize("packaging", ["zip", "tar.gz"])
def test_writer_is_deterministic(packaging, tmp_path):
    spec = BackupSpec(version="4.5", packaging=packaging, seed=7)
    write_backup(spec, tmp_path / "one.mbz")
    write_backup(spec, tmp_path / "two.mbz")
    assert (tmp_path / "one.mbz").read_bytes() == (tmp_path / "two.mbz").read_bytes()


def test_scale_multiplies_discussions(tmp_path):
    small = CoursePlan(BackupSpec(scale=1))
    large = CoursePlan(BackupSpec(scale=3))
    count = [sum(1 for p in plan.forums for _d in plan.discussions(p))
             for plan in (small, large)]
    assert count[1] == 3 * count[0] - 2 * 1  # the single-discussion forum stays single


# -- what the reader refuses -------------------------------------------------------------------

def written_folder(tmp_path, **spec):
    from praxis.demo.moodle_backup import write_backup_folder

    folder = tmp_path / "backup"
    write_backup_folder(BackupSpec(**spec), folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("release, shown", [
    ("6.1 (Build: 20280101)", "6.1"), ("2.5.9 (Build: 20141110)", "2.5.9"),
])
def test_unknown_moodle_release_is_refused_with_its_name(release, shown, tmp_path):
    folder = written_folder(tmp_path)
    edit(folder / "moodle_backup.xml", VERSIONS["4.1"].release, release)
    with pytest.raises(MoodleImportError, match=f"Moodle {shown}, which Praxis does not know"):
        read_backup(folder, "tar.gz")


def test_version_number_is_used_when_the_release_is_missing(tmp_path):
    folder = written_folder(tmp_path)
    edit(folder / "moodle_backup.xml", f"<moodle_release>{VERSIONS['4.1'].release}",
         "<moodle_release>")
    assert read_backup(folder, "zip").origin.moodle_version == int(VERSIONS["4.1"].version)
    edit(folder / "moodle_backup.xml", VERSIONS["4.1"].version, "2012120300")
    with pytest.raises(MoodleImportError, match="does not know"):
        read_backup(folder, "zip")


def test_site_falls_back_to_its_address(tmp_path):
    folder = written_folder(tmp_path)
    edit(folder / "moodle_backup.xml", BackupSpec().site_hash, "")
    site = read_backup(folder, "zip").origin.site
    assert len(site) == 32 and site != BackupSpec().site_hash


def test_moodle_19_backup_is_named(tmp_path):
    (tmp_path / "moodle.xml").write_text("<MOODLE_BACKUP></MOODLE_BACKUP>")
    with pytest.raises(MoodleImportError, match="Moodle 1.9"):
        read_backup(tmp_path, "zip")


def test_folder_without_manifest_is_refused(tmp_path):
    with pytest.raises(MoodleImportError, match="moodle_backup.xml"):
        read_backup(tmp_path, "zip")


def test_activity_folder_outside_the_backup_is_refused(tmp_path):
    folder = written_folder(tmp_path)
    edit(folder / "moodle_backup.xml", "<directory>activities/forum_202</directory>",
         "<directory>../../etc</directory>")
    with pytest.raises(MoodleImportError, match="not inside the backup"):
        read_backup(folder, "zip")


def test_listed_forum_without_its_file_is_refused(tmp_path):
    folder = written_folder(tmp_path)
    (folder / "activities" / "forum_203" / "forum.xml").unlink()
    with pytest.raises(MoodleImportError, match="forum_203/forum.xml"):
        read_backup(folder, "zip")


def test_hostile_forum_xml_is_refused_when_walked(tmp_path):
    folder = written_folder(tmp_path)
    edit(folder / "activities" / "forum_202" / "forum.xml", "<activity ",
         '<!DOCTYPE a [<!ENTITY x "boom">]>\n<activity ')
    source = read_backup(folder, "zip")
    with pytest.raises(MoodleImportError, match="document type declaration"):
        [list(content.discussions) for content in source.forums]


# -- the log's ``other`` -----------------------------------------------------------------------

@pytest.mark.parametrize("payload", [
    '{"discussionid":"12","forumid":"3"}',
    php_serialize({"discussionid": "12", "forumid": "3"}),
])
def test_other_is_read_in_both_forms(payload):
    import base64

    encoded = base64.b64encode(payload.encode()).decode()
    assert decode_other(encoded) == {"discussionid": "12", "forumid": "3"}
    assert decode_other(payload) == {"discussionid": "12", "forumid": "3"}


@pytest.mark.parametrize("encoded", ["", "bnVsbA==", "Tjs=", "!!!", "TzoxOiJYIjowOnt9",
                                     "eyJ4Ijo="])
def test_unreadable_or_empty_other_is_none(encoded):
    # null, N;, garbage, an object (O:1:"X":0:{}), truncated JSON
    assert decode_other(encoded) is None


# -- which log entries are reads ------------------------------------------------------------

SOMEONE = 990  # a user id the writer never uses


def _standard_entry(eventname, crud, user_id, time, *, discussion=0, objecttable="",
                    objectid=0):
    other = base64.b64encode(json.dumps({"discussionid": discussion}).encode()).decode()
    return (f"<logstore_standard_log id=\"{time}\"><eventname>{eventname}</eventname>"
            f"<component>mod_forum</component><objecttable>{objecttable}</objecttable>"
            f"<objectid>{objectid}</objectid><crud>{crud}</crud><userid>{user_id}</userid>"
            f"<other>{other}</other><timecreated>{time}</timecreated>"
            "</logstore_standard_log>")


def _legacy_entry(action, user_id, time, discussion):
    return (f"<log id=\"{time}\"><time>{time}</time><userid>{user_id}</userid>"
            f"<module>forum</module><action>{action}</action>"
            f"<url>discuss.php?d={discussion}&amp;parent=5#p6</url><info>{discussion}</info>"
            "</log>")


def _add_to_log(path: Path, closing: str, entries: list[str]) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(closing, "".join(entries) + closing), encoding="utf-8")


def test_only_reading_and_writing_in_a_discussion_count_as_reads(tmp_path):
    _plan, _source, folder = write_and_read(BackupSpec(version="3.9"), tmp_path)
    forum_folder = sorted((folder / "activities").glob("forum_*"))[0]
    discussion = 1_000_001
    event = "\\mod_forum\\event\\"
    _add_to_log(forum_folder / "logstores.xml", "</subplugin_logstore_standard_logstore>", [
        _standard_entry(event + "discussion_viewed", "r", SOMEONE, 1_600_000_001,
                        objecttable="forum_discussions", objectid=discussion),
        _standard_entry(event + "post_created", "c", SOMEONE, 1_600_000_002,
                        discussion=discussion),
        _standard_entry(event + "discussion_created", "c", SOMEONE, 1_600_000_003,
                        objecttable="forum_discussions", objectid=discussion),
        # An admin's work on the discussion, or a subscription: no one read anything.
        _standard_entry(event + "discussion_deleted", "d", SOMEONE, 1_600_000_100,
                        objecttable="forum_discussions", objectid=discussion),
        _standard_entry(event + "discussion_moved", "u", SOMEONE, 1_600_000_101,
                        discussion=discussion),
        _standard_entry(event + "discussion_subscription_created", "c", SOMEONE,
                        1_600_000_102, discussion=discussion),
        _standard_entry(event + "post_updated", "u", SOMEONE, 1_600_000_103,
                        discussion=discussion),
    ])
    _add_to_log(forum_folder / "logs.xml", "</logs>", [
        _legacy_entry("view discussion", SOMEONE, 1_500_000_001, discussion),
        _legacy_entry("add post", SOMEONE, 1_500_000_002, discussion),
        _legacy_entry("add discussion", SOMEONE, 1_500_000_003, discussion),
        _legacy_entry("update post", SOMEONE, 1_500_000_100, discussion),
        _legacy_entry("delete discussion", SOMEONE, 1_500_000_101, discussion),
        _legacy_entry("move discussion", SOMEONE, 1_500_000_102, discussion),
    ])

    source = read_backup(folder, "tar.gz")
    reads = sorted((read.time.timestamp(), read.source) for read in source.reads
                   if read.user_id == SOMEONE)

    assert reads == [(1_500_000_001, "legacy_log"), (1_500_000_002, "legacy_log"),
                     (1_500_000_003, "legacy_log"), (1_600_000_001, "standard_log"),
                     (1_600_000_002, "standard_log"), (1_600_000_003, "standard_log")]
    assert all(read.discussion_id == discussion for read in source.reads
               if read.user_id == SOMEONE)


def test_log_entries_that_are_no_reads_are_listed_once_however_often_walked(tmp_path):
    _plan, source, _folder = write_and_read(BackupSpec(version="3.9"), tmp_path)
    for _walk in range(3):
        list(source.reads)
        list(source.files)
    whats = [entry.what for entry in source.skipped]
    assert len(whats) == len(set(whats))
    assert any(what.endswith("log entries") for what in whats)
