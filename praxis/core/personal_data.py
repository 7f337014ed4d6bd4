"""Everything Praxis keeps about one person, section by section (docs/privacy.md).

Each app that keeps something about a person registers a ``Section`` in its
``AppConfig.ready``: what it is, why it is kept, for how long, who sees it, and how to read a
person's rows of it. The data export walks the registry and writes one JSON file and one
readable HTML page per section into a ZIP (``write_archive``); the stewards' record of
processing lists the same sections. An app added later (practice plans, the diary, value
stories, certificates, research) registers its own section and is in both at once; what it
erases when a person erases their account it receives through ``accounts.hooks``.

Rows are read and written one at a time, so an account with a hundred thousand posts costs
the size of a post in memory, not of the account.
"""

import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from praxis.core.templatetags.praxis import localnumber, when

# Words for people: a string, or one translated when shown (``gettext_lazy``).
StrOrPromise = str | Promise
Row = Mapping[str, object]
Absolute = Callable[[str], str]
# How a value reads on the HTML page: words, a long text kept as written, an address, a
# moment (in the reader's calendar and time zone), yes or no.
FieldKind = Literal["text", "long", "link", "when", "flag"]

# The ZIP's layout, told in ``index.json``: a program reading exports can check it.
ARCHIVE_FORMAT = 1


@dataclass(frozen=True)
class Field:
    name: str
    label: StrOrPromise
    kind: FieldKind = "text"


def later(words: Callable[[], str]) -> StrOrPromise:
    """Words worked out when shown, in the reader's language (a ``gettext`` with values put
    in: ``gettext_lazy(...) % values`` would translate at start-up)."""
    return lazy(words, str)()


def model_field(model: type[Model], name: str, kind: FieldKind = "text") -> Field:
    """A field labelled as the model names it (already translated for its forms)."""
    return Field(name, model._meta.get_field(name).verbose_name, kind)  # type: ignore[union-attr]


@dataclass(frozen=True)
class Section:
    """One kind of thing Praxis keeps about a person.

    ``rows(person, absolute)`` yields that person's rows, each a mapping of the ``fields``'
    names to values JSON can carry (datetimes are written in ISO 8601); ``absolute`` turns a
    path into a full address for links. ``purpose``, ``retention`` and ``seen_by`` are the
    record of processing's columns."""

    key: str
    title: StrOrPromise
    fields: tuple[Field, ...]
    rows: Callable[[Any, Absolute], Iterable[Row]]
    purpose: StrOrPromise
    retention: StrOrPromise
    seen_by: StrOrPromise
    order: int = 100


class Registry:
    """The sections, in the order the export shows them."""

    def __init__(self) -> None:
        self._sections: dict[str, Section] = {}

    def register(self, section: Section) -> Section:
        """Adds a section, or replaces the one of the same key (``ready`` can run twice)."""
        self._sections[section.key] = section
        return section

    def __iter__(self) -> Iterator[Section]:
        return iter(sorted(self._sections.values(), key=lambda s: (s.order, s.key)))

    def __len__(self) -> int:
        return len(self._sections)

    def __contains__(self, key: object) -> bool:
        return key in self._sections


sections = Registry()


# ---------------------------------------------------------------------------- the archive

class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, Promise):
            return str(o)
        return super().default(o)


def _json(value: object) -> str:
    return json.dumps(value, cls=_Encoder, ensure_ascii=False)


STYLE = (
    "body{font:16px/1.5 system-ui,'Segoe UI',Roboto,'Noto Sans','Noto Naskh Arabic',Tahoma,"
    "sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1d2327}"
    "article{border-block-end:1px solid #dcdcde;padding-block:.5rem}"
    "dl{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.25rem 1rem;"
    "margin:0}dt{color:#50575e}dd{margin:0;overflow-wrap:anywhere}"
    ".long{white-space:pre-wrap}table{border-collapse:collapse}"
    "th,td{text-align:start;padding:.25rem .5rem;border-block-end:1px solid #dcdcde;"
    "vertical-align:top}.meta{color:#50575e}"
)


def _page_start(title: str) -> str:
    language = translation.get_language() or "en"
    direction = "rtl" if translation.get_language_bidi() else "ltr"
    return format_html(
        '<!doctype html>\n<html lang="{}" dir="{}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>{}</title><style>{}</style></head><body>\n",
        language, direction, title, mark_safe(STYLE))  # noqa: S308 (our own constant)


