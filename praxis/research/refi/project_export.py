"""A study as a REFI-QDA project (``.qdpx``): ``project.qde`` and its texts under
``sources/``, for NVivo, ATLAS.ti, MAXQDA or QualCoder.

What the file holds is read through ``praxis.research.queries`` only: the consenting
participants as cases named by their code, their texts, the passages coded in them with
each coder's coding, the codebook, and the researchers who coded. A participant who
withdrew, or whose consent is not current, has no case, no source, no selection and no user
row. The GUIDs are the study's own (each model's ``guid``, or derived from them by name), so
that exporting the same study again gives the same file apart from its dates.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from datetime import UTC

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from praxis.accounts.models import User
from praxis.analytics.engagement import Scope, engagement_table, first_activity_day
from praxis.research.models import Coding, Participant, Passage, Source, Study, Theme
from praxis.research.queries import (
    codebook,
    consenting_participants,
    visible_codings,
    visible_passages,
    visible_sources,
)
from praxis.research.refi.codebook import code_elements
from praxis.research.refi.common import (
    NS_PROJECT,
    ORIGIN,
    derived_guid,
    guid_text,
    serialise,
    xml_text,
    zip_bytes,
)

SELECTION_NAME_LENGTH = 80
# Engagement figures carried as case variables: (the analytics column, its variable name).
ENGAGEMENT_VARIABLES = [("posts", "posts"), ("replies_to_others", "replies to others"),
                        ("threads_started", "threads started"), ("words", "words"),
                        ("active_days", "active days")]


def project_file_name(study: Study) -> str:
    return f"{study.slug}.qdpx"


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _q(name: str) -> str:
    return f"{{{NS_PROJECT}}}{name}"


@dataclass(frozen=True)
class Window:
    """The days the engagement figures count, and where they come from."""

    start: dt.date
    end: dt.date
    sampled: bool


def engagement_window(study: Study) -> Window:
    """The window of the study's latest sample, else everything up to today."""
    draw = study.samples.order_by("-drawn_at", "-pk").first()
    if draw is not None:
        return Window(draw.since, draw.until, sampled=True)
    today = timezone.now().astimezone(UTC).date()
    return Window(first_activity_day(study.community), today, sampled=False)


class _People:
    """The project's users: the researchers who coded or marked passages, the one exporting,
    and the coders an earlier import named. A member of the study's sample is never named:
    a consenting one by their code, any other is left out."""

    def __init__(self, study: Study, participants: list[Participant]) -> None:
        self.study = study
        self.codes = {p.user_id: p.code for p in participants if p.user_id is not None}
        self.sampled = set(Participant.objects.filter(study=study, user__isnull=False)
                           .values_list("user_id", flat=True))
        self.rows: dict[uuid.UUID, str] = {}

    def user(self, user: User | None) -> uuid.UUID | None:
        if user is None:
            return None
        if user.pk in self.sampled and user.pk not in self.codes:
            return None
        guid = derived_guid(self.study.guid, f"user:{user.pk}")
        self.rows.setdefault(guid, self.codes.get(user.pk) or user.display_name)
        return guid

    def coder(self, coding: Coding) -> uuid.UUID | None:
        if coding.coder_id is not None:
            return self.user(coding.coder)
        if not coding.coder_name:
            return None
        guid = derived_guid(self.study.guid, f"coder:{coding.coder_name}")
        self.rows.setdefault(guid, coding.coder_name)
        return guid


def _source_names(sources: list[Source]) -> dict[int, str]:
    """"TT3-2 interview": the participant's code, the instrument's number, the kind; a text
    no participant claims keeps its title. A name given twice gets a number."""
    names: dict[int, str] = {}
    used: dict[str, int] = {}
    for source in sources:
        if source.participant is None:
            name = source.title
        elif source.instrument is not None:
            name = f"{source.participant.code}-{source.instrument.number} {source.kind}"
        else:
            name = f"{source.participant.code} {source.kind}"
        used[name] = used.get(name, 0) + 1
        names[source.pk] = name if used[name] == 1 else f"{name} ({used[name]})"
    return names


