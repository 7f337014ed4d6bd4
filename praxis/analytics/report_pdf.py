"""The report to leadership as a PDF: the same ``Report`` the web page shows, on A4 portrait
pages, in the reader's language (its direction, its calendar and digits).

It is written with the topic PDF's pieces (``praxis.interop.pdf``: the vendored Vazirmatn
font, HarfBuzz shaping, a paragraph in its own direction, headings in the reader's), and
draws its charts with rectangles and lines: the weeks' posts as columns, the groups and the
cycles as bars, each beside or above a table giving the same numbers. Laid out right to
left, the tables' first column and the bars start from the right, and time runs from the
right.
"""

from collections.abc import Sequence

from django.utils import translation
from django.utils.translation import gettext as _

from praxis.analytics.report import (
    ACTIVITY_MEANS,
    PARTICIPANT_MEANS,
    Report,
    group_label,
    hours,
    money,
)
from praxis.core.templatetags.praxis import isolated, localnumber, when
from praxis.interop.pdf import FAMILY, INK, LTR, MUTED, RTL, RULE, TopicDocument, direction_of
from praxis.interop.pdf import isolate as set_apart

BAR = (64, 98, 145)
BAR_LIGHT = (150, 172, 204)
ROW = 6.2  # mm per table row


class ReportDocument(TopicDocument):
    """A4 portrait in Vazirmatn with tables and simple charts drawn in the reader's
    direction."""

    def _x(self, start: float, width: float = 0.0) -> float:
        """The left edge of a box ``start`` mm from the side the page starts from."""
        if self.page_direction == LTR:
            return self.l_margin + start
        return self.w - self.r_margin - start - width

    def keep(self, needed: float) -> None:
        """A new page unless ``needed`` mm are left on this one (a heading with what it
        heads, a chart's rows together)."""
        if self.get_y() + needed > self.page_break_trigger:
            self.add_page()

    _room = keep

    def heading(self, text: str, *, size: float = 14) -> None:
        self.keep(30)  # never a heading alone at the foot of a page
        super().heading(text, size=size)

    def _cell(self, x: float, y: float, width: float, text: str, *, bold: bool = False,
              size: float = 9.5, colour: tuple[int, int, int] = INK,
              align: str = "start") -> None:
        if direction_of(text, self.page_direction) != self.page_direction:
            # A Latin title in a Persian table (or the reverse) keeps its own order.
            text = isolated(text)
        self._shaped(self.page_direction, text)
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*colour)
        self.set_xy(x, y)
        if align == "start":
            where = "L" if self.page_direction == LTR else "R"
        elif align == "end":
            where = "R" if self.page_direction == LTR else "L"
        else:
            where = "C"
        self.cell(width, ROW, text, align=where)

    def figures(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Key figures in a row of boxes: the number large, its name under it."""
        if not pairs:
            return
        per_row = 4
        width = self.epw / per_row
        for first in range(0, len(pairs), per_row):
            self._room(16)
            top = self.get_y()
            for index, (label, value) in enumerate(pairs[first:first + per_row]):
                x = self._x(index * width, width)
                self._cell(x, top, width - 2, value, bold=True, size=15)
                self._cell(x, top + 7, width - 2, label, size=8.5, colour=MUTED)
            self.set_y(top + 15)
        self.ln(1)

    def number_table(self, columns: Sequence[str], rows: Sequence[Sequence[str]],
              widths: Sequence[float] | None = None, *, total_rows: int = 0) -> None:
        """A table; the first column names its rows, the others hold numbers (aligned to
        the end side); the last ``total_rows`` rows are set in bold."""
        if widths is None:
            rest = 28.0
            widths = [self.epw - rest * (len(columns) - 1), *[rest] * (len(columns) - 1)]
        # A short table is kept together on one page; a long one at least starts with rows.
        self.keep(ROW * (len(rows) + 1) if len(rows) < 25 else ROW * 3)
        self._line_of(columns, widths, bold=True, colour=MUTED)
        for index, row in enumerate(rows):
            self._room(ROW)
            bold = index >= len(rows) - total_rows
            self._line_of(row, widths, bold=bold)
        self.ln(2)

    def _line_of(self, cells: Sequence[str], widths: Sequence[float], *, bold: bool,
                 colour: tuple[int, int, int] = INK) -> None:
        top = self.get_y()
        start = 0.0
        for index, (text, width) in enumerate(zip(cells, widths, strict=True)):
            shown = _fit(self, text, width - 1.5, bold)
            self._cell(self._x(start, width), top, width, shown, bold=bold, colour=colour,
                       align="start" if index == 0 else "end")
            start += width
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(self.l_margin, top + ROW, self.w - self.r_margin, top + ROW)
        self.set_xy(self.l_margin, top + ROW)

    def bars(self, items: Sequence[tuple[str, int]]) -> None:
        """Horizontal bars, one a row: the label, then the bar from the start side with its
        number at its end."""
        label_width, number_width = 60.0, 16.0
        room = self.epw - label_width - number_width
        top_value = max([1, *(value for _label, value in items)])
        for label, value in items:
            self._room(ROW)
            top = self.get_y()
            self._cell(self._x(0, label_width), top, label_width,
                       _fit(self, label, label_width - 2, False), size=9)
            length = room * value / top_value
            if length:
                self.set_fill_color(*BAR)
                self.rect(self._x(label_width, length), top + 1.4, length, ROW - 2.8, style="F")
            self._cell(self._x(label_width + length + 1.5, number_width), top, number_width,
                       localnumber(value), bold=True, size=9)
            self.set_y(top + ROW)
        self.ln(2)

    def columns_chart(self, values: Sequence[int], *, first: str, last: str,
                      height: float = 32.0) -> None:
        """One column per value, time running from the side the page starts from, with
        the largest value written at the top of the axis and the first and last dates
        under it."""
        self._room(height + 10)
        top = self.get_y()
        axis = 12.0
        room = self.epw - axis
        step = room / max(len(values), 1)
        most = max([1, *values])
        base = top + height
        self.set_draw_color(*MUTED)
        self.set_line_width(0.2)
        self.line(self._x(axis), base, self._x(self.epw), base)
        self.line(self._x(axis), top, self._x(axis), base)
        self._cell(self._x(0, axis - 1), top - 2, axis - 1, localnumber(most), size=8,
                   colour=MUTED, align="end")
        self._cell(self._x(0, axis - 1), base - 4, axis - 1, localnumber(0), size=8,
                   colour=MUTED, align="end")
        self.set_fill_color(*BAR)
        for index, value in enumerate(values):
            bar = height * value / most
            if bar:
                width = max(step * 0.75, 0.3)
                self.rect(self._x(axis + index * step + step * 0.125, width), base - bar,
                          width, bar, style="F")
        half = room / 2
        self._cell(self._x(axis, half), base + 0.5, half, first, size=8, colour=MUTED)
        self._cell(self._x(axis + half, half), base + 0.5, half, last, size=8, colour=MUTED,
                   align="end")
        self.set_y(base + ROW + 2)


def _fit(doc: TopicDocument, text: str, width: float, bold: bool) -> str:
    """The text cut with an ellipsis to fit ``width`` (a cell holds one line)."""
    doc.set_font(FAMILY, "B" if bold else "", 9.5)
    if doc.get_string_width(text) <= width:
        return text
    while text and doc.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _percent(value: int | None) -> str:
    return "" if value is None else _("%(percent)s%%") % {"percent": localnumber(value)}


def render_report(report: Report) -> bytes:
    """The report as PDF bytes, in the active language."""
    direction = RTL if translation.get_language_bidi() else LTR
    doc = ReportDocument(
        page_direction=direction,
        page_label=lambda number: _("Page %(number)s") % {"number": localnumber(number)})
    title = _("Report to leadership")
    doc.set_title(f"{title}: {report.community.name}")
    doc.set_creator("Praxis")
    doc.set_lang(translation.get_language() or "en")
    doc.add_page()

    # The cover block.
    doc.label(set_apart(report.community.name), size=11, colour=MUTED, after=0.5)
    doc.label(title, size=21, bold=True, after=2.5)
    doc.label(_("From %(start)s to %(end)s, both days included.")
              % {"start": when(report.start), "end": when(report.end)}, size=10.5, after=0.6)
    doc.label(_("Produced %(date)s.") % {"date": when(report.produced_at)}, size=9.5,
              colour=MUTED, after=3)
    doc.rule()

    doc.heading(_("Members and activity"))
    totals = report.totals
    doc.figures([(_("Members"), localnumber(totals.members)),
                 (_("Active members"), localnumber(totals.active)),
                 (_("Posts"), localnumber(report.posts)),
                 (_("Readers"), localnumber(report.readers))])
    doc.label(str(ACTIVITY_MEANS), size=8.5, colour=MUTED)
    doc.keep(ROW * (len(report.groups) + 2))
    doc.label(_("Members by how they took part"), bold=True, size=10.5)
    doc.bars([(group_label(share.group), share.members) for share in report.groups])
    doc.number_table([_("Group"), _("Members"), _("Share")],
              [(group_label(share.group), localnumber(share.members), _percent(share.percent))
               for share in report.groups])
    if report.weeks:
        doc.keep(50)
        doc.label(_("Posts week by week"), bold=True, size=10.5)
        doc.columns_chart([week.posts for week in report.weeks],
                          first=when(report.weeks[0].monday),
                          last=when(report.weeks[-1].monday))

    doc.heading(_("Topics run in the period"))
    if not report.topics:
        doc.label(_("No topic ran in this period."), colour=MUTED)
    else:
        doc.number_table([_("Topic"), _("Posts"), _("Members who posted")],
                  [(run.title, localnumber(run.posts), localnumber(run.posters))
                   for run in report.topics], widths=[doc.epw - 70, 30, 40])
        for run in report.topics:
            doc.keep(24)
            doc.paragraph(run.title, bold=True, size=10.5, after=0.4)
            doc.label(f"{when(run.starts_at)} \u2013 {when(run.ends_at)}", size=8.5, colour=MUTED,
                      after=0.6)
            if run.synthesis:
                doc.paragraph(run.synthesis, size=9.5, after=0.4)
                doc.label(set_apart(run.url), size=8, colour=MUTED, after=2)
            else:
                doc.label(_("No synthesis published yet."), size=9, colour=MUTED, after=2)

    doc.heading(_("Value created in members' practice"))
    doc.figures([(_("Stories told"), localnumber(report.told)),
                 (_("Applied in practice"), localnumber(report.applied)),
                 (_("With a realised difference"), localnumber(report.realised))])
    doc.keep(ROW * (len(report.stories.series) + 2))
    doc.label(_("Told stories per cycle"), bold=True, size=10.5)
    doc.bars([(series.label, series.total) for series in report.stories.series])
    if report.quotes:
        doc.label(_("In members' words"), bold=True, size=10.5)
        comma = "\u060c " if direction == RTL else ", "
        for quote in report.quotes:
            marks = "\u00ab\u00bb" if direction_of(quote.text, direction) == RTL else "\u201c\u201d"
            doc.keep(14)
            doc.paragraph(f"{marks[0]}{quote.text}{marks[1]}", size=9.5, colour=INK, indent=6,
                          after=0.4)
            said = [quote.cycle_label, when(quote.told_at)]
            if quote.author:
                said.insert(1, set_apart(quote.author))
            doc.label(comma.join(said), size=8.5, colour=MUTED, indent=6, after=2)

    doc.heading(_("The cascade's reach"))
    doc.figures([(_("Training events"), localnumber(report.reach.events)),
                 (_("People reached"), localnumber(report.reach.people))])
    doc.number_table([_("Audience"), _("Events"), _("People")],
              [(row.label, localnumber(row.events), localnumber(row.people))
               for row in report.reach.by_audience])

    for panel in report.panels:
        doc.heading(panel.title)
        doc.figures([(label, localnumber(number)) for label, number in panel.figures])
        if panel.rows:
            doc.number_table(panel.columns, [(str(row[0]), *(localnumber(cell) for cell in row[1:]))
                                      for row in panel.rows])
        if panel.note:
            doc.label(panel.note, size=8.5, colour=MUTED)

    doc.heading(_("Facilitation effort"))
    doc.figures([(_("Posts by facilitators"), localnumber(report.effort.facilitator_posts)),
                 (_("Posts by stewards"), localnumber(report.effort.steward_posts)),
                 (_("Facilitation hours"), hours(report.effort.hours))])

    doc.heading(_("Costs"))
    costs = report.costs
    if costs is None:
        doc.label(_("No costs have been entered for exactly this period."), colour=MUTED)
    else:
        if costs.currency:
            doc.label(_("Amounts in %(currency)s.") % {"currency": costs.currency}, size=9,
                      colour=MUTED)
        rows = [(_("Facilitation: %(hours)s hours at %(rate)s")
                 % {"hours": hours(costs.hours), "rate": money(costs.rate)},
                 money(costs.facilitation))]
        rows += [(item.label, money(item.amount)) for item in costs.items]
        rows += [(_("Total"), money(costs.total)),
                 (_("Per active participant (%(count)s)")
                  % {"count": localnumber(costs.active_participants)},
                  money(costs.per_active_participant)),
                 (_("Per member (%(count)s)") % {"count": localnumber(costs.members)},
                  money(costs.per_member))]
        doc.number_table([_("Cost"), _("Amount")], rows, widths=[doc.epw - 45, 45], total_rows=3)
        doc.label(str(PARTICIPANT_MEANS), size=8.5, colour=MUTED)
    return bytes(doc.output())
