"""Reads an unpacked Moodle 2 course (or activity) backup, as written by Moodle 2.6 to 5.x,
into a ``Source``.

What it reads, in the files Moodle writes them to (``backup/moodle2`` and
``mod/forum/backup/moodle2`` in Moodle's code):
- ``moodle_backup.xml``: the site, the course, the Moodle release, the settings, the activities;
- ``users.xml``, ``roles.xml`` with ``course/roles.xml`` and each forum's ``roles.xml``,
  ``groups.xml``, ``files.xml`` (mod_forum's files only) and the blobs under ``files/``;
- each forum activity's ``forum.xml``: the forum, its discussions with their posts, ratings
  and tags, and Moodle's read tracking (``readposts``);
- the standard log (``logstores.xml``, whose ``other`` is PHP-serialized or JSON, base64'd)
  and the legacy log (``logs.xml``), for who read which discussion when.

Only ``moodle_backup.xml`` and the other small files are read up front; everything that grows
with the course is read when its iterable is walked, one element at a time.
"""

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Generic, TypeVar

from django.utils.translation import gettext as _
from lxml import etree

from praxis.interop.moodle import phpserial, safexml
from praxis.interop.moodle.records import (
    Discussion,
    Forum,
    ForumContent,
    Group,
    MoodleImportError,
    MoodleUser,
    Origin,
    Post,
    Rating,
    ReadEvent,
    RoleAssignment,
    Skipped,
    Source,
    StoredFile,
)

FORUM_FILE_AREAS = ("post", "attachment", "intro")
OLDEST_BRANCH = (2, 6)
FIRST_UNKNOWN_MAJOR = 6
# Used only when moodle_release cannot be read: 2.6's development began after 2.5 (2013051400)
# and a version after 2026 would be a Moodle we have not seen.
OLDEST_VERSION, FIRST_UNKNOWN_VERSION = 2013060000, 2027000000

# The elements that repeat in a forum.xml: every pass over the file asks for all three, so
# the parser clears each as it goes, whichever the pass wants.
FORUM_REPEATS = ("discussion", "read", "tag")

_RELEASE = re.compile(r"\s*(\d+)\.(\d+)")
_DISCUSSION_IN_URL = re.compile(r"discuss\.php\?(?:[^#]*&(?:amp;)?)?d=(\d+)")

T = TypeVar("T")


@dataclass
class BackupSource(Source):
    """A ``Source`` read from a backup, with the log counts the import summary shows; both
    are counted again each time ``reads`` is walked."""

    log_entries: int = 0  # every standard and legacy log entry seen
    # Of those, the ones that are no one reading or writing in a discussion.
    log_entries_without_discussion: int = 0
    # What ``skipped`` already lists, so that walking again does not list it twice.
    noted: set[Skipped] = field(default_factory=set)


@dataclass(frozen=True)
class _Activity:
    module_id: int
    section_id: int
    module_name: str
    title: str
    folder: Path


class _Walk(Generic[T]):
    """An iterable that reads its files afresh each time it is walked."""

    def __init__(self, walk: Callable[[], Iterator[T]]) -> None:
        self._walk = walk

    def __iter__(self) -> Iterator[T]:
        return self._walk()