def export_project(*, study: Study, exported_by: User | None = None,
                   now: dt.datetime | None = None) -> bytes:
    """The study as a ``.qdpx`` archive (valid against REFI-QDA's Project.xsd); ``now`` is
    the project's modification date (the moment of export unless told)."""
    participants = list(consenting_participants(study))
    sources = list(visible_sources(study))
    passages = [passage for passage in visible_passages(study).select_related("created_by")
                if passage.end <= len(passage.source.text)]
    codings: dict[int, list[Coding]] = {}
    for coding in visible_codings(study).order_by("passage_id", "created_at", "pk"):
        codings.setdefault(coding.passage_id, []).append(coding)
    themes = codebook(study)
    people = _People(study, participants)
    exporter = people.user(exported_by)
    notes: list[tuple[uuid.UUID, str, str, dt.datetime]] = []  # guid, name, text, created

    def note_of_theme(theme: Theme) -> uuid.UUID | None:
        if not theme.memo.strip():
            return None
        guid = derived_guid(theme.guid, "memo")
        notes.append((guid, _("Memo on %(theme)s") % {"theme": theme.name}, theme.memo,
                      study.created_at))
        return guid

    root = etree.Element(_q("Project"), nsmap={None: NS_PROJECT}, name=xml_text(study.title),
                         origin=ORIGIN)
    if exporter is not None:
        root.set("creatingUserGUID", guid_text(exporter))
    root.set("creationDateTime", _when(study.created_at))
    if exporter is not None:
        root.set("modifyingUserGUID", guid_text(exporter))
    root.set("modifiedDateTime", _when(now or timezone.now()))
    users = etree.SubElement(root, _q("Users"))
    if themes:
        book = etree.SubElement(root, _q("CodeBook"))
        etree.SubElement(book, _q("Codes")).extend(
            code_elements(NS_PROJECT, themes, note_of=note_of_theme))

    variables = _variables(study)
    figures = _figures(study, participants)
    etree.SubElement(root, _q("Variables")).extend(
        variable.element for variable in variables.values())

    by_participant: dict[int, list[Source]] = {}
    for source in sources:
        if source.participant_id is not None:
            by_participant.setdefault(source.participant_id, []).append(source)
    if participants:
        cases = etree.SubElement(root, _q("Cases"))
        for participant in participants:
            case = etree.SubElement(cases, _q("Case"), guid=guid_text(participant.guid),
                                    name=participant.code)
            values: dict[str, str | int] = {"tier": participant.tier, "cohort": participant.cohort,
                      **figures.get(participant.pk, {})}
            for key, value in values.items():
                if value != "":
                    case.append(variables[key].value(value))
            for source in by_participant.get(participant.pk, []):
                etree.SubElement(case, _q("SourceRef"), targetGUID=guid_text(source.guid))

    files: list[tuple[str, bytes]] = []
    by_source: dict[int, list[Passage]] = {}
    for passage in passages:
        by_source.setdefault(passage.source_id, []).append(passage)
    names = _source_names(sources)
    if sources:
        holder = etree.SubElement(root, _q("Sources"))
        for source in sources:
            element = etree.SubElement(
                holder, _q("TextSource"), guid=guid_text(source.guid),
                name=xml_text(names[source.pk]),
                plainTextPath=f"internal://{guid_text(source.guid)}.txt",
                creationDateTime=_when(source.created_at))
            files.append((f"sources/{guid_text(source.guid)}.txt",
                          source.text.encode("utf-8")))
            for passage in by_source.get(source.pk, []):
                element.append(_selection(passage, codings.get(passage.pk, []), people,
                                          notes))
            element.append(variables["kind"].value(source.kind))

    etree.SubElement(root, _q("Notes")).extend(
        _note(guid, name, created) for guid, name, _text, created in notes)
    files += [(f"sources/{guid_text(guid)}.txt", text.encode("utf-8"))
              for guid, _name, text, _created in notes]
    if study.research_questions.strip():
        etree.SubElement(root, _q("Description")).text = xml_text(study.research_questions)

    for guid, name in people.rows.items():
        etree.SubElement(users, _q("User"), guid=guid_text(guid), name=xml_text(name))
    for container in ("Users", "Variables", "Notes"):
        found = root.find(_q(container))
        if found is not None and len(found) == 0:
            root.remove(found)
    return zip_bytes([("project.qde", serialise(root)), *files])


