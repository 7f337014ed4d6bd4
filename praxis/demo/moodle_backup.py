"""Writes Moodle 2 course backups (``.mbz``) shaped as Moodle itself writes them, for the
tests, the demo and the import benchmark: a community of teacher trainers whose forums hold
threaded discussions, private replies, ratings, tags, inline images and attachments, with a
standard log, a legacy log and read tracking.

Everything is decided by a ``BackupSpec`` and its seed, so the same spec always writes the
same bytes and ``CoursePlan`` can say exactly what a reader must find in them. The plan makes
each forum's discussions one at a time and the writer streams them to disk, so a backup a
hundred times the usual size (``scale=100``) is written in flat memory.

The XML follows Moodle's ``backup/moodle2`` and ``mod/forum/backup/moodle2`` structure for the
chosen version: fields that version did not have (pinned discussions before 3.1, private
replies before 3.7...) are neither written nor planned.
"""

import base64
import gzip
import hashlib
import json
import random
import shutil
import struct
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from praxis.interop.moodle.records import (
    Discussion,
    Forum,
    Group,
    MoodleUser,
    Post,
    Rating,
    ReadEvent,
    RoleAssignment,
    StoredFile,
)

NULL = "$@NULL@$"
EMPTY_SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"  # Moodle's hash for directory entries
DAY = 86400


@dataclass(frozen=True)
class MoodleVersion:
    release: str
    version: str
    backup_version: str
    branch: tuple[int, int]
    course_start: int  # when the written course starts: a plausible year for the version


VERSIONS: dict[str, MoodleVersion] = {
    "2.6": MoodleVersion("2.6.11 (Build: 20150511)", "2013111811", "2013111800", (2, 6),
                         1409529600),
    "3.1": MoodleVersion("3.1.18 (Build: 20200914)", "2016052318", "2016052300", (3, 1),
                         1473033600),
    "3.9": MoodleVersion("3.9.25 (Build: 20231211)", "2020061525", "2020061500", (3, 9),
                         1599436800),
    "4.1": MoodleVersion("4.1.12 (Build: 20240812)", "2022112812", "2022112800", (4, 1),
                         1673827200),
    "4.5": MoodleVersion("4.5.1 (Build: 20241209)", "2024100701", "2024100700", (4, 5),
                         1728259200),
    "5.0": MoodleVersion("5.0.1 (Build: 20250616)", "2025041401", "2025041400", (5, 0),
                         1746403200),
}


@dataclass(frozen=True)
class BackupSpec:
    """What to write. ``kind`` "activity" backs up the main discussion forum alone;
    ``scale`` multiplies the discussions (and adds members) for the benchmark."""

    version: str = "4.1"
    packaging: str = "tar.gz"  # or "zip"
    kind: str = "course"  # or "activity"
    with_users: bool = True
    anonymised: bool = False
    missing_blob: bool = True
    scale: int = 1
    seed: int = 20
    course_id: int = 42
    course_name: str = "Teacher trainers' community of practice"
    wwwroot: str = "https://moodle.example.org"
    email_domain: str = "example.org"  # the demo gives its own, so ``--reset`` finds them

    @property
    def moodle(self) -> MoodleVersion:
        return VERSIONS[self.version]

    def since(self, major: int, minor: int) -> bool:
        return self.moodle.branch >= (major, minor)

    @property
    def site_hash(self) -> str:
        return hashlib.md5(  # noqa: S324 - Moodle's own site identifier is an md5
            f"{self.wwwroot}-{self.seed}".encode()).hexdigest()


@dataclass(frozen=True)
class PlannedFile:
    record: StoredFile  # as a reader finds it, ``blob`` None
    content: bytes
    missing: bool = False  # listed in files.xml, its blob left out of the backup
    time: int = 0


@dataclass(frozen=True)
class LogLine:
    """One log entry the writer puts in a log: ``legacy`` says which log."""

    legacy: bool
    user_id: int
    time: int
    eventname: str = ""
    objecttable: str = ""
    objectid: int = 0
    other: object = None
    json_other: bool = False
    action: str = ""  # legacy
    module: str = "forum"
    url: str = ""
    info: str = ""


@dataclass(frozen=True)
class ReadRow:
    user_id: int
    discussion_id: int
    post_id: int
    first: int
    last: int


@dataclass
class PlannedDiscussion:
    discussion: Discussion
    files: list[PlannedFile] = field(default_factory=list)
    log: list[LogLine] = field(default_factory=list)
    read_rows: list[ReadRow] = field(default_factory=list)
    reads: list[ReadEvent] = field(default_factory=list)  # what a reader finds from both


@dataclass(frozen=True)
class PlannedForum:
    forum: Forum
    section_id: int
    base: int  # this forum's ids start here, so each forum is planned on its own
    discussions: int  # how many, before ``scale``
    assessed: bool = False
    tracked: bool = False
    intro_image: bool = False


@dataclass(frozen=True)
class _Person:
    id: int
    username: str
    firstname: str
    lastname: str
    lang: str
    role: str  # the shortname of the course role
    city: str = ""
    institution: str = ""
    lurker: bool = False  # reads, never posts
    deleted: bool = False


CAST = (
    _Person(101, "mina.karimi", "Mina", "Karimi", "en", "manager", "Tehran",
            "Ministry of Education"),
    _Person(102, "parisa.ahmadi", "پریسا", "احمدی", "fa", "editingteacher", "Isfahan",
            "Farhangian University"),
    _Person(103, "tom.woodward", "Tom", "Woodward", "en", "editingteacher", "Canterbury"),
    _Person(104, "sara.hosseini", "سارا", "حسینی", "fa", "teacher", "Shiraz"),
    _Person(105, "ali.rezaei", "علی", "رضایی", "fa", "student", "Tehran"),
    _Person(106, "zahra.mohammadi", "زهرا", "محمدی", "fa", "student", "Tabriz"),
    _Person(107, "omid.jafari", "امید", "جعفری", "fa", "student", "Mashhad"),
    _Person(108, "narges.sadeghi", "نرگس", "صادقی", "fa", "student", "Isfahan"),
    _Person(109, "hamid.moradi", "Hamid", "Moradi", "en", "student", "Karaj"),
    _Person(110, "reza.mousavi", "رضا", "موسوی", "fa", "student", "Qom", deleted=True),
    _Person(111, "leila.kazemi", "لیلا", "کاظمی", "fa", "student", "Rasht", lurker=True),
    _Person(112, "maryam.najafi", "Maryam", "Najafi", "en", "student", "Yazd", lurker=True),
    _Person(113, "hossein.ebrahimi", "حسین", "ابراهیمی", "fa", "student", "Ahvaz"),
    _Person(114, "fatemeh.bagheri", "فاطمه", "باقری", "fa", "student", "Kerman"),
)
FIRST_NAMES = ("مریم", "محمد", "زینب", "مهدی", "سمیرا", "Amir", "Neda", "Kaveh")
LAST_NAMES = ("کریمی", "نوری", "اکبری", "Tehrani", "Farahani", "شریفی")
ROLE_DEFINITIONS = ((1, "manager", "manager"), (3, "editingteacher", "editingteacher"),
                    (4, "teacher", "teacher"), (5, "student", "student"),
                    (9, "mentor", "teacher"))
