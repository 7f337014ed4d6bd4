"""A resource's citation in the three forms members copy: APA 7th edition (for a page or a
paper), BibTeX and RIS (for reference managers: Zotero, Mendeley, EndNote, JabRef).

All three are made from the structured fields. A resource added before them has only its
free-text ``citation``: APA shows it as it was written, BibTeX and RIS carry it as a note.
Authors are written one per line, family name first ("Farrell, Thomas S. C."); a line with
no comma is a single name (an organisation, or a name written as its owner writes it) and is
never cut into initials.
"""

import html
import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from praxis.library.models import Resource

# APA 7: up to 20 authors are listed; beyond, the first 19, an ellipsis, and the last.
APA_MAX_AUTHORS = 20

BIBTEX_TYPES: dict[str, str] = {
    Resource.WorkType.ARTICLE: "article",
    Resource.WorkType.BOOK: "book",
    Resource.WorkType.CHAPTER: "incollection",
    Resource.WorkType.REPORT: "techreport",
    Resource.WorkType.WEBPAGE: "misc",
    Resource.WorkType.OTHER: "misc",
}
RIS_TYPES: dict[str, str] = {
    Resource.WorkType.ARTICLE: "JOUR",
    Resource.WorkType.BOOK: "BOOK",
    Resource.WorkType.CHAPTER: "CHAP",
    Resource.WorkType.REPORT: "RPRT",
    Resource.WorkType.WEBPAGE: "ELEC",
    Resource.WorkType.OTHER: "GEN",
}
BIBTEX_CONTENT_TYPE = "application/x-bibtex; charset=utf-8"
RIS_CONTENT_TYPE = "application/x-research-info-systems; charset=utf-8"

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_PAGE_RANGE = re.compile(r"\s*[-\u2013\u2014]+\s*")


def clean_doi(doi: str) -> str:
    """The DOI alone, whatever a member pasted ("https://doi.org/10.…", "doi: 10.…")."""
    return _DOI_PREFIX.sub("", doi.strip())


def doi_url(doi: str) -> str:
    return f"https://doi.org/{clean_doi(doi)}" if doi.strip() else ""


def _initials(given: str) -> str:
    """ "Thomas S. C." -> "T. S. C."; "Jean-Paul" -> "J.-P." """
    parts = []
    for name in given.replace(".", " ").split():
        pieces = [piece for piece in name.split("-") if piece]
        parts.append("-".join(f"{piece[0]}." for piece in pieces))
    return " ".join(parts)


def apa_author(author: str) -> str:
    family, comma, given = author.partition(",")
    if not comma:
        return author.strip()
    initials = _initials(given)
    return f"{family.strip()}, {initials}" if initials else family.strip()


def apa_authors(authors: list[str]) -> str:
    names = [apa_author(author) for author in authors]
    if len(names) > APA_MAX_AUTHORS:
        return ", ".join(names[:APA_MAX_AUTHORS - 1]) + ", . . . " + names[-1]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]}, & {names[1]}"
    return ", ".join(names[:-1]) + f", & {names[-1]}"


def _sentence(text: str) -> str:
    """``text`` ending with one full stop (not after "?" or "!" or one already there)."""
    text = text.strip()
    return text if not text or text[-1] in ".?!؟" else f"{text}."


def _pages(pages: str) -> str:
    return _PAGE_RANGE.sub("\u2013", pages.strip())


def apa_html(resource: Resource) -> SafeString:
    """The APA 7th reference, escaped, with the parts APA sets in italics in ``<i>``."""
    if not resource.has_structured_citation:
        return mark_safe(str(escape(resource.citation or resource.title)))  # noqa: S308

    def italic(text: str) -> str:
        return f"<i>{escape(text)}</i>"

    kind = resource.work_type
    year = f"({resource.year})." if resource.year else "(n.d.)."
    title = resource.title.strip()
    italic_title = kind not in (Resource.WorkType.ARTICLE, Resource.WorkType.CHAPTER)
    title_part = (italic(title) + _sentence(title)[len(title):] if italic_title
                  else str(escape(_sentence(title))))
    authors = resource.author_list
    # No author: the title moves to the author's place.
    parts = ([str(escape(_sentence(apa_authors(authors)))), year, title_part] if authors
             else [title_part, year])
    source, publisher = resource.source.strip(), resource.publisher.strip()
    if kind == Resource.WorkType.ARTICLE and source:
        journal = italic(source)
        if resource.volume:
            journal += ", " + italic(resource.volume)
            if resource.issue:
                journal += f"({escape(resource.issue)})"
        elif resource.issue:
            journal += f", ({escape(resource.issue)})"
        if resource.pages:
            journal += f", {escape(_pages(resource.pages))}"
        parts.append(journal + ".")
    elif kind == Resource.WorkType.CHAPTER and source:
        chapter = "In " + italic(source)
        if resource.pages:
            chapter += f" (pp. {escape(_pages(resource.pages))})"
        parts.append(chapter + ".")
        if publisher:
            parts.append(str(escape(_sentence(publisher))))
    else:
        for part in dict.fromkeys(p for p in (source, publisher) if p):
            parts.append(str(escape(_sentence(part))))
    link = doi_url(resource.doi) or resource.url
    if link:
        parts.append(str(escape(link)))
    return mark_safe(" ".join(parts))  # noqa: S308 (every piece escaped)


