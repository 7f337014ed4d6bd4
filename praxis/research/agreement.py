"""Inter-coder agreement on a study's codebook, at character level as NVivo measures it.

Every character of every visible source is a unit; for one theme, each coder either coded it
with that theme or did not. From that:

- per pair of coders: the percentage of characters on which they agree, and Cohen's kappa
  (agreement beyond what their own rates of coding would give by chance);
- across all coders: Krippendorff's alpha, nominal (the same units, every coder rating every
  character, so no value is missing).

The counts come from interval arithmetic on the coded spans (a sweep over their ends), never
from a loop over the characters of a text. A figure that cannot be computed (one coder, no
text, or no variance: nobody coded the theme, or everyone coded every character) is ``None``,
which pages show as "not defined", never as NaN.

The pure functions take, per coder, the spans they coded per source, and the sources'
lengths; ``study_agreement`` gathers those from a study through ``praxis.research.queries``.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from django.db.models.functions import Length

from praxis.research import queries
from praxis.research.grid import Coder, coder_key, coder_label, depth, theme_path
from praxis.research.models import Study, Theme

Span = tuple[int, int]  # start, end (exclusive), in code points
# For one coder and one theme: the spans they coded, per source id.
Coverage = Mapping[int, Sequence[Span]]


def merge(spans: Iterable[Span], length: int) -> list[Span]:
    """The union of the spans, clipped to ``[0, length)``, sorted and without overlaps."""
    clipped = sorted((max(start, 0), min(end, length)) for start, end in spans)
    merged: list[Span] = []
    for start, end in clipped:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def covered(spans: Sequence[Span]) -> int:
    """Characters in merged spans."""
    return sum(end - start for start, end in spans)


def overlap(first: Sequence[Span], second: Sequence[Span]) -> int:
    """Characters in both of two merged span lists (a walk along both)."""
    total = i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i][0], second[j][0])
        end = min(first[i][1], second[j][1])
        if end > start:
            total += end - start
        if first[i][1] <= second[j][1]:
            i += 1
        else:
            j += 1
    return total


@dataclass(frozen=True)
class PairAgreement:
    """Two coders on one theme: characters each coded, coded by both, and in all."""

    both: int
    first_only: int
    second_only: int
    characters: int

    @property
    def neither(self) -> int:
        return self.characters - self.both - self.first_only - self.second_only

    @property
    def percent(self) -> float | None:
        """Characters on which the two agree (both coded or neither), as a percentage."""
        if self.characters == 0:
            return None
        return 100 * (self.both + self.neither) / self.characters

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa: (observed - chance) / (1 - chance); ``None`` when chance
        agreement is total (neither coded the theme, or both coded everything)."""
        n = self.characters
        if n == 0:
            return None
        first = (self.both + self.first_only) / n
        second = (self.both + self.second_only) / n
        chance = first * second + (1 - first) * (1 - second)
        if chance >= 1:
            return None
        observed = (self.both + self.neither) / n
        return (observed - chance) / (1 - chance)


def pair_agreement(first: Coverage, second: Coverage, lengths: Mapping[int, int]
                   ) -> PairAgreement:
    """Two coders' coding of one theme compared over every character of ``lengths``'
    sources (spans in other sources are ignored)."""
    both = first_only = second_only = 0
    for source_id, length in lengths.items():
        a = merge(first.get(source_id, ()), length)
        b = merge(second.get(source_id, ()), length)
        shared = overlap(a, b)
        both += shared
        first_only += covered(a) - shared
        second_only += covered(b) - shared
    return PairAgreement(both, first_only, second_only, sum(lengths.values()))


def coders_per_character(coverages: Sequence[Coverage], length: int, source_id: int
                         ) -> dict[int, int]:
    """For one source: how many characters were coded by exactly k of the coders, for each
    k from 0 (a sweep over the spans' ends)."""
    events: dict[int, int] = {}
    for coverage in coverages:
        for start, end in merge(coverage.get(source_id, ()), length):
            events[start] = events.get(start, 0) + 1
            events[end] = events.get(end, 0) - 1
    counts: dict[int, int] = {}
    position = coding = 0
    for at in sorted(events):
        if at > position:
            counts[coding] = counts.get(coding, 0) + at - position
        coding += events[at]
        position = at
    if length > position:
        counts[coding] = counts.get(coding, 0) + length - position
    return counts


def krippendorff_alpha(coverages: Sequence[Coverage], lengths: Mapping[int, int]
                       ) -> float | None:
    """Krippendorff's alpha (nominal, two values: coded or not) of all the coders' coding
    of one theme, each character a unit every coder rated; ``None`` with fewer than two
    coders, no text, or no variance."""
    coders = len(coverages)
    if coders < 2:
        return None
    # Disagreeing pairs within units, (coded, not coded), each unit weighted 1 / (m - 1).
    disagreements = 0
    coded_values = 0
    for source_id, length in lengths.items():
        for coding, characters in coders_per_character(coverages, length, source_id).items():
            disagreements += characters * coding * (coders - coding)
            coded_values += characters * coding
    values = coders * sum(lengths.values())
    uncoded_values = values - coded_values
    if coded_values == 0 or uncoded_values == 0:
        return None
    observed = disagreements / (coders - 1)
    return 1 - (values - 1) * observed / (coded_values * uncoded_values)


# --- A study's agreement --------------------------------------------------------------

@dataclass(frozen=True)
class ThemeAgreement:
    theme: Theme
    depth: int
    path: str
    pairs: list[tuple[Coder, Coder, PairAgreement]]
    alpha: float | None
    coded_by: int  # how many coders used the theme


@dataclass(frozen=True)
class StudyAgreement:
    coders: list[Coder]
    sources: int
    characters: int
    themes: list[ThemeAgreement]


def study_agreement(*, study: Study) -> StudyAgreement:
    """Agreement per theme of the codebook, between every pair of the study's coders and
    across all of them, over the text of the sources the study may show (consenting
    participants only). A coder who never used a theme counts as not coding it anywhere."""
    lengths = dict(queries.visible_sources(study).annotate(length=Length("text"))
                   .values_list("pk", "length"))
    rows = (queries.visible_codings(study)
            .values_list("theme_id", "coder_id", "coder__display_name", "coder_name",
                         "passage__source_id", "passage__start", "passage__end"))
    coders: dict[str, Coder] = {}
    spans: dict[tuple[int, str], dict[int, list[Span]]] = {}
    for theme_id, coder_id, display_name, coder_name, source_id, start, end in rows:
        key = coder_key(coder_id, coder_name)
        if key not in coders:
            coders[key] = Coder(key, coder_label(coder_id, display_name, coder_name))
        spans.setdefault((theme_id, key), {}).setdefault(source_id, []).append((start, end))
    ordered = sorted(coders.values(), key=lambda coder: (coder.name.casefold(), coder.key))
    themes = []
    codebook = queries.codebook(study)
    for theme in codebook:
        coverages = [spans.get((theme.pk, coder.key), {}) for coder in ordered]
        pairs = [(ordered[i], ordered[j], pair_agreement(coverages[i], coverages[j], lengths))
                 for i, j in combinations(range(len(ordered)), 2)]
        themes.append(ThemeAgreement(
            theme=theme, depth=depth(theme), path=theme_path(codebook, theme), pairs=pairs,
            alpha=krippendorff_alpha(coverages, lengths),
            coded_by=sum(1 for coverage in coverages if coverage)))
    return StudyAgreement(coders=ordered, sources=len(lengths),
                          characters=sum(lengths.values()), themes=themes)