MENTOR, FORUM_TEACHER = 113, 114  # the mentor role; a teacher in the Q-and-A forum only
DELETED_AT = 1600000000
TAGS = ((11, "loop input"), (12, "observation"), (13, "بازخورد"), (14, "session plan"),
        (15, "reflection"))
SECTIONS = ((21, 0, None), (22, 1, "Observation and feedback"), (23, 2, "Session planning"),
            (24, 3, "بازتاب و کاربرد"))
OTHER_ACTIVITIES = ((208, 22, "quiz", "Placement quiz"), (209, 21, "page", "Course handbook"))
COURSE_CONTEXT = 1000
PHRASES = (
    "Loop input worked well with my group of trainers.",
    "I tried the jigsaw reading and the feedback stage ran over time.",
    "در کلاس ضمن خدمت، این روش را با معلمان ابتدایی امتحان کردم.",
    "Could we share one session plan each before Thursday?",
    "بازخورد همتایان بسیار مفید بود؛ ممنون از همه.",
    "The observation checklist needs a row for learner talk time.",
    "What would you change for a class of sixty?",
    "I'd start with the reflection questions, then the demonstration.",
)
SUBJECTS = ("Loop input in a big class", "Feedback after observation", "طرح درس هفته دوم",
            "Timing the reflection stage", "Sharing materials", "پرسش درباره ارزشیابی")
HANDOUT = b"%PDF-1.4\n% Loop input handout, shared by several trainers\n%%EOF\n"


