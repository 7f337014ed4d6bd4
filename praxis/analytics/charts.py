"""Small charts drawn as SVG on the server, for the analytics pages and the steward's report:
no script, no external request, a few kilobytes each.

As ``praxis.impact.svg``: each chart scales with its viewBox to the width of a phone
(``class="chart"``: the stylesheet gives it the column's width), is one image to assistive
technology (``role="img"`` with a ``<title>`` and a ``<desc>``), and every number it shows is
in an element carrying ``data-cell="<name>"`` and ``data-value="<the number>"``; the table
the page puts beside it repeats the same name on the cell holding the same number, so a test
can check that the picture and the table agree. Words are in the reader's language and
digits; in a right-to-left language the charts are mirrored (bars grow from the right, time
runs from right to left) and the text is laid out right to left.

- ``bar_chart(bars, ...)``: labelled horizontal bars, one a row, its value at its end;
- ``line_chart(points, series, ...)``: one line per series over a sequence of points (the
  weeks of a window), with a legend; lines differ in dash as well as in colour; over more
  than ``POINTS_MARKED`` points the lines carry no dot (and so no ``data-cell``): the table
  alone gives the numbers;
- ``network_chart(nodes, edges, ...)``: people on a circle, a line for each pair who
  replied to each other, each person numbered as in the table beside it.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi

from praxis.analytics.activity import Node, ReplyNetwork
from praxis.core.templatetags.praxis import isolated, localnumber

WIDTH = 360
MARGIN = 8
FONT = 12
LABEL_CHARS = 52  # a bar's label beyond this is cut, with its whole text in its <title>
# A line chart over more points than this (about fourteen months of weeks) draws its lines
# without a dot a point: five years of weeks would be some 800 dots, 150 kB of a page whose
# table beside the chart gives every number anyway.
POINTS_MARKED = 60


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value and the ``data-cell`` name the table repeats."""

    label: str
    value: int
    cell: str


@dataclass(frozen=True)
class Series:
    """One line of a line chart: a name for the legend, and per point a value; cells are the
    ``data-cell`` names of the values, one a point."""

    label: str
    values: Sequence[int]
    cells: Sequence[str]


@dataclass(frozen=True)
class NetworkNode:
    """A person on the network chart: ``number`` is the row number of the table beside it."""

    key: int
    number: int
    label: str
    degree: int
    cell: str  # data-cell of the degree


@dataclass(frozen=True)
class NetworkEdge:
    source: int  # node keys
    target: int
    weight: int = 1


@dataclass
class _Svg:
    """An SVG being written: its parts, and whether it lays out right to left."""

    chart_id: str
    title: str
    desc: str
    height: float
    rtl: bool = field(default_factory=get_language_bidi)
    parts: list[str] = field(default_factory=list)

    def x(self, value: float) -> float:
        """A horizontal position measured from the start side (left, or right in RTL)."""
        return WIDTH - value if self.rtl else value

    def text(self, x: float, y: float, body: str, *, anchor: str = "start",
             size: int = FONT, bold: bool = False, extra: str = "") -> None:
        """Text at a position measured from the start side; ``anchor`` is start, middle or
        end in the reading direction (the SVG's ``direction`` flips start and end)."""
        weight = ' font-weight="bold"' if bold else ""
        self.parts.append(f'<text x="{self.x(x):g}" y="{y:g}" text-anchor="{anchor}" '
                          f'font-size="{size}"{weight}{extra}>{body}</text>')

    def render(self) -> SafeString:
        head = [
            format_html(
                '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
                'aria-labelledby="{}-title {}-desc" class="chart" direction="{}" '
                'font-family="inherit" focusable="false">',
                WIDTH, f"{self.height:g}", self.chart_id, self.chart_id,
                "rtl" if self.rtl else "ltr"),
            format_html('<title id="{}-title">{}</title>', self.chart_id, self.title),
            format_html('<desc id="{}-desc">{}</desc>', self.chart_id, self.desc),
        ]
        return mark_safe("".join(str(part) for part in [*head, *self.parts, "</svg>"]))  # noqa: S308 every part escaped


def number(cell: str, value: int | float) -> str:
    """A number as a tspan named for the table (``data-cell``) and holding the raw value
    (``data-value``), shown in the reader's digits."""
    return str(format_html('<tspan data-cell="{}" data-value="{}">{}</tspan>', cell, value,
                           localnumber(value)))


