"""The cascade tree drawn as a small SVG, on the server: no script, no external request.

One box a level, top to bottom (consultants to teachers), and an arrow between two levels
labelled with the events of the upper level that reached the lower one and the people they
reached. It scales with its viewBox to the width of a phone. Every number is in a
``<tspan data-cell="...">`` whose name the table beside it uses for the same number, so a test
can check that the picture and the table agree; the words are the reader's language and
digits, centred, so right-to-left text lays out as well as left-to-right.
"""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi, ngettext
from django.utils.translation import gettext as _

from praxis.core.templatetags.praxis import localnumber
from praxis.impact.cascade_queries import Level, Tree

WIDTH = 360
BOX = 62
GAP = 46
MARGIN = 8


def cell_name(level: Level, what: str) -> str:
    return f"{level.tier or 'none'}-{what}"


def _filled(template: str, cell: str, value: int) -> str:
    """A translated phrase with its ``%(n)s`` made a tspan holding the number."""
    number = format_html('<tspan data-cell="{}">{}</tspan>', cell, localnumber(value))
    return escape(template).replace("%(n)s", number)


def _text(x: float, y: float, body: str, *, size: int = 13, bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:g}" y="{y:g}" text-anchor="middle" font-size="{size}"{weight}>'
            f'{body}</text>')


def draw(tree: Tree) -> SafeString:
    rtl = get_language_bidi()
    # As the pages' .sep: among Persian digits a middle dot reads as a zero.
    sep = "، " if rtl else " · "
    height = MARGIN * 2 + len(tree.levels) * BOX + (len(tree.levels) - 1) * GAP
    middle = WIDTH / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="cascade-svg-title cascade-svg-desc" '
        f'class="cascade-svg" direction="{"rtl" if rtl else "ltr"}" '
        f'font-family="inherit">',
        format_html('<title id="cascade-svg-title">{}</title>', _("The cascade of training")),
        format_html('<desc id="cascade-svg-desc">{}</desc>', _(
            "One box a level, from consultants to teachers: its members, those who trained "
            "others, their events and the people they reached. An arrow between two levels "
            "gives the events of the upper level that reached the lower one. The table "
            "below gives the same numbers.")),
        '<defs><marker id="cascade-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto">'
        '<path d="M0 0 L10 5 L0 10 z" fill="currentColor"/></marker></defs>',
    ]
    edges = {edge.upper.tier: edge for edge in tree.edges}
    for index, level in enumerate(tree.levels):
        top = MARGIN + index * (BOX + GAP)
        parts.append(f'<rect x="{MARGIN}" y="{top}" width="{WIDTH - 2 * MARGIN}" '
                     f'height="{BOX}" rx="6" fill="none" stroke="currentColor"/>')
        heading = escape(level.label) + sep + _filled(
            ngettext("%(n)s member", "%(n)s members", level.members),
            cell_name(level, "members"), level.members)
        parts.append(_text(middle, top + 20, heading, bold=True))
        line = sep.join([
            _filled(ngettext("%(n)s trained others", "%(n)s trained others", level.active),
                    cell_name(level, "active"), level.active),
            _filled(ngettext("%(n)s event", "%(n)s events", level.events),
                    cell_name(level, "events"), level.events),
        ])
        parts.append(_text(middle, top + 38, line, size=12))
        parts.append(_text(middle, top + 54, _filled(
            ngettext("%(n)s person reached", "%(n)s people reached", level.people),
            cell_name(level, "people"), level.people), size=12))
        edge = edges.get(level.tier)
        if edge is not None and index + 1 < len(tree.levels):
            start, end = top + BOX + 2, top + BOX + GAP - 4
            x = WIDTH / 4
            parts.append(f'<line x1="{x:g}" y1="{start}" x2="{x:g}" y2="{end}" '
                         f'stroke="currentColor" stroke-width="1.5" '
                         f'marker-end="url(#cascade-arrow)"/>')
            label = sep.join([
                _filled(ngettext("%(n)s event", "%(n)s events", edge.events),
                        f"edge-{edge.upper.tier}-events", edge.events),
                _filled(ngettext("%(n)s person", "%(n)s people", edge.people),
                        f"edge-{edge.upper.tier}-people", edge.people),
            ])
            parts.append(_text(WIDTH * 0.62, start + GAP / 2 + 2, label, size=12))
    parts.append("</svg>")
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 every part escaped