class CoursePlan:
    """What the spec's backup holds, as the records a reader must produce from it."""

    def __init__(self, spec: BackupSpec) -> None:
        if spec.version not in VERSIONS:
            raise ValueError(f"unknown Moodle version {spec.version!r}: {sorted(VERSIONS)}")
        self.spec = spec
        self.start = spec.moodle.course_start
        self.span = 300 * DAY
        # A site that upgraded keeps its old logs: the legacy log until the standard log took
        # over (Moodle 2.7), and serialized ``other`` until it switched to JSON (3.5+).
        if not spec.since(2, 7):
            self.legacy_until = self.start + 10 * self.span
        elif spec.since(4, 0):
            self.legacy_until = self.start
        else:
            self.legacy_until = self.start + self.span * 3 // 10
        self.json_from = (self.start + self.span * 6 // 10 if spec.since(3, 5)
                          else self.start + 10 * self.span)
        self.people = list(CAST) + [
            _Person(200 + n, f"trainer{n}", FIRST_NAMES[n % len(FIRST_NAMES)],
                    LAST_NAMES[n % len(LAST_NAMES)], "fa", "student", "Tehran",
                    lurker=n % 3 == 0)
            for n in range(6 * (spec.scale - 1))]
        self.forums = self._forums()

    # -- people --------------------------------------------------------------------------

    @property
    def users(self) -> list[MoodleUser]:
        if not self.spec.with_users:
            return []
        return [self._user(person, n) for n, person in enumerate(self.people, start=1)]

    def _user(self, person: _Person, counter: int) -> MoodleUser:
        email = f"{person.username}@{self.spec.email_domain}"
        username = person.username
        if person.deleted:  # what Moodle's delete_user() leaves behind
            username = f"{email}.{DELETED_AT}"
            email = hashlib.md5(person.username.encode()).hexdigest()  # noqa: S324
        user = MoodleUser(
            id=person.id, email=email, username=username, firstname=person.firstname,
            lastname=person.lastname, deleted=person.deleted, lang=person.lang,
            timezone="Asia/Tehran" if person.lang == "fa" else "99",
            institution=person.institution, city=person.city,
            description=f"<p>{person.firstname} trains teachers in {person.city}.</p>"
            if person.city else "")
        if self.spec.anonymised:  # Moodle's backup_anonymizer_helper
            return MoodleUser(
                id=person.id, email=f"anon{counter}@doesntexist.invalid",
                username=f"anon{counter}", firstname=f"anonfirstname{counter}",
                lastname=f"anonlastname{counter}", deleted=person.deleted, lang=person.lang,
                timezone=user.timezone, institution="", city="Perth", description="")
        return user

    @property
    def roles(self) -> list[RoleAssignment]:
        if not self.spec.with_users:
            return []
        names = {short: archetype for _id, short, archetype in ROLE_DEFINITIONS}
        course = [] if self.spec.kind == "activity" else [
            RoleAssignment(user_id=p.id, shortname=p.role, archetype=names[p.role])
            for p in self.people]
        if self.spec.kind == "course":
            course.append(RoleAssignment(user_id=MENTOR, shortname="mentor",
                                         archetype="teacher"))
        forum_roles = [RoleAssignment(user_id=FORUM_TEACHER, shortname="teacher",
                                      archetype="teacher", forum_id=planned.forum.id)
                       for planned in self.forums if planned.forum.type == "qanda"]
        return course + forum_roles

    @property
    def groups(self) -> list[Group]:
        members: dict[int, list[int]] = {11: [105, 106, 107, 110], 12: [108, 109, 111],
                                         13: [103, 112, 113, 114]}
        for person in self.people[len(CAST):]:
            members[11 + person.id % 3].append(person.id)
        names = {11: ("Tehran cohort", "<p>Trainers who meet in Tehran.</p>"),
                 12: ("گروه اصفهان", "<p>مدرسان اصفهان</p>"),
                 13: ("Online trainers", "")}
        return [Group(id=group_id, name=name, description=description,
                      member_ids=tuple(members[group_id]) if self.spec.with_users else ())
                for group_id, (name, description) in names.items()]

    def posters(self) -> list[_Person]:
        return [p for p in self.people if not p.lurker]

    def facilitators(self) -> list[_Person]:
        return [p for p in self.people if p.role in ("manager", "editingteacher", "teacher")]

    # -- forums --------------------------------------------------------------------------

    def _forums(self) -> list[PlannedForum]:
        specs: tuple[tuple[int, int, str, str, int, int, dict[str, bool]], ...] = (
            (201, 31, "news", "Announcements", 21, 3, {}),
            (202, 32, "general", "Lesson planning circle", 23, 6,
             {"assessed": True, "tracked": True, "intro_image": True}),
            (203, 33, "qanda", "Questions about loop input", 22, 4, {"tracked": True}),
            (204, 34, "single", "Reflections on a first observation", 22, 1, {}),
            (205, 35, "eachuser", "Share one session plan each", 23, 4, {}),
            (206, 36, "blog", "Trainers' blog", 24, 3, {}),
            (207, 37, "general", "Quiet corner", 24, 0, {}),
        )
        planned = []
        for index, (cmid, forum_id, kind, name, section, count, extra) in enumerate(specs, 1):
            if self.spec.kind == "activity" and forum_id != 32:
                continue
            intro = f"<p>{escape(name)}: حلقه‌ی گفت‌وگوی مدرسان.</p>"
            if extra.get("intro_image"):
                intro += '<p><img src="@@PLUGINFILE@@/welcome.png" alt="Welcome" /></p>'
            forum = Forum(
                id=forum_id, module_id=cmid, context_id=COURSE_CONTEXT + cmid, name=name,
                intro=intro, intro_format=1, type=kind,
                time_modified=_utc(self.start - 5 * DAY),
                due=_utc(self.start + 200 * DAY) if self.spec.since(3, 8) and kind == "eachuser"
                else None,
                cutoff=_utc(self.start + 210 * DAY)
                if self.spec.since(3, 8) and kind == "eachuser" else None,
                section_name=self._section_name(section))
            planned.append(PlannedForum(forum=forum, section_id=section, base=index * 10**6,
                                        discussions=count, **extra))
        return planned

    def _section_name(self, section_id: int) -> str:
        if self.spec.kind == "activity":
            return ""
        return next((name or "" for sid, _n, name in SECTIONS if sid == section_id), "")

    def intro_files(self, planned: PlannedForum) -> list[PlannedFile]:
        if not planned.intro_image:
            return []
        content = _png(7)
        return [PlannedFile(_stored(content, planned.forum, "intro", 0, "welcome.png",
                                    "image/png", 101), content, time=self.start)]

    @property
    def skipped_titles(self) -> list[str]:
        return [] if self.spec.kind == "activity" else [t for *_x, t in OTHER_ACTIVITIES]

    def discussions(self, planned: PlannedForum) -> Iterator[PlannedDiscussion]:
        """The forum's discussions, made one at a time in id order."""
        if not self.spec.with_users:
            return
        rng = random.Random(f"{self.spec.seed}:{planned.forum.id}")
        ids = _Ids(planned.base)
        count = 1 if planned.forum.type == "single" else planned.discussions * self.spec.scale
        if planned.forum.type == "single" and planned.discussions == 0:
            count = 0
        for number in range(count):
            yield self._discussion(planned, number, count, rng, ids)

    def _discussion(self, planned: PlannedForum, number: int, count: int,
                    rng: random.Random, ids: "_Ids") -> PlannedDiscussion:
        spec, forum = self.spec, planned.forum
        discussion_id = ids.next("discussion")
        opened = self.start + (number * self.span) // max(count, 1) + rng.randint(0, DAY)
        if forum.type in ("news", "qanda", "single"):
            author = rng.choice(self.facilitators())
        else:
            author = rng.choice(self.posters())
        replies = {"news": (0, 1), "blog": (0, 2)}.get(forum.type, (1, 7))
        posts: list[Post] = []
        plan = PlannedDiscussion(discussion=None)  # type: ignore[arg-type]
        time = opened
        for index in range(1 + rng.randint(*replies)):
            post_id = ids.next("post")
            if index == 0:
                parent, user = None, author
            else:
                time += rng.randint(600, 2 * DAY)
                choices = [p for p in posts if not p.private_reply_to and not p.deleted]
                parent = choices[0] if forum.type in ("news", "blog") else rng.choice(choices)
                user = rng.choice(self.posters())
            private_to = 0
            if (spec.since(3, 7) and parent is not None and forum.type in ("general", "qanda")
                    and user.role != "student" and parent.user_id != user.id
                    and rng.random() < 0.25):
                private_to = parent.user_id
            deleted = (spec.since(3, 7) and forum.type == "general" and number == 1
                       and index == 1)
            subject = rng.choice(SUBJECTS) if parent is None else f"Re: {posts[0].subject}"
            message_format, message = self._message(rng)
            files: list[PlannedFile] = []
            if message_format == 1 and not deleted and rng.random() < 0.2:
                content = _png(rng.randrange(1 << 24))
                name = f"board-{post_id}.png"
                message += (f'<p><img src="@@PLUGINFILE@@/{name}" alt="Board photo" '
                            'width="320" height="240" /></p>')
                files.append(PlannedFile(
                    _stored(content, forum, "post", post_id, name, "image/png", user.id),
                    content, time=time))
            if not deleted and rng.random() < 0.15:
                missing = (spec.missing_blob and forum.id == 32
                           and not ids.used("missing"))
                if missing:
                    ids.next("missing")
                    content = f"Session plan {post_id}, never copied into the backup".encode()
                    name, mime = f"session-plan-{post_id}.txt", "text/plain"
                elif rng.random() < 0.5:
                    content, name, mime = HANDOUT, "loop-input-handout.pdf", "application/pdf"
                else:
                    content = f"Session plan for post {post_id}\n{rng.choice(PHRASES)}\n".encode()
                    name, mime = f"session-plan-{post_id}.txt", "text/plain"
                files.append(PlannedFile(
                    _stored(content, forum, "attachment", post_id, name, mime, user.id),
                    content, missing=missing, time=time))
            if deleted:
                subject, message = "", ""
            ratings: tuple[Rating, ...] = ()
            if planned.assessed and parent is not None and not deleted:
                raters = rng.sample(self.facilitators(), rng.randint(0, 2))
                ratings = tuple(Rating(user_id=r.id, value=rng.randint(1, 5), scale_id=5,
                                       time=_utc(time + rng.randint(3600, DAY)))
                                for r in raters if r.id != user.id)
            tags: tuple[str, ...] = ()
            if spec.since(3, 1) and not deleted and rng.random() < 0.3:
                tags = tuple(name for _tid, name in rng.sample(TAGS, rng.randint(1, 2)))
            modified = time + (rng.randint(60, 3600) if rng.random() < 0.2 else 0)
            posts.append(Post(
                id=post_id, discussion_id=discussion_id, parent_id=parent.id if parent else 0,
                user_id=user.id, created=_utc(time), modified=_utc(modified), subject=subject,
                message=message, message_format=message_format, private_reply_to=private_to,
                ratings=ratings, tags=tags, deleted=deleted,
                attachment=any(f.record.file_area == "attachment" for f in files)))
            plan.files.extend(files)
            self._log_post(plan, planned, discussion_id, post_id, user.id, time, index == 0)
        group_id = -1
        if forum.type == "general" and planned.assessed:
            group_id = rng.choice((-1, 11, 12, 13))
        pinned = spec.since(3, 1) and forum.type == "news" and number == 0
        plan.discussion = Discussion(
            id=discussion_id, forum_id=forum.id, name=posts[0].subject, user_id=author.id,
            posts=tuple(posts), group_id=group_id, pinned=pinned,
            time_start=_utc(opened) if forum.type == "news" and number == 1 else None,
            time_end=_utc(opened + 30 * DAY) if forum.type == "news" and number == 1 else None,
            time_modified=_utc(time),
            locked=_utc(time + DAY) if spec.since(3, 6) and forum.type == "qanda"
            and number == 0 else None)
        self._log_views(plan, planned, discussion_id, opened, rng, ids)
        if planned.tracked:
            self._read_rows(plan, posts, rng, ids)
        return plan

    def _message(self, rng: random.Random) -> tuple[int, str]:
        text = rng.choice(PHRASES)
        roll = rng.random()
        if roll < 0.1:
            return 2, f"{text}\n\n{rng.choice(PHRASES)}"
        if roll < 0.2:
            return 4, f"**{text}**\n\n- {rng.choice(PHRASES)}"
        if roll < 0.3:
            return 0, f"{text}\n{rng.choice(PHRASES)}"
        return 1, f"<p>{escape(text)}</p><p dir=\"auto\">{escape(rng.choice(PHRASES))}</p>"

    # -- reading history -----------------------------------------------------------------

    def _log(self, plan: PlannedDiscussion, line: LogLine, discussion_id: int) -> None:
        plan.log.append(line)
        plan.reads.append(ReadEvent(user_id=line.user_id, discussion_id=discussion_id,
                                    time=_utc(line.time),
                                    source="legacy_log" if line.legacy else "standard_log"))

    def _log_post(self, plan: PlannedDiscussion, planned: PlannedForum, discussion_id: int,
                  post_id: int, user_id: int, time: int, first: bool) -> None:
        forum = planned.forum
        if time < self.legacy_until:
            if first:
                line = LogLine(True, user_id, time, action="add discussion",
                               url=f"discuss.php?d={discussion_id}", info=str(discussion_id))
            else:
                line = LogLine(True, user_id, time, action="add post",
                               url=f"discuss.php?d={discussion_id}&parent={post_id}",
                               info=str(post_id))
        elif first:
            line = LogLine(False, user_id, time, "\\mod_forum\\event\\discussion_created",
                           "forum_discussions", discussion_id, {"forumid": str(forum.id)},
                           json_other=time >= self.json_from)
        else:
            line = LogLine(False, user_id, time, "\\mod_forum\\event\\post_created",
                           "forum_posts", post_id,
                           {"discussionid": str(discussion_id), "forumid": str(forum.id),
                            "forumtype": forum.type},
                           json_other=time >= self.json_from)
        self._log(plan, line, discussion_id)

    def _log_views(self, plan: PlannedDiscussion, planned: PlannedForum, discussion_id: int,
                   opened: int, rng: random.Random, ids: "_Ids") -> None:
        readers = rng.sample(self.people, min(len(self.people), rng.randint(2, 6)))
        readers += [p for p in self.people if p.lurker and p not in readers][:1]
        for person in readers:
            for _view in range(rng.randint(1, 2)):
                time = opened + rng.randint(60, 20 * DAY)
                if time < self.legacy_until:
                    line = LogLine(True, person.id, time, action="view discussion",
                                   url=f"discuss.php?d={discussion_id}", info=str(discussion_id))
                else:
                    line = LogLine(False, person.id, time,
                                   "\\mod_forum\\event\\discussion_viewed", "forum_discussions",
                                   discussion_id, None, json_other=time >= self.json_from)
                self._log(plan, line, discussion_id)
        # Views of the forum itself name no discussion: counted, not read.
        viewer = rng.choice(self.people)
        if opened < self.legacy_until:
            plan.log.append(LogLine(True, viewer.id, opened, action="view forum",
                                    url=f"view.php?id={planned.forum.module_id}",
                                    info=str(planned.forum.id)))
        else:
            plan.log.append(LogLine(False, viewer.id, opened,
                                    "\\mod_forum\\event\\course_module_viewed", "forum",
                                    planned.forum.id, None, json_other=opened >= self.json_from))

    def _read_rows(self, plan: PlannedDiscussion, posts: list[Post], rng: random.Random,
                   ids: "_Ids") -> None:
        for person in rng.sample(self.people, min(len(self.people), 3)):
            for post in posts:
                if post.private_reply_to or rng.random() < 0.3 or post.created is None:
                    continue
                first = int(post.created.timestamp()) + rng.randint(60, 5 * DAY)
                last = first + (rng.randint(60, 3 * DAY) if rng.random() < 0.5 else 0)
                row = ReadRow(person.id, post.discussion_id, post.id, first, last)
                plan.read_rows.append(row)
                for time in dict.fromkeys((first, last)):
                    plan.reads.append(ReadEvent(user_id=person.id,
                                                discussion_id=post.discussion_id,
                                                time=_utc(time), source="read_tracking"))

    def course_log(self) -> list[LogLine]:
        """Course-level entries (course views): a reader counts them and reads nothing."""
        if not self.spec.with_users or self.spec.kind != "course":
            return []
        lines = []
        for n, person in enumerate(self.people[:8]):
            time = self.start + n * 7 * DAY
            if time < self.legacy_until:
                lines.append(LogLine(True, person.id, time, action="view", module="course",
                                     url=f"view.php?id={self.spec.course_id}",
                                     info=str(self.spec.course_id)))
            else:
                lines.append(LogLine(False, person.id, time, "\\core\\event\\course_viewed",
                                     "", 0, None, json_other=time >= self.json_from))
        return lines