def _selection(passage: Passage, codings: list[Coding], people: _People,
               notes: list[tuple[uuid.UUID, str, str, dt.datetime]]) -> etree._Element:
    quote = " ".join(passage.quote.split())
    if len(quote) > SELECTION_NAME_LENGTH:
        quote = quote[:SELECTION_NAME_LENGTH - 1] + "…"
    element = etree.Element(_q("PlainTextSelection"), guid=guid_text(passage.guid),
                            name=xml_text(quote), startPosition=str(passage.start),
                            endPosition=str(passage.end))
    creator = people.user(passage.created_by)
    if creator is not None:
        element.set("creatingUser", guid_text(creator))
    element.set("creationDateTime", _when(passage.created_at))
    for coding in codings:
        made = etree.SubElement(element, _q("Coding"), guid=guid_text(coding.guid))
        coder = people.coder(coding)
        if coder is not None:
            made.set("creatingUser", guid_text(coder))
        made.set("creationDateTime", _when(coding.created_at))
        etree.SubElement(made, _q("CodeRef"), targetGUID=guid_text(coding.theme.guid))
    if passage.memo.strip():
        guid = derived_guid(passage.guid, "memo")
        notes.append((guid, _("Memo on %(quote)s") % {"quote": quote}, passage.memo,
                      passage.created_at))
        etree.SubElement(element, _q("NoteRef"), targetGUID=guid_text(guid))
    return element


def _note(guid: uuid.UUID, name: str, created: dt.datetime) -> etree._Element:
    return etree.Element(_q("Note"), guid=guid_text(guid), name=xml_text(name),
                         plainTextPath=f"internal://{guid_text(guid)}.txt",
                         creationDateTime=_when(created))


@dataclass(frozen=True)
class _Variable:
    guid: uuid.UUID
    name: str
    kind: str  # typeOfVariable
    description: str

    @property
    def element(self) -> etree._Element:
        element = etree.Element(_q("Variable"), guid=guid_text(self.guid), name=self.name,
                                typeOfVariable=self.kind)
        etree.SubElement(element, _q("Description")).text = xml_text(self.description)
        return element

    def value(self, value: str | int) -> etree._Element:
        element = etree.Element(_q("VariableValue"))
        etree.SubElement(element, _q("VariableRef"), targetGUID=guid_text(self.guid))
        holder = "IntegerValue" if self.kind == "Integer" else "TextValue"
        etree.SubElement(element, _q(holder)).text = xml_text(str(value))
        return element


def _variables(study: Study) -> dict[str, _Variable]:
    window = engagement_window(study)
    span = {"start": window.start.isoformat(), "end": window.end.isoformat()}
    if window.sampled:
        where = _("from %(start)s to %(end)s, the window of the study's sample") % span
    else:
        where = _("from %(start)s to %(end)s (the study has no sample yet)") % span

    def made(key: str, name: str, kind: str, description: str) -> _Variable:
        return _Variable(derived_guid(study.guid, f"variable:{key}"), name, kind, description)

    variables = {
        "tier": made("tier", "tier", "Text",
                     _("The participant's tier in the training cascade when they consented.")),
        "cohort": made("cohort", "cohort", "Text",
                       _("The participant's cohort when they consented.")),
    }
    descriptions = {
        "posts": _("Posts written in the community's discussions, hidden ones left out, "
                   "%(window)s."),
        "replies_to_others": _("Of those posts, the ones answering someone else, "
                               "%(window)s."),
        "threads_started": _("Discussions the participant opened, %(window)s."),
        "words": _("Words in those posts, %(window)s."),
        "active_days": _("Distinct days (UTC) with any activity in the community, "
                         "%(window)s."),
    }
    for column, name in ENGAGEMENT_VARIABLES:
        variables[column] = made(column, name, "Integer",
                                 descriptions[column] % {"window": where})
    variables["kind"] = made("kind", "source kind", "Text",
                             _("What the text is: questionnaire, interview, post, plan, "
                               "diary, story or imported."))
    return variables


def _figures(study: Study, participants: list[Participant]) -> dict[int, dict[str, int]]:
    """Each consenting participant's engagement figures in the window, by participant id;
    none for someone no longer a member (the table counts current members only)."""
    users = {p.user_id: p.pk for p in participants if p.user_id is not None}
    if not users:
        return {}
    window = engagement_window(study)
    rows = engagement_table(Scope(community=study.community, start=window.start,
                                  end=window.end))
    return {users[row.user_id]: {column: int(getattr(row, column))
                                 for column, _name in ENGAGEMENT_VARIABLES}
            for row in rows if row.user_id in users}
