"""Moodle's forum export (Moodle 3.8+: "Export" in a forum, ``mod/forum/export.php``) read
into a ``Source`` holding one forum.

The export is one row per post with the columns of ``export.php``'s ``$fields``, written by
the core dataformat writers: JSON (``[[{...}, ...]]``: a list of sheets, each a list of
records; pretty-printed, slashes escaped) or CSV (Spout/OpenSpout: a byte-order mark, a
header row, then one row per post). Two options change the rows: "human-readable dates"
writes ``userdate()`` text instead of Unix seconds, and "remove HTML" writes the message as
plain text with ``messageformat`` 2. The export holds no email addresses, no discussion
names, no files and no reading history.

Moodle selects the posts without an ORDER BY, so rows come in whatever order the database
gives. The rows are spooled into a temporary SQLite file and read back one discussion at a
time, so memory stays flat however large the export is.
"""

import codecs
import csv
import hashlib
import json
import re
import sqlite3
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import ijson
from django.utils.translation import gettext as _

from praxis.interop.moodle.convert import FORMAT_HTML, plain_subject
from praxis.interop.moodle.records import (
    Discussion,
    Forum,
    ForumContent,
    MoodleImportError,
    MoodleUser,
    Origin,
    Post,
    Skipped,
    Source,
)

# The columns of mod/forum/export.php (3.8 to 5.x).
EXPORT_FIELDS = (
    "id", "discussion", "parent", "userid", "userfullname", "created", "modified", "mailed",
    "subject", "message", "messageformat", "messagetrust", "attachment", "totalscore",
    "mailnow", "deleted", "privatereplyto", "privatereplytofullname", "wordcount", "charcount",
)
REQUIRED_FIELDS = ("id", "discussion", "parent", "userid", "subject", "message")
MOODLE_DEFAULT_FILE_STEM = "discussion"  # export.php names every download "discussion"
_BATCH = 500
_DATE_EXAMPLES_KEPT = 3


def read_forum_export(path: Path, *, forum_name: str = "", time_zone: str = "UTC") -> Source:
    """Reads a Moodle forum export (JSON or CSV, either option set) into a ``Source`` with
    one forum. Checks the whole file first and raises ``MoodleImportError`` on anything
    unreadable, so an import that starts does not fail halfway on the file. Readable dates
    carry no zone: they are read in ``time_zone`` (the importing person's, most often the
    Moodle site's too)."""
    packaging = _detect_packaging(path)
    skipped: list[Skipped] = []
    spool = _Spool()
    dates = _DateReport(_zone(time_zone))
    rows = _json_rows(path) if packaging == "json" else _csv_rows(path)
    for number, raw in enumerate(rows, start=1):
        spool.add(_post_row(raw, number, dates))
    spool.finish()
    skipped.extend(dates.skipped())
    name = forum_name.strip() or (
        path.stem if path.stem.lower() != MOODLE_DEFAULT_FILE_STEM else _("Imported forum")
    )
    forum_id = spool.lowest_discussion()
    forum = Forum(id=forum_id, module_id=0, context_id=None, name=plain_subject(name),
                  intro="", intro_format=FORMAT_HTML, type="general")
    return Source(
        origin=Origin(site=_site_key(spool), packaging=packaging, kind="forum-export",
                      with_users=True),
        users=_Replayable(spool.users),
        roles=(),
        groups=(),
        files=(),
        forums=[ForumContent(forum=forum,
                             discussions=_Replayable(
                                 lambda: spool.discussions(skipped, forum_id)))],
        reads=(),
        skipped=skipped,
    )


def _site_key(spool: "_Spool") -> str:
    """What keys the export's records in the importer (``Origin.site``), since the export
    names no site: its earliest discussion and that discussion's first post. Ids are unique
    within a Moodle site and the first post's time pins the site, so another forum or site
    gives another key, while a later export of the same forum, with more posts, gives the
    same one. The forum's name is left out: it comes from the file's name, which a second
    download changes ("discussion (1).json")."""
    first = spool.first_post()
    if first is None:
        return "forum-export"
    digest = hashlib.sha256(json.dumps(first).encode("ascii")).hexdigest()
    return "forum-export:" + digest[:16]


