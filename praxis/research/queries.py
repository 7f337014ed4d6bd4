"""What a study may show: every page, export and command reads a study's data through here,
so that a participant without current consent, or a diary entry its author no longer shares,
is missing from all of them at once."""

from django.db.models import Prefetch, Q, QuerySet

from praxis.practice.models import JournalEntry
from praxis.research.models import Coding, Participant, Passage, Source, Study, Theme


def consenting_participants(study: Study) -> QuerySet[Participant]:
    """The participants whose data the study shows, in code order."""
    return Participant.objects.consenting().filter(study=study).select_related("study")


def is_consenting(participant: Participant) -> bool:
    return Participant.objects.consenting().filter(pk=participant.pk).exists()


def consenting_participant(study: Study, code: str) -> Participant | None:
    """A consenting participant of the study by code (TT3, tt3), or None; digits are ASCII
    only, as codes are written."""
    prefix = study.code_prefix
    number = code[len(prefix):] if code.upper().startswith(prefix.upper()) else ""
    if not number.isascii() or not number.isdigit():
        return None
    return consenting_participants(study).filter(number=int(number)).first()


def _shown_sources() -> Q:
    # A source of no participant is a text imported from another tool that no case claimed.
    consenting = Q(participant__isnull=True) | Q(
        participant__in=Participant.objects.consenting())
    still_shared = ~Q(kind=Source.Kind.DIARY) | (
        Q(journal_entry__isnull=False)
        & ~Q(journal_entry__visibility=JournalEntry.Visibility.PRIVATE))
    return consenting & still_shared


def visible_sources(study: Study) -> QuerySet[Source]:
    return (Source.objects.filter(study=study).filter(_shown_sources())
            .select_related("participant", "participant__study", "instrument", "study"))


def visible_passages(study: Study) -> QuerySet[Passage]:
    return (Passage.objects.filter(source__in=visible_sources(study))
            .select_related("source", "source__participant", "source__participant__study",
                            "source__instrument"))


def visible_codings(study: Study) -> QuerySet[Coding]:
    return (Coding.objects.filter(passage__in=visible_passages(study))
            .select_related("passage", "theme", "coder"))


def codebook(study: Study) -> list[Theme]:
    """The study's themes in codebook order, each parent before its children, with
    ``depth`` set (0 for a top-level theme)."""
    themes = list(Theme.objects.filter(study=study))
    children: dict[int | None, list[Theme]] = {}
    for theme in themes:
        children.setdefault(theme.parent_id, []).append(theme)
    ordered: list[Theme] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for theme in children.get(parent_id, []):
            theme.depth = depth  # type: ignore[attr-defined]
            ordered.append(theme)
            walk(theme.pk, depth + 1)

    walk(None, 0)
    return ordered


def passages_with_codings(source: Source) -> QuerySet[Passage]:
    return source.passages.prefetch_related(
        Prefetch("codings", queryset=Coding.objects.select_related("theme", "coder")))


def citation(passage: Passage) -> str:
    """How a quote is cited: participant code and instrument number, e.g. TT3:2."""
    source = passage.source
    who = source.participant.code if source.participant else source.title
    if source.instrument is None:
        return who
    return f"{who}:{source.instrument.number}"
