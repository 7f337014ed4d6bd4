"""A REFI-QDA project (``.qdpx``) made by another tool, imported into an existing study.

What it carries: the codebook (themes nested as in the file; a top-level group that cannot
be coded and says deductive or inductive gives its themes that origin), the texts
(``TextSource``, from ``PlainTextContent`` or a ``.txt`` under ``sources/`` or ``Sources/``),
their selections as passages with one coding per ``<Coding>`` (the coder's name from
``<Users>`` kept as ``coder_name``), and the memos on codes and selections. A case named like
a consenting participant (TT1) gives them its texts; a case named like a participant who
does not take part (any more) keeps its texts out of the study; the texts of other cases,
and texts in no case, come in without a participant.

How offsets are read: Unicode code points from the start of the text after a byte order
mark, end excluded. ATLAS.ti counts a CR LF line end as one character though its file holds
both; other tools count two. Praxis keeps texts with LF line ends and moves the offsets.

All or nothing, and once: the import runs in one transaction, and an element whose GUID is
in the study already (a theme, a text, a passage, a coding) is left as it is, so importing
the same file twice adds nothing the second time. What could not be carried is named in the
report.
"""

import uuid
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from lxml import etree

from praxis.research.models import Coding, Instrument, Participant, Passage, Source, Study, Theme
from praxis.research.queries import consenting_participants
from praxis.research.refi.codebook import CodebookPlan, add_themes, read_codes
from praxis.research.refi.common import (
    MAX_PROJECT_BYTES,
    MAX_TEXT_BYTES,
    NS_PROJECT,
    Archive,
    ImportReport,
    RefiError,
    decode_text,
    parse_xml,
    read_guid,
    tag,
)

TEXT_MAX = Source._meta.get_field("text").max_length or 500000
TITLE_MAX = Source._meta.get_field("title").max_length or 300
MEDIA = {"PDFSource": gettext_lazy("a PDF"), "PictureSource": gettext_lazy("a picture"),
         "AudioSource": gettext_lazy("an audio recording"),
         "VideoSource": gettext_lazy("a video")}


@dataclass
class CodingPlan:
    guid: uuid.UUID
    code: uuid.UUID
    coder_name: str


@dataclass
class SelectionPlan:
    guid: uuid.UUID
    start: int
    end: int
    codings: list[CodingPlan]
    memo: str


@dataclass
class SourcePlan:
    guid: uuid.UUID
    name: str
    text: str
    selections: list[SelectionPlan]
    participant: Participant | None = None


@dataclass
class ProjectPlan:
    codebook: CodebookPlan
    sources: list[SourcePlan] = field(default_factory=list)


def import_project(*, study: Study, upload: IO[bytes]) -> ImportReport:
    """Imports a ``.qdpx`` into ``study`` and says what it carried and what not. Raises
    RefiError, changing nothing, for a file that is not a readable project (not a ZIP, a
    zip bomb, no ``project.qde``, XML that is malformed or declares a document type)."""
    report = ImportReport()
    archive = Archive(upload)
    try:
        plan = _Reader(study, archive, report).read()
    finally:
        archive.close()
    try:
        with transaction.atomic():
            _apply(study, plan, report)
    except IntegrityError:
        raise RefiError(_("The project could not be imported: it names the same element "
                          "twice in a way Praxis cannot hold.")) from None
    return report