class _Ids:
    def __init__(self, base: int) -> None:
        self.base = base
        self.counters: dict[str, int] = {}

    def next(self, kind: str) -> int:
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return self.base + self.counters[kind]

    def used(self, kind: str) -> bool:
        return kind in self.counters


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _png(colour: int) -> bytes:
    """A valid one-pixel PNG of the given colour: real image bytes, different hashes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    pixel = b"\x00" + colour.to_bytes(3, "big")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(pixel)) + chunk(b"IEND", b""))


def _stored(content: bytes, forum: Forum, area: str, item_id: int, name: str, mime: str,
            user_id: int) -> StoredFile:
    return StoredFile(
        content_hash=hashlib.sha1(content).hexdigest(),  # noqa: S324 - Moodle's content hash
        context_id=forum.context_id or 0, component="mod_forum", file_area=area,
        item_id=item_id, file_path="/", file_name=name, mime_type=mime, size=len(content),
        user_id=user_id, blob=None)


def php_serialize(value: object) -> str:
    """PHP's serialize() for the plain values a log's ``other`` holds."""
    if value is None:
        return "N;"
    if isinstance(value, bool):
        return f"b:{int(value)};"
    if isinstance(value, int):
        return f"i:{value};"
    if isinstance(value, float):
        shown = {float("inf"): "INF", float("-inf"): "-INF"}.get(value, repr(value))
        return f"d:{shown};"
    if isinstance(value, str):
        return f's:{len(value.encode("utf-8"))}:"{value}";'
    if isinstance(value, list | tuple):
        value = dict(enumerate(value))
    if isinstance(value, dict):
        body = "".join(php_serialize(k) + php_serialize(v) for k, v in value.items())
        return f"a:{len(value)}:{{{body}}}"
    raise TypeError(f"cannot serialize {type(value).__name__}")


# -- writing --------------------------------------------------------------------------------

class _Xml:
    """Moodle's xml_writer: two-space indents, no namespaces, NULL as $@NULL@$."""

    def __init__(self, stream: IO[str], *, depth: int | None = None) -> None:
        self.stream = stream
        self.depth = depth or 0
        if depth is None:
            stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')

    def open(self, tag: str, **attributes: object) -> None:
        attrs = "".join(f" {name}={quoteattr(str(value))}" for name, value in attributes.items())
        self.stream.write(f"{'  ' * self.depth}<{tag}{attrs}>\n")
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.stream.write(f"{'  ' * self.depth}</{tag}>{chr(10) if self.depth else ''}")

    def field(self, tag: str, value: object) -> None:
        if value is None:
            shown = NULL
        elif isinstance(value, bool):
            shown = "1" if value else "0"
        elif isinstance(value, datetime):
            shown = str(int(value.timestamp()))
        else:
            shown = escape(str(value), {'"': "&quot;"})
        self.stream.write(f"{'  ' * self.depth}<{tag}>{shown}</{tag}>\n")

    def fields(self, pairs: Iterable[tuple[str, object]]) -> None:
        for tag, value in pairs:
            self.field(tag, value)

    def empty(self, *tags: str) -> None:
        for tag in tags:
            self.open(tag)
            self.close(tag)