def _shown(value: object, kind: FieldKind) -> str:
    """A value as the HTML page shows it, escaped."""
    if value is None or value == "" or value == []:
        return "—"
    if kind == "flag" or isinstance(value, bool):
        return escape(_("yes") if value else _("no"))
    if kind == "when" and isinstance(value, datetime):
        return escape(when(value, "datetime"))
    if isinstance(value, list | tuple):
        return escape(", ".join(str(item) for item in value))
    if kind == "link":
        return format_html('<a href="{}">{}</a>', value, value)
    if kind == "long":
        return format_html('<div class="long" dir="auto">{}</div>', value)
    if isinstance(value, int):
        return escape(localnumber(value))
    return format_html('<bdi>{}</bdi>', value)


def _row_html(section: Section, row: Row) -> str:
    items = "".join(
        format_html("<dt>{}</dt><dd>", field.label) + _shown(row.get(field.name), field.kind)
        + "</dd>"
        for field in section.fields
    )
    return f"<article><dl>{items}</dl></article>\n"


def _write_section(archive: zipfile.ZipFile, section: Section, owner: Any,
                   absolute: Absolute) -> int:
    """Writes ``json/<key>.json`` straight into the archive and ``html/<key>.html`` through a
    temporary file (a ZIP takes one entry at a time): one pass over the rows."""
    count = 0
    # force_zip64: the size of an entry written as a stream is not known before it ends.
    with tempfile.TemporaryFile() as page:
        with archive.open(f"json/{section.key}.json", "w", force_zip64=True) as raw:
            raw.write(("{" + f'"section": {_json(section.key)}, '
                       f'"title": {_json(section.title)}, "rows": [').encode())
            page.write(_page_start(str(section.title)).encode())
            page.write(format_html('<p><a href="../index.html">{}</a></p><h1>{}</h1>\n',
                                   _("All your data"), section.title).encode())
            for row in section.rows(owner, absolute):
                raw.write((",\n" if count else "\n").encode()
                          + _json({field.name: row.get(field.name)
                                   for field in section.fields}).encode())
                page.write(_row_html(section, row).encode())
                count += 1
            raw.write(b"\n]}\n")
        if not count:
            page.write(format_html('<p class="meta">{}</p>\n', _("Nothing here.")).encode())
        page.write(b"</body></html>\n")
        page.seek(0)
        with archive.open(f"html/{section.key}.html", "w", force_zip64=True) as entry:
            shutil.copyfileobj(page, entry)
    return count


def _index_html(owner: Any, counts: dict[str, int], generated_at: datetime) -> str:
    title = _("Your data on Praxis")
    rows = "".join(
        format_html(
            "<tr><th scope=\"row\"><a href=\"html/{key}.html\">{title}</a></th>"
            "<td>{count}</td><td>{purpose}</td><td>{retention}</td>"
            "<td><a href=\"json/{key}.json\">JSON</a></td></tr>\n",
            key=section.key, title=section.title, count=localnumber(counts[section.key]),
            purpose=section.purpose, retention=section.retention)
        for section in sections if section.key in counts
    )
    return (
        _page_start(title)
        + format_html(
            "<h1>{}</h1><p>{}</p><p class=\"meta\">{}</p>\n",
            title,
            _("Everything Praxis keeps about %(name)s, as it was on %(date)s.")
            % {"name": owner, "date": when(generated_at, "datetime")},
            _("Each part is here twice: a page to read (HTML) and a file for programs (JSON)."))
        + format_html("<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
                      "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}"
                      "</th></tr></thead><tbody>\n",
                      _("What"), _("How many"), _("Why it is kept"), _("For how long"),
                      _("For programs"))
        + rows + "</tbody></table></body></html>\n"
    )


def write_archive(owner: Any, target: IO[bytes], *, absolute: Absolute,
                  generated_at: datetime) -> dict[str, int]:
    """Writes every section's rows for ``owner`` into ``target`` as a ZIP: ``index.html``
    (what is where), ``index.json`` (the same for programs), and per section
    ``json/<key>.json`` and ``html/<key>.html``. Returns the number of rows per section.
    Words are in the active language and times in the active time zone."""
    counts: dict[str, int] = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for section in sections:
            counts[section.key] = _write_section(archive, section, owner, absolute)
        archive.writestr("index.html", _index_html(owner, counts, generated_at))
        archive.writestr("index.json", _json({
            "format": ARCHIVE_FORMAT, "generated_at": generated_at,
            "sections": [
                {"key": section.key, "title": section.title, "rows": counts[section.key],
                 "json": f"json/{section.key}.json", "html": f"html/{section.key}.html",
                 "purpose": section.purpose, "retention": section.retention,
                 "seen_by": section.seen_by,
                 "fields": {field.name: field.label for field in section.fields}}
                for section in sections],
        }) + "\n")
    return counts
