r"""Names in a transcript replaced by codes: "Maryam said ..." becomes "TT3 said ...".

A name is replaced where it stands as a whole word, in any letter case, longest names first
(so "Maryam Ahmadi" is replaced before "Maryam"). Word edges are decided by lookarounds on
letters, digits, combining marks and the zero-width (non-)joiners, not by ``\b``: in Persian
a word goes on across a zero-width non-joiner (before a plural suffix) and its vowel marks.
The Arabic and Persian forms of yeh and kaf are matched as one letter, as a reader reads them.
"""

import re
from collections.abc import Mapping

from django.utils.translation import gettext as _

# What continues a word besides \w: combining marks (Latin accents, Arabic vowel marks,
# Quranic signs) and the zero-width non-joiner and joiner.
_WORD_EXTRA = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d"
_BEFORE = rf"(?<![\w{_WORD_EXTRA}])"
_AFTER = rf"(?![\w{_WORD_EXTRA}])"
_SAME_LETTER = {"ي": "[يی]", "ی": "[يی]", "ى": "[ىیي]", "ك": "[كک]", "ک": "[كک]"}
MAX_NAMES = 500


class PseudonymError(ValueError):
    """A list of names to replace that cannot be read; the message says which line."""


def parse_replacements(text: str) -> dict[str, str]:
    """Reads lines "Name = code" (blank lines skipped) into {name: code}."""
    replacements: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, equals, code = line.partition("=")
        name, code = " ".join(name.split()), code.strip()
        if not equals or not name or not code:
            raise PseudonymError(
                _("Line %(number)s should read “Name = code”, for example “Reza = TT4”.")
                % {"number": number})
        replacements[name] = code
    if len(replacements) > MAX_NAMES:
        raise PseudonymError(_("Give at most %(count)s names to replace.")
                             % {"count": MAX_NAMES})
    return replacements


def _name_pattern(name: str) -> str:
    parts = []
    for word in name.split():
        parts.append("".join(_SAME_LETTER.get(letter, re.escape(letter)) for letter in word))
    # The words of a name may be split by any run of spaces or a line break in a transcript.
    return r"\s+".join(parts)


def pseudonymise(text: str, replacements: Mapping[str, str]) -> str:
    """``text`` with every name of ``replacements`` (whole words, any case) replaced by its
    code. Codes put in are never replaced again: everything is replaced in one pass."""
    codes: dict[str, str] = {}
    for name, code in replacements.items():
        if name.strip():
            codes.setdefault(" ".join(name.split()).casefold(), code)
    names = sorted({" ".join(name.split()) for name in replacements if name.strip()},
                   key=lambda name: (-len(name), name))
    if not names:
        return text
    pattern = re.compile(
        _BEFORE + "(?:" + "|".join(f"({_name_pattern(name)})" for name in names) + ")" + _AFTER,
        re.IGNORECASE)

    def code_for(match: re.Match[str]) -> str:
        for index, name in enumerate(names, start=1):
            if match.group(index) is not None:
                return codes[name.casefold()]
        return match.group(0)  # pragma: no cover - one group always matched

    return pattern.sub(code_for, text)
