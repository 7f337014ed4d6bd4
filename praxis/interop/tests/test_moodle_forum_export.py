"""Moodle's forum export (mod/forum/export.php), JSON and CSV, with and without the
human-readable dates and remove-HTML options, read into records."""

import codecs
import gc
import json
import tempfile
from datetime import UTC, datetime, timedelta

import pytest

from praxis.interop.moodle.forum_export import EXPORT_FIELDS, parse_moodle_date, read_forum_export
from praxis.interop.moodle.records import MoodleImportError

DECEMBER_7_2021_1430 = 1638887400  # Tuesday, 7 December 2021, 2:30 PM UTC
HOUR = 3600


def _post(post_id, discussion, parent, userid, fullname, created, subject, message, **extra):
    row = {
        "id": post_id, "discussion": discussion, "parent": parent, "userid": userid,
        "userfullname": fullname, "created": created, "modified": created + 60, "mailed": 1,
        "subject": subject, "message": message, "messageformat": 1, "messagetrust": 1,
        "attachment": 0, "totalscore": 0, "mailnow": 0, "deleted": 0, "privatereplyto": 0,
        "privatereplytofullname": None, "wordcount": None, "charcount": None,
    }
    row.update(extra)
    return row


def _posts():
    """Two discussions, rows interleaved as a database without ORDER BY may give them:
    a threaded reply, a Persian post, a private reply and a deleted post."""
    start = DECEMBER_7_2021_1430
    return [
        _post(11, 2, 0, 7, "Maryam Ahmadi", start + 5 * HOUR, "بازخورد درس",
              "<p>سلام&nbsp;دوستان</p>"),
        _post(1, 1, 0, 3, "Sara Karimi", start, "Loop input & feedback",
              '<p>See <a href="http://old.example/mod/forum/discuss.php?d=12">this</a></p>'),
        _post(4, 1, 2, 3, "Sara Karimi", start + 3 * HOUR, "Re: Loop input & feedback",
              "<p>A reply to a reply</p>"),
        _post(2, 1, 1, 7, "Maryam Ahmadi", start + HOUR, "Re: Loop input & feedback",
              "<p><b>Agreed</b></p>"),
        _post(3, 1, 1, 9, "Reza Tehrani", start + 2 * HOUR, "Re: Loop input & feedback",
              "<p>Only for Sara</p>", privatereplyto=3, privatereplytofullname="Sara Karimi"),
        _post(12, 2, 11, 9, "Reza Tehrani", start + 6 * HOUR, "", "", deleted=1),
    ]


def _human_date(timestamp):
    # userdate() with strftimedaydatetime, fixday and fixhour: "Tuesday, 7 December 2021, 2:30 PM".
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return (f"{moment:%A}, {moment.day} {moment:%B %Y}, "
            f"{int(moment.strftime('%I'))}:{moment:%M} {moment:%p}")


def _with_options(rows, *, humandates, striphtml):
    result = []
    for row in rows:
        row = dict(row)
        if striphtml:
            row["message"] = (row["message"].replace("<p>", "").replace("</p>", "\n")
                              .replace("<b>", "").replace("</b>", "").replace("&nbsp;", " "))
            row["messageformat"] = 2
        if humandates:
            row["created"] = _human_date(row["created"])
            row["modified"] = _human_date(row["modified"])
        result.append(row)
    return result


def _write_json(path, rows):
    # dataformat_json: "[" + sheet "[" + records joined by "," + "]]"; each record
    # json_encode(JSON_UNESCAPED_UNICODE | JSON_PRETTY_PRINT): 4 spaces, "\/" for "/".
    records = [json.dumps(row, ensure_ascii=False, indent=4).replace("/", "\\/") for row in rows]
    path.write_text("[[" + ",".join(records) + "]]", encoding="utf-8")


def _php_csv_cell(value):
    text = "" if value is None else str(value)
    if any(char in text for char in ',"\\\n\r\t '):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write_csv(path, rows):
    # Spout's CSV writer: a UTF-8 byte-order mark, PHP's fputcsv, "\n" line ends.
    lines = [",".join(EXPORT_FIELDS)]
    lines += [",".join(_php_csv_cell(row[field]) for field in EXPORT_FIELDS) for row in rows]
    path.write_bytes(codecs.BOM_UTF8 + ("\n".join(lines) + "\n").encode("utf-8"))


