"""Writes what a Moodle reader found (``records.Source``) into a community.

One transaction: a failure anywhere leaves the community as it was, and files already
written are removed. Every Moodle record that becomes a row is remembered in
``ImportedItem`` under its site's origin, so importing the same backup again finds it and
adds nothing, and a later backup of the same course adds only what is new.

Memory stays flat however large the backup: discussions arrive one at a time, and what
grows with the backup's size (its files' index, its log) is kept in a scratch SQLite file
in a temporary folder; only the maps of people, forums and discussions (a few integers
each) stay in memory.

The import writes rows of lower apps directly, in bulk, rather than calling their one-post
use cases: those notify followers and stamp "now", while an import restores history
silently with its own times. It keeps their invariants itself: reply paths
(``discussions.services.path_of``), rendered Markdown, counters (``counters.recount``).
"""

import functools
import hashlib
import re
import secrets
import sqlite3
import tempfile
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any, NamedTuple, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from praxis.accounts.models import User
from praxis.communities.models import Cohort, Community, Membership
from praxis.core.history import rewritten
from praxis.core.markdown import render_markdown
from praxis.discussions import counters
from praxis.discussions.attachments import FileRefused, check_file, clean_name
from praxis.discussions.models import (
    Attachment,
    Post,
    Reaction,
    Thread,
    ThreadRead,
    ThreadVisitDay,
)
from praxis.discussions.services import MAX_DEPTH, VISIT_GAP, path_of
from praxis.discussions.words import count_words
from praxis.interop.models import ImportedItem
from praxis.interop.moodle import records
from praxis.interop.moodle.convert import plain_subject, to_markdown
from praxis.library.models import Tag
from praxis.topics.models import Topic
from praxis.topics.services import save_with_unique_slug

Kind = ImportedItem.Kind
ProgressCallback = Callable[[str, dict[str, int]], None]

# Progress is told at most this often (posts), so a large import does not write its
# progress row more than it writes posts.
PROGRESS_EVERY = 500
BATCH = 500
MAX_LISTED = 200

# Moodle's role archetypes and what they become; anything else is a member.
ROLE_OF_ARCHETYPE: dict[str, str] = {
    "manager": Membership.Role.STEWARD,
    "coursecreator": Membership.Role.STEWARD,
    "editingteacher": Membership.Role.FACILITATOR,
    "teacher": Membership.Role.FACILITATOR,
}
ROLE_RANK: dict[str, int] = {Membership.Role.MEMBER: 0, Membership.Role.FACILITATOR: 1,
             Membership.Role.STEWARD: 2}