def read_backup(folder: Path, packaging: str) -> BackupSource:
    """The records of the backup unpacked in ``folder`` (``packaging`` says how it was packed:
    "zip" or "tar.gz"). Raises MoodleImportError when ``folder`` is not a Moodle 2 backup or
    was written by a Moodle this reader does not know."""
    manifest_path = folder / "moodle_backup.xml"
    if not manifest_path.is_file() and (folder / "moodle.xml").is_file():
        raise MoodleImportError(
            _("This is a Moodle 1.9 backup; Praxis reads backups from Moodle 2.6 to 5.x. "
              "Restore it into a newer Moodle and back the course up again."))
    manifest = safexml.parse_small(manifest_path, label="moodle_backup.xml")
    information = manifest.find("information")
    if information is None:
        raise MoodleImportError(
            _("“moodle_backup.xml” has no <information>; this is not a Moodle course backup."))
    _check_version(information)
    settings = _root_settings(information)
    origin = Origin(
        site=_site_key(information),
        packaging=packaging,
        kind=safexml.text(information, "details/detail/type", "course"),
        course_id=safexml.integer(information, "original_course_id") or None,
        course_name=safexml.text(information, "original_course_fullname"),
        wwwroot=safexml.text(information, "original_wwwroot"),
        moodle_release=safexml.text(information, "moodle_release"),
        moodle_version=_version_number(information),
        with_users=settings.get("users") == "1",
        anonymised=settings.get("anonymize") == "1",
        with_logs=settings.get("logs") == "1",
        course_start=safexml.moodle_time(information, "original_course_startdate"),
        course_end=safexml.moodle_time(information, "original_course_enddate"),
    )
    forums: list[_Activity] = []
    skipped: list[Skipped] = []
    for activity in _activities(folder, information, settings):
        if activity.module_name == "forum":
            if not (activity.folder / "forum.xml").is_file():
                raise MoodleImportError(
                    _("The backup lists the forum “%(title)s” but has no “%(file)s”.")
                    % {"title": activity.title,
                       "file": f"{activity.folder.relative_to(folder).as_posix()}/forum.xml"})
            forums.append(activity)
        else:
            skipped.append(Skipped(
                what=f"{_module_label(activity.module_name)} “{activity.title}”",
                reason=_("Praxis imports forums only.")))
    sections = _section_names(folder, information)
    source = BackupSource(origin=origin, users=[], roles=[], groups=[], files=[], forums=[],
                          reads=[], skipped=skipped)
    source.users = _Walk(lambda: _users(folder))
    source.roles = _Walk(lambda: _roles(folder, forums))
    source.groups = _Walk(lambda: _groups(folder))
    source.files = _Walk(lambda: _files(folder, source))
    source.forums = _Walk(lambda: _forums(forums, sections))
    source.reads = _Walk(lambda: _reads(folder, forums, source))
    return source


# -- moodle_backup.xml ---------------------------------------------------------------------

def _check_version(information: etree._Element) -> None:
    release = safexml.text(information, "moodle_release")
    match = _RELEASE.match(release)
    if match:
        branch = (int(match[1]), int(match[2]))
        known = branch >= OLDEST_BRANCH and branch[0] < FIRST_UNKNOWN_MAJOR
        shown = release.split("(")[0].strip()
    else:
        number = _version_number(information)
        known = number is not None and OLDEST_VERSION <= number < FIRST_UNKNOWN_VERSION
        shown = release or str(number or "?")
    if not known:
        raise MoodleImportError(
            _("This backup was written by Moodle %(release)s, which Praxis does not know; it "
              "reads backups from Moodle 2.6 to 5.x.") % {"release": shown})


def _version_number(information: etree._Element) -> int | None:
    # Moodle writes "2016120504.02": the part after the dot is a weekly build.
    whole = safexml.text(information, "moodle_version").split(".")[0].strip()
    return int(whole) if whole.isdigit() else None


def _site_key(information: etree._Element) -> str:
    site_hash = safexml.text(information, "original_site_identifier_hash").strip()
    if site_hash:
        return site_hash
    # Every Moodle 2 backup we know names its site; should one not, its web address is the
    # next best key (hashed, so both keys look alike).
    wwwroot = safexml.text(information, "original_wwwroot").strip().rstrip("/")
    if not wwwroot:
        raise MoodleImportError(
            _("“moodle_backup.xml” names neither the Moodle site nor its address, so Praxis "
              "cannot tell which site the course comes from."))
    return hashlib.sha256(wwwroot.encode("utf-8")).hexdigest()[:32]


def _root_settings(information: etree._Element) -> dict[str, str]:
    settings: dict[str, str] = {}
    for setting in information.iterfind("settings/setting"):
        level = safexml.text(setting, "level")
        name = safexml.text(setting, "name")
        if level == "root" or level == "activity":
            settings[name] = safexml.text(setting, "value")
    return settings


def _activities(folder: Path, information: etree._Element,
                settings: dict[str, str]) -> Iterator[_Activity]:
    for element in information.iterfind("contents/activities/activity"):
        module_name = safexml.text(element, "modulename")
        module_id = safexml.integer(element, "moduleid")
        if settings.get(f"{module_name}_{module_id}_included") == "0":
            continue
        directory = safexml.text(element, "directory")
        yield _Activity(
            module_id=module_id,
            section_id=safexml.integer(element, "sectionid"),
            module_name=module_name,
            title=safexml.text(element, "title"),
            folder=_inside(folder, directory),
        )