def _time(value: datetime | None) -> int:
    return int(value.timestamp()) if value else 0


def write_backup(spec: BackupSpec, destination: Path) -> CoursePlan:
    """Writes the spec's backup to ``destination`` (an .mbz packed as ``spec.packaging``)
    and returns the plan that says what it holds."""
    with tempfile.TemporaryDirectory(prefix="praxis-mbz-") as scratch:
        folder = Path(scratch) / "backup"
        plan = write_backup_folder(spec, folder)
        pack(folder, destination, spec.packaging)
    return plan


def pack(folder: Path, destination: Path, packaging: str) -> None:
    """Packs an unpacked backup as Moodle's packers do: the zip packer (older Moodle, or
    ``usezipbackups``) or the tgz packer with its ``.ARCHIVE_INDEX`` first."""
    paths = sorted(folder.rglob("*"))
    stamp = (2024, 1, 1, 0, 0, 0)
    if packaging == "zip":
        with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                name = path.relative_to(folder).as_posix() + ("/" if path.is_dir() else "")
                info = zipfile.ZipInfo(name, stamp)
                if path.is_dir():
                    archive.writestr(info, b"")
                    continue
                info.compress_type = zipfile.ZIP_DEFLATED
                with path.open("rb") as source, archive.open(info, "w") as target:
                    shutil.copyfileobj(source, target, 1 << 20)
        return
    if packaging != "tar.gz":
        raise ValueError(f"unknown packaging {packaging!r}")
    moment = int(datetime(*stamp, tzinfo=UTC).timestamp())
    index = folder / ".ARCHIVE_INDEX"
    with index.open("w", encoding="utf-8") as out:
        out.write(f"Moodle archive file index. Count: {len(paths)}\n")
        for path in paths:
            name = path.relative_to(folder).as_posix()
            if path.is_dir():
                out.write(f"{name}/\td\t0\t?\n")
            else:
                out.write(f"{name}\tf\t{path.stat().st_size}\t{moment}\n")
    with destination.open("wb") as raw, \
            gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as compressed, \
            tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for path in [index, *paths]:
            member = archive.gettarinfo(str(path), path.relative_to(folder).as_posix()
                                        + ("/" if path.is_dir() else ""))
            member.mtime, member.uid, member.gid, member.uname, member.gname = moment, 0, 0, "", ""
            if path.is_dir():
                archive.addfile(member)
            else:
                with path.open("rb") as source:
                    archive.addfile(member, source)
    index.unlink()


def write_backup_folder(spec: BackupSpec, folder: Path) -> CoursePlan:
    """Writes the spec's backup unpacked into ``folder`` (created), as Moodle lays it out
    before packing."""
    plan = CoursePlan(spec)
    folder.mkdir(parents=True, exist_ok=True)
    _write_manifest(plan, folder)
    _write_small_files(plan, folder)
    with ExitStack() as stack:
        files_xml = _Xml(stack.enter_context(
            (folder / "files.xml").open("w", encoding="utf-8")))
        files_xml.open("files")
        writer = _FileWriter(folder, files_xml)
        for planned in plan.forums:
            for planned_file in plan.intro_files(planned):
                writer.add(planned_file)
            _write_forum(plan, planned, folder, writer)
        files_xml.close("files")
    for _cmid, _section, module, title in OTHER_ACTIVITIES if spec.kind == "course" else ():
        _write_other_activity(plan, folder, _cmid, _section, module, title)
    if spec.kind == "course":
        _write_course(plan, folder)
    (folder / "moodle_backup.log").write_text("")
    return plan


class _FileWriter:
    def __init__(self, folder: Path, files_xml: _Xml) -> None:
        self.folder = folder
        self.xml = files_xml
        self.next_id = 0
        self.directories: set[tuple[int, str, int]] = set()

    def add(self, planned: PlannedFile) -> None:
        record = planned.record
        area = (record.context_id, record.file_area, record.item_id)
        if area not in self.directories:
            # Moodle lists each area's root directory as a file named "."; one area is
            # about a post, so the set stays small as each discussion is written.
            self.directories.add(area)
            self._entry(planned, EMPTY_SHA1, ".", 0, "document/unknown")
        self._entry(planned, record.content_hash, record.file_name, record.size,
                    record.mime_type)
        if not planned.missing:
            blob = self.folder / "files" / record.content_hash[:2] / record.content_hash
            if not blob.exists():
                blob.parent.mkdir(parents=True, exist_ok=True)
                blob.write_bytes(planned.content)

    def forget_directories(self) -> None:
        self.directories.clear()

    def _entry(self, planned: PlannedFile, content_hash: str, name: str, size: int,
               mime: str) -> None:
        record = planned.record
        self.next_id += 1
        self.xml.open("file", id=self.next_id)
        self.xml.fields([
            ("contenthash", content_hash), ("contextid", record.context_id),
            ("component", record.component), ("filearea", record.file_area),
            ("itemid", record.item_id), ("filepath", record.file_path), ("filename", name),
            ("userid", record.user_id), ("filesize", size), ("mimetype", mime),
            ("status", 0), ("timecreated", planned.time), ("timemodified", planned.time),
            ("source", name if name != "." else None),
            ("author", None if name == "." else "Praxis demo"),
            ("license", None if name == "." else "allrightsreserved"), ("sortorder", 0),
            ("repositorytype", None), ("repositoryid", None), ("reference", None)])
        self.xml.close("file")


