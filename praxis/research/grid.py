"""The case-by-theme grid and the quotes behind it (Borg 2011): participants as rows, the
codebook's themes as columns, each cell counting the distinct passages of that participant
coded with the theme or any of its sub-themes.

Everything is read through ``praxis.research.queries``, so a participant without current
consent is in no row, no cell, no quote and no export. A coder filter ("all coders" or one
of them) narrows every count and quote to that coder's coding. Each reader costs a fixed
number of queries, whatever the number of participants, themes and passages.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from praxis.communities.models import Membership
from praxis.research import queries
from praxis.research.models import Coding, Participant, Passage, Source, Study, Theme

TIER_LABELS = dict(Membership.Tier.choices)


def tier_label(tier: str) -> str:
    return str(TIER_LABELS.get(tier, tier))


# --- Coders ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Coder:
    """Someone who coded in the study: a member (by id) or a coder of an imported project
    (by the name it carried)."""

    key: str
    name: str


def coder_key(coder_id: int | None, coder_name: str) -> str:
    return f"user-{coder_id}" if coder_id is not None else f"name-{coder_name}"


def coder_label(coder_id: int | None, display_name: str | None, coder_name: str) -> str:
    if coder_id is not None:
        return display_name or _("Former member")
    return coder_name or _("Unknown coder")


def study_coders(study: Study) -> list[Coder]:
    """Everyone whose coding the study shows, by name."""
    rows = (queries.visible_codings(study).order_by()
            .values_list("coder_id", "coder__display_name", "coder_name").distinct())
    coders = {coder_key(coder_id, name): Coder(coder_key(coder_id, name),
                                               coder_label(coder_id, display, name))
              for coder_id, display, name in rows}
    return sorted(coders.values(), key=lambda coder: (coder.name.casefold(), coder.key))


def chosen_coder(coders: Sequence[Coder], key: str) -> Coder | None:
    """The coder a filter names, or ``None`` (all coders) for an empty or unknown key."""
    return next((coder for coder in coders if coder.key == key), None)


def coder_condition(coder: Coder | None, prefix: str = "") -> Q:
    """Codings by this coder (every coding when ``None``); ``prefix`` reaches the coding
    from another model (``"codings__"``)."""
    if coder is None:
        return Q()
    kind, _sep, value = coder.key.partition("-")
    if kind == "user":
        return Q(**{f"{prefix}coder_id": int(value)})
    return Q(**{f"{prefix}coder__isnull": True, f"{prefix}coder_name": value})


# --- Themes ---------------------------------------------------------------------------

def depth(theme: Theme) -> int:
    return int(getattr(theme, "depth", 0))


def lineage(themes: Sequence[Theme]) -> dict[int, list[int]]:
    """Each theme's id with its ancestors' ids (itself first)."""
    parents = {theme.pk: theme.parent_id for theme in themes}
    lines: dict[int, list[int]] = {}
    for theme in themes:
        line: list[int] = []
        at: int | None = theme.pk
        while at is not None and at not in line:
            line.append(at)
            at = parents.get(at)
        lines[theme.pk] = line
    return lines


def subtree(themes: Sequence[Theme], theme: Theme) -> set[int]:
    """The theme's id and its descendants' ids."""
    return {theme_id for theme_id, line in lineage(themes).items() if theme.pk in line}


def theme_path(themes: Sequence[Theme], theme: Theme) -> str:
    """A theme's name after its ancestors' (``Confidence / In the training room``)."""
    names = {item.pk: item.name for item in themes}
    line = lineage(themes).get(theme.pk, [theme.pk])
    return " / ".join(names.get(theme_id, theme.name) for theme_id in reversed(line))


# --- The grid -------------------------------------------------------------------------

@dataclass(frozen=True)
class GridCell:
    theme: Theme
    passages: int


@dataclass(frozen=True)
class GridRow:
    participant: Participant
    cells: list[GridCell]
    passages: int  # distinct passages coded with any theme

    @property
    def code(self) -> str:
        return self.participant.code

    @property
    def tier(self) -> str:
        return tier_label(self.participant.tier)

    @property
    def cohort(self) -> str:
        return self.participant.cohort


@dataclass(frozen=True)
class Grid:
    themes: list[Theme]
    rows: list[GridRow]
    coders: list[Coder]
    coder: Coder | None
    theme_totals: list[int] = field(default_factory=list)

    @property
    def columns(self) -> list[tuple[Theme, int, str]]:
        """Each theme with its depth and its path of names."""
        return [(theme, depth(theme), theme_path(self.themes, theme)) for theme in self.themes]


def build_grid(*, study: Study, coder_key: str = "") -> Grid:
    """The grid of the study's consenting participants by its codebook (codebook order),
    counting distinct passages per cell, a parent theme's cell including its sub-themes'."""
    themes = queries.codebook(study)
    participants = list(queries.consenting_participants(study))
    coders = study_coders(study)
    coder = chosen_coder(coders, coder_key)
    lines = lineage(themes)
    rows = (queries.visible_codings(study).filter(coder_condition(coder))
            .filter(passage__source__participant__isnull=False).order_by()
            .values_list("passage__source__participant_id", "theme_id", "passage_id")
            .distinct())
    cells: dict[tuple[int, int], set[int]] = defaultdict(set)
    coded: dict[int, set[int]] = defaultdict(set)
    columns: dict[int, set[int]] = defaultdict(set)
    for participant_id, theme_id, passage_id in rows:
        coded[participant_id].add(passage_id)
        for ancestor in lines.get(theme_id, [theme_id]):
            cells[participant_id, ancestor].add(passage_id)
    grid_rows = []
    for participant in participants:
        grid_rows.append(GridRow(
            participant=participant,
            cells=[GridCell(theme, len(cells.get((participant.pk, theme.pk), ())))
                   for theme in themes],
            passages=len(coded.get(participant.pk, ()))))
        for theme in themes:
            columns[theme.pk] |= cells.get((participant.pk, theme.pk), set())
    return Grid(themes=themes, rows=grid_rows, coders=coders, coder=coder,
                theme_totals=[len(columns[theme.pk]) for theme in themes])


# --- Quotes ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Quote:
    """A coded passage as the study cites it."""

    passage: Passage
    citation: str
    codings: list[Coding]  # the codings shown with it (one coder's when filtered)

    @property
    def text(self) -> str:
        cut = getattr(self.passage, "quote_text", None)
        return self.passage.quote if cut is None else str(cut)

    @property
    def source(self) -> Source:
        return self.passage.source

    @property
    def participant_code(self) -> str:
        participant = self.passage.source.participant
        return participant.code if participant else self.passage.source.title


@dataclass(frozen=True)
class ParticipantQuotes:
    code: str
    quotes: list[Quote]


def group_by_participant(quotes: Iterable[Quote]) -> list[ParticipantQuotes]:
    """Quotes grouped by whom they are from, keeping the order they come in."""
    groups: dict[str, list[Quote]] = {}
    for quote in quotes:
        groups.setdefault(quote.participant_code, []).append(quote)
    return [ParticipantQuotes(code, items) for code, items in groups.items()]


def _passages(study: Study, coder: Coder | None, theme_ids: set[int] | None
              ) -> QuerySet[Passage]:
    """Visible passages a coding of one of ``theme_ids`` (any when ``None``) by ``coder``
    marks, by participant, instrument and place, with their codings (that coder's)."""
    marking = Coding.objects.filter(coder_condition(coder), passage=OuterRef("pk"))
    if theme_ids is not None:
        marking = marking.filter(theme_id__in=theme_ids)
    shown = Coding.objects.filter(coder_condition(coder)).select_related("theme", "coder") \
        .order_by("theme__position", "theme_id", "coder_name", "coder_id")
    # The quote is cut in the database: a long transcript is not loaded once per passage.
    return (queries.visible_passages(study).filter(Exists(marking))
            .select_related("source__study__community").defer("source__text")
            .annotate(quote_text=Substr("source__text", F("start") + 1, F("end") - F("start")))
            .prefetch_related(Prefetch("codings", queryset=shown))
            .order_by("source__participant__number", "source__instrument__number",
                      "source_id", "start", "end"))


def _quote(passage: Passage) -> Quote:
    return Quote(passage=passage, citation=queries.citation(passage),
                 codings=list(passage.codings.all()))


@dataclass(frozen=True)
class ThemeQuotes:
    """The quotes of one theme (and its sub-themes), of one participant or of all."""

    theme: Theme
    path: str
    participant: Participant | None
    coders: list[Coder]
    coder: Coder | None
    groups: list[ParticipantQuotes]

    @property
    def count(self) -> int:
        return sum(len(group.quotes) for group in self.groups)


def theme_quotes(*, study: Study, theme_id: int, code: str | None = None,
                 coder_key: str = "") -> ThemeQuotes | None:
    """The quotes coded with a theme or its sub-themes, of the participant with ``code``
    (every participant when ``None``); ``None`` when the study has no such theme or no such
    consenting participant."""
    themes = queries.codebook(study)
    theme = next((item for item in themes if item.pk == theme_id), None)
    if theme is None:
        return None
    participant = None
    if code is not None:
        participant = queries.consenting_participant(study, code)
        if participant is None:
            return None
    coders = study_coders(study)
    coder = chosen_coder(coders, coder_key)
    passages = _passages(study, coder, subtree(themes, theme))
    if participant is not None:
        passages = passages.filter(source__participant=participant)
    return ThemeQuotes(theme=theme, path=theme_path(themes, theme), participant=participant,
                       coders=coders, coder=coder,
                       groups=group_by_participant(_quote(passage) for passage in passages))


@dataclass(frozen=True)
class ThemeSection:
    """A theme of the "quotes by theme" document, with the quotes coded with it (not with
    its sub-themes: they have their own sections, nested under it)."""

    theme: Theme
    depth: int
    groups: list[ParticipantQuotes]


def quotes_by_theme(*, study: Study, coder_key: str = "") -> list[ThemeSection]:
    """Every theme of the codebook in its order, with its quotes grouped by participant."""
    themes = queries.codebook(study)
    coder = chosen_coder(study_coders(study), coder_key)
    by_theme: dict[int, list[Quote]] = defaultdict(list)
    for passage in _passages(study, coder, None):
        quote = _quote(passage)
        for theme_id in dict.fromkeys(coding.theme_id for coding in quote.codings):
            by_theme[theme_id].append(quote)
    return [ThemeSection(theme, depth(theme), group_by_participant(by_theme.get(theme.pk, [])))
            for theme in themes]


def coder_description(coder: Coder | None) -> str:
    return _("All coders") if coder is None else coder.name