def _inside(folder: Path, relative: str) -> Path:
    path = (folder / relative).resolve()
    if not relative or not path.is_relative_to(folder.resolve()):
        raise MoodleImportError(
            _("“moodle_backup.xml” names the folder “%(folder)s”, which is not inside the "
              "backup; it was refused.") % {"folder": relative[:200]})
    return path


def _section_names(folder: Path, information: etree._Element) -> dict[int, str]:
    names: dict[int, str] = {}
    for element in information.iterfind("contents/sections/section"):
        section_file = _inside(folder, safexml.text(element, "directory")) / "section.xml"
        if section_file.is_file():
            names[safexml.integer(element, "sectionid")] = safexml.text(
                safexml.parse_small(section_file), "name").strip()
    return names


_MODULE_LABELS: dict[str, Callable[[], str]] = {
    "assign": lambda: _("Assignment"), "book": lambda: _("Book"), "chat": lambda: _("Chat"),
    "choice": lambda: _("Choice"), "data": lambda: _("Database"),
    "feedback": lambda: _("Feedback"), "folder": lambda: _("Folder"),
    "glossary": lambda: _("Glossary"), "h5pactivity": lambda: _("H5P activity"),
    "imscp": lambda: _("IMS content package"), "label": lambda: _("Text and media area"),
    "lesson": lambda: _("Lesson"), "lti": lambda: _("External tool"),
    "page": lambda: _("Page"), "quiz": lambda: _("Quiz"), "resource": lambda: _("File"),
    "scorm": lambda: _("SCORM package"), "survey": lambda: _("Survey"),
    "url": lambda: _("URL"), "wiki": lambda: _("Wiki"), "workshop": lambda: _("Workshop"),
}


def _module_label(module_name: str) -> str:
    label = _MODULE_LABELS.get(module_name)
    return label() if label else module_name.capitalize()


def _elements(path: Path, *tags: str) -> Iterator[etree._Element]:
    """Each complete element named one of ``tags``. Asking for the big elements that come
    before the wanted ones (a forum's discussions before its read tracking) lets the parser
    clear them as it goes, so memory stays flat; lxml's iterparse takes a tuple of names."""
    wanted = tags[0] if len(tags) == 1 else tags
    return safexml.iter_elements(path, wanted)  # type: ignore[arg-type]


# -- people ---------------------------------------------------------------------------------

def _users(folder: Path) -> Iterator[MoodleUser]:
    path = folder / "users.xml"
    if not path.is_file():
        return
    for user in _elements(path, "user"):
        yield MoodleUser(
            id=int(user.get("id", "0")),
            email=safexml.text(user, "email").strip(),
            username=safexml.text(user, "username"),
            firstname=safexml.text(user, "firstname"),
            lastname=safexml.text(user, "lastname"),
            deleted=safexml.integer(user, "deleted") == 1,
            lang=safexml.text(user, "lang"),
            timezone=safexml.text(user, "timezone"),
            institution=safexml.text(user, "institution"),
            city=safexml.text(user, "city"),
            description=safexml.text(user, "description"),
        )


def _roles(folder: Path, forums: list[_Activity]) -> Iterator[RoleAssignment]:
    definitions: dict[int, tuple[str, str]] = {}
    if (folder / "roles.xml").is_file():
        for role in safexml.parse_small(folder / "roles.xml").iterfind("role"):
            definitions[int(role.get("id", "0"))] = (
                safexml.text(role, "shortname"), safexml.text(role, "archetype"))
    yield from _assignments(folder / "course" / "roles.xml", definitions, forum_id=None)
    for activity in forums:
        yield from _assignments(activity.folder / "roles.xml", definitions,
                                forum_id=_forum_id(activity))