WRITERS = {"json": _write_json, "csv": _write_csv}


@pytest.mark.parametrize("packaging", ["json", "csv"])
@pytest.mark.parametrize("humandates,striphtml", [(False, False), (True, True)])
def test_export_is_read_into_one_forum_of_discussions(tmp_path, packaging, humandates, striphtml):
    path = tmp_path / f"discussion.{packaging}"
    WRITERS[packaging](path, _with_options(_posts(), humandates=humandates, striphtml=striphtml))

    source = read_forum_export(path, forum_name="Teacher trainers' forum")

    assert (source.origin.kind, source.origin.packaging) == ("forum-export", packaging)
    assert source.origin.site.startswith("forum-export:")
    users = {user.id: user for user in source.users}
    assert {user_id: user.full_name for user_id, user in users.items()} == {
        3: "Sara Karimi", 7: "Maryam Ahmadi", 9: "Reza Tehrani"}
    assert all(user.email == "" for user in users.values())
    [content] = source.forums
    assert content.forum.name == "Teacher trainers' forum"
    first, second = list(content.discussions)
    assert content.forum.id == first.forum_id == second.forum_id == 1

    assert (first.id, first.name, first.user_id) == (1, "Loop input & feedback", 3)
    assert [(post.id, post.parent_id) for post in first.posts] == [(1, 0), (2, 1), (3, 1), (4, 2)]
    opening, agreed, private, nested = first.posts
    assert opening.created == datetime(2021, 12, 7, 14, 30, tzinfo=UTC)
    assert opening.modified == datetime(2021, 12, 7, 14, 31, tzinfo=UTC)
    assert private.private_reply_to == 3 and agreed.private_reply_to == 0
    assert nested.user_id == 3 and nested.created == datetime(2021, 12, 7, 17, 30, tzinfo=UTC)
    if striphtml:
        assert opening.message_format == 2 and agreed.message == "Agreed\n"
    else:
        assert opening.message_format == 1
        assert 'href="http://old.example/mod/forum/discuss.php?d=12"' in opening.message

    assert (second.id, second.name, second.user_id) == (2, "بازخورد درس", 7)
    persian, deleted = second.posts
    assert "سلام" in persian.message and "دوستان" in persian.message
    assert deleted.deleted and not persian.deleted and deleted.parent_id == 11
    assert source.skipped == []


def test_forum_is_named_after_the_file_unless_it_has_moodles_default_name(tmp_path):
    named = tmp_path / "Session plans.json"
    default = tmp_path / "discussion.json"
    for path in (named, default):
        _write_json(path, _posts())

    assert next(iter(read_forum_export(named).forums)).forum.name == "Session plans"
    assert next(iter(read_forum_export(default).forums)).forum.name == "Imported forum"


def test_discussions_can_be_walked_again(tmp_path):
    path = tmp_path / "discussion.csv"
    _write_csv(path, _posts())
    [content] = read_forum_export(path).forums

    assert [d.id for d in content.discussions] == [d.id for d in content.discussions] == [1, 2]


def test_a_plain_list_of_records_and_an_empty_export_are_read(tmp_path):
    flat = tmp_path / "flat.json"
    flat.write_text(json.dumps(_posts()), encoding="utf-8")
    empty = tmp_path / "empty.json"
    empty.write_text("[[]]", encoding="utf-8")

    assert [d.id for d in read_forum_export(flat).forums[0].discussions] == [1, 2]  # type: ignore[index]
    source = read_forum_export(empty)
    assert list(source.forums[0].discussions) == [] and list(source.users) == []  # type: ignore[index]


def test_reply_whose_parent_was_left_out_hangs_from_the_first_post(tmp_path):
    # Exporting one person's posts only leaves out the replies between theirs.
    rows = [row for row in _posts() if row["userid"] == 3]
    path = tmp_path / "discussion.json"
    _write_json(path, rows)

    source = read_forum_export(path)
    [discussion] = source.forums[0].discussions  # type: ignore[index]

    assert [(post.id, post.parent_id) for post in discussion.posts] == [(1, 0), (4, 1)]
    assert len(source.skipped) == 1 and "post 4" in source.skipped[0].what


