"""What a Moodle backup or forum export says, as plain records: the readers
(``backup.py``, ``forum_export.py``) yield them while they stream through the files, and
the importer (``importer.py``) writes them. Nothing here touches the database.

Times are aware UTC datetimes (Moodle keeps Unix seconds); a Moodle "0" time is None.
Ids are Moodle's own, unique within the Moodle site the records come from.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


class MoodleImportError(Exception):
    """Input that cannot be imported. The message is for the steward: it names the problem
    (and the file inside the archive, when there is one) in words they understand, already
    translated."""


@dataclass(frozen=True)
class Origin:
    """Where the records come from. ``site`` keys everything imported from this Moodle site
    (its ``original_site_identifier_hash``; the forum export has none: "forum-export")."""

    site: str
    packaging: str  # "zip", "tar.gz", "json", "csv"
    kind: str  # "course", "activity", "forum-export"
    course_id: int | None = None
    course_name: str = ""
    wwwroot: str = ""
    moodle_release: str = ""  # "4.1.2 (Build: 20230313)"
    moodle_version: int | None = None  # 2022112802
    with_users: bool = False
    anonymised: bool = False
    with_logs: bool = False
    course_start: datetime | None = None
    course_end: datetime | None = None


@dataclass(frozen=True)
class MoodleUser:
    id: int
    email: str
    username: str = ""
    firstname: str = ""
    lastname: str = ""
    deleted: bool = False
    lang: str = ""
    timezone: str = ""  # "99" means the site's default
    institution: str = ""
    city: str = ""
    description: str = ""  # HTML

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.firstname, self.lastname) if part).strip()


@dataclass(frozen=True)
class RoleAssignment:
    """A course (or activity) role: ``archetype`` is Moodle's archetype of the role
    ("manager", "coursecreator", "editingteacher", "teacher", "student", "guest", ""),
    ``shortname`` the role's own short name."""

    user_id: int
    shortname: str
    archetype: str = ""
    forum_id: int | None = None  # set for a role given in one forum activity only


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    description: str = ""  # HTML
    member_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Rating:
    user_id: int
    value: int
    scale_id: int = 0
    time: datetime | None = None


@dataclass(frozen=True)
class Post:
    id: int
    discussion_id: int
    parent_id: int  # 0 for the discussion's first post
    user_id: int
    created: datetime | None
    modified: datetime | None
    subject: str
    message: str
    message_format: int  # 0 Moodle auto-format, 1 HTML, 2 plain text, 4 Markdown
    private_reply_to: int = 0  # a user id: the post is seen by its author and this user only
    ratings: tuple[Rating, ...] = ()
    tags: tuple[str, ...] = ()
    deleted: bool = False  # Moodle 3.7+ keeps a deleted post's place in the tree
    attachment: bool = False


@dataclass(frozen=True)
class Discussion:
    id: int
    forum_id: int
    name: str
    user_id: int
    posts: tuple[Post, ...]  # in Moodle's id order: a parent comes before its replies
    group_id: int = 0  # -1 or 0: all participants
    pinned: bool = False
    time_start: datetime | None = None
    time_end: datetime | None = None
    time_modified: datetime | None = None
    locked: datetime | None = None  # Moodle 3.7+ ``timelocked``


@dataclass(frozen=True)
class Forum:
    """A forum activity. ``type`` is Moodle's: "general", "news", "qanda", "single",
    "eachuser", "blog"."""

    id: int  # the forum's instance id
    module_id: int  # its course module id (``cmid``), which logs and roles name
    context_id: int | None
    name: str
    intro: str
    intro_format: int
    type: str
    time_modified: datetime | None = None
    due: datetime | None = None  # Moodle 3.8+ ``duedate``
    cutoff: datetime | None = None  # Moodle 3.8+ ``cutoffdate``
    section_name: str = ""


@dataclass(frozen=True)
class StoredFile:
    """A file of the backup (``files.xml``); ``blob`` is its content on disk, None when the
    backup lists the file but does not hold it."""

    content_hash: str
    context_id: int
    component: str  # "mod_forum"
    file_area: str  # "post", "attachment", "intro"
    item_id: int  # the post's id for "post" and "attachment"
    file_path: str  # "/" or "/folder/"
    file_name: str
    mime_type: str
    size: int
    user_id: int | None
    blob: Path | None


@dataclass(frozen=True)
class ReadEvent:
    """A member read a discussion: from the standard log (``discussion_viewed`` and the
    other read events), the legacy log, or Moodle's read tracking (``forum_read``)."""

    user_id: int
    discussion_id: int
    time: datetime
    source: str  # "standard_log", "legacy_log", "read_tracking"


@dataclass(frozen=True)
class Skipped:
    """Something the reader saw and does not import, with the reason (already translated),
    for the summary."""

    what: str
    reason: str


@dataclass
class ForumContent:
    """A forum and its discussions, streamed: iterating ``discussions`` parses the forum's
    XML as it goes, one discussion in memory at a time."""

    forum: Forum
    discussions: Iterable[Discussion]


@dataclass
class Source:
    """Everything a reader found. The importer walks it once, in the order of the fields;
    each iterable reads its files only when walked, so nothing large is held in memory.
    ``skipped`` may grow while the iterables are walked (an activity of another kind, a
    blob missing from the archive, a log line that names no discussion)."""

    origin: Origin
    users: Iterable[MoodleUser]
    roles: Iterable[RoleAssignment]
    groups: Iterable[Group]
    files: Iterable[StoredFile]  # only mod_forum's "post", "attachment" and "intro" files
    forums: Iterable[ForumContent]
    reads: Iterable[ReadEvent]
    skipped: list[Skipped] = field(default_factory=list)