def _assignments(path: Path, definitions: dict[int, tuple[str, str]],
                 forum_id: int | None) -> Iterator[RoleAssignment]:
    if not path.is_file():
        return
    for assignment in _elements(path, "assignment"):
        shortname, archetype = definitions.get(safexml.integer(assignment, "roleid"), ("", ""))
        yield RoleAssignment(user_id=safexml.integer(assignment, "userid"),
                             shortname=shortname, archetype=archetype, forum_id=forum_id)


def _groups(folder: Path) -> Iterator[Group]:
    path = folder / "groups.xml"
    if not path.is_file():
        return
    for group in _elements(path, "group"):
        yield Group(
            id=int(group.get("id", "0")),
            name=safexml.text(group, "name"),
            description=safexml.text(group, "description"),
            member_ids=tuple(safexml.integer(member, "userid")
                             for member in group.iterfind("group_members/group_member")),
        )


# -- files ----------------------------------------------------------------------------------

def _files(folder: Path, source: BackupSource) -> Iterator[StoredFile]:
    path = folder / "files.xml"
    if not path.is_file():
        return
    for element in _elements(path, "file"):
        if (safexml.text(element, "component") != "mod_forum"
                or safexml.text(element, "filearea") not in FORUM_FILE_AREAS
                or safexml.text(element, "filename") in ("", ".")):
            continue
        content_hash = safexml.text(element, "contenthash").strip().lower()
        blob: Path | None = None
        if re.fullmatch(r"[0-9a-f]{40}", content_hash):
            candidate = folder / "files" / content_hash[:2] / content_hash
            blob = candidate if candidate.is_file() else None
        stored = StoredFile(
            content_hash=content_hash,
            context_id=safexml.integer(element, "contextid"),
            component="mod_forum",
            file_area=safexml.text(element, "filearea"),
            item_id=safexml.integer(element, "itemid"),
            file_path=safexml.text(element, "filepath", "/"),
            file_name=safexml.text(element, "filename"),
            mime_type=safexml.text(element, "mimetype"),
            size=safexml.integer(element, "filesize"),
            user_id=safexml.integer(element, "userid") or None,
            blob=blob,
        )
        if blob is None:
            _note(source, Skipped(
                what=_("File “%(name)s”") % {"name": stored.file_name},
                reason=_("files.xml lists it, but the backup's files folder does not hold "
                         "its content (%(hash)s).") % {"hash": content_hash[:40]}))
        yield stored


def _note(source: BackupSource, entry: Skipped) -> None:
    if entry not in source.noted:  # walking an iterable again must not list things twice
        source.noted.add(entry)
        source.skipped.append(entry)


# -- forums ---------------------------------------------------------------------------------

def _forum_head(activity: _Activity) -> tuple[etree._Element, dict[str, str]]:
    """A copy of the forum's own fields, and the attributes of its <activity> wrapper plus
    the forum's id, read from the start of forum.xml without parsing its discussions."""
    head = etree.Element("forum")
    attributes: dict[str, str] = {}
    for element in safexml.iter_elements(activity.folder / "forum.xml", "*"):
        forum = element.getparent()
        if forum is None or forum.tag != "forum":
            break  # a discussion's own field, or the end of the file
        if not attributes:
            wrapper = forum.getparent()
            attributes = dict(wrapper.attrib) if wrapper is not None else {}
            attributes["forum_id"] = forum.get("id", "")
        if element.tag == "discussions" or len(element):
            break
        etree.SubElement(head, element.tag).text = element.text
    return head, attributes


def _forum_id(activity: _Activity) -> int:
    return _whole(_forum_head(activity)[1].get("forum_id"))


def _whole(value: str | None, default: int = 0) -> int:
    value = (value or "").strip()
    try:
        return int(value) if value and value != safexml.MOODLE_NULL else default
    except ValueError:
        return default


def _forum(activity: _Activity, sections: dict[int, str]) -> Forum:
    head, attributes = _forum_head(activity)
    return Forum(
        id=_whole(attributes.get("forum_id") or attributes.get("id")),
        module_id=_whole(attributes.get("moduleid")) or activity.module_id,
        context_id=_whole(attributes.get("contextid")) or None,
        name=safexml.text(head, "name") or activity.title,
        intro=safexml.text(head, "intro"),
        intro_format=safexml.integer(head, "introformat"),
        type=safexml.text(head, "type", "general"),
        time_modified=safexml.moodle_time(head, "timemodified"),
        due=safexml.moodle_time(head, "duedate"),
        cutoff=safexml.moodle_time(head, "cutoffdate"),
        section_name=sections.get(activity.section_id, ""),
    )


