"""Two versions of a plan side by side, with what changed marked: a word-level diff of each
field's text, and the stages matched up (kept, changed, added, removed) by difflib.

Pure functions over the versions already read: no queries here."""

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from praxis.practice.models import PlanStage, PlanVersion

Mark = Literal["same", "removed", "added"]
_WORDS = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class Piece:
    """A run of text on one side: unchanged, or removed (old side) / added (new side)."""

    text: str
    mark: Mark = "same"


@dataclass
class Sides:
    """One field's text on the old and new side, in marked pieces."""

    old: list[Piece] = field(default_factory=list)
    new: list[Piece] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(piece.mark != "same" for piece in (*self.old, *self.new))


def _merge(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for piece in pieces:
        if merged and merged[-1].mark == piece.mark:
            merged[-1] = Piece(merged[-1].text + piece.text, piece.mark)
        elif piece.text:
            merged.append(piece)
    return merged


def word_diff(old: str, new: str) -> Sides:
    """The two texts split into words (and the spaces between), with the words that differ
    marked on each side."""
    old_words, new_words = _WORDS.findall(old), _WORDS.findall(new)
    sides = Sides()
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            text = "".join(old_words[i1:i2])
            sides.old.append(Piece(text))
            sides.new.append(Piece(text))
            continue
        if i2 > i1:
            sides.old.append(Piece("".join(old_words[i1:i2]), "removed"))
        if j2 > j1:
            sides.new.append(Piece("".join(new_words[j1:j2]), "added"))
    sides.old, sides.new = _merge(sides.old), _merge(sides.new)
    return sides


@dataclass(frozen=True)
class FieldChange:
    name: str  # the field's label, for the page
    sides: Sides


@dataclass(frozen=True)
class StageRow:
    """One row of the stages table: a stage kept as it was, changed, added or removed."""

    status: Literal["same", "changed", "added", "removed"]
    old: PlanStage | None
    new: PlanStage | None
    activity: Sides
    materials: Sides
    minutes_changed: bool = False
    interaction_changed: bool = False


def _stage_key(stage: PlanStage) -> tuple[int, str, str, str]:
    return (stage.minutes, stage.activity, stage.interaction, stage.materials)


def _text(text: str) -> Sides:
    return Sides(old=[Piece(text)] if text else [], new=[Piece(text)] if text else [])


def stage_rows(old: Sequence[PlanStage], new: Sequence[PlanStage]) -> list[StageRow]:
    """The stages of two versions matched up in order: equal ones kept, a replaced run
    paired one to one as changed (word diff of activity and materials), the rest added or
    removed."""
    rows: list[StageRow] = []
    matcher = difflib.SequenceMatcher(None, [_stage_key(s) for s in old],
                                      [_stage_key(s) for s in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(StageRow("same", a, b, _text(a.activity), _text(a.materials))
                        for a, b in zip(old[i1:i2], new[j1:j2], strict=True))
            continue
        olds, news = list(old[i1:i2]), list(new[j1:j2])
        paired = min(len(olds), len(news)) if tag == "replace" else 0
        for a, b in zip(olds[:paired], news[:paired], strict=True):
            rows.append(StageRow(
                "changed", a, b, word_diff(a.activity, b.activity),
                word_diff(a.materials, b.materials), minutes_changed=a.minutes != b.minutes,
                interaction_changed=a.interaction != b.interaction))
        for a in olds[paired:]:
            rows.append(StageRow("removed", a, None,
                                 Sides(old=[Piece(a.activity, "removed")]),
                                 Sides(old=[Piece(a.materials, "removed")] if a.materials
                                       else [])))
        for b in news[paired:]:
            rows.append(StageRow("added", None, b, Sides(new=[Piece(b.activity, "added")]),
                                 Sides(new=[Piece(b.materials, "added")] if b.materials
                                       else [])))
    return rows


@dataclass(frozen=True)
class Comparison:
    old: PlanVersion
    new: PlanVersion
    fields: list[FieldChange]
    stages: list[StageRow]

    @property
    def changed(self) -> bool:
        return (any(item.sides.changed for item in self.fields)
                or any(row.status != "same" for row in self.stages))


def compare(old: PlanVersion, new: PlanVersion, old_stages: Sequence[PlanStage],
            new_stages: Sequence[PlanStage]) -> Comparison:
    """What changed between two versions, field by field and stage by stage."""
    def label(name: str) -> str:
        found: Any = PlanVersion._meta.get_field(name)
        return str(found.verbose_name)

    fields = [
        FieldChange(label("title"), word_diff(old.title, new.title)),
        FieldChange(label("audience"), word_diff(str(old.get_audience_display()),
                                                 str(new.get_audience_display()))),
        FieldChange(label("level"), word_diff(old.level, new.level)),
        FieldChange(label("duration_minutes"), word_diff(str(old.duration_minutes),
                                                         str(new.duration_minutes))),
        FieldChange(label("aims"), word_diff(old.aims, new.aims)),
    ]
    return Comparison(old=old, new=new, fields=fields, stages=stage_rows(old_stages, new_stages))