# Reading the file -------------------------------------------------------------------------

def _detect_packaging(path: Path) -> str:
    try:
        with path.open("rb") as file:
            start = file.read(4096)
    except OSError as error:
        raise MoodleImportError(_("The file could not be read: %(error)s") % {
            "error": error.strerror or error}) from error
    start = start.removeprefix(codecs.BOM_UTF8).lstrip()
    if start.startswith(b"["):
        return "json"
    try:
        header_line = start.decode("utf-8", errors="strict").splitlines()[0] if start else ""
    except UnicodeDecodeError:
        # Cut in the middle of a character: the header line is all we need.
        header_line = start.decode("utf-8", errors="ignore").splitlines()[0]
    header = next(csv.reader([header_line]), [])
    if {"id", "discussion", "parent"} <= {column.strip() for column in header}:
        return "csv"
    raise MoodleImportError(_(
        "This file is neither a Moodle course backup nor a Moodle forum export (JSON or CSV)."))


def _json_rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as file:
        _skip_bom(file)
        # export.php writes a list of sheets; a plain list of records is read too.
        prefix = "item.item" if _json_is_nested(file) else "item"
        try:
            for record in ijson.items(file, prefix, use_float=True):
                if not isinstance(record, dict):
                    raise MoodleImportError(_(
                        "The JSON export holds something other than posts: each entry must be "
                        "a record with the post's fields."))
                yield record
        except ijson.JSONError as error:
            raise MoodleImportError(_(
                "The JSON export is not valid JSON (perhaps the download was cut short): "
                "%(error)s") % {"error": error}) from error


def _skip_bom(file: IO[bytes]) -> None:
    if file.read(3) != codecs.BOM_UTF8:
        file.seek(0)


def _json_is_nested(file: IO[bytes]) -> bool:
    start = file.tell()
    head = file.read(4096).lstrip()
    file.seek(start)
    return head[1:].lstrip().startswith(b"[")


def _csv_rows(path: Path) -> Iterator[dict[str, Any]]:
    # A post with an inline image as data: URL easily passes csv's 128 KB default.
    csv.field_size_limit(max(csv.field_size_limit(), 256 * 1024 * 1024))
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            # Spout's fputcsv doubles quotes like Python does; its backslash escape only
            # matters for a backslash right before a quote, which posts rarely hold.
            reader = csv.reader(file)
            header = [column.strip() for column in next(reader, [])]
            missing = [field for field in REQUIRED_FIELDS if field not in header]
            if missing:
                raise MoodleImportError(_(
                    "The CSV export has no column “%(column)s”: is it a Moodle forum "
                    "export?") % {"column": missing[0]})
            for number, cells in enumerate(reader, start=1):
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(header):
                    raise MoodleImportError(_(
                        "Row %(row)s of the export has %(found)s columns instead of "
                        "%(expected)s.") % {"row": number, "found": len(cells),
                                            "expected": len(header)})
                yield dict(zip(header, cells, strict=True))
    except UnicodeDecodeError as error:
        raise MoodleImportError(_("The CSV export is not UTF-8 text.")) from error
    except csv.Error as error:
        raise MoodleImportError(_("The CSV export could not be read: %(error)s") % {
            "error": error}) from error


# One row -----------------------------------------------------------------------------------

def _post_row(raw: dict[str, Any], number: int, dates: "_DateReport") -> dict[str, Any]:
    post_id = _integer(raw.get("id"))
    if not post_id or post_id < 0:
        raise MoodleImportError(_("Row %(row)s of the export has no post id.") % {"row": number})
    discussion_id = _integer(raw.get("discussion"))
    if not discussion_id or discussion_id < 0:
        raise MoodleImportError(
            _("Row %(row)s of the export has no discussion id.") % {"row": number})
    message_format = _integer(raw.get("messageformat"))
    return {
        "id": post_id,
        "discussion": discussion_id,
        "parent": max(_integer(raw.get("parent")) or 0, 0),
        "userid": max(_integer(raw.get("userid")) or 0, 0),
        "userfullname": _text(raw.get("userfullname")),
        "created": dates.timestamp(raw.get("created")),
        "modified": dates.timestamp(raw.get("modified")),
        "subject": _text(raw.get("subject")),
        "message": _text(raw.get("message")),
        "messageformat": FORMAT_HTML if message_format is None else message_format,
        "attachment": bool(_integer(raw.get("attachment"))),
        "deleted": bool(_integer(raw.get("deleted"))),
        "privatereplyto": max(_integer(raw.get("privatereplyto")) or 0, 0),
        "privatereplytofullname": _text(raw.get("privatereplytofullname")),
    }


