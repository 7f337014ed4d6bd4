"""``manage.py import_moodle`` on whole files: backups written as each Moodle version writes
them (``praxis.demo.moodle_backup``), Moodle's own test backups, and hostile files."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from praxis.accounts.models import User
from praxis.communities.models import Cohort, Membership
from praxis.demo.moodle_backup import BackupSpec, CoursePlan, write_backup
from praxis.discussions.models import Post, Thread, ThreadRead, ThreadVisitDay
from praxis.interop.models import ImportedItem
from praxis.interop.tests import malicious
from praxis.topics.models import Topic

FIXTURES = Path(settings.BASE_DIR).parent / "shared" / "fixtures" / "moodle"


def import_file(path: Path, community, *options: str) -> str:
    out = io.StringIO()
    call_command("import_moodle", str(path), "--community", community.slug, *options,
                 stdout=out)
    return out.getvalue()


def planned_posts(plan: CoursePlan) -> list:
    return [post for forum in plan.forums for planned in plan.discussions(forum)
            for post in planned.discussion.posts]


def shape(community) -> list[tuple]:
    """What a member sees, free of ids: topics, threads, posts and their authors in order."""
    return [
        (post.thread.topic.title, post.thread.title, post.depth, post.author.email,
         re.sub(r"/c/[^/]+/attachments/\d+/", "/attachment/", post.body),
         post.private_to.email if post.private_to else None, post.is_hidden)
        for post in Post.objects.filter(thread__community=community)
        .select_related("thread__topic", "author", "private_to")
        .order_by("thread__topic__title", "thread__created_at", "thread__title", "created_at",
                  "body")
    ]


@pytest.mark.parametrize(("version", "packaging"), [
    ("2.6", "zip"), ("3.1", "tar.gz"), ("3.9", "zip"), ("4.1", "tar.gz"), ("4.5", "zip"),
    ("5.0", "tar.gz"),
])
def test_a_course_backup_of_each_version_is_imported_whole(tmp_path, cast, settings,
                                                           version, packaging):
    settings.MEDIA_ROOT = tmp_path / "media"
    backup = tmp_path / "course.mbz"
    plan = write_backup(BackupSpec(version=version, packaging=packaging), backup)
    output = import_file(backup, cast.community)

    posts = planned_posts(plan)
    imported = Post.objects.filter(thread__community=cast.community)
    assert imported.count() == len(posts)
    assert f"posts: {len(posts)}" in output
    assert imported.filter(private_to__isnull=False).count() == sum(
        1 for post in posts if post.private_reply_to)
    forums = [planned for planned in plan.forums]
    assert Topic.objects.filter(community=cast.community).count() == len(forums)
    # Everyone who read, lurkers too, has a read mark and reading days.
    readers = {event.user_id for forum in plan.forums for planned in plan.discussions(forum)
               for event in planned.reads}
    assert ThreadRead.objects.filter(thread__community=cast.community).values(
        "user").distinct().count() == len(readers)
    assert ThreadVisitDay.objects.filter(community=cast.community).exists()
    # Members in their cohorts, the deleted user a former member with no membership.
    assert {c.name for c in Cohort.objects.filter(community=cast.community)} == {
        group.name for group in plan.groups}
    deleted = [user for user in plan.users if user.deleted]
    assert deleted
    former = User.objects.filter(erased_at__isnull=False, posts__thread__community=cast.community)
    assert former.exists()
    assert not Membership.objects.filter(community=cast.community,
                                         user__erased_at__isnull=False).exists()
    for skipped_title in plan.skipped_titles:
        assert skipped_title in output


def test_importing_again_adds_nothing_and_zip_or_tar_give_the_same(tmp_path, make_cast,
                                                                    settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    first, second = make_cast(), make_cast()
    as_tar, as_zip = tmp_path / "course.mbz", tmp_path / "course-zip.mbz"
    write_backup(BackupSpec(packaging="tar.gz"), as_tar)
    write_backup(BackupSpec(packaging="zip"), as_zip)
    import_file(as_tar, first.community)
    rows = (Post.objects.count(), Thread.objects.count(), User.objects.count(),
            Membership.objects.count(), ThreadRead.objects.count(),
            ImportedItem.objects.count())
    output = import_file(as_zip, first.community)
    assert "posts: 0" in output
    assert (Post.objects.count(), Thread.objects.count(), User.objects.count(),
            Membership.objects.count(), ThreadRead.objects.count(),
            ImportedItem.objects.count()) == rows

    import_file(as_zip, second.community)
    assert shape(second.community) == shape(first.community)


def test_an_anonymised_backup_brings_people_who_cannot_sign_in(tmp_path, cast):
    backup = tmp_path / "anonymous.mbz"
    write_backup(BackupSpec(anonymised=True), backup)
    import_file(backup, cast.community)
    imported = User.objects.filter(memberships__community=cast.community).exclude(
        pk__in=[cast.steward.pk, cast.facilitator.pk, cast.member.pk])
    assert imported.exists()
    assert not imported.filter(is_active=True).exists()
    assert all(user.email.endswith(".invalid") for user in imported)
    assert all(user.display_name.startswith("Participant ") for user in imported)


def test_a_dry_run_says_what_would_change_and_changes_nothing(tmp_path, cast):
    backup = tmp_path / "course.mbz"
    plan = write_backup(BackupSpec(), backup)
    before = (Post.objects.count(), User.objects.count(), Topic.objects.count())
    output = import_file(backup, cast.community, "--dry-run")
    assert "Dry run: nothing was changed." in output
    assert f"posts: {len(planned_posts(plan))}" in output
    assert (Post.objects.count(), User.objects.count(), Topic.objects.count()) == before


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.mbz")))
def test_moodles_own_backups_are_read_and_reported(tmp_path, cast, fixture):
    output = import_file(FIXTURES / fixture, cast.community, "--dry-run")
    assert "From: " in output and "Moodle " in output
    assert "forums: " in output


def test_the_single_activity_and_userless_backups(tmp_path, make_cast):
    activity, userless = tmp_path / "activity.mbz", tmp_path / "userless.mbz"
    write_backup(BackupSpec(kind="activity"), activity)
    write_backup(BackupSpec(with_users=False), userless)
    one, other = make_cast(), make_cast()
    import_file(activity, one.community)
    assert Topic.objects.filter(community=one.community).count() == 1
    assert Post.objects.filter(thread__community=one.community).exists()
    output = import_file(userless, other.community)
    assert "posts: 0" in output
    assert Topic.objects.filter(community=other.community).exists()


def hostile_files(folder: Path) -> dict[str, Path]:
    not_archive = folder / "notes.txt"
    not_archive.write_text("These are my notes, not a backup.")
    truncated = folder / "truncated.mbz"
    write_backup(BackupSpec(), truncated)
    truncated.write_bytes(truncated.read_bytes()[:4000])
    traversal = folder / "traversal.mbz"
    with zipfile.ZipFile(traversal, "w") as archive:
        archive.writestr("moodle_backup.xml", "<moodle_backup/>")
        archive.writestr("../../escaped.txt", "out")
    entities = folder / "entities.mbz"
    with zipfile.ZipFile(entities, "w") as archive:
        archive.writestr("moodle_backup.xml", malicious.BILLION_LAUGHS)
    return {"not an archive": not_archive, "truncated": truncated, "traversal": traversal,
            "entities": entities}


@pytest.mark.parametrize("name", ["not an archive", "truncated", "traversal", "entities"])
def test_a_hostile_or_broken_file_is_refused_with_its_reason_and_changes_nothing(
        tmp_path, cast, name):
    path = hostile_files(tmp_path)[name]
    before = (Post.objects.count(), User.objects.count(), Topic.objects.count(),
              ImportedItem.objects.count())
    with pytest.raises(CommandError) as refused:
        import_file(path, cast.community)
    assert "Nothing was imported." in str(refused.value)
    assert path.name in str(refused.value)
    assert (Post.objects.count(), User.objects.count(), Topic.objects.count(),
            ImportedItem.objects.count()) == before
    assert not (tmp_path.parent / "escaped.txt").exists()