def _write_manifest(plan: CoursePlan, folder: Path) -> None:
    spec, moodle = plan.spec, plan.spec.moodle
    with (folder / "moodle_backup.xml").open("w", encoding="utf-8") as stream:
        xml = _Xml(stream)
        xml.open("moodle_backup")
        xml.open("information")
        users_flag = "nu" if not spec.with_users else ("an" if spec.anonymised else "")
        xml.fields([
            ("name", f"backup-moodle2-{spec.kind}-{spec.course_id}-praxis-20240101-0000"
                     f"{'-' + users_flag if users_flag else ''}.mbz"),
            ("moodle_version", moodle.version), ("moodle_release", moodle.release),
            ("backup_version", moodle.backup_version),
            ("backup_release", ".".join(map(str, moodle.branch))),
            ("backup_date", plan.start + plan.span + 30 * DAY), ("mnet_remoteusers", 0),
            ("include_files", 1), ("include_file_references_to_external_content", 0),
            ("original_wwwroot", spec.wwwroot),
            ("original_site_identifier_hash", spec.site_hash),
            ("original_course_id", spec.course_id), ("original_course_format", "topics"),
            ("original_course_fullname", spec.course_name),
            ("original_course_shortname", "TTCoP"),
            ("original_course_startdate", plan.start)])
        if spec.since(3, 2):
            xml.field("original_course_enddate", plan.start + plan.span)
        xml.fields([("original_course_contextid", COURSE_CONTEXT),
                    ("original_system_contextid", 1)])
        xml.open("details")
        xml.open("detail", backup_id=hashlib.md5(  # noqa: S324 - an id, as Moodle's
            f"{spec}".encode()).hexdigest())
        xml.fields([("type", spec.kind), ("format", "moodle2"), ("interactive", 1),
                    ("mode", 10), ("execution", 1), ("executiontime", 0)])
        xml.close("detail")
        xml.close("details")
        xml.open("contents")
        xml.open("activities")
        activities = [(p.forum.module_id, p.section_id, "forum", p.forum.name)
                      for p in plan.forums]
        if spec.kind == "course":
            activities += list(OTHER_ACTIVITIES)
        for cmid, section, module, title in activities:
            xml.open("activity")
            xml.fields([("moduleid", cmid), ("sectionid", section), ("modulename", module),
                        ("title", title), ("directory", f"activities/{module}_{cmid}")])
            xml.close("activity")
        xml.close("activities")
        if spec.kind == "course":
            xml.open("sections")
            for section_id, number, name in SECTIONS:
                xml.open("section")
                xml.fields([("sectionid", section_id), ("title", name or str(number)),
                            ("directory", f"sections/section_{section_id}")])
                xml.close("section")
            xml.close("sections")
            xml.open("course")
            xml.fields([("courseid", spec.course_id), ("title", "TTCoP"),
                        ("directory", "course")])
            xml.close("course")
        xml.close("contents")
        xml.open("settings")
        users = int(spec.with_users)
        root = [("filename", "backup.mbz"), ("imscc11", 0), ("users", users),
                ("anonymize", int(spec.anonymised)), ("role_assignments", users),
                ("activities", 1), ("blocks", 1), ("filters", 1), ("comments", users),
                ("badges", 0), ("calendarevents", 1), ("userscompletion", users),
                ("logs", users), ("grade_histories", 0), ("questionbank", 1),
                ("groups", 1)]
        for name, value in root:
            xml.open("setting")
            xml.fields([("level", "root"), ("name", name), ("value", value)])
            xml.close("setting")
        for cmid, _section, module, _title in activities:
            for suffix, value in (("included", 1), ("userinfo", users)):
                xml.open("setting")
                xml.fields([("level", "activity"), ("activity", f"{module}_{cmid}"),
                            ("name", f"{module}_{cmid}_{suffix}"), ("value", value)])
                xml.close("setting")
        xml.close("settings")
        xml.close("information")
        xml.close("moodle_backup")


def _write_small_files(plan: CoursePlan, folder: Path) -> None:
    spec = plan.spec
    if spec.with_users:
        with (folder / "users.xml").open("w", encoding="utf-8") as stream:
            xml = _Xml(stream)
            xml.open("users")
            for user in plan.users:
                xml.open("user", id=user.id, contextid=5000 + user.id)
                xml.fields([
                    ("username", user.username), ("idnumber", ""), ("email", user.email),
                    ("phone1", ""), ("phone2", ""), ("institution", user.institution),
                    ("department", ""), ("address", ""), ("city", user.city),
                    ("country", "IR"), ("lastip", "10.0.0.1"), ("picture", 0), ("url", ""),
                    ("description", user.description), ("descriptionformat", 1),
                    ("imagealt", ""), ("auth", "manual"), ("firstnamephonetic", ""),
                    ("lastnamephonetic", ""), ("middlename", ""), ("alternatename", ""),
                    ("firstname", user.firstname), ("lastname", user.lastname),
                    ("confirmed", 1), ("policyagreed", 0), ("deleted", user.deleted),
                    ("lang", user.lang), ("theme", ""), ("timezone", user.timezone),
                    ("firstaccess", plan.start), ("lastaccess", plan.start + plan.span),
                    ("lastlogin", 0), ("currentlogin", 0), ("mailformat", 1),
                    ("maildigest", 0), ("maildisplay", 2), ("autosubscribe", 1),
                    ("trackforums", 1), ("timecreated", plan.start - 30 * DAY),
                    ("timemodified", plan.start - 30 * DAY), ("trustbitmask", 0)])
                xml.empty("custom_fields", "tags", "preferences")
                xml.open("roles")
                xml.empty("role_overrides", "role_assignments")
                xml.close("roles")
                xml.close("user")
            xml.close("users")
    with (folder / "roles.xml").open("w", encoding="utf-8") as stream:
        xml = _Xml(stream)
        xml.open("roles_definition")
        for role_id, shortname, archetype in ROLE_DEFINITIONS:
            xml.open("role", id=role_id)
            xml.fields([("name", "Mentor" if shortname == "mentor" else ""),
                        ("shortname", shortname), ("nameincourse", None), ("description", ""),
                        ("sortorder", role_id), ("archetype", archetype)])
            xml.close("role")
        xml.close("roles_definition")
    with (folder / "groups.xml").open("w", encoding="utf-8") as stream:
        xml = _Xml(stream)
        xml.open("groups")
        for group in plan.groups:
            xml.open("group", id=group.id)
            xml.fields([("name", group.name), ("idnumber", ""),
                        ("description", group.description), ("descriptionformat", 1),
                        ("enrolmentkey", ""), ("picture", 0), ("timecreated", plan.start),
                        ("timemodified", plan.start)])
            xml.open("group_members")
            for n, member in enumerate(group.member_ids, start=1):
                xml.open("group_member", id=group.id * 1000 + n)
                xml.fields([("userid", member), ("timeadded", plan.start), ("component", ""),
                            ("itemid", 0)])
                xml.close("group_member")
            xml.close("group_members")
            xml.close("group")
        xml.empty("groupings")
        xml.close("groups")
    for name in ("outcomes.xml", "scales.xml", "questions.xml", "completion.xml",
                 "gradebook.xml"):
        root = {"outcomes.xml": "outcomes_definition", "scales.xml": "scales_definition",
                "questions.xml": "question_categories", "completion.xml": "course_completion",
                "gradebook.xml": "gradebook"}[name]
        with (folder / name).open("w", encoding="utf-8") as stream:
            xml = _Xml(stream)
            xml.empty(root)