def _integer(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return int(value) if isinstance(value, bool) else None
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        return int(value)
    text = str(value).strip()
    return int(text) if re.fullmatch(r"-?\d{1,18}", text) else None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


# Dates -------------------------------------------------------------------------------------

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_GREGORIAN_MONTHS = {
    **{name: number for number, name in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"), start=1)},
    **{name: number for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1)},
    "sept": 9,
    # Persian names of the Gregorian months, as PHP's fa locale writes them.
    **{name: number for number, names in enumerate(
        ("ژانویه", "فوریه", "مارس", "آوریل", "مه می", "ژوئن", "ژوئیه جولای", "اوت آگوست",
         "سپتامبر", "اکتبر", "نوامبر", "دسامبر"), start=1) for name in names.split()},
}
# The Jalali calendar (calendartype_jalali, common on Iranian sites), Persian and English.
_JALALI_MONTHS = {
    name: number for number, names in enumerate(
        ("فروردین farvardin", "اردیبهشت ordibehesht", "خرداد khordad", "تیر tir",
         "مرداد mordad amordad", "شهریور shahrivar", "مهر mehr", "آبان aban", "آذر azar",
         "دی dey", "بهمن bahman", "اسفند esfand"), start=1) for name in names.split()
}
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_AFTERNOON = re.compile(r"\bpm\b|p\.m\.|ب\.?\s?ظ|بعد\s?از\s?ظهر|عصر")
_MORNING = re.compile(r"\bam\b|a\.m\.|ق\.?\s?ظ|قبل\s?از\s?ظهر|صبح")


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def parse_moodle_date(value: str, zone: tzinfo = UTC) -> datetime:
    """A date as Moodle's ``userdate()`` writes it with the default format (English:
    "Tuesday, 7 December 2021, 2:30 PM"; Persian digits and month names and the Jalali
    calendar are read too), or an ISO or day/month/year date. The text carries no time
    zone (Moodle used the exporting user's), so it is read in ``zone``. Raises
    ``ValueError``."""
    text = value.translate(_DIGITS).replace("\u200c", " ").lower()
    clock = _TIME.search(text)
    hour = minute = second = 0
    if clock:
        hour, minute, second = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
        text = text[:clock.start()] + " " + text[clock.end():]
        if _AFTERNOON.search(text) and hour < 12:
            hour += 12
        elif _MORNING.search(text) and hour == 12:
            hour = 0
    year, month, day, jalali = _calendar_date(text)
    if jalali:
        year, month, day = _jalali_to_gregorian(year, month, day)
    return datetime(year, month, day, hour, minute, second, tzinfo=zone)


def _calendar_date(text: str) -> tuple[int, int, int, bool]:
    words = re.findall(r"[^\W\d_]+", text)
    numbers = [int(number) for number in re.findall(r"\d+", text)]
    years = [number for number in numbers if number >= 1000]
    for word in words:
        month = _JALALI_MONTHS.get(word) or _GREGORIAN_MONTHS.get(word)
        if month and years:
            days = [number for number in numbers if 1 <= number <= 31]
            if not days:
                break
            jalali = word in _JALALI_MONTHS and word not in _GREGORIAN_MONTHS
            return years[0], month, days[0], jalali
    iso = re.search(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
        return year, month, day, year < 1700
    day_first = re.search(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
    if day_first:
        day, month, year = (int(part) for part in day_first.groups())
        if month > 12 >= day:
            day, month = month, day
        return year, month, day, year < 1700
    raise ValueError(f"not a date: {text!r}")


def _jalali_to_gregorian(year: int, month: int, day: int) -> tuple[int, int, int]:
    gregorian = date.fromordinal(
        _JALALI_ANCHOR.toordinal() + _jalali_day_count(year, month, day) - _JALALI_ANCHOR_COUNT)
    return gregorian.year, gregorian.month, gregorian.day


def _jalali_day_count(year: int, month: int, day: int) -> int:
    # The 33-year leap cycle of jdf, which Iranian Moodle calendars (calendartype_jalali) use.
    year += 1595
    days = 365 * year + (year // 33) * 8 + ((year % 33) + 3) // 4 + day
    return days + ((month - 1) * 31 if month < 7 else (month - 7) * 30 + 186)


_JALALI_ANCHOR = date(2021, 3, 21)  # 1 Farvardin 1400
_JALALI_ANCHOR_COUNT = _jalali_day_count(1400, 1, 1)


class _DateReport:
    """Turns the export's dates into Unix seconds and remembers the ones it cannot read."""

    def __init__(self, zone: tzinfo = UTC) -> None:
        self.zone = zone
        self.unreadable = 0
        self.examples: list[str] = []

    def timestamp(self, value: Any) -> int | None:
        number = _integer(value)
        if number is not None:
            return number or None  # Moodle's 0 is "no date"
        text = _text(value).strip()
        if not text:
            return None
        try:
            return int(parse_moodle_date(text, self.zone).timestamp())
        except (ValueError, OverflowError):
            self.unreadable += 1
            if len(self.examples) < _DATE_EXAMPLES_KEPT:
                self.examples.append(text)
            return None

    def skipped(self) -> list[Skipped]:
        if not self.unreadable:
            return []
        return [Skipped(
            what=_("%(count)s dates of posts") % {"count": self.unreadable},
            reason=_("The export writes them in a form Praxis cannot read (for example "
                     "“%(example)s”); those posts are imported without that date.")
            % {"example": self.examples[0]},
        )]


# Spooling and reading back -----------------------------------------------------------------

class _Spool:
    """The export's rows in a temporary SQLite file, removed with the last reference."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="praxis-forum-export-")
        self._db = sqlite3.connect(Path(self._folder.name) / "spool.sqlite3",
                                   check_same_thread=False)
        self._db.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE post (id INTEGER PRIMARY KEY, discussion INTEGER NOT NULL,
                               row TEXT NOT NULL);
            CREATE TABLE user (id INTEGER PRIMARY KEY, fullname TEXT NOT NULL);
        """)
        self._posts: list[tuple[int, int, str]] = []
        self._users: list[tuple[int, str]] = []
        weakref.finalize(self, _close_spool, self._db, self._folder)

    def add(self, row: dict[str, Any]) -> None:
        self._posts.append((row["id"], row["discussion"], json.dumps(row, ensure_ascii=False)))
        if row["userid"]:
            self._users.append((row["userid"], row["userfullname"]))
        if row["privatereplyto"]:
            self._users.append((row["privatereplyto"], row["privatereplytofullname"]))
        if len(self._posts) >= _BATCH:
            self._flush()

    def finish(self) -> None:
        self._flush()
        self._db.execute("CREATE INDEX post_discussion ON post (discussion, id)")
        self._db.commit()

    def _flush(self) -> None:
        try:
            self._db.executemany("INSERT INTO post VALUES (?, ?, ?)", self._posts)
        except sqlite3.IntegrityError as error:
            duplicate = self._first_duplicate()
            raise MoodleImportError(_("Post %(id)s appears more than once in the export.")
                                    % {"id": duplicate}) from error
        # The first name seen wins; a later empty one does not blank it.
        self._db.executemany("INSERT OR IGNORE INTO user VALUES (?, ?)",
                             [user for user in self._users if user[1]])
        self._db.executemany("INSERT OR IGNORE INTO user VALUES (?, ?)", self._users)
        self._posts.clear()
        self._users.clear()

    def _first_duplicate(self) -> int:
        seen: set[int] = set()
        for post_id, _discussion, _row in self._posts:
            if post_id in seen or self._db.execute(
                    "SELECT 1 FROM post WHERE id = ?", (post_id,)).fetchone():
                return post_id
            seen.add(post_id)
        return 0

    def users(self) -> Iterator[MoodleUser]:
        # The export has no email and one name field: the whole name goes in firstname.
        for user_id, fullname in self._db.execute("SELECT id, fullname FROM user ORDER BY id"):
            yield MoodleUser(id=user_id, email="", firstname=fullname)

    def lowest_discussion(self) -> int:
        return int(self._db.execute("SELECT coalesce(min(discussion), 0) FROM post")
                   .fetchone()[0])

    def first_post(self) -> tuple[int, int, int | None] | None:
        """The earliest discussion's id, and its first post's id and time (the post that
        starts it, or its earliest when the export left that one out)."""
        discussion_id = self.lowest_discussion()
        rows = [json.loads(row) for (row,) in self._db.execute(
            "SELECT row FROM post WHERE discussion = ? ORDER BY id", (discussion_id,))]
        if not rows:
            return None
        first = _first_row(rows)
        return discussion_id, first["id"], first["created"]

    def discussions(self, skipped: list[Skipped], forum_id: int) -> Iterator[Discussion]:
        ids = [row[0] for row in self._db.execute(
            "SELECT DISTINCT discussion FROM post ORDER BY discussion")]
        for discussion_id in ids:
            rows = [json.loads(row) for (row,) in self._db.execute(
                "SELECT row FROM post WHERE discussion = ? ORDER BY id", (discussion_id,))]
            yield _discussion(discussion_id, forum_id, rows, skipped)


def _close_spool(db: sqlite3.Connection, folder: tempfile.TemporaryDirectory[str]) -> None:
    db.close()
    folder.cleanup()


def _first_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return next((row for row in rows if row["parent"] == 0), rows[0])


def _discussion(discussion_id: int, forum_id: int, rows: list[dict[str, Any]],
                skipped: list[Skipped]) -> Discussion:
    ids = {row["id"] for row in rows}
    first = _first_row(rows)
    for row in rows:
        if row is first:
            row["parent"] = 0
        elif row["parent"] not in ids or row["parent"] == row["id"]:
            # Moodle's filters (people, dates) can leave out a reply's parent.
            skipped.append(Skipped(
                what=_("The place of post %(post)s in its discussion") % {"post": row["id"]},
                reason=_("It answers post %(parent)s, which is not in the export; it is "
                         "shown as a reply to the discussion's first post.")
                % {"parent": row["parent"]},
            ))
            row["parent"] = first["id"]
    posts = tuple(_post(row) for row in _parents_first(rows, first))
    modified = [post.modified or post.created for post in posts]
    return Discussion(
        id=discussion_id, forum_id=forum_id, name=plain_subject(first["subject"]),
        user_id=first["userid"], posts=posts,
        time_modified=max((time for time in modified if time), default=None),
    )


def _parents_first(rows: list[dict[str, Any]], first: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows in id order, except that a reply never comes before its parent."""
    children: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row is not first:
            children.setdefault(row["parent"], []).append(row)
    ordered: list[dict[str, Any]] = []
    waiting = [first]
    while waiting:
        row = min(waiting, key=lambda candidate: candidate["id"])
        waiting.remove(row)
        ordered.append(row)
        waiting.extend(children.pop(row["id"], []))
    # A cycle of replies that never reaches the first post: keep them, under the first post.
    for stranded in sorted((row for group in children.values() for row in group),
                           key=lambda row: row["id"]):
        stranded["parent"] = first["id"]
        ordered.append(stranded)
    return ordered


def _post(row: dict[str, Any]) -> Post:
    return Post(
        id=row["id"], discussion_id=row["discussion"], parent_id=row["parent"],
        user_id=row["userid"], created=_time(row["created"]), modified=_time(row["modified"]),
        subject=row["subject"], message=row["message"], message_format=row["messageformat"],
        private_reply_to=row["privatereplyto"], deleted=row["deleted"],
        attachment=row["attachment"],
    )


def _time(seconds: int | None) -> datetime | None:
    if not seconds:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


class _Replayable(Iterable[Any]):
    """An iterable that runs its generator afresh each time it is walked (a dry run, then
    the import)."""

    def __init__(self, generate: Callable[[], Iterator[Any]]) -> None:
        self._generate = generate

    def __iter__(self) -> Iterator[Any]:
        return self._generate()
