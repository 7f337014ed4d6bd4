"""A study's codebook as REFI-QDA codes, both ways: the ``<Code>`` tree a ``.qdpx`` project
and a ``.qdc`` codebook share, reading such a tree written by another tool, and adding the
themes a study does not have yet.

Themes are written under two groups that cannot be coded, "Deductive themes" and
"Inductive themes", each theme at its place in the tree below: REFI-QDA has no word for a
theme's origin, and the groups keep it visible in every tool (QualCoder shows them as
categories). A top-level group that cannot be coded and whose name says deductive or
inductive is read back as that origin for the themes under it, not as a theme.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree

from praxis.research.models import Study, Theme
from praxis.research.queries import codebook
from praxis.research.refi.common import (
    MAX_PROJECT_BYTES,
    NS_CODEBOOK,
    ORIGIN,
    PRAXIS_NAMESPACE,
    ImportReport,
    RefiError,
    derived_guid,
    guid_text,
    parse_xml,
    read_guid,
    serialise,
    tag,
    xml_text,
)

GROUP_GUIDS = {
    Theme.Origin.DEDUCTIVE: derived_guid(PRAXIS_NAMESPACE, "deductive themes"),
    Theme.Origin.INDUCTIVE: derived_guid(PRAXIS_NAMESPACE, "inductive themes"),
}
NAME_MAX = Theme._meta.get_field("name").max_length or 200
DEFINITION_MAX = Theme._meta.get_field("definition").max_length or 5000
REFERENCE_MAX = Theme._meta.get_field("reference").max_length or 500
DEFAULT_COLOUR = str(Theme._meta.get_field("colour").default)


def group_name(origin: str) -> str:
    if origin == Theme.Origin.DEDUCTIVE:
        return _("Deductive themes")
    return _("Inductive themes")


def group_description(origin: str) -> str:
    if origin == Theme.Origin.DEDUCTIVE:
        return _("Themes from the literature")
    return _("Themes that emerged from the data")


def _reference_prefixes() -> list[str]:
    """How a description names a theme's reference, in English and in the language in use."""
    prefixes = {_("Reference: %(reference)s") % {"reference": ""}}
    with translation.override("en"):
        prefixes.add(_("Reference: %(reference)s") % {"reference": ""})
    return sorted(prefixes, key=len, reverse=True)


def description(theme: Theme) -> str:
    """The theme's definition, then its reference on a line of its own."""
    parts = [theme.definition.strip()] if theme.definition.strip() else []
    if theme.reference.strip():
        parts.append(_("Reference: %(reference)s") % {"reference": theme.reference.strip()})
    return "\n\n".join(parts)


def split_description(text: str) -> tuple[str, str]:
    """(definition, reference) from a description written by ``description``; another
    tool's description is all definition."""
    text = text.strip()
    head, _sep, last = text.rpartition("\n")
    for prefix in _reference_prefixes():
        if last.strip().startswith(prefix.strip()):
            return head.strip(), last.strip()[len(prefix.strip()):].strip()
    return text, ""


def code_elements(ns: str, themes: list[Theme], *,
                  note_of: Callable[[Theme], uuid.UUID | None] | None = None
                  ) -> list[etree._Element]:
    """The ``<Code>`` elements of a codebook (``themes`` in ``queries.codebook`` order):
    a group per origin that has themes, each theme under its parent. ``note_of`` gives the
    GUID of a theme's memo note, where the format has notes (a project, not a .qdc)."""
    children: dict[int | None, list[Theme]] = {}
    for theme in themes:
        children.setdefault(theme.parent_id, []).append(theme)

    def code(theme: Theme) -> etree._Element:
        element = etree.Element(tag(ns, "Code"), guid=guid_text(theme.guid),
                                name=xml_text(theme.name), isCodable="true",
                                color=theme.colour.upper())
        text = description(theme)
        if text:
            etree.SubElement(element, tag(ns, "Description")).text = xml_text(text)
        note = note_of(theme) if note_of else None
        if note is not None:
            etree.SubElement(element, tag(ns, "NoteRef"), targetGUID=guid_text(note))
        for child in children.get(theme.pk, []):
            element.append(code(child))
        return element

    groups = []
    for origin in (Theme.Origin.DEDUCTIVE, Theme.Origin.INDUCTIVE):
        top = [theme for theme in children.get(None, []) if theme.origin == origin]
        if not top:
            continue
        group = etree.Element(tag(ns, "Code"), guid=guid_text(GROUP_GUIDS[origin]),
                              name=group_name(origin), isCodable="false")
        etree.SubElement(group, tag(ns, "Description")).text = group_description(origin)
        for theme in top:
            group.append(code(theme))
        groups.append(group)
    return groups