def _cut(label: str, limit: int) -> str:
    """A label cut to ``limit`` characters, isolated so a Latin title ending in "?" keeps
    its order among Persian words (and a Persian one among English)."""
    return isolated(label if len(label) <= limit else label[: limit - 1].rstrip() + "…")


def bar_chart(bars: Sequence[Bar], *, chart_id: str, title: str, desc: str,
              maximum: int | None = None, empty: str = "") -> SafeString:
    """Horizontal bars, one a row: the label above its bar, the value at the bar's end.

    ``chart_id`` is unique on the page (the title and description's ids start with it);
    ``title`` names the chart and ``desc`` says in words what it shows and that the table
    beside it gives the same numbers. Bars are scaled to ``maximum`` (by default the largest
    value), so two charts can share a scale. Each value is a ``number(bar.cell, ...)``.
    ``empty`` is written in the middle when there is no bar."""
    row = 34
    svg = _Svg(chart_id, title, desc, height=MARGIN * 2 + max(len(bars), 1) * row)
    top = max([maximum or 0, *(bar.value for bar in bars)]) or 1
    room = WIDTH - 2 * MARGIN - 44  # keep room at the end of the longest bar for its value
    for index, bar in enumerate(bars):
        y = MARGIN + index * row
        svg.text(MARGIN, y + 12, escape(_cut(bar.label, LABEL_CHARS)))
        length = max(room * bar.value / top, 1 if bar.value else 0)
        left = svg.x(MARGIN + length) if svg.rtl else MARGIN
        svg.parts.append(
            f'<rect x="{left:g}" y="{y + 17}" width="{length:g}" height="12" rx="2" '
            f'fill="currentColor"><title>{escape(bar.label)}: {localnumber(bar.value)}'
            f'</title></rect>')
        svg.text(MARGIN + length + 4, y + 27, number(bar.cell, bar.value), bold=True)
    if not bars and empty:
        svg.text(WIDTH / 2, MARGIN + 20, escape(empty), anchor="middle")
    return svg.render()


