"""A community moved from Moodle: the Fars trainers' 2020-21 Moodle course, imported by the
demo steward with the real importer from a backup written as Moodle 3.9 writes one
(``praxis.demo.moodle_backup``); Ali, Maryam and Shiva (Persian) are members. Its import
page shows that run's summary, and an earlier upload that was refused (a Word file).

The course's people get addresses at the demo's own domain, so ``--reset`` deletes them;
its former and anonymous members (``.invalid`` addresses of the course's site) go too.
"""

import tempfile
from datetime import timedelta
from pathlib import Path

from django.utils.translation import override

from praxis.accounts.models import User
from praxis.communities import services as community_services
from praxis.communities.models import Community, Membership
from praxis.demo.communities import PEOPLE_DOMAIN, DemoContext
from praxis.demo.moodle_backup import BackupSpec, write_backup
from praxis.demo.promises import SHIVA_EMAIL
from praxis.interop.models import MoodleImport
from praxis.interop.moodle.importer import import_source, synthetic_prefix
from praxis.interop.moodle.sources import open_source

SLUG = "fars-trainers-moodle"
BACKUP_NAME = "backup-moodle2-course-42-fars_cop-20210702-1130.mbz"
SPEC = BackupSpec(version="3.9", packaging="tar.gz", seed=2015,
                  course_name="Fars teacher trainers' community of practice 2020-21",
                  wwwroot="https://moodle.fars-ttc.example.org", email_domain=PEOPLE_DOMAIN)


def build(ctx: DemoContext) -> None:
    community = community_services.create_community(
        creator=ctx.steward, name="Fars teacher trainers (from Moodle, 2020-21)", slug=SLUG,
        description=(
            "Our Moodle course for the Fars trainers' cascade, 2020-21, moved here with its "
            "forums, discussions, people, groups and reading history. New topics run here."
        ),
        visibility=Community.Visibility.LISTED, join_policy=Community.JoinPolicy.REQUEST,
    )
    Membership.objects.create(community=community, user=ctx.member,
                              joined_at=ctx.days_ago(20))
    Membership.objects.create(community=community, user=ctx.facilitator,
                              role=Membership.Role.FACILITATOR, joined_at=ctx.days_ago(20))
    # Shiva reads Praxis in Persian: the moved community as a Persian-preferring member sees it.
    shiva = User.objects.filter(email=SHIVA_EMAIL).first()
    if shiva is not None:
        Membership.objects.create(community=community, user=shiva, joined_at=ctx.days_ago(19))
    imported_at = ctx.days_ago(21)
    MoodleImport.objects.create(
        community=community, started_by=ctx.steward, file_name="course notes.docx",
        file_size=48_213, status=MoodleImport.Status.FAILED,
        error="This file is neither a Moodle course backup nor a Moodle forum export "
              "(JSON or CSV).",
        created_at=imported_at - timedelta(minutes=12),
        started_at=imported_at - timedelta(minutes=12),
        finished_at=imported_at - timedelta(minutes=12),
    )
    with tempfile.TemporaryDirectory(prefix="praxis-demo-moodle-") as folder:
        backup = Path(folder) / BACKUP_NAME
        write_backup(SPEC, backup)
        with override("en"), open_source(backup) as source:
            summary = import_source(source, community=community, actor=ctx.steward)
        size = backup.stat().st_size
    MoodleImport.objects.create(
        community=community, started_by=ctx.steward, file_name=BACKUP_NAME, file_size=size,
        status=MoodleImport.Status.DONE, phase="finishing", summary=summary.as_json(),
        created_at=imported_at, started_at=imported_at,
        finished_at=imported_at + timedelta(seconds=9),
    )
    counts = summary.counts
    ctx.summary.append(
        f"/c/{SLUG}: imported from a Moodle 3.9 backup: {counts.get('topics_created', 0)} "
        f"forums, {counts.get('posts', 0)} posts, {counts.get('members_created', 0)} "
        f"members, {counts.get('reads', 0)} read marks")


def delete() -> None:
    """The community goes with the communities' cleaner; its imported people go here."""
    Community.objects.filter(slug=SLUG).delete()
    User.objects.filter(email__startswith=synthetic_prefix(SPEC.site_hash),
                        email__endswith=".invalid").delete()