def apa_text(resource: Resource) -> str:
    """The APA reference as plain text (for a textarea or an email)."""
    return html.unescape(re.sub(r"</?i>", "", str(apa_html(resource))))


# BibTeX --------------------------------------------------------------------------------------

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}


def bibtex_escape(text: str) -> str:
    text = " ".join(text.split())  # no newline inside a field
    return "".join(_BIBTEX_SPECIAL.get(char, char) for char in text)


def _ascii_word(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().lower())


def bibtex_key(resource: Resource) -> str:
    """A key a reference manager accepts: family name, year, first title word, in ASCII
    (``farrell2007reflective``); ``resource12`` when none of them has a Latin letter."""
    authors = resource.author_list
    family = _ascii_word(authors[0].partition(",")[0]) if authors else ""
    words = [_ascii_word(word) for word in resource.title.split()]
    first_word = next((word for word in words if len(word) > 3), "")
    key = f"{family}{resource.year or ''}{first_word}"
    return key if family or first_word else f"resource{resource.pk or ''}"


def bibtex(resource: Resource) -> str:
    fields: list[tuple[str, str]] = []
    authors = resource.author_list
    if authors:
        # Single names are braced so BibTeX does not read them as "given family".
        fields.append(("author", " and ".join(
            bibtex_escape(author) if "," in author else "{" + bibtex_escape(author) + "}"
            for author in authors)))
    fields.append(("title", "{" + bibtex_escape(resource.title) + "}"))
    if resource.has_structured_citation:
        kind = BIBTEX_TYPES[resource.work_type]
        source = bibtex_escape(resource.source)
        if source:
            fields.append({
                "article": ("journal", source), "incollection": ("booktitle", source),
                "techreport": ("institution", source),
            }.get(kind, ("howpublished", source)))
        if resource.year:
            fields.append(("year", str(resource.year)))
        for name, value in (("publisher", resource.publisher), ("volume", resource.volume),
                            ("number", resource.issue)):
            if value.strip():
                fields.append((name, bibtex_escape(value)))
        if resource.pages.strip():
            fields.append(("pages", bibtex_escape(_PAGE_RANGE.sub("--", resource.pages.strip()))))
    else:
        kind = "misc"
        if resource.citation.strip():
            fields.append(("note", bibtex_escape(resource.citation)))
    if resource.doi.strip():
        fields.append(("doi", bibtex_escape(clean_doi(resource.doi))))
    if resource.url:
        fields.append(("url", resource.url.replace("}", "%7D").replace("{", "%7B")))
    if resource.tag_names:
        fields.append(("keywords", bibtex_escape(resource.tag_names)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{bibtex_key(resource)},\n{body}\n}}\n"


# RIS -----------------------------------------------------------------------------------------

def _ris_value(text: str) -> str:
    return " ".join(text.split())


def ris(resource: Resource) -> str:
    """The RIS record (tags of two letters, two spaces, a dash; lines end with CR LF)."""
    kind = RIS_TYPES[resource.work_type] if resource.has_structured_citation else "GEN"
    lines: list[tuple[str, str]] = [("TY", kind)]
    lines += [("AU", author) for author in resource.author_list]
    lines.append(("TI", resource.title))
    if resource.has_structured_citation:
        if resource.year:
            lines.append(("PY", str(resource.year)))
        if resource.source.strip():
            lines.append(("JO" if kind == "JOUR" else "T2", resource.source))
        for tag, value in (("PB", resource.publisher), ("VL", resource.volume),
                           ("IS", resource.issue)):
            if value.strip():
                lines.append((tag, value))
        if resource.pages.strip():
            start, _dash, end = _PAGE_RANGE.sub("-", resource.pages.strip()).partition("-")
            lines.append(("SP", start))
            if end:
                lines.append(("EP", end))
    elif resource.citation.strip():
        lines.append(("N1", resource.citation))
    if resource.doi.strip():
        lines.append(("DO", clean_doi(resource.doi)))
    if resource.url:
        lines.append(("UR", resource.url))
    lines += [("KW", name) for name in resource.tag_names.split(", ") if name]
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {_ris_value(value)}\r\n" for tag, value in lines)