def line_chart(points: Sequence[str], series: Sequence[Series], *, chart_id: str, title: str,
               desc: str, first_label: str = "", last_label: str = "") -> SafeString:
    """A line per series over ``points`` (their labels, e.g. the weeks' Mondays as the reader
    writes dates, shown in each point's tooltip); ``first_label`` and ``last_label`` are
    written under the axis at its two ends. The vertical scale runs from zero to the largest
    value of any series, written at the top of the axis. Each point is a small circle
    holding ``data-cell`` and ``data-value`` of its series' cell for that point (over more
    than POINTS_MARKED points, none: the line alone), the legend names the series. Up to
    four series differ by dash pattern as well as colour."""
    dashes = ["", "6 3", "2 3", "8 3 2 3"]
    plot_top, plot_height = MARGIN + 14, 120
    legend_top = plot_top + plot_height + 30
    svg = _Svg(chart_id, title, desc, height=legend_top + len(series) * 18 + MARGIN)
    top = max([1, *(value for line in series for value in line.values)])
    start, end = MARGIN + 34, WIDTH - MARGIN
    step = (end - start) / max(len(points) - 1, 1)
    base = plot_top + plot_height

    def position(index: int, value: int) -> tuple[float, float]:
        x = start + index * step if len(points) > 1 else (start + end) / 2
        return svg.x(x), base - plot_height * value / top

    svg.parts.append(f'<line x1="{svg.x(start):g}" y1="{base}" x2="{svg.x(end):g}" '
                     f'y2="{base}" stroke="currentColor" stroke-opacity=".4"/>')
    svg.parts.append(f'<line x1="{svg.x(start):g}" y1="{plot_top}" x2="{svg.x(start):g}" '
                     f'y2="{base}" stroke="currentColor" stroke-opacity=".4"/>')
    svg.text(start - 4, plot_top + 4, escape(localnumber(top)), anchor="end", size=11)
    svg.text(start - 4, base, escape(localnumber(0)), anchor="end", size=11)
    svg.text(start, base + 16, escape(first_label), size=11)
    svg.text(end, base + 16, escape(last_label), anchor="end", size=11)
    for index, line in enumerate(series):
        dash = dashes[index % len(dashes)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        css = f"series-{index}"
        coordinates = [position(i, value) for i, value in enumerate(line.values)]
        path = " ".join(f"{round(x, 1):g},{round(y, 1):g}" for x, y in coordinates)
        svg.parts.append(f'<polyline class="{css}" points="{path}" fill="none" '
                         f'stroke="currentColor" stroke-width="2"{dash_attr}/>')
        marked = coordinates if len(points) <= POINTS_MARKED else []
        for i, ((x, y), value) in enumerate(zip(marked, line.values[:len(marked)],
                                                strict=True)):
            svg.parts.append(str(format_html(
                '<circle class="{}" cx="{}" cy="{}" r="2.5" fill="currentColor" '
                'data-cell="{}" data-value="{}"><title>{}, {}: {}</title></circle>',
                css, f"{x:g}", f"{y:g}", line.cells[i], value, line.label, points[i],
                localnumber(value))))
        y = legend_top + index * 18
        svg.parts.append(f'<line class="{css}" x1="{svg.x(MARGIN):g}" y1="{y - 4}" '
                         f'x2="{svg.x(MARGIN + 26):g}" y2="{y - 4}" stroke="currentColor" '
                         f'stroke-width="2"{dash_attr}/>')
        svg.text(MARGIN + 32, y, escape(line.label))
    return svg.render()


def network_chart(nodes: Sequence[NetworkNode], edges: Sequence[NetworkEdge], *,
                  chart_id: str, title: str, desc: str, empty: str = "") -> SafeString:
    """People on a circle in the order given (most connected first), a line between each
    pair with a reply between them (thicker for more replies), each person a dot sized by
    degree and labelled with their number in the table beside it. The degree is in the
    dot's ``data-cell``/``data-value``, the name in its tooltip."""
    size = WIDTH
    centre, radius = size / 2, size / 2 - 30
    svg = _Svg(chart_id, title, desc, height=size)
    where: dict[int, tuple[float, float]] = {}
    count = max(len(nodes), 1)
    for index, node in enumerate(nodes):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        where[node.key] = (svg.x(centre + radius * math.cos(angle)),
                           centre + radius * math.sin(angle))
    heaviest = max([1, *(edge.weight for edge in edges)])
    for edge in edges:
        if edge.source not in where or edge.target not in where:
            continue
        (x1, y1), (x2, y2) = where[edge.source], where[edge.target]
        width = 0.6 + 2.4 * edge.weight / heaviest
        svg.parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                         f'stroke="currentColor" stroke-opacity=".35" '
                         f'stroke-width="{width:.2f}"/>')
    biggest = max([1, *(node.degree for node in nodes)])
    for index, node in enumerate(nodes):
        x, y = where[node.key]
        r = 4 + 6 * node.degree / biggest
        svg.parts.append(str(format_html(
            '<circle cx="{}" cy="{}" r="{}" fill="currentColor" data-cell="{}" '
            'data-value="{}"><title>{}. {}: {}</title></circle>',
            f"{x:.1f}", f"{y:.1f}", f"{r:.1f}", node.cell, node.degree,
            localnumber(node.number), node.label, localnumber(node.degree))))
        angle = -math.pi / 2 + 2 * math.pi * index / count
        lx = centre + (radius + 16) * math.cos(angle)
        ly = centre + (radius + 16) * math.sin(angle) + 4
        svg.parts.append(f'<text x="{svg.x(lx):.1f}" y="{ly:.1f}" text-anchor="middle" '
                         f'font-size="11">{escape(localnumber(node.number))}</text>')
    if not nodes and empty:
        svg.text(WIDTH / 2, centre, escape(empty), anchor="middle")
    return svg.render()


@dataclass(frozen=True)
class Connected:
    """A member of the reply network with their degree: the distinct people they replied
    to or who replied to them (either way, counted once)."""

    node: Node
    degree: int


def most_connected(network: ReplyNetwork, limit: int) -> list[Connected]:
    """The ``limit`` members of the network with the highest degree (``Node.degree``), ties
    by replies sent and received, then name: those the network chart draws and its table
    lists."""
    ranked = sorted(network.nodes, key=lambda node: (
        -node.degree, -(node.replies_sent + node.replies_received),
        node.name.casefold(), node.user_id))
    return [Connected(node, node.degree) for node in ranked[:limit]]


def edges_among(network: ReplyNetwork, people: list[Connected]) -> list[NetworkEdge]:
    """The network's edges between the people drawn (a large community has hundreds of
    thousands of edges; the chart needs only these)."""
    drawn = {item.node.user_id for item in people}
    return [NetworkEdge(source, target, replies) for source, target, replies in network.edges
            if source in drawn and target in drawn]