def test_discussion_without_its_first_post_starts_at_its_earliest_post(tmp_path):
    rows = [row for row in _posts() if row["id"] in (2, 4)]
    path = tmp_path / "discussion.json"
    _write_json(path, rows)

    [discussion] = read_forum_export(path).forums[0].discussions  # type: ignore[index]

    assert [(post.id, post.parent_id) for post in discussion.posts] == [(2, 0), (4, 2)]
    assert discussion.name == "Re: Loop input & feedback"


def test_reply_with_a_smaller_id_than_its_parent_comes_after_it(tmp_path):
    rows = [_post(5, 1, 0, 3, "A", DECEMBER_7_2021_1430, "Start", "x"),
            _post(9, 1, 5, 3, "A", DECEMBER_7_2021_1430, "Middle", "y"),
            _post(7, 1, 9, 3, "A", DECEMBER_7_2021_1430, "Moved here", "z")]
    path = tmp_path / "discussion.csv"
    _write_csv(path, rows)

    [discussion] = read_forum_export(path).forums[0].discussions  # type: ignore[index]

    assert [post.id for post in discussion.posts] == [5, 9, 7]


def test_unreadable_dates_are_named_in_the_summary(tmp_path):
    rows = _posts()
    rows[0]["created"] = "le 7 brumaire an 230"
    path = tmp_path / "discussion.json"
    _write_json(path, rows)

    source = read_forum_export(path)
    persian = next(d for d in source.forums[0].discussions if d.id == 2).posts[0]  # type: ignore[index]

    assert persian.created is None and persian.modified is not None
    assert len(source.skipped) == 1 and "brumaire" in source.skipped[0].reason


@pytest.mark.parametrize("text,expected", [
    ("Tuesday, 7 December 2021, 2:30 PM", datetime(2021, 12, 7, 14, 30, tzinfo=UTC)),
    ("Tuesday, 07 December 2021, 12:05 AM", datetime(2021, 12, 7, 0, 5, tzinfo=UTC)),
    ("Wednesday, 1 January 2020, 12:00 PM", datetime(2020, 1, 1, 12, 0, tzinfo=UTC)),
    ("سه‌شنبه، ۱۶ آذر ۱۴۰۰، ۲:۳۰ ب.ظ", datetime(2021, 12, 7, 14, 30, tzinfo=UTC)),
    ("Tuesday, 30 Esfand 1403, 9:15 AM", datetime(2025, 3, 20, 9, 15, tzinfo=UTC)),
    ("سه‌شنبه، ۷ دسامبر ۲۰۲۱، ۱۴:۳۰", datetime(2021, 12, 7, 14, 30, tzinfo=UTC)),
    ("2021-12-07 14:30:05", datetime(2021, 12, 7, 14, 30, 5, tzinfo=UTC)),
    ("07/12/2021, 14:30", datetime(2021, 12, 7, 14, 30, tzinfo=UTC)),
])
def test_moodle_human_dates_are_read_as_utc(text, expected):
    assert parse_moodle_date(text) == expected


NOT_AN_EXPORT = "neither a Moodle course backup nor a Moodle forum export"


@pytest.mark.parametrize("content,message", [
    (b"", NOT_AN_EXPORT),
    (b"PK\x03\x04 not really", NOT_AN_EXPORT),
    (b"name,email\nSara,s@example.org\n", NOT_AN_EXPORT),
    (b'{"id": 1}', NOT_AN_EXPORT),
    (b'[[{"id": 1, "discussion": 1, "parent": 0', "not valid JSON"),
    (b'[[1, 2]]', "something other than posts"),
    (b'[[{"discussion": 1, "parent": 0}]]', "Row 1 of the export has no post id."),
    (b'[[{"id": 1, "discussion": 1}, {"id": "x", "discussion": 1}]]',
     "Row 2 of the export has no post id."),
    (b'[[{"id": 1, "parent": 0}]]', "Row 1 of the export has no discussion id."),
    (b'[[{"id": 3, "discussion": 1}, {"id": 3, "discussion": 1}]]',
     "Post 3 appears more than once in the export."),
    (b"id,discussion,parent,userid,subject\n1,1,0,2,Hi\n", "no column \u201cmessage\u201d"),
    (b"id,discussion,parent,userid,subject,message\n1,1,0,2,Hi,x\n,1,0,2,Hi,y\n",
     "Row 2 of the export has no post id."),
    (b"id,discussion,parent,userid,subject,message\n1,1,0,2,Hi\n",
     "Row 1 of the export has 5 columns"),
    (b"id,discussion,parent,userid,subject,message\n1,1,0,2,\xff\xfe,x\n", "not UTF-8"),
])
def test_malformed_exports_are_refused_with_a_message(tmp_path, content, message):
    path = tmp_path / "upload.bin"
    path.write_bytes(content)

    with pytest.raises(MoodleImportError) as refused:
        read_forum_export(path)

    assert message in str(refused.value)


