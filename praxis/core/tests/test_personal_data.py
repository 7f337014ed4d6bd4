"""The registry of personal data sections and the archive written from it."""

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from django.utils import translation

from praxis.core.personal_data import Field, Registry, Section, sections, write_archive

MOMENT = datetime(2026, 12, 6, 7, 0, tzinfo=UTC)


def _diary(owner, absolute):
    for n in range(3):
        yield {"title": f"Entry {n} <b>", "written": MOMENT, "url": absolute(f"/diary/{n}/"),
               "private": n == 0, "body": "Line one\nline two & more"}


DIARY = Section(
    key="diary", order=999, title="Reflection diary",
    fields=(Field("title", "title"), Field("written", "written", "when"),
            Field("url", "address", "link"), Field("private", "private", "flag"),
            Field("body", "text", "long")),
    rows=_diary, purpose="To reflect.", retention="Until erased.", seen_by="You.",
)


@pytest.fixture
def diary_registered():
    """A section registered as a later app would, in its ``ready``, and taken away after."""
    sections.register(DIARY)
    yield
    sections._sections.pop("diary")


def test_every_app_registers_its_sections():
    keys = [section.key for section in sections]
    assert keys[0] == "profile"
    assert {"memberships", "posts", "reactions", "flags", "email_choices",
            "feed_tokens", "topic_proposals"} <= set(keys)


def test_registering_again_replaces_the_section():
    registry = Registry()
    registry.register(DIARY)
    registry.register(DIARY)
    assert len(registry) == 1 and "diary" in registry


def test_a_new_apps_section_is_in_the_archive(db, user, diary_registered):
    target = io.BytesIO()
    with translation.override("en"):
        counts = write_archive(user, target, absolute=lambda path: "https://x.org" + path,
                               generated_at=MOMENT)
    assert counts["diary"] == 3
    archive = zipfile.ZipFile(target)
    rows = json.loads(archive.read("json/diary.json"))["rows"]
    assert rows[1] == {"title": "Entry 1 <b>", "written": "2026-12-06T07:00:00Z",
                       "url": "https://x.org/diary/1/", "private": False,
                       "body": "Line one\nline two & more"}
    page = archive.read("html/diary.html").decode()
    assert "Entry 1 &lt;b&gt;" in page and "<b>" not in page.split("<body>")[1]
    assert '<a href="https://x.org/diary/1/">' in page
    index = json.loads(archive.read("index.json"))
    assert index["format"] == 1
    assert {"key": "diary", "rows": 3}.items() <= next(
        s for s in index["sections"] if s["key"] == "diary").items()
    assert 'href="html/diary.html"' in archive.read("index.html").decode()


def test_an_empty_section_says_so(db, user):
    target = io.BytesIO()
    write_archive(user, target, absolute=str, generated_at=MOMENT)
    archive = zipfile.ZipFile(target)
    assert json.loads(archive.read("json/flags.json"))["rows"] == []
    assert "Nothing here." in archive.read("html/flags.html").decode()
