"""The topics and library catalogues (beside their apps) are complete and compiled."""

import ast
import gettext
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

APPS = Path(__file__).resolve().parents[2]
CATALOGUES = [APPS / app / "locale" / "fa" / "LC_MESSAGES" for app in ("topics", "library")]


@dataclass
class Entry:
    msgid: str = ""
    translations: dict[str, str] = field(default_factory=dict)
    fuzzy: bool = False


def _entries(folder: Path) -> list[Entry]:
    """The catalogue's entries, header excluded (as praxis/core/tests/test_translations.py)."""
    entries: list[Entry] = []
    entry, target = Entry(), ""
    for line in [*(folder / "django.po").read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry.msgid:
                entries.append(entry)
            entry, target = Entry(), ""
        elif line.startswith("#,") and "fuzzy" in line:
            entry.fuzzy = True
        elif line.startswith("msgid "):
            target, entry.msgid = "msgid", ast.literal_eval(line[6:])
        elif line.startswith("msgid_plural "):
            target = ""
        elif line.startswith("msgstr"):
            target = line.split(" ", 1)[0]
            entry.translations[target] = ast.literal_eval(line.split(" ", 1)[1])
        elif line.startswith('"') and target == "msgid":
            entry.msgid += ast.literal_eval(line)
        elif line.startswith('"') and target:
            entry.translations[target] += ast.literal_eval(line)
    return entries


@pytest.mark.parametrize("folder", CATALOGUES, ids=lambda folder: folder.parts[-4])
def test_every_message_has_a_compiled_persian_translation(folder):
    entries = _entries(folder)
    assert entries
    missing = [e.msgid for e in entries if e.fuzzy or not all(e.translations.values())]
    assert missing == []
    with (folder / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = [e.msgid for e in entries if "msgstr" in e.translations
             and catalogue.gettext(e.msgid) != e.translations["msgstr"]]
    assert stale == []


def test_the_topic_pages_speak_persian(cast, client):
    cast.member.locale = "fa"
    cast.member.save()
    client.force_login(cast.member)
    page = client.get(reverse("topics:list", args=[cast.community.slug])).content.decode()
    with translation.override("fa"):
        assert translation.gettext("Running now") in page
    assert "Running now" not in page