def export_codebook(*, study: Study) -> bytes:
    """The study's codebook as a REFI-QDA ``.qdc`` file (valid against Codebook.xsd)."""
    themes = codebook(study)
    if not themes:
        raise RefiError(_("The codebook has no themes yet: there is nothing to export."))
    root = etree.Element(f"{{{NS_CODEBOOK}}}CodeBook", nsmap={None: NS_CODEBOOK},
                         origin=ORIGIN)
    codes = etree.SubElement(root, f"{{{NS_CODEBOOK}}}Codes")
    codes.extend(code_elements(NS_CODEBOOK, themes))
    return serialise(root)


def codebook_file_name(study: Study) -> str:
    return f"{study.slug}-codebook.qdc"


@dataclass
class CodePlan:
    """A code read from a file, as the theme it becomes."""

    guid: uuid.UUID
    name: str
    origin: str
    definition: str
    reference: str
    colour: str
    parent: uuid.UUID | None
    notes: list[uuid.UUID] = field(default_factory=list)
    memo: str = ""


@dataclass
class CodebookPlan:
    codes: list[CodePlan]
    # The groups read as an origin, not as themes: a coding on one is not carried.
    groups: set[uuid.UUID]


def _colour(value: str | None) -> str:
    value = (value or "").strip()
    if len(value) == 4 and value.startswith("#"):
        value = "#" + "".join(ch * 2 for ch in value[1:])
    if len(value) == 7 and value.startswith("#"):
        try:
            int(value[1:], 16)
        except ValueError:
            return DEFAULT_COLOUR
        return value.lower()
    return DEFAULT_COLOUR


def _group_origin(element: etree._Element, guid: uuid.UUID | None) -> str | None:
    """The origin a top-level group that cannot be coded stands for, if it is one."""
    if element.get("isCodable", "true").strip().lower() not in ("false", "0"):
        return None
    for origin, known in GROUP_GUIDS.items():
        if guid is not None and guid == known:
            return origin
    name = (element.get("name") or "").strip().lower()
    for origin in (Theme.Origin.DEDUCTIVE, Theme.Origin.INDUCTIVE):
        names = {group_name(origin).lower()}
        with translation.override("en"):
            names.add(group_name(origin).lower())
        if name in names or name.startswith(origin):
            return origin
    return None