def _role_assignments(xml: _Xml, assignments: list[RoleAssignment]) -> None:
    ids = {short: role_id for role_id, short, _a in ROLE_DEFINITIONS}
    xml.open("roles")
    xml.empty("role_overrides")
    xml.open("role_assignments")
    for n, assignment in enumerate(assignments, start=1):
        xml.open("assignment", id=n)
        xml.fields([("roleid", ids[assignment.shortname]), ("userid", assignment.user_id),
                    ("timemodified", 1400000000), ("modifierid", 2), ("component", ""),
                    ("itemid", 0), ("sortorder", 0)])
        xml.close("assignment")
    xml.close("role_assignments")
    xml.close("roles")


def _write_course(plan: CoursePlan, folder: Path) -> None:
    spec = plan.spec
    course = folder / "course"
    course.mkdir()
    with (course / "course.xml").open("w", encoding="utf-8") as stream:
        xml = _Xml(stream)
        xml.open("course", id=spec.course_id, contextid=COURSE_CONTEXT)
        xml.fields([("shortname", "TTCoP"), ("fullname", spec.course_name),
                    ("format", "topics"), ("startdate", plan.start)])
        xml.close("course")
    with (course / "roles.xml").open("w", encoding="utf-8") as stream:
        _role_assignments(_Xml(stream), [r for r in plan.roles if r.forum_id is None])
    _write_logs(course, plan.course_log(), COURSE_CONTEXT)
    if not spec.since(2, 7):
        (course / "logstores.xml").unlink()
    for section_id, number, name in SECTIONS:
        section = folder / "sections" / f"section_{section_id}"
        section.mkdir(parents=True)
        sequence = ",".join(str(p.forum.module_id) for p in plan.forums
                            if p.section_id == section_id)
        with (section / "section.xml").open("w", encoding="utf-8") as stream:
            xml = _Xml(stream)
            xml.open("section", id=section_id)
            xml.fields([("number", number), ("name", name), ("summary", ""),
                        ("summaryformat", 1), ("sequence", sequence), ("visible", 1),
                        ("availabilityjson", None), ("timemodified", plan.start)])
            xml.close("section")


def _write_other_activity(plan: CoursePlan, folder: Path, cmid: int, section: int,
                          module: str, title: str) -> None:
    activity = folder / "activities" / f"{module}_{cmid}"
    activity.mkdir(parents=True)
    _write_module(activity, cmid, section, module, plan.spec.moodle.backup_version)
    with (activity / f"{module}.xml").open("w", encoding="utf-8") as stream:
        xml = _Xml(stream)
        xml.open("activity", id=cmid - 200, moduleid=cmid, modulename=module,
                 contextid=COURSE_CONTEXT + cmid)
        xml.open(module, id=cmid - 200)
        xml.fields([("name", title), ("intro", ""), ("introformat", 1)])
        xml.close(module)
        xml.close("activity")


def _write_module(activity: Path, cmid: int, section: int, module: str, version: str) -> None:
    with (activity / "module.xml").open("w", encoding="utf-8") as stream:
        xml = _Xml(stream)
        xml.open("module", id=cmid, version=version)
        xml.fields([("modulename", module), ("sectionid", section),
                    ("sectionnumber", next(n for sid, n, _x in SECTIONS if sid == section)),
                    ("idnumber", ""), ("added", 1400000000), ("score", 0), ("indent", 0),
                    ("visible", 1), ("visibleold", 1), ("groupmode", 0), ("groupingid", 0),
                    ("completion", 0), ("completiongradeitemnumber", None),
                    ("completionview", 0), ("completionexpected", 0),
                    ("availability", None), ("showdescription", 0)])
        xml.empty("tags")
        xml.close("module")


def _write_logs(folder: Path, lines: Iterable[LogLine], context_id: int) -> None:
    """Writes logstores.xml and logs.xml for one context, streaming ``lines``."""
    with (folder / "logstores.xml").open("w", encoding="utf-8") as standard_stream, \
            (folder / "logs.xml").open("w", encoding="utf-8") as legacy_stream:
        standard, legacy = _Xml(standard_stream), _Xml(legacy_stream)
        _LogWriter(standard, legacy, context_id).write_all(lines)


class _LogWriter:
    def __init__(self, standard: _Xml, legacy: _Xml, context_id: int) -> None:
        self.standard, self.legacy, self.context_id = standard, legacy, context_id
        self.next_id = 0
        standard.open("logstores")
        standard.open("logstore")
        standard.empty("subplugin_logstore_database_logstore")
        standard.open("subplugin_logstore_standard_logstore")
        legacy.open("logs")

    def write_all(self, lines: Iterable[LogLine]) -> None:
        for line in lines:
            self.write(line)
        self.finish()

    def write(self, line: LogLine) -> None:
        self.next_id += 1
        if line.legacy:
            self.legacy.open("log", id=self.next_id)
            self.legacy.fields([("time", line.time), ("userid", line.user_id),
                                ("ip", "10.0.0.7"), ("module", line.module),
                                ("action", line.action), ("url", line.url),
                                ("info", line.info)])
            self.legacy.close("log")
            return
        payload = (json.dumps(line.other, ensure_ascii=False, separators=(",", ":"))
                   if line.json_other else php_serialize(line.other))
        component, _slash, rest = line.eventname.strip("\\").partition("\\event\\")
        action = rest.rsplit("_", 1)[-1]
        self.standard.open("logstore_standard_log", id=self.next_id)
        self.standard.fields([
            ("eventname", line.eventname), ("component", component),
            ("action", action), ("target", rest.rsplit("_", 1)[0]),
            ("objecttable", line.objecttable or None),
            ("objectid", line.objectid or None),
            ("crud", "c" if action == "created" else "r"), ("edulevel", 2),
            ("contextid", self.context_id), ("userid", line.user_id),
            ("relateduserid", None), ("anonymous", 0),
            ("other", base64.b64encode(payload.encode("utf-8")).decode("ascii")),
            ("timecreated", line.time), ("ip", "10.0.0.7"), ("realuserid", None)])
        self.standard.close("logstore_standard_log")

    def finish(self) -> None:
        self.standard.close("subplugin_logstore_standard_logstore")
        self.standard.close("logstore")
        self.standard.close("logstores")
        self.legacy.close("logs")