INLINE_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(")

THREAD_KIND_OF_FORUM = {
    "news": Thread.Kind.ANNOUNCEMENT,
    "qanda": Thread.Kind.QUESTION,
    "single": Thread.Kind.QUESTION,
}


def forum_type_label(forum_type: str) -> str:
    """How a forum of this type was imported, for the summary."""
    return {
        "news": _("announcements forum: its discussions became announcements"),
        "qanda": _("question-and-answer forum: its discussions became open questions"),
        "single": _("single simple discussion: it became the topic's one open question"),
        "eachuser": _("each person posts one discussion: each became a member's question"),
        "blog": _("blog-like forum: each post became a member's question"),
        "general": _("standard forum: its discussions became members' questions"),
    }.get(forum_type, _("forum of type “%(type)s”: its discussions became members' "
                        "questions") % {"type": forum_type})


TEXT_EXTENSIONS = ("txt", "csv", "md")
# Read whole to check it is text: larger "text" is not what a forum post attaches.
MAX_TEXT_BYTES = 2_000_000


def _plain_text_file(handle: IO[bytes], name: str) -> tuple[str, str, int, str] | None:
    """A plain-text attachment (offered as a download, never shown as a page): its name,
    type, size and stored name; None unless it is UTF-8 text with a text extension."""
    cleaned = clean_name(name)
    if cleaned.rpartition(".")[2].lower() not in TEXT_EXTENSIONS:
        return None
    handle.seek(0)
    content = handle.read(MAX_TEXT_BYTES + 1)
    if not content or len(content) > MAX_TEXT_BYTES or b"\x00" in content:
        return None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return cleaned, "text/plain", len(content), f"{secrets.token_urlsafe(18)}.txt"


def _is_favourable(rating: records.Rating) -> bool:
    """Whether a Moodle rating says "helpful": on a point scale (``scale_id`` is its top
    mark) at least half marks; on a named scale (negative id, words we cannot read) any
    rating given; never a zero."""
    if rating.value <= 0:
        return False
    if rating.scale_id > 0:
        return rating.value * 2 >= rating.scale_id
    return True


class Place(NamedTuple):
    """A post's place in its thread's tree, as a reply placed under it needs it."""

    pk: int
    parent: int | None
    path: str
    depth: int
    author: int
    private_to: int | None


class DryRunRollback(Exception):
    """Raised at the end of a dry run so that nothing it wrote is kept."""


@dataclass
class Summary:
    """What an import did, for the command's output and the import page."""

    origin: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    topics: list[dict[str, str]] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    # What came over but behaves differently here (a group's discussion, a timed one).
    changed: list[dict[str, str]] = field(default_factory=list)
    # Accounts that existed before, matched by address: the steward should know whom.
    matched: list[str] = field(default_factory=list)
    dry_run: bool = False

    def add(self, name: str, number: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + number

    def note(self, kind: str, entry: dict[str, str]) -> None:
        """A line of the skipped or changed list; past ``MAX_LISTED`` only counted, so a
        backup of a hundred thousand missing files still has a summary a page can show."""
        listed = self.skipped if kind == "skipped" else self.changed
        if len(listed) < MAX_LISTED:
            listed.append(entry)
        else:
            self.add(f"more_{kind}")

    def note_matched(self, name: str) -> None:
        if len(self.matched) < MAX_LISTED:
            self.matched.append(name)

    def as_json(self) -> dict[str, Any]:
        return {"origin": self.origin, "counts": self.counts, "topics": self.topics,
                "skipped": self.skipped, "changed": self.changed, "matched": self.matched,
                "dry_run": self.dry_run}


# Every count the summary names, in the order it shows them.
COUNT_NAMES = (
    "forums", "topics_created", "discussions", "posts", "private_replies", "hidden_posts",
    "members_created", "members_matched", "former_members", "cohorts", "files",
    "ratings", "tags", "log_entries", "read_events", "reads", "already_imported",
)


def synthetic_prefix(origin: str) -> str:
    """How the addresses of a Moodle site's people without one begin (a digest of the
    origin, which for a forum export is longer than a site's hash)."""
    return f"moodle-{hashlib.sha256(origin.encode()).hexdigest()[:12]}-"


def _synthetic_email(origin: str, moodle_id: int, kind: str) -> str:
    # ".invalid" can never receive mail (RFC 2606): these accounts are never written to.
    return f"{synthetic_prefix(origin)}{moodle_id}@{kind}.invalid"


def _valid_email(address: str) -> bool:
    if not address or address.endswith(".invalid") or len(address) > 254:
        return False
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def _locale(lang: str) -> str:
    base = (lang or "").split("_")[0].lower()
    return base if base in dict(settings.LANGUAGES) else "en"


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _time_zone(name: str, fallback: str) -> str:
    if name and name != "99" and name in _time_zones():
        return name
    return fallback


class Importer:
    def __init__(self, *, community: Community, actor: User | None, origin: records.Origin,
                 scratch: sqlite3.Connection, write_files: bool,
                 progress: ProgressCallback | None) -> None:
        self.community = community
        self.actor = actor
        self.origin = origin
        self.scratch = scratch
        self.write_files = write_files
        self.progress = progress
        self.summary = Summary()
        self.written_files: list[str] = []
        self.users: dict[int, int] = {}  # Moodle user id -> Praxis user id
        self.new_members: dict[int, Membership] = {}  # Praxis user id -> membership made now
        self.course_roles: dict[int, str] = {}  # Moodle user id -> Praxis role
        self.forum_facilitators: dict[int, set[int]] = {}  # forum id -> Moodle user ids
        self.discussions: dict[int, int] = {}  # Moodle discussion id -> thread id
        self.first_activity: dict[int, datetime] = {}  # Praxis user id -> earliest post
        self.touched_threads: set[int] = set()
        self.touched_topics: set[int] = set()
        self.tags: dict[str, Tag] = {}
        self.group_names: dict[int, str] = {}
        self.new_people: set[int] = set()  # Moodle ids first mapped by this import
        self.first_import = not ImportedItem.objects.filter(
            community=community, origin=origin.site).exists()
        self.matched_accounts: set[int] = set()  # accounts that existed before it
        self._posts_since_progress = 0

    # Provenance -------------------------------------------------------------------------

    def known(self, kind: str, external_ids: Iterable[object]) -> dict[str, int]:
        if self.first_import:  # nothing from this site yet: no need to ask per record
            return {}
        ids = [str(i) for i in external_ids]
        found: dict[str, int] = {}
        for start in range(0, len(ids), BATCH):
            found.update(ImportedItem.objects.filter(
                community=self.community, origin=self.origin.site, kind=kind,
                external_id__in=ids[start:start + BATCH],
            ).values_list("external_id", "object_id"))
        return found

    def remember(self, kind: str, pairs: Iterable[tuple[object, int]]) -> None:
        ImportedItem.objects.bulk_create(
            [ImportedItem(community=self.community, origin=self.origin.site, kind=kind,
                          external_id=str(external), object_id=object_id)
             for external, object_id in pairs],
            batch_size=BATCH,
        )

    def tell(self, phase: str) -> None:
        if self.progress is not None:
            self.progress(phase, dict(self.summary.counts))

    def skip(self, what: str, reason: str) -> None:
        self.summary.note("skipped", {"what": what, "reason": reason})

    # People -----------------------------------------------------------------------------

    def import_users(self, users: Iterable[records.MoodleUser]) -> None:
        self.tell("people")
        batch: list[records.MoodleUser] = []
        for user in users:
            batch.append(user)
            if len(batch) >= BATCH:
                self._import_user_batch(batch)
                batch = []
        self._import_user_batch(batch)

    def _import_user_batch(self, batch: list[records.MoodleUser]) -> None:
        if not batch:
            return
        known = self.known(Kind.USER, (user.id for user in batch))
        made: list[tuple[int, int]] = []
        for user in batch:
            if str(user.id) in known:
                self.users[user.id] = known[str(user.id)]
                self.summary.add("already_imported")
                continue
            account = self._account_for(user)
            self.users[user.id] = account.pk
            self.new_people.add(user.id)
            made.append((user.id, account.pk))
        self.remember(Kind.USER, made)

    def _account_for(self, user: records.MoodleUser) -> User:
        if user.deleted:
            self.summary.add("former_members")
            return self.former_member(user.id)
        email = (user.email or "").strip().lower()
        if not self.origin.anonymised and _valid_email(email):
            existing = User.objects.filter(email__iexact=email).first()
            if existing is not None:
                self.summary.add("members_matched")
                self.matched_accounts.add(existing.pk)
                self.summary.note_matched(existing.display_name or existing.email)
                return existing
            can_sign_in = True
        else:
            # Anonymised or address-less (a forum export): a member who cannot sign in, the
            # same account whichever community the same site's people are imported into.
            email = _synthetic_email(self.origin.site, user.id, "imported")
            existing = User.objects.filter(email=email).first()
            if existing is not None:
                self.summary.add("members_matched")
                return existing
            can_sign_in = False
        name = user.full_name or user.username
        if self.origin.anonymised or not name:
            name = _("Participant %(number)s") % {"number": user.id}
        account = User(
            email=email, display_name=name[:120], institution=user.institution[:200],
            region=user.city[:120], locale=_locale(user.lang),
            timezone=_time_zone(user.timezone, "UTC"),
            # Nobody asked them: no digest until they come and choose one.
            digest=User.Digest.OFF, email_direct=False, is_active=can_sign_in,
        )
        # Never a usable imported password: they set their own through "Forgot password".
        account.set_unusable_password()
        account.save()
        self.summary.add("members_created")
        return account

    def former_member(self, moodle_id: int) -> User:
        """An author who was deleted in Moodle: shown as "Former member", like an erased
        account, one account per Moodle person so their posts stay theirs."""
        email = _synthetic_email(self.origin.site, moodle_id, "former")
        existing = User.objects.filter(email=email).first()
        if existing is not None:
            return existing
        account = User(email=email, display_name="", is_active=False, erased_at=timezone.now(),
                       digest=User.Digest.OFF, email_direct=False)
        account.set_unusable_password()
        account.save()
        return account

    def author_of(self, moodle_id: int) -> int:
        """The account for a Moodle user id a post or read names; one absent from the
        backup's people is a former member, made once."""
        if moodle_id not in self.users:
            known = self.known(Kind.USER, [moodle_id])
            if known:
                self.users[moodle_id] = known[str(moodle_id)]
            else:
                account = self.former_member(moodle_id)
                self.users[moodle_id] = account.pk
                self.remember(Kind.USER, [(moodle_id, account.pk)])
                self.summary.add("former_members")
        return self.users[moodle_id]

    def import_roles(self, roles: Iterable[records.RoleAssignment]) -> None:
        for role in roles:
            praxis_role = ROLE_OF_ARCHETYPE.get(role.archetype or role.shortname,
                                                Membership.Role.MEMBER)
            if role.forum_id is not None:
                if praxis_role != Membership.Role.MEMBER:
                    self.forum_facilitators.setdefault(role.forum_id, set()).add(role.user_id)
                continue
            current = self.course_roles.get(role.user_id, Membership.Role.MEMBER)
            if ROLE_RANK[praxis_role] >= ROLE_RANK[current]:
                self.course_roles[role.user_id] = praxis_role

    def import_memberships(self) -> None:
        """Everyone imported now who can be a member becomes one. A person already in the
        community keeps the role they have here; one removed since an earlier import is not
        brought back; an account that existed before (matched by address) joins as a member
        only, whatever the backup says, since a backup is only the uploader's word."""
        erased = set(User.objects.filter(pk__in=list(self.users.values()),
                                         erased_at__isnull=False).values_list("pk", flat=True))
        existing = set(Membership.objects.filter(
            community=self.community, user_id__in=list(self.users.values()),
        ).values_list("user_id", flat=True))
        joined = self.origin.course_start or timezone.now()
        new = []
        for moodle_id, user_id in self.users.items():
            if moodle_id not in self.new_people or user_id in erased or user_id in existing:
                continue
            existing.add(user_id)
            role = (Membership.Role.MEMBER if user_id in self.matched_accounts
                    else self.course_roles.get(moodle_id, Membership.Role.MEMBER))
            new.append(Membership(community=self.community, user_id=user_id, role=role,
                                  joined_at=joined))
        Membership.objects.bulk_create(new, batch_size=BATCH)
        for membership in new:
            self.new_members[membership.user_id] = membership

    def import_groups(self, groups: Iterable[records.Group]) -> None:
        """Each course group becomes a cohort once, with the members imported now. A
        cohort from an earlier import keeps its name and members as the stewards left them
        (only people new in this import join it); one deleted since stays deleted."""
        self.tell("cohorts")
        memberships = dict(Membership.objects.filter(
            community=self.community, user_id__in=list(self.users.values()),
        ).values_list("user_id", "pk"))
        for group in groups:
            name = plain_subject(group.name, 160) or _("Group %(number)s") % {"number": group.id}
            self.group_names[group.id] = name
            known = self.known(Kind.GROUP, [group.id])
            if known:
                cohort = Cohort.objects.filter(pk=known[str(group.id)]).first()
                if cohort is None:
                    continue
                people = [uid for uid in group.member_ids if uid in self.new_people]
            else:
                cohort = Cohort.objects.filter(community=self.community, name=name).first()
                if cohort is None:
                    cohort = Cohort.objects.create(
                        community=self.community, name=name,
                        description=plain_subject(group.description, 2000))
                    self.summary.add("cohorts")
                self.remember(Kind.GROUP, [(group.id, cohort.pk)])
                people = list(group.member_ids)
            members = [memberships[self.users[uid]] for uid in people
                       if uid in self.users and self.users[uid] in memberships]
            cohort.members.add(*members)

    # Files ------------------------------------------------------------------------------

    def index_files(self, files: Iterable[records.StoredFile]) -> None:
        self.tell("files")
        self.scratch.execute(
            "CREATE TABLE files (area TEXT, item INTEGER, path TEXT, name TEXT, hash TEXT, "
            "mime TEXT, size INTEGER, blob TEXT)")
        self.scratch.execute("CREATE INDEX files_item ON files (area, item)")
        rows = (
            (f.file_area, f.item_id, f.file_path or "/", f.file_name, f.content_hash,
             f.mime_type, f.size, None if f.blob is None else str(f.blob))
            for f in files if f.component == "mod_forum" and f.file_name not in ("", ".")
        )
        self.scratch.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def files_of(self, area: str, item: int) -> list[tuple[str, str, str, str | None]]:
        return self.scratch.execute(
            "SELECT path, name, hash, blob FROM files WHERE area = ? AND item = ? "
            "ORDER BY path, name", (area, item)).fetchall()

    def store_file(self, post: Post, name: str, blob: str | None) -> Attachment | None:
        """The file as an attachment of the post, checked like a member's upload (plain
        text too, which old forums are full of); None (and a line in the summary) when it is
        missing or of a kind Praxis does not accept."""
        if blob is None:  # the reader has named it
            return None
        if not Path(blob).is_file():
            self.skip(name, _("The backup lists this file but does not contain it."))
            return None
        with open(blob, "rb") as handle:
            upload = cast(UploadedFile, File(handle, name=name))
            try:
                checked = check_file(upload)
                kind = (checked.original_name, checked.content_type, checked.size,
                        checked.stored_name())
            except FileRefused as refused:
                text = _plain_text_file(handle, name)
                if text is None:
                    self.skip(name, str(refused))
                    return None
                kind = text
            original_name, content_type, size, stored_name = kind
            attachment = Attachment(post=post, original_name=original_name,
                                    content_type=content_type, size=size,
                                    created_at=post.created_at)
            if self.write_files:
                handle.seek(0)
                attachment.file.save(stored_name, cast(IO[bytes], handle), save=False)
                self.written_files.append(attachment.file.name)
            else:
                attachment.file.name = stored_name
            attachment.save()
        self.summary.add("files")
        return attachment

    # Forums -----------------------------------------------------------------------------

    def import_forums(self, forums: Iterable[records.ForumContent]) -> None:
        self.tell("forums")
        self.discussions.update((int(external), object_id) for external, object_id in
                                ImportedItem.objects.filter(
                                    community=self.community, origin=self.origin.site,
                                    kind=Kind.DISCUSSION,
                                ).values_list("external_id", "object_id").iterator())
        for content in forums:
            self.import_forum(content)

    def _topic_for(self, forum: records.Forum) -> tuple[Topic | None, bool]:
        """The forum's topic, made now or by an earlier import; None when that topic has
        been deleted here since: what a steward removed is not brought back."""
        known = self.known(Kind.FORUM, [forum.id])
        if known:
            return Topic.objects.filter(pk=known[str(forum.id)]).first(), False
        title = plain_subject(forum.name, 200) or _("Forum %(number)s") % {"number": forum.id}
        summary = to_markdown(forum.intro, forum.intro_format,
                              resolve_file=lambda path: None)[:5000]
        placeholder = forum.time_modified or self.origin.course_start or timezone.now()
        topic = Topic(community=self.community, title=title, summary=summary,
                      starts_at=placeholder, apply_from=placeholder, ends_at=placeholder,
                      created_by=self.actor, created_at=placeholder)
        save_with_unique_slug(topic)
        self.remember(Kind.FORUM, [(forum.id, topic.pk)])
        self.summary.add("topics_created")
        return topic, True

    def import_forum(self, content: records.ForumContent) -> None:
        forum = content.forum
        topic, created = self._topic_for(forum)
        if topic is None:
            self.skip(plain_subject(forum.name, 200), _(
                "An earlier import made this forum a topic, which has been deleted here "
                "since; it is not brought back."))
            return
        self.summary.add("forums")
        self.summary.topics.append({
            "title": topic.title, "slug": topic.slug, "forum_type": forum.type,
            "mapped_as": forum_type_label(forum.type),
        })
        self.touched_topics.add(topic.pk)
        thread_kind = THREAD_KIND_OF_FORUM.get(forum.type, Thread.Kind.MEMBER)
        first: datetime | None = None
        last: datetime | None = None
        posters: set[int] = set()
        for position, discussion in enumerate(content.discussions):
            span = self.import_discussion(topic, thread_kind, position, discussion)
            if span is None:
                continue
            start, end, authors = span
            first = start if first is None else min(first, start)
            last = end if last is None else max(last, end)
            posters |= authors
        self._set_topic_dates(topic, forum, first, last, fresh=created)
        facilitators = {moodle_id for moodle_id, role in self.course_roles.items()
                        if role != Membership.Role.MEMBER}
        facilitators |= self.forum_facilitators.get(forum.id, set())
        leading = [self.users[m] for m in facilitators & posters if m in self.users]
        if leading:
            topic.facilitators.add(*leading)

    def _set_topic_dates(self, topic: Topic, forum: records.Forum, first: datetime | None,
                         last: datetime | None, *, fresh: bool) -> None:
        """The topic spans its posts (and the forum's due and cut-off dates, and a course
        that has not ended yet); an imported topic has no apply phase of its own."""
        candidates_start = [d for d in (first, forum.time_modified if first is None else None,
                                        self.origin.course_start if first is None else None)
                            if d is not None]
        start = min(candidates_start) if candidates_start else topic.starts_at
        candidates_end = [d for d in (last, forum.due, forum.cutoff, self.origin.course_end)
                          if d is not None]
        end = max([start, *candidates_end])
        apply_from = end
        if not fresh:
            # A later import only widens the dates; the apply phase stays as set here.
            start = min(start, topic.starts_at)
            end = max(end, topic.ends_at)
            apply_from = min(max(topic.apply_from, start), end)
        Topic.objects.filter(pk=topic.pk).update(starts_at=start, apply_from=apply_from,
                                                 ends_at=end,
                                                 created_at=min(start, topic.created_at))

    def import_discussion(self, topic: Topic, thread_kind: str, position: int,
                          discussion: records.Discussion
                          ) -> tuple[datetime, datetime, set[int]] | None:
        if not discussion.posts:
            self.skip(discussion.name, _("This discussion has no posts."))
            return None
        thread_id = self.discussions.get(discussion.id)
        opener = discussion.posts[0]
        created = discussion.time_start or opener.created or timezone.now()
        if thread_id is None:
            thread = Thread.objects.create(
                community=self.community, topic=topic, kind=thread_kind,
                title=(plain_subject(discussion.name, 300)
                       or plain_subject(opener.subject, 300) or _("Untitled discussion")),
                position=position if thread_kind == Thread.Kind.QUESTION else 0,
                created_by_id=self.author_of(discussion.user_id or opener.user_id),
                created_at=created, is_pinned=discussion.pinned,
                is_locked=discussion.locked is not None,
            )
            thread_id = thread.pk
            self._note_changes(discussion, thread.title)
            self.discussions[discussion.id] = thread_id
            self.remember(Kind.DISCUSSION, [(discussion.id, thread_id)])
            self.summary.add("discussions")
        else:
            found = Thread.objects.filter(pk=thread_id).first()
            if found is None:
                self.skip(discussion.name, _(
                    "An earlier import brought this discussion, which has been deleted here "
                    "since; it is not brought back."))
                return None
            thread = found
        self.touched_threads.add(thread_id)
        self.touched_topics.add(thread.topic_id)
        self.import_posts(thread, discussion)
        times = [p.created for p in discussion.posts if p.created is not None] or [created]
        return min(times), max(times), {p.user_id for p in discussion.posts}

    def _note_changes(self, discussion: records.Discussion, title: str) -> None:
        """Moodle limits some discussions to a group or to dates; Praxis shows a thread to
        the whole community always. The summary names each, so the steward can act."""
        if discussion.group_id > 0:
            group = self.group_names.get(discussion.group_id) or str(discussion.group_id)
            self.summary.note("changed", {"what": title, "how": _(
                "In Moodle only the group “%(group)s” saw this discussion; here the whole "
                "community does.") % {"group": group}})
        if discussion.time_start is not None or discussion.time_end is not None:
            self.summary.note("changed", {"what": title, "how": _(
                "In Moodle this discussion was shown only between set dates; here it is "
                "shown always.")})

    def import_posts(self, thread: Thread, discussion: records.Discussion) -> None:
        known = {int(k): v for k, v in self.known(
            Kind.POST, (p.id for p in discussion.posts)).items()}
        self.summary.add("already_imported", len(known))
        new = [p for p in discussion.posts if p.id not in known]
        if not new:
            return
        # Where each post hangs in Praxis's tree, by Moodle id and by Praxis id.
        placed: dict[int, Place] = {}
        by_pk: dict[int, Place] = {}
        for moodle_id, place in self._existing_places(known).items():
            placed[moodle_id] = by_pk[place.pk] = place
        opener_id = discussion.posts[0].id
        parents = {p.id: p.parent_id for p in discussion.posts}
        waiting = list(new)
        made: list[tuple[records.Post, Post]] = []
        while waiting:
            ready, later = [], []
            for item in waiting:
                parent = self._tree_parent(item, opener_id, parents)
                if parent is None or parent in placed:
                    ready.append(item)
                else:
                    later.append(item)
            if not ready:
                # Some parents are not in the backup (or the tree loops): those posts answer
                # the thread; their own replies wait for them as usual.
                waiting_ids = {item.id for item in later}
                orphans = [item for item in later if parents.get(item.id) not in waiting_ids]
                for item in orphans or [min(later, key=lambda item: item.id)]:
                    parents[item.id] = 0
                continue
            made.extend(self._create_level(thread, discussion, ready, placed, by_pk,
                                           opener_id, parents))
            waiting = later
        self._finish_posts(thread, discussion, made)

    @staticmethod
    def _tree_parent(item: records.Post, opener_id: int, parents: dict[int, int]) -> int | None:
        """The Moodle post an item hangs under in Praxis's tree: answering the opening
        post is answering the thread (as ``publish_post`` does)."""
        parent = parents.get(item.id, 0)
        if not parent or parent == opener_id or item.id == opener_id:
            return None
        return parent

    def _existing_places(self, known: dict[int, int]) -> dict[int, "Place"]:
        """Posts of this discussion made by earlier imports, and the posts above them (a
        new reply may hang beside a parent deeper than ``MAX_DEPTH``)."""
        if not known:
            return {}
        rows = {pk: (parent, path, depth, author, private_to) for
                pk, parent, path, depth, author, private_to in Post.objects.filter(
                    pk__in=list(known.values())).values_list(
                    "pk", "parent_id", "path", "depth", "author_id", "private_to_id")}
        return {moodle_id: Place(pk, *rows[pk]) for moodle_id, pk in known.items()
                if pk in rows}

    def _create_level(self, thread: Thread, discussion: records.Discussion,
                      items: list[records.Post], placed: dict[int, "Place"],
                      by_pk: dict[int, "Place"], opener_id: int, parents: dict[int, int]
                      ) -> list[tuple[records.Post, Post]]:
        rows: list[Post] = []
        parent_places: list[Place | None] = []
        for item in items:
            parent_key = self._tree_parent(item, opener_id, parents)
            parent = placed.get(parent_key) if parent_key is not None else None
            # Deeper than a page can indent: hang it beside its parent (``publish_post``).
            while parent is not None and parent.depth >= MAX_DEPTH:
                parent = self._place_of(parent.parent, by_pk)
            author = self.author_of(item.user_id)
            created = item.created or discussion.time_start or timezone.now()
            edited = (item.modified if item.modified and item.modified - created
                      > timedelta(minutes=1) else None)
            private_to = (self.author_of(item.private_reply_to)
                          if item.private_reply_to else None)
            if private_to is None and parent is not None and parent.private_to is not None:
                # An answer to a private reply stays between the same two people.
                private_to = (parent.private_to if author == parent.author
                              else parent.author)
            rows.append(Post(
                thread=thread, author_id=author, parent_id=None if parent is None else parent.pk,
                path=f"~moodle-{item.id}", depth=0 if parent is None else parent.depth + 1,
                body="", body_html="", created_at=created, edited_at=edited, source="moodle",
                private_to_id=private_to, is_hidden=item.deleted,
                hidden_reason=_("Deleted in Moodle before the move.") if item.deleted else "",
                hidden_at=created if item.deleted else None,
            ))
            parent_places.append(parent)
            self.first_activity[author] = min(created, self.first_activity.get(author, created))
        Post.objects.bulk_create(rows, batch_size=BATCH)
        for item, row, parent in zip(items, rows, parent_places, strict=True):
            row.path = path_of(row.pk, None if parent is None else parent.path)
            placed[item.id] = by_pk[row.pk] = Place(
                row.pk, row.parent_id, row.path, row.depth, row.author_id, row.private_to_id)
        return list(zip(items, rows, strict=True))

    @staticmethod
    def _place_of(post_id: int | None, by_pk: dict[int, "Place"]) -> "Place | None":
        if post_id is None:
            return None
        if post_id in by_pk:
            return by_pk[post_id]
        row = Post.objects.filter(pk=post_id).values_list(
            "pk", "parent_id", "path", "depth", "author_id", "private_to_id").first()
        if row is None:
            return None
        by_pk[post_id] = Place(*row)
        return by_pk[post_id]

    def _finish_posts(self, thread: Thread, discussion: records.Discussion,
                      made: list[tuple[records.Post, Post]]) -> None:
        """Bodies (which link to the post's files, so come after the files), files,
        ratings, tags and provenance of the posts just made."""
        slug = self.community.slug
        reactions: list[Reaction] = []
        tagged: list[tuple[Post, tuple[str, ...]]] = []
        for item, post in made:
            inline: dict[str, str] = {}
            for path, name, _hash, blob in self.files_of("post", item.id):
                attachment = self.store_file(post, name, blob)
                if attachment is not None:
                    inline[f"{path}{name}"] = reverse("discussions:attachment",
                                                      args=[slug, attachment.pk])
            for _path, name, _hash, blob in self.files_of("attachment", item.id):
                self.store_file(post, name, blob)
            post.body = self._body(item, discussion, inline)[:50000]
            post.body_html = render_markdown(post.body)
            for rating in item.ratings:
                if not _is_favourable(rating):
                    continue
                reactions.append(Reaction(post=post, user_id=self.author_of(rating.user_id),
                                          kind=Reaction.Kind.HELPFUL,
                                          created_at=rating.time or post.created_at))
            if item.tags:
                tagged.append((post, item.tags))
            self.summary.add("posts")
            if item.private_reply_to:
                self.summary.add("private_replies")
            if item.deleted:
                self.summary.add("hidden_posts")
        # One plain UPDATE per post: Django's bulk_update builds a CASE per column, which
        # costs more than the statements it saves.
        table = connection.ops.quote_name(Post._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET path = %s, body = %s, body_html = %s, "  # noqa: S608
                "word_count = %s WHERE id = %s",
                [(post.path, post.body, post.body_html, count_words(post.body), post.pk)
                 for _item, post in made])
        if reactions:
            posts = [post.pk for _item, post in made]
            before = Reaction.objects.filter(post__in=posts).count()
            Reaction.objects.bulk_create(reactions, ignore_conflicts=True)
            self.summary.add("ratings", Reaction.objects.filter(post__in=posts).count() - before)
        for post, names in tagged:
            post.tags.add(*self._tags(names))
        self.remember(Kind.POST, [(item.id, post.pk) for item, post in made])
        self._posts_since_progress += len(made)
        if self._posts_since_progress >= PROGRESS_EVERY:
            self._posts_since_progress = 0
            self.tell("forums")

    def _body(self, item: records.Post, discussion: records.Discussion,
              inline: dict[str, str]) -> str:
        if item.deleted:
            return _("(This post was deleted in Moodle.)")
        body = to_markdown(item.message, item.message_format,
                           resolve_file=lambda path: inline.get(path))
        # Posts show no pictures in their text (low bandwidth, no outside requests): an
        # inline picture is a link, and shows under the post as its attachment.
        body = INLINE_IMAGE.sub(
            lambda found: f"[{found.group(1) or _('picture')}](", body)
        subject = plain_subject(item.subject, 300)
        name = plain_subject(discussion.name, 300)
        # Moodle asks every post for a subject; most repeat the discussion's ("Re: ...").
        if subject and subject not in (name, f"Re: {name}") and not subject.startswith("Re: "):
            body = f"**{subject}**\n\n{body}"
        return body or _("(No text.)")

    def _tags(self, names: Iterable[str]) -> list[Tag]:
        wanted: dict[str, str] = {}
        for name in names:
            slug = slugify(name, allow_unicode=True)[:60]
            if slug:
                wanted.setdefault(slug, name[:60])
        missing = [slug for slug in wanted if slug not in self.tags]
        if missing:
            for tag in Tag.objects.filter(community=self.community, slug__in=missing):
                self.tags[tag.slug] = tag
            for slug in missing:
                if slug not in self.tags:
                    self.tags[slug] = Tag.objects.create(community=self.community, slug=slug,
                                                         name=wanted[slug])
                    self.summary.add("tags")
        return [self.tags[slug] for slug in wanted]

    # Reading ----------------------------------------------------------------------------

    def import_reads(self, reads: Iterable[records.ReadEvent]) -> None:
        """Each read becomes a day of visits (``ThreadVisitDay``) and the member's read mark
        on the thread (``ThreadRead``: first and last read, visits, and read up to the last
        post written before their last visit). Reads less than ``VISIT_GAP`` apart are one
        visit, as on the web (Moodle's read tracking notes every post read, its log every
        page). Merged with what is there, so the same log imported twice counts once."""
        self.tell("reading history")
        self.scratch.execute("CREATE TABLE reads (user INTEGER, thread INTEGER, at TEXT)")
        # A discussion imported earlier may have been deleted here since.
        threads = set(Thread.objects.filter(community=self.community)
                      .values_list("pk", flat=True).iterator())
        rows = []
        for event in reads:
            self.summary.add("read_events")
            thread = self.discussions.get(event.discussion_id)
            user = self.users.get(event.user_id)
            if thread is None or user is None or thread not in threads:
                continue
            rows.append((user, thread, event.time.astimezone(UTC).isoformat()))
            if len(rows) >= BATCH * 10:
                self.scratch.executemany("INSERT INTO reads VALUES (?, ?, ?)", rows)
                rows = []
        self.scratch.executemany("INSERT INTO reads VALUES (?, ?, ?)", rows)
        self._write_reading(self.scratch.execute(
            "SELECT user, thread, at FROM reads ORDER BY user, thread, at"))

    def _write_reading(self, ordered: Iterable[tuple[int, int, str]]) -> None:
        days: list[tuple[int, int, int, date, int]] = []
        marks: list[tuple[int, int, int, datetime, datetime, datetime, int]] = []
        key: tuple[int, int] | None = None
        first = last = datetime.min.replace(tzinfo=UTC)
        visits = 0
        day_visits: dict[date, int] = {}

        def close() -> None:
            if key is None:
                return
            user, thread = key
            marks.append((user, thread, thread, last, first, last, visits))
            days.extend((self.community.pk, user, thread, day, count)
                        for day, count in day_visits.items())
            self.first_activity[user] = min(first, self.first_activity.get(user, first))
            self.summary.add("reads")

        for user, thread, stamp in ordered:
            at = datetime.fromisoformat(stamp)
            if (user, thread) != key:
                close()
                key, first, visits, day_visits = (user, thread), at, 0, {}
            elif at - last < VISIT_GAP:
                last = at
                continue
            visits += 1
            day_visits[at.date()] = day_visits.get(at.date(), 0) + 1
            last = at
            if len(days) >= BATCH or len(marks) >= BATCH:
                self._write_days_and_marks(days, marks)
                days, marks = [], []
        close()
        self._write_days_and_marks(days, marks)

    def _write_days_and_marks(self, days: list[Any], marks: list[Any]) -> None:
        greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
        least = "LEAST" if connection.vendor == "postgresql" else "MIN"
        visit_days = connection.ops.quote_name(ThreadVisitDay._meta.db_table)
        reads = connection.ops.quote_name(ThreadRead._meta.db_table)
        posts = connection.ops.quote_name(Post._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {visit_days} "  # noqa: S608 (table names from the models)
                "(community_id, user_id, thread_id, day, visits) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (user_id, thread_id, day) DO UPDATE SET "
                f"visits = {greatest}({visit_days}.visits, excluded.visits)", days)
            cursor.executemany(
                f"INSERT INTO {reads} "  # noqa: S608 (table names from the models)
                "(user_id, thread_id, last_read_post_id, first_read_at, last_read_at, visits) "
                f"VALUES (%s, %s, (SELECT COALESCE(MAX(id), 0) FROM {posts} "
                "WHERE thread_id = %s AND created_at <= %s), %s, %s, %s) "
                "ON CONFLICT (user_id, thread_id) DO UPDATE SET "
                f"last_read_post_id = {greatest}({reads}.last_read_post_id, "
                "excluded.last_read_post_id), "
                f"first_read_at = {least}({reads}.first_read_at, excluded.first_read_at), "
                f"last_read_at = {greatest}({reads}.last_read_at, excluded.last_read_at), "
                f"visits = {greatest}({reads}.visits, excluded.visits)", marks)

    # Finishing --------------------------------------------------------------------------

    def finish(self) -> None:
        self.tell("finishing")
        counters.recount(thread_ids=self.touched_threads, topic_ids=self.touched_topics)
        # A member made now joined when they first took part, if that was before the course.
        for user_id, membership in self.new_members.items():
            first = self.first_activity.get(user_id)
            if first is not None and first < membership.joined_at:
                Membership.objects.filter(pk=membership.pk).update(joined_at=first)


def import_source(source: records.Source, *, community: Community, actor: User | None,
                  dry_run: bool = False, progress: ProgressCallback | None = None) -> Summary:
    """Imports everything a reader found into ``community``, all or nothing. A dry run does
    all the work, then rolls it back and writes no file: its summary says what an import
    would do."""
    origin = source.origin
    with tempfile.TemporaryDirectory(prefix="praxis-import-") as scratch_folder:
        scratch = sqlite3.connect(Path(scratch_folder) / "scratch.sqlite3")
        importer = Importer(community=community, actor=actor, origin=origin,
                            scratch=scratch, write_files=not dry_run, progress=progress)
        importer.summary.dry_run = dry_run
        importer.summary.origin = {
            "kind": origin.kind, "packaging": origin.packaging, "course": origin.course_name,
            "moodle": origin.moodle_release, "site": origin.wwwroot,
            "with_users": origin.with_users, "anonymised": origin.anonymised,
        }
        try:
            with transaction.atomic():
                # One import into a community at a time (PostgreSQL; SQLite's write lock
                # already serialises them): two would both claim the same Moodle records.
                Community.objects.select_for_update().filter(pk=community.pk).first()
                importer.import_users(source.users)
                importer.import_roles(source.roles)
                importer.import_memberships()
                importer.import_groups(source.groups)
                importer.index_files(source.files)
                importer.import_forums(source.forums)
                importer.import_reads(source.reads)
                importer.finish()
                rewritten(community.pk)  # old posts and reads, dated as in Moodle
                # A backup's reader counts its log's entries (read tracking is no log);
                # an export has none.
                importer.summary.counts["log_entries"] = getattr(source, "log_entries", 0)
                for skipped in source.skipped:
                    importer.skip(skipped.what, skipped.reason)
                if dry_run:
                    raise DryRunRollback
        except DryRunRollback:
            pass
        except BaseException:
            for name in importer.written_files:
                Attachment._meta.get_field("file").storage.delete(name)
            raise
        finally:
            scratch.close()
    return importer.summary