def _forums(forums: list[_Activity], sections: dict[int, str]) -> Iterator[ForumContent]:
    for activity in forums:
        forum = _forum(activity, sections)
        yield ForumContent(forum=forum,
                           discussions=_Walk(partial(_discussions, activity, forum)))


def _post_tags(path: Path) -> dict[int, tuple[str, ...]]:
    """Post id -> its tags. Moodle (3.1+) writes a forum's post tags after all its
    discussions, so they are gathered first; the names are shared to keep the map small."""
    tags: dict[int, tuple[str, ...]] = {}
    names: dict[str, str] = {}
    for element in _elements(path, *FORUM_REPEATS):
        if element.tag != "tag":
            continue
        post_id = safexml.integer(element, "itemid")
        name = safexml.text(element, "rawname").strip()
        if post_id and name:
            tags[post_id] = (*tags.get(post_id, ()), names.setdefault(name, name))
    return tags


def _discussions(activity: _Activity, forum: Forum) -> Iterator[Discussion]:
    path = activity.folder / "forum.xml"
    tags = _post_tags(path)
    for element in _elements(path, *FORUM_REPEATS):
        if element.tag != "discussion":
            continue
        discussion_id = int(element.get("id", "0"))
        posts = tuple(_post(post, discussion_id, tags)
                      for post in element.iterfind("posts/post"))
        yield Discussion(
            id=discussion_id,
            forum_id=forum.id,
            name=safexml.text(element, "name"),
            user_id=safexml.integer(element, "userid"),
            posts=posts,
            group_id=safexml.integer(element, "groupid", -1),
            pinned=safexml.integer(element, "pinned") > 0,
            time_start=safexml.moodle_time(element, "timestart"),
            time_end=safexml.moodle_time(element, "timeend"),
            time_modified=safexml.moodle_time(element, "timemodified"),
            locked=safexml.moodle_time(element, "timelocked"),
        )


def _post(element: etree._Element, discussion_id: int,
          tags: dict[int, tuple[str, ...]]) -> Post:
    post_id = int(element.get("id", "0"))
    return Post(
        id=post_id,
        discussion_id=discussion_id,
        parent_id=safexml.integer(element, "parent"),
        user_id=safexml.integer(element, "userid"),
        created=safexml.moodle_time(element, "created"),
        modified=safexml.moodle_time(element, "modified"),
        subject=safexml.text(element, "subject"),
        message=safexml.text(element, "message"),
        message_format=safexml.integer(element, "messageformat"),
        private_reply_to=safexml.integer(element, "privatereplyto"),
        ratings=tuple(
            Rating(user_id=safexml.integer(rating, "userid"),
                   value=safexml.integer(rating, "value"),
                   scale_id=safexml.integer(rating, "scaleid"),
                   time=safexml.moodle_time(rating, "timecreated"))
            for rating in element.iterfind("ratings/rating")),
        tags=tags.get(post_id, ()),
        deleted=safexml.integer(element, "deleted") > 0,
        attachment=safexml.integer(element, "attachment") > 0,
    )


# -- reads ----------------------------------------------------------------------------------

def _reads(folder: Path, forums: list[_Activity], source: BackupSource) -> Iterator[ReadEvent]:
    source.log_entries = source.log_entries_without_discussion = 0
    for activity in forums:
        yield from _standard_log(activity.folder / "logstores.xml", source)
        yield from _legacy_log(activity.folder / "logs.xml", source)
        yield from _read_tracking(activity.folder / "forum.xml")
    yield from _standard_log(folder / "course" / "logstores.xml", source)
    yield from _legacy_log(folder / "course" / "logs.xml", source)
    if source.log_entries_without_discussion:
        _note(source, Skipped(
            what=_("%(count)s log entries") % {"count": source.log_entries_without_discussion},
            reason=_("They are not someone reading or writing in a forum discussion, so they "
                     "tell nothing about reading.")))