def _write_forum(plan: CoursePlan, planned: PlannedForum, folder: Path,
                 files: _FileWriter) -> None:
    spec, forum = plan.spec, planned.forum
    activity = folder / "activities" / f"forum_{forum.module_id}"
    activity.mkdir(parents=True)
    _write_module(activity, forum.module_id, planned.section_id, "forum",
                  spec.moodle.backup_version)
    with (activity / "roles.xml").open("w", encoding="utf-8") as stream:
        _role_assignments(_Xml(stream), [r for r in plan.roles if r.forum_id == forum.id])
    with ExitStack() as stack:
        opened = [stack.enter_context(path.open("w", encoding="utf-8")) for path in (
            activity / "forum.xml", activity / "logstores.xml", activity / "logs.xml")]
        # Read rows and post tags come after all discussions in forum.xml: they wait in
        # scratch files and are copied in at the end, so no discussion is held meanwhile.
        reads_scratch = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))
        tags_scratch = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))
        xml = _Xml(opened[0])
        log = _LogWriter(_Xml(opened[1]), _Xml(opened[2]), forum.context_id or 0)
        reads, tags = _Xml(reads_scratch, depth=3), _Xml(tags_scratch, depth=3)
        xml.open("activity", id=forum.id, moduleid=forum.module_id, modulename="forum",
                 contextid=forum.context_id)
        xml.open("forum", id=forum.id)
        xml.fields(_forum_fields(plan, planned))
        xml.open("discussions")
        tag_ids = {name: tag_id for tag_id, name in TAGS}
        read_id = 0
        for planned_discussion in plan.discussions(planned):
            _write_discussion(xml, planned_discussion, spec, planned)
            for planned_file in planned_discussion.files:
                files.add(planned_file)
            files.forget_directories()
            for line in planned_discussion.log:
                log.write(line)
            for row in planned_discussion.read_rows:
                read_id += 1
                reads.open("read", id=read_id)
                reads.fields([("userid", row.user_id), ("discussionid", row.discussion_id),
                              ("postid", row.post_id), ("firstread", row.first),
                              ("lastread", row.last)])
                reads.close("read")
            for post in planned_discussion.discussion.posts:
                for name in post.tags:
                    tags.open("tag", id=tag_ids[name])
                    tags.fields([("itemid", post.id), ("rawname", name)])
                    tags.close("tag")
        log.finish()
        xml.close("discussions")
        xml.empty("subscriptions", "digests")
        xml.open("readposts")
        reads_scratch.seek(0)
        shutil.copyfileobj(reads_scratch, opened[0])
        xml.close("readposts")
        xml.empty("trackedprefs")
        if spec.since(3, 1):
            xml.open("poststags")
            tags_scratch.seek(0)
            shutil.copyfileobj(tags_scratch, opened[0])
            xml.close("poststags")
        if spec.since(3, 8):
            xml.empty("grades")
        xml.close("forum")
        xml.close("activity")
    if not spec.since(2, 7):
        (activity / "logstores.xml").unlink()  # the standard log came with Moodle 2.7
    for name, root in (("inforef.xml", "inforef"), ("grades.xml", "activity_gradebook"),
                       ("filters.xml", "filters"), ("calendar.xml", "events")):
        with (activity / name).open("w", encoding="utf-8") as stream:
            _Xml(stream).empty(root)


def _forum_fields(plan: CoursePlan, planned: PlannedForum) -> list[tuple[str, object]]:
    spec, forum = plan.spec, planned.forum
    fields: list[tuple[str, object]] = [("type", forum.type), ("name", forum.name),
                                        ("intro", forum.intro),
                                        ("introformat", forum.intro_format)]
    if spec.since(3, 8):
        fields += [("duedate", _time(forum.due)), ("cutoffdate", _time(forum.cutoff))]
    fields += [
        ("assessed", 1 if planned.assessed else 0), ("assesstimestart", 0),
        ("assesstimefinish", 0), ("scale", 5 if planned.assessed else 0), ("maxbytes", 0),
        ("maxattachments", 9), ("forcesubscribe", 1 if forum.type == "news" else 0),
        ("trackingtype", 1 if planned.tracked else 0), ("rsstype", 0), ("rssarticles", 0),
        ("timemodified", forum.time_modified), ("warnafter", 0), ("blockafter", 0),
        ("blockperiod", 0), ("completiondiscussions", 0), ("completionreplies", 0),
        ("completionposts", 0), ("displaywordcount", 0)]
    if spec.since(3, 6):
        fields.append(("lockdiscussionafter", 0))
    if spec.since(3, 8):
        fields.append(("grade_forum", 0))
    return fields


def _write_discussion(xml: _Xml, planned: PlannedDiscussion, spec: BackupSpec,
                      forum: PlannedForum) -> None:
    discussion = planned.discussion
    xml.open("discussion", id=discussion.id)
    fields: list[tuple[str, object]] = [
        ("name", discussion.name), ("firstpost", discussion.posts[0].id),
        ("userid", discussion.user_id), ("groupid", discussion.group_id),
        ("assessed", 1 if forum.assessed else 0),
        ("timemodified", discussion.time_modified), ("usermodified", discussion.user_id),
        ("timestart", _time(discussion.time_start)), ("timeend", _time(discussion.time_end))]
    if spec.since(3, 1):
        fields.append(("pinned", discussion.pinned))
    if spec.since(3, 6):
        fields.append(("timelocked", _time(discussion.locked)))
    xml.fields(fields)
    xml.open("posts")
    for post in discussion.posts:
        xml.open("post", id=post.id)
        post_fields: list[tuple[str, object]] = [
            ("parent", post.parent_id), ("userid", post.user_id), ("created", post.created),
            ("modified", post.modified), ("mailed", 1), ("subject", post.subject),
            ("message", post.message), ("messageformat", post.message_format),
            ("messagetrust", 0), ("attachment", "1" if post.attachment else ""),
            ("totalscore", len(post.ratings)), ("mailnow", 0)]
        if spec.since(3, 7):
            post_fields += [("deleted", post.deleted), ("privatereplyto", post.private_reply_to)]
        if spec.since(3, 8):
            post_fields += [("wordcount", len(post.message.split())),
                            ("charcount", len(post.message))]
        xml.fields(post_fields)
        xml.open("ratings")
        for n, rating in enumerate(post.ratings, start=1):
            xml.open("rating", id=post.id * 10 + n)
            xml.fields([("component", "mod_forum"), ("ratingarea", "post"),
                        ("scaleid", rating.scale_id), ("value", rating.value),
                        ("userid", rating.user_id), ("timecreated", rating.time),
                        ("timemodified", rating.time)])
            xml.close("rating")
        xml.close("ratings")
        xml.close("post")
    xml.close("posts")
    if spec.since(3, 1):
        xml.empty("discussion_subs")
    xml.close("discussion")