def test_missing_file_is_refused_with_a_message(tmp_path):
    with pytest.raises(MoodleImportError, match="could not be read"):
        read_forum_export(tmp_path / "nowhere.json")


def test_large_export_is_read_one_discussion_at_a_time(tmp_path):
    rows = [_post(post_id, 1 + post_id % 50, 0 if post_id <= 50 else (post_id % 50) or 50, 3, "A",
                  DECEMBER_7_2021_1430 + post_id, "Subject", "Message " * 20)
            for post_id in range(1, 3001)]
    path = tmp_path / "discussion.csv"
    _write_csv(path, rows)

    discussions = list(read_forum_export(path).forums[0].discussions)  # type: ignore[index]

    assert len(discussions) == 50
    assert sum(len(d.posts) for d in discussions) == 3000
    assert all(d.posts[0].parent_id == 0 and d.posts[0].id == d.posts[1].parent_id
               for d in discussions)


def test_spool_folder_is_removed_with_the_source(tmp_path, monkeypatch):
    spool_parent = tmp_path / "tmp"
    spool_parent.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_parent))
    path = tmp_path / "discussion.json"
    _write_json(path, _posts())
    source = read_forum_export(path)
    assert len(list(spool_parent.iterdir())) == 1

    del source
    gc.collect()

    assert list(spool_parent.iterdir()) == []


def _origin(path, rows, write=_write_json):
    write(path, rows)
    return read_forum_export(path).origin.site


def test_exports_of_different_forums_have_different_origins(tmp_path):
    this_forum = _posts()
    # Another site's forum whose ids happen to be the same: only the time tells them apart.
    other_site = [{**row, "created": row["created"] + 86400} for row in _posts()]
    other_forum = [{**row, "id": row["id"] + 100, "discussion": row["discussion"] + 50,
                    "parent": row["parent"] and row["parent"] + 100} for row in _posts()]

    origins = {_origin(tmp_path / f"{name}.json", rows) for name, rows in
               [("this", this_forum), ("site", other_site), ("forum", other_forum)]}

    assert len(origins) == 3


def test_the_same_forum_exported_again_later_keeps_its_origin(tmp_path):
    earlier = [row for row in _posts() if row["id"] != 12]
    later = [*_posts(), _post(13, 3, 0, 7, "Maryam Ahmadi", DECEMBER_7_2021_1430 + 9 * HOUR,
                              "A new discussion", "<p>New</p>")]

    first = _origin(tmp_path / "discussion.json", earlier)
    again = _origin(tmp_path / "discussion (1).csv", later, _write_csv)
    human = _origin(tmp_path / "discussion (2).json",
                    _with_options(later, humandates=True, striphtml=True))

    assert first == again == human
    assert first.startswith("forum-export:") and len(first) <= 64


def test_readable_dates_are_read_in_the_importers_time_zone(tmp_path):
    """Moodle wrote them in the exporting person's zone, most often the importer's too: a
    Tehran site's "2:30 PM" is 11:00 UTC."""
    path = tmp_path / "discussion.json"
    _write_json(path, _with_options(_posts(), humandates=True, striphtml=False))
    source = read_forum_export(path, time_zone="Asia/Tehran")
    first = next(iter(source.forums[0].discussions)).posts[0]
    assert first.created == datetime.fromtimestamp(DECEMBER_7_2021_1430, tz=UTC) - timedelta(
        hours=3, minutes=30)
    # Unix times are absolute: the zone changes nothing.
    _write_json(path, _posts())
    source = read_forum_export(path, time_zone="Asia/Tehran")
    first = next(iter(source.forums[0].discussions)).posts[0]
    assert first.created == datetime.fromtimestamp(DECEMBER_7_2021_1430, tz=UTC)