def read_codes(codes: etree._Element | None, ns: str, report: ImportReport) -> CodebookPlan:
    """The codes under ``<Codes>``, parents before their children. Raises RefiError for a
    code without a GUID or a GUID given twice: nothing could point at it reliably."""
    plan = CodebookPlan(codes=[], groups=set())
    if codes is None:
        return plan
    seen: set[uuid.UUID] = set()

    def guid_of(element: etree._Element) -> uuid.UUID:
        guid = read_guid(element.get("guid"))
        if guid is None:
            raise RefiError(_("The code “%(name)s” (line %(line)s) has no valid GUID.")
                            % {"name": (element.get("name") or "")[:80],
                               "line": element.sourceline})
        if guid in seen:
            raise RefiError(_("The GUID of the code “%(name)s” (line %(line)s) is given to "
                              "another code too.") % {"name": (element.get("name") or "")[:80],
                                                      "line": element.sourceline})
        seen.add(guid)
        return guid

    def walk(element: etree._Element, parent: uuid.UUID | None, origin: str) -> None:
        guid = guid_of(element)
        name = " ".join((element.get("name") or "").split()) or _("(unnamed code)")
        if len(name) > NAME_MAX:
            report.changed.append(_("The code name “%(name)s…” was cut to %(max)s "
                                    "characters.") % {"name": name[:40], "max": NAME_MAX})
            name = name[:NAME_MAX]
        if element.get("isCodable", "true").strip().lower() in ("false", "0"):
            report.changed.append(_("“%(name)s” was a group that cannot be coded; in Praxis "
                                    "it is a theme like the others.") % {"name": name})
        found = element.find(tag(ns, "Description"))
        definition, reference = split_description(found.text or "" if found is not None
                                                  else "")
        if len(definition) > DEFINITION_MAX:
            report.changed.append(_("The description of “%(name)s” was cut to %(max)s "
                                    "characters.") % {"name": name, "max": DEFINITION_MAX})
            definition = definition[:DEFINITION_MAX]
        notes = [note for ref in element.findall(tag(ns, "NoteRef"))
                 if (note := read_guid(ref.get("targetGUID"))) is not None]
        plan.codes.append(CodePlan(guid=guid, name=name, origin=origin,
                                   definition=definition, reference=reference[:REFERENCE_MAX],
                                   colour=_colour(element.get("color")), parent=parent,
                                   notes=notes))
        for child in element.findall(tag(ns, "Code")):
            walk(child, guid, origin)

    for top in codes.findall(tag(ns, "Code")):
        origin = _group_origin(top, read_guid(top.get("guid")))
        if origin is None:
            walk(top, None, Theme.Origin.INDUCTIVE)
            continue
        plan.groups.add(guid_of(top))
        for child in top.findall(tag(ns, "Code")):
            walk(child, None, origin)
    return plan


def add_themes(*, study: Study, plan: CodebookPlan, report: ImportReport
               ) -> dict[uuid.UUID, Theme]:
    """Adds the themes of ``plan`` the study does not have (by GUID), under their parents;
    a theme it has is left as it is. Every planned GUID -> its theme. Call inside the
    import's transaction."""
    themes = {theme.guid: theme for theme in Theme.objects.filter(study=study)}
    position = (Theme.objects.filter(study=study).aggregate(last=Max("position"))["last"]
                or 0)
    found: dict[uuid.UUID, Theme] = {}
    for code in plan.codes:
        existing = themes.get(code.guid)
        if existing is not None:
            found[code.guid] = existing
            report.themes_found += 1
            continue
        position += 1
        theme = Theme.objects.create(
            study=study, parent=found.get(code.parent) if code.parent else None,
            name=code.name, origin=code.origin, reference=code.reference,
            definition=code.definition, colour=code.colour, memo=code.memo,
            position=position, guid=code.guid)
        themes[code.guid] = found[code.guid] = theme
        report.themes_added += 1
        if code.memo:
            report.memos_added += 1
    return found


def import_codebook(*, study: Study, upload: IO[bytes]) -> ImportReport:
    """Adds to the study's codebook the themes of a REFI-QDA ``.qdc`` file it does not have
    yet (by GUID), keeping their nesting; importing the same file again adds nothing.
    All or nothing: a file that cannot be read changes nothing (RefiError)."""
    data = upload.read(MAX_PROJECT_BYTES + 1)
    if len(data) > MAX_PROJECT_BYTES:
        raise RefiError(_("The codebook file is larger than %(mb)s MB; it was refused.")
                        % {"mb": MAX_PROJECT_BYTES // (1024 * 1024)})
    root = parse_xml(data, what=_("The codebook file"))
    ns = etree.QName(root).namespace or ""
    if etree.QName(root).localname != "CodeBook" or ns not in (NS_CODEBOOK, ""):
        raise RefiError(_("This file is not a REFI-QDA codebook (.qdc): its root is not a "
                          "CodeBook."))
    report = ImportReport()
    plan = read_codes(root.find(tag(ns, "Codes")), ns, report)
    if root.find(tag(ns, "Sets")) is not None:
        report.not_carried.append(_("Sets of codes: Praxis has no sets."))
    with transaction.atomic():
        add_themes(study=study, plan=plan, report=report)
    return report