def _standard_log(path: Path, source: BackupSource) -> Iterator[ReadEvent]:
    if not path.is_file():
        return
    for entry in _elements(path, "logstore_standard_log"):
        source.log_entries += 1
        discussion_id = _discussion_in_event(entry)
        user_id = safexml.integer(entry, "userid")
        time = safexml.moodle_time(entry, "timecreated")
        if discussion_id and user_id > 0 and time is not None:
            yield ReadEvent(user_id=user_id, discussion_id=discussion_id, time=time,
                            source="standard_log")
        else:
            source.log_entries_without_discussion += 1


# Writing in a discussion implies having read it; every other event that is not a read
# (deleting, moving, subscribing, editing someone's post) says nothing about who read what.
_WRITING_EVENTS = frozenset({
    "\\mod_forum\\event\\post_created", "\\mod_forum\\event\\discussion_created"})


def _discussion_in_event(entry: etree._Element) -> int:
    if safexml.text(entry, "component") != "mod_forum":
        return 0
    if (safexml.text(entry, "crud") != "r"
            and "\\" + safexml.text(entry, "eventname").lstrip("\\") not in _WRITING_EVENTS):
        return 0
    if safexml.text(entry, "objecttable") == "forum_discussions":
        return _whole(safexml.text(entry, "objectid"))
    other = decode_other(safexml.text(entry, "other"))
    if isinstance(other, dict):
        return _whole(str(other.get("discussionid", "")))
    return 0


def decode_other(encoded: str) -> object:
    """A standard log entry's ``other`` as a backup holds it: base64 of PHP's ``serialize``
    (older Moodle, or a site that kept the old format) or of JSON (``jsonformat``, the
    default since Moodle 3.x). None when it cannot be read."""
    encoded = encoded.strip()
    if not encoded:
        return None
    try:
        payload = base64.b64decode(encoded, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        payload = encoded  # written unencoded by hand or by a tool: read it as it is
    payload = payload.strip()
    try:
        # Moodle's own test (tool_log's reader::decode_other): serialized data is "N;" or
        # starts with a type letter and a colon.
        if payload == "N;" or re.match(r"[a-zA-Z]:", payload):
            return phpserial.unserialize(payload)
        return json.loads(payload)
    except (ValueError, RecursionError):
        return None


def _legacy_log(path: Path, source: BackupSource) -> Iterator[ReadEvent]:
    if not path.is_file():
        return
    for entry in _elements(path, "log"):
        source.log_entries += 1
        discussion_id = _discussion_in_legacy(entry)
        user_id = safexml.integer(entry, "userid")
        time = safexml.moodle_time(entry, "time")
        if discussion_id and user_id > 0 and time is not None:
            yield ReadEvent(user_id=user_id, discussion_id=discussion_id, time=time,
                            source="legacy_log")
        else:
            source.log_entries_without_discussion += 1


# The legacy log's own reading and writing; "add post" and "add discussion" stay because
# the writer read the discussion, while "update post", "delete discussion", "move
# discussion" and the like (often a facilitator's or admin's work) do not say so.
_LEGACY_READING = frozenset({"view discussion", "add post", "add discussion"})


def _discussion_in_legacy(entry: etree._Element) -> int:
    if (safexml.text(entry, "module") != "forum"
            or safexml.text(entry, "action") not in _LEGACY_READING):
        return 0
    match = _DISCUSSION_IN_URL.search(safexml.text(entry, "url"))
    if match:
        return int(match[1])
    if safexml.text(entry, "action") in ("view discussion", "add discussion"):
        return _whole(safexml.text(entry, "info"))
    return 0


def _read_tracking(path: Path) -> Iterator[ReadEvent]:
    """Moodle's read tracking (forum_read): one row per post a member has read, with when it
    was first and last read."""
    for element in _elements(path, *FORUM_REPEATS):
        if element.tag != "read":
            continue
        user_id = safexml.integer(element, "userid")
        discussion_id = safexml.integer(element, "discussionid")
        if user_id <= 0 or discussion_id <= 0:
            continue
        first = safexml.moodle_time(element, "firstread")
        last = safexml.moodle_time(element, "lastread")
        for time in dict.fromkeys(t for t in (first, last) if t is not None):
            yield ReadEvent(user_id=user_id, discussion_id=discussion_id, time=time,
                            source="read_tracking")

