"""The Persian catalogue is complete and compiled: every string a Persian reader meets."""

import ast
import gettext
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "fa" / "LC_MESSAGES"


@dataclass
class Entry:
    msgid: str = ""
    context: str | None = None  # msgctxt, for a word that means two things
    translations: dict[str, str] = field(default_factory=dict)
    fuzzy: bool = False


def _po_entries() -> list[Entry]:
    """The catalogue's entries, header excluded; each quoted line read as a Python string."""
    entries: list[Entry] = []
    entry, target = Entry(), ""
    for line in (LOCALE / "django.po").read_text(encoding="utf-8").splitlines() + [""]:  # noqa: RUF005
        if not line.strip():
            if entry.msgid:
                entries.append(entry)
            entry, target = Entry(), ""
        elif line.startswith("#,") and "fuzzy" in line:
            entry.fuzzy = True
        elif line.startswith("msgctxt "):
            target = ""
            entry.context = ast.literal_eval(line[8:])
        elif line.startswith("msgid "):
            target = "msgid"
            entry.msgid = ast.literal_eval(line[6:])
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


def test_every_message_has_a_persian_translation():
    entries = _po_entries()
    assert len(entries) > 100
    missing = [entry.msgid for entry in entries
               if entry.fuzzy or not all(entry.translations.values())]
    assert missing == []


def test_the_compiled_catalogue_matches_the_source():
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = [entry.msgid for entry in _po_entries()
             if "msgstr" in entry.translations
             and (catalogue.pgettext(entry.context, entry.msgid) if entry.context is not None
                  else catalogue.gettext(entry.msgid)) != entry.translations["msgstr"]]
    assert stale == []


def test_persian_pages_use_the_translation():
    with translation.override("fa"):
        assert translation.gettext("Log in") == "ورود"