class _Reader:
    """Reads the whole project into a plan before anything is written."""

    def __init__(self, study: Study, archive: Archive, report: ImportReport) -> None:
        self.study = study
        self.archive = archive
        self.report = report
        self.ns = NS_PROJECT
        self.atlas = False
        self.variables_told = False
        self.absent: set[str] = set()  # codes of participants who do not take part

    def q(self, name: str) -> str:
        return tag(self.ns, name)

    def read(self) -> ProjectPlan:
        root = self._root()
        self.atlas = "atlas.ti" in (root.get("origin") or "").lower()
        users = {guid: (user.get("name") or "").strip()
                 for user in root.iterfind(f"{self.q('Users')}/{self.q('User')}")
                 if (guid := read_guid(user.get("guid"))) is not None}
        notes = self._notes(root)
        used_notes: set[uuid.UUID] = set()
        book = root.find(self.q("CodeBook"))
        codes = read_codes(book.find(self.q("Codes")) if book is not None else None, self.ns,
                           self.report)
        for code in codes.codes:
            code.memo = self._memo(code.notes, notes, used_notes)
        plan = ProjectPlan(codebook=codes)
        owners = self._cases(root)
        holder = root.find(self.q("Sources"))
        for element in holder if holder is not None else []:
            if not isinstance(element.tag, str):
                continue
            kind = etree.QName(element).localname
            name = (element.get("name") or "").strip() or _("(unnamed source)")
            if kind in MEDIA:
                self.report.not_carried.append(
                    _("“%(name)s” is %(what)s: Praxis codes texts only, so it was not "
                      "carried.") % {"name": name, "what": MEDIA[kind]})
                continue
            if kind != "TextSource":
                continue
            source = self._source(element, name, users, notes, used_notes)
            if source is None:
                continue
            owner = owners.get(source.guid)
            if owner is False:
                continue  # the case of someone who does not take part
            if not isinstance(owner, Participant) and self._named_after_an_absent(name):
                continue
            source.participant = owner if isinstance(owner, Participant) else None
            plan.sources.append(source)
        self._not_carried(root, notes, used_notes)
        return plan

    def _root(self) -> etree._Element:
        entry = self.archive.find("project.qde")
        if entry is None:
            top = [found for name, found in self.archive.entries.items()
                   if name.endswith(".qde") and "/" not in name]
            entry = top[0] if len(top) == 1 else None
        if entry is None:
            raise RefiError(_("The archive has no project.qde: it is not a REFI-QDA "
                              "project."))
        data = self.archive.read(entry, limit=MAX_PROJECT_BYTES)
        if data is None:
            raise RefiError(_("project.qde is larger than %(mb)s MB; it was refused.")
                            % {"mb": MAX_PROJECT_BYTES // (1024 * 1024)})
        root = parse_xml(data, what="project.qde")
        name = etree.QName(root)
        if name.localname != "Project" or (name.namespace or "") not in (NS_PROJECT, ""):
            raise RefiError(_("project.qde is not a REFI-QDA project: its root is not a "
                              "Project of the QDA-XML 1.0 namespace."))
        self.ns = name.namespace or ""
        return root

    def _text(self, element: etree._Element, what: str) -> str | None:
        """The plain text of a text source or a note, or None (said in the report)."""
        content = element.find(self.q("PlainTextContent"))
        path = (element.get("plainTextPath") or "").strip()
        if content is not None:
            if path:
                self.report.changed.append(
                    _("“%(name)s” had both its text and a text file, which the standard "
                      "forbids; its text was used.") % {"name": what})
            return content.text or ""
        if not path:
            self.report.not_carried.append(
                _("“%(name)s” has no plain text (only a formatted document), so it was not "
                  "carried.") % {"name": what})
            return None
        if not path.lower().startswith("internal://"):
            self.report.not_carried.append(
                _("“%(name)s” is a file outside the project (%(path)s), so it was not "
                  "carried.") % {"name": what, "path": path[:200]})
            return None
        file_name = path[len("internal://"):].lstrip("/")
        entry = (self.archive.find(f"sources/{file_name}")
                 or self.archive.find(file_name))
        if entry is None:
            self.report.not_carried.append(
                _("“%(name)s”: its text file %(file)s is missing from the archive, so it was "
                  "not carried.") % {"name": what, "file": file_name[:200]})
            return None
        data = self.archive.read(entry, limit=MAX_TEXT_BYTES)
        if data is None:
            self.report.not_carried.append(
                _("“%(name)s” is longer than Praxis holds in one source, so it was not "
                  "carried.") % {"name": what})
            return None
        return decode_text(data, what=f"“{what}”")

    def _notes(self, root: etree._Element) -> dict[uuid.UUID, str]:
        notes = {}
        for note in root.iterfind(f"{self.q('Notes')}/{self.q('Note')}"):
            guid = read_guid(note.get("guid"))
            if guid is None:
                continue
            text = self._text(note, note.get("name") or _("a note"))
            if text is not None:
                notes[guid] = text.replace("\r\n", "\n").strip()
        return notes

    def _memo(self, refs: list[uuid.UUID], notes: dict[uuid.UUID, str],
              used: set[uuid.UUID]) -> str:
        used.update(refs)
        return "\n\n".join(notes[guid] for guid in refs if notes.get(guid))

    def _cases(self, root: etree._Element) -> dict[uuid.UUID, Participant | bool]:
        """Each source of a case -> the consenting participant the case names, False for a
        participant who does not take part (their texts stay out), True for no one."""
        codes = {p.code.lower(): p for p in
                 Participant.objects.filter(study=self.study).select_related("study")}
        consenting = set(consenting_participants(self.study).values_list("pk", flat=True))
        self.absent = {code for code, p in codes.items() if p.pk not in consenting}
        owners: dict[uuid.UUID, Participant | bool] = {}
        variables = set()
        for case in root.iterfind(f"{self.q('Cases')}/{self.q('Case')}"):
            name = (case.get("name") or "").strip()
            refs = [guid for ref in case.iterfind(self.q("SourceRef"))
                    if (guid := read_guid(ref.get("targetGUID"))) is not None]
            participant = codes.get(name.lower())
            owner: Participant | bool = True
            if participant is not None and participant.pk in consenting:
                owner = participant
            elif participant is not None:
                owner = False
                if refs:
                    self.report.not_carried.append(
                        _("The case %(code)s names a participant who does not take part in "
                          "the study (now): their %(count)s texts were not carried.")
                        % {"code": participant.code, "count": len(refs)})
            elif refs:
                self.report.changed.append(
                    _("No participant has the code “%(case)s”: its texts came in without a "
                      "participant.") % {"case": name})
            for guid in refs:
                if owners.get(guid) in (None, True) or owner is False:
                    owners[guid] = owner
            if case.find(self.q("SelectionRef")) is not None \
                    or case.find(self.q("CodeRef")) is not None:
                self.report.not_carried_once(
                    _("Selections and codes linked to cases: Praxis links cases to whole "
                      "texts only."))
            variables.update(self._variable_names(case, root))
        if variables:
            self.variables_told = True
            self.report.not_carried.append(
                _("Case variables (%(names)s): a participant's variables in Praxis are taken "
                  "when they consent.") % {"names": ", ".join(sorted(variables))})
        return owners

    def _named_after_an_absent(self, name: str) -> bool:
        """A text no case claims but named like Praxis names the texts of a participant who
        does not take part ("TT2-2 interview"): it stays out, as their case would."""
        head = name.strip().lower().replace("-", " ").replace(":", " ").split(" ", 1)[0]
        if head not in self.absent:
            return False
        self.report.not_carried.append(
            _("“%(name)s” is named after a participant who does not take part in the study "
              "(now), so it was not carried.") % {"name": name})
        return True

    def _variable_names(self, element: etree._Element, root: etree._Element) -> set[str]:
        names = {guid: variable.get("name") or ""
                 for variable in root.iterfind(f"{self.q('Variables')}/{self.q('Variable')}")
                 if (guid := read_guid(variable.get("guid"))) is not None}
        found = set()
        for value in element.iterfind(f"{self.q('VariableValue')}/{self.q('VariableRef')}"):
            guid = read_guid(value.get("targetGUID"))
            found.add(names.get(guid, "?") if guid else "?")
        return found

    def _source(self, element: etree._Element, name: str, users: dict[uuid.UUID, str],
                notes: dict[uuid.UUID, str], used_notes: set[uuid.UUID]) -> SourcePlan | None:
        guid = read_guid(element.get("guid"))
        if guid is None:
            raise RefiError(_("The source “%(name)s” (line %(line)s) has no valid GUID.")
                            % {"name": name[:80], "line": element.sourceline})
        raw = self._text(element, name)
        if raw is None:
            return None
        text, move = _line_ends(raw, counted_as_one=self.atlas)
        if len(text) > TEXT_MAX:
            self.report.not_carried.append(
                _("“%(name)s” is longer than Praxis holds in one source (%(max)s "
                  "characters), so it was not carried.") % {"name": name, "max": TEXT_MAX})
            return None
        counted = len(text) if self.atlas else len(raw)
        selections = []
        for selection in element.iterfind(self.q("PlainTextSelection")):
            planned = self._selection(selection, name, counted, move, users, notes,
                                      used_notes)
            if planned is not None:
                selections.append(planned)
        whole = [self._coding(coding, users) for coding in element.iterfind(self.q("Coding"))]
        if whole:
            self.report.changed.append(
                _("The codes on the whole of “%(name)s” became a passage over its whole "
                  "text.") % {"name": name})
            selections.append(SelectionPlan(guid=uuid.uuid5(guid, "whole"), start=0,
                                            end=len(text), codings=whole, memo=""))
        if element.find(self.q("NoteRef")) is not None:
            self.report.not_carried_once(
                _("Memos on whole sources: Praxis keeps memos on themes and passages."))
        if element.find(self.q("VariableValue")) is not None:
            self.variables_told = True
            names = ", ".join(sorted(self._variable_names(element, element.getroottree()
                                                          .getroot())))
            self.report.not_carried_once(
                _("Source variables (%(names)s): Praxis does not keep variables of texts.")
                % {"names": names})
        return SourcePlan(guid=guid, name=name[:TITLE_MAX], text=text, selections=selections)

    def _selection(self, element: etree._Element, source: str, counted: int,
                   move: Callable[[int], int], users: dict[uuid.UUID, str],
                   notes: dict[uuid.UUID, str], used_notes: set[uuid.UUID]
                   ) -> SelectionPlan | None:
        guid = read_guid(element.get("guid"))
        try:
            start = int(element.get("startPosition") or "")
            end = int(element.get("endPosition") or "")
        except ValueError:
            start = end = -1
        if guid is None or not 0 <= start < end <= counted:
            self.report.not_carried.append(
                _("A selection of “%(name)s” (line %(line)s, from %(start)s to %(end)s) lies "
                  "outside its text of %(length)s characters, so it was not carried.")
                % {"name": source, "line": element.sourceline,
                   "start": element.get("startPosition"), "end": element.get("endPosition"),
                   "length": counted})
            return None
        start, end = move(start), move(end)
        if start >= end:
            return None
        refs = [ref for note in element.iterfind(self.q("NoteRef"))
                if (ref := read_guid(note.get("targetGUID"))) is not None]
        return SelectionPlan(
            guid=guid, start=start, end=end,
            codings=[self._coding(coding, users)
                     for coding in element.iterfind(self.q("Coding"))],
            memo=self._memo(refs, notes, used_notes))

    def _coding(self, element: etree._Element, users: dict[uuid.UUID, str]) -> CodingPlan:
        guid = read_guid(element.get("guid")) or uuid.uuid4()
        ref = element.find(self.q("CodeRef"))
        code = read_guid(ref.get("targetGUID")) if ref is not None else None
        coder = read_guid(element.get("creatingUser"))
        name = users.get(coder, "") if coder else ""
        return CodingPlan(guid=guid, code=code or uuid.UUID(int=0), coder_name=name[:200])

    def _not_carried(self, root: etree._Element, notes: dict[uuid.UUID, str],
                     used_notes: set[uuid.UUID]) -> None:
        for name, message in (
                ("Sets", _("Sets (of codes, sources or notes): Praxis has no sets.")),
                ("Graphs", _("Graphs: Praxis does not draw them.")),
                ("Links", _("Links between elements: Praxis has no links."))):
            if root.find(self.q(name)) is not None:
                self.report.not_carried.append(message)
        loose = len([guid for guid in notes if guid not in used_notes])
        if loose:
            self.report.not_carried.append(ngettext(
                "%(count)s note not attached to a code or a selection (a memo of the "
                "project, of a case or of a source).",
                "%(count)s notes not attached to a code or a selection (memos of the "
                "project, of cases or of sources).", loose) % {"count": loose})
        if root.find(self.q("Variables")) is not None and not self.variables_told:
            self.report.not_carried.append(_("Variables: Praxis does not import them."))


def _line_ends(raw: str, *, counted_as_one: bool) -> tuple[str, Callable[[int], int]]:
    """The text with LF line ends, and the move of an offset counted in the file into it.
    ATLAS.ti counts CR LF as one character already: its offsets stay."""
    text = raw.replace("\r\n", "\n")
    if counted_as_one or text == raw:
        return text, lambda position: position
    returns = [index for index, char in enumerate(raw)
               if char == "\r" and raw.startswith("\n", index + 1)]
    return text, lambda position: position - bisect_left(returns, position)


M = TypeVar("M", bound=Model)


def _local_guid(model: type[M], study: Study, foreign: uuid.UUID,
                in_study: Callable[[M], bool]) -> tuple[uuid.UUID, M | None]:
    """The GUID an imported element takes, and the row of the study holding it already.
    A GUID unique across Praxis but used in another study (a project exported from one
    study into another) is replaced by one derived from it and the study."""
    found = model._default_manager.filter(guid=foreign).first()
    if found is None or in_study(found):
        return foreign, found
    derived = uuid.uuid5(study.guid, str(foreign))
    found = model._default_manager.filter(guid=derived).first()
    return derived, found


def _apply(study: Study, plan: ProjectPlan, report: ImportReport) -> None:
    planned = add_themes(study=study, plan=plan.codebook, report=report)
    themes = {theme.guid: theme for theme in Theme.objects.filter(study=study)} | planned
    instruments = {i.number: i for i in Instrument.objects.filter(study=study)}
    attached: set[str] = set()
    for source_plan in plan.sources:
        guid, source = _local_guid(Source, study, source_plan.guid,
                                   lambda found: found.study_id == study.pk)
        if source is not None:
            report.sources_found += 1
            if source.text != source_plan.text:
                if source_plan.selections:
                    report.not_carried.append(
                        _("“%(name)s” is in the study already with another text: the "
                          "selections in the file were not carried into it.")
                        % {"name": source_plan.name})
                continue
        else:
            source = Source.objects.create(
                study=study, participant=source_plan.participant,
                instrument=_instrument(source_plan, instruments), kind=Source.Kind.IMPORTED,
                title=source_plan.name, text=source_plan.text, guid=guid)
            report.sources_added += 1
            if source_plan.participant is not None:
                attached.add(source_plan.participant.code)
        for selection in source_plan.selections:
            _add_selection(study, source, selection, themes, plan.codebook.groups, report)
    report.attached_to = sorted(attached)


def _instrument(source: SourcePlan, instruments: dict[int, Instrument]) -> Instrument | None:
    """The instrument a text's name gives (TT3-2 ...: instrument 2) for its participant's
    citations, when the study has it."""
    if source.participant is None:
        return None
    code = source.participant.code
    head = source.name[len(code) + 1:].split(" ", 1)[0]
    if not source.name.startswith(f"{code}-") or not head.isdigit():
        return None
    return instruments.get(int(head))


def _add_selection(study: Study, source: Source, selection: SelectionPlan,
                   themes: dict[uuid.UUID, Theme], groups: set[uuid.UUID],
                   report: ImportReport) -> None:
    guid, passage = _local_guid(Passage, study, selection.guid,
                                lambda found: found.source.study_id == study.pk)
    if passage is None:
        passage = Passage.objects.filter(source=source, start=selection.start,
                                         end=selection.end).first()
    if passage is None:
        passage = Passage.objects.create(source=source, start=selection.start,
                                         end=selection.end, memo=selection.memo[:20000],
                                         guid=guid)
        report.passages_added += 1
        if selection.memo:
            report.memos_added += 1
    for coding in selection.codings:
        theme = themes.get(coding.code)
        if theme is None:
            if coding.code in groups:
                message = _("Codings on a group of themes that cannot be coded.")
            else:
                message = _("Codings on codes the codebook does not have.")
            report.not_carried_once(message)
            continue
        coding_guid, found = _local_guid(
            Coding, study, coding.guid,
            lambda row: row.passage.source.study_id == study.pk)
        if found is not None or Coding.objects.filter(
                passage=passage, theme=theme, coder__isnull=True,
                coder_name=coding.coder_name).exists():
            report.codings_found += 1
            continue
        Coding.objects.create(passage=passage, theme=theme, coder=None,
                              coder_name=coding.coder_name, guid=coding_guid)
        report.codings_added += 1
