"""Coding a source: passages, the themes each coder gives them, memos, and the codebook.

Offsets count Unicode code points of the source's text, end exclusive, as REFI-QDA does
(Python's str indices are code points). A page without JavaScript selects whole sentences
or paragraphs (``units``); with JavaScript, any span.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from praxis.accounts.models import User
from praxis.research.models import Coding, Passage, Source, Study, Theme


class CodingError(ValueError):
    """A coding request that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class Unit:
    """A sentence of a source, in the paragraph ``paragraph``: what the no-JavaScript page
    offers to select."""

    paragraph: int
    start: int
    end: int
    text: str


# A sentence ends at . ! ? … or the Arabic question mark, with any closing quotes or
# brackets, before white space.
_SENTENCE_END = re.compile("[.!?\u2026\u061f]+[\"'\u201d\u2019\u00bb)\\]]*(?=\\s)")


def units(text: str) -> list[Unit]:
    """The sentences of a text, numbered by paragraph (a paragraph is a line, or lines with
    no blank line between), white space trimmed off each."""
    found: list[Unit] = []
    paragraph = -1
    for block in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        if not block.group().strip():
            continue
        paragraph += 1
        cursor = block.start()
        ends = [m.end() for m in _SENTENCE_END.finditer(block.group())]
        for end in [*(block.start() + e for e in ends), block.end()]:
            piece = text[cursor:end]
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece) - len(piece.rstrip())
            if piece.strip():
                found.append(Unit(paragraph, cursor + lead, end - trail,
                                  piece.strip()))
            cursor = end
    return found


def spans_of(selected: Iterable[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Selected units merged into passages: units next to each other (only white space
    between) become one passage."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(set(selected)):
        if merged and not text[merged[-1][1]:start].strip():
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _themes_of(study: Study, theme_ids: Iterable[int]) -> list[Theme]:
    themes = list(Theme.objects.filter(study=study, pk__in=list(theme_ids)))
    if not themes:
        raise CodingError(_("Choose at least one theme."))
    return themes


@transaction.atomic
def code_spans(*, source: Source, spans: Iterable[tuple[int, int]], theme_ids: Iterable[int],
               coder: User) -> list[Passage]:
    """Codes each span of the source with each theme, as this coder. A span coded before
    (by anyone) is the same passage; a theme it already has from this coder is kept once."""
    length = len(source.text)
    spans = list(spans)
    if not spans:
        raise CodingError(_("Select a passage first: sentences, paragraphs, or text."))
    for start, end in spans:
        if not 0 <= start < end <= length:
            raise CodingError(_("The selected passage is not in this text."))
        if not source.text[start:end].strip():
            raise CodingError(_("The selected passage is only white space."))
    themes = _themes_of(source.study, theme_ids)
    passages = []
    for start, end in spans:
        passage, _created = Passage.objects.get_or_create(
            source=source, start=start, end=end, defaults={"created_by": coder})
        for theme in themes:
            Coding.objects.get_or_create(passage=passage, theme=theme, coder=coder)
        passages.append(passage)
    return passages


@transaction.atomic
def uncode(*, coding: Coding, coder: User) -> None:
    """A coder takes back one of their codings; a passage left with no coding and no memo
    goes too."""
    if coding.coder_id != coder.pk:
        raise CodingError(_("Only the coder who gave a code takes it back."))
    passage = coding.passage
    coding.delete()
    if not passage.codings.exists() and not passage.memo.strip():
        passage.delete()


@transaction.atomic
def set_memo(*, passage: Passage, memo: str) -> Passage:
    passage.memo = memo.strip()
    passage.save(update_fields=["memo"])
    if not passage.memo and not passage.codings.exists():
        passage.delete()
    return passage


# --- the codebook -----------------------------------------------------------------------

@transaction.atomic
def save_theme(*, theme: Theme) -> Theme:
    """Adds a theme at the end of the codebook, or saves a changed one. A theme cannot sit
    under itself or one of its own sub-themes."""
    if theme.parent and theme.parent.study_id != theme.study_id:
        raise CodingError(_("A theme is part of a theme of the same study."))
    parent = theme.parent
    while parent is not None:
        if parent.pk == theme.pk:
            raise CodingError(_("A theme cannot be part of itself or of its sub-themes."))
        parent = parent.parent
    if theme.pk is None:
        theme.position = (Theme.objects.filter(study=theme.study).aggregate(
            last=Max("position"))["last"] or 0) + 1
    theme.save()
    return theme


@transaction.atomic
def delete_theme(*, theme: Theme) -> None:
    """Removes a theme that codes nothing; its sub-themes move up to its parent."""
    if Coding.objects.filter(theme=theme).exists():
        raise CodingError(_("Passages are coded with this theme: take those codes back "
                            "first, or rename the theme instead."))
    Theme.objects.filter(parent=theme).update(parent=theme.parent)
    theme.delete()
