"""The report's charts for the web page, drawn by ``charts`` from a built ``Report``. Every
number carries the ``data-cell`` name the table beside its chart repeats."""

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from praxis.analytics import charts
from praxis.analytics.report import Report, group_label
from praxis.core.templatetags.praxis import when


def week_cell(index: int, what: str) -> str:
    return f"week-{index}-{what}"


def weekly(report: Report) -> SafeString:
    points = [when(week.monday) for week in report.weeks]
    series = [
        charts.Series(label=_("Posts"), values=[week.posts for week in report.weeks],
                      cells=[week_cell(i, "posts") for i in range(len(report.weeks))]),
        charts.Series(label=_("Readers"), values=[week.readers for week in report.weeks],
                      cells=[week_cell(i, "readers") for i in range(len(report.weeks))]),
        charts.Series(label=_("Active members"), values=[week.active for week in report.weeks],
                      cells=[week_cell(i, "active") for i in range(len(report.weeks))]),
    ]
    return charts.line_chart(
        points, series, chart_id="report-weeks", title=_("Activity week by week"),
        desc=_("Posts, readers and active members each week of the period, from Monday. The "
               "table below gives the same numbers."),
        first_label=points[0] if points else "", last_label=points[-1] if points else "")


def groups(report: Report) -> SafeString:
    bars = [charts.Bar(label=group_label(share.group), value=share.members,
                       cell=f"group-{share.group}") for share in report.groups]
    return charts.bar_chart(
        bars, chart_id="report-groups", title=_("Members by how they took part"),
        desc=_("Members in each group over the period. The table beside it gives the same "
               "numbers and the shares."))


def cycles(report: Report) -> SafeString:
    bars = [charts.Bar(label=series.label, value=series.total, cell=f"cycle-{series.cycle}")
            for series in report.stories.series]
    return charts.bar_chart(
        bars, chart_id="report-cycles", title=_("Stories per value-creation cycle"),
        desc=_("Told stories of the period reaching each cycle; a story counts in every "
               "cycle it reaches. The table beside it gives the same numbers."))


def topics(report: Report) -> SafeString:
    bars = [charts.Bar(label=run.title, value=run.posts, cell=f"topic-{run.topic_id}-posts")
            for run in report.topics]
    return charts.bar_chart(
        bars, chart_id="report-topics", title=_("Posts per topic in the period"),
        desc=_("Posts written in the period in each topic run in it. The table below gives "
               "the same numbers."), empty=_("No topic ran in this period."))


def all_charts(report: Report) -> dict[str, SafeString]:
    return {"weekly": weekly(report), "groups": groups(report), "cycles": cycles(report),
            "topics": topics(report)}
