"""The engagement analytics pages: the community's members (table, groups, top N, leaders
beside participants, CSV and XLSX), its activity over time (weeks, topics, the reply
network) and "mine" (one's own row and weeks). Thin: the door
(``praxis.access.analytics``) decides who sees what, ``praxis.analytics`` counts and draws.
"""

import io
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from praxis.access.analytics import AnalyticsAccess, access_analytics
from praxis.analytics import activity, charts, engagement, exports
from praxis.analytics.forms import COLUMN_LABELS, GROUP_LABELS, AnalyticsFilterForm, Choices
from praxis.communities.models import Membership
from praxis.core.templatetags.praxis import when
from praxis.site.decorators import login_on_refusal

PER_PAGE = 100
NETWORK_SHOWN = 30
TOPICS_DRAWN = 15


@dataclass(frozen=True)
class Heading:
    """A column heading of the engagement table: its sort link and aria-sort."""

    column: str
    label: str
    href: str
    sort: str  # "ascending", "descending" or "" (not sorted by it)
    numeric: bool


def _query(request: HttpRequest, **changes: str) -> str:
    """This page's query string with some parameters changed, without the page number."""
    query: QueryDict = request.GET.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


def _headings(request: HttpRequest, choices: Choices) -> list[Heading]:
    headings = []
    for column in engagement.COLUMNS:
        sortable = column in engagement.SORTABLE
        current = sortable and column == choices.sort
        if current:  # a second click turns the order round
            direction = "asc" if choices.descending else "desc"
        else:  # names A to Z first, figures largest first
            direction = "asc" if column == "name" else "desc"
        headings.append(Heading(
            column=column, label=str(COLUMN_LABELS[column]),
            href=("?" + _query(request, sort=column, direction=direction)) if sortable else "",
            sort=("descending" if choices.descending else "ascending") if current else "",
            numeric=column not in ("name", "role", "tier", "first_activity",
                                   "last_activity")))
    return headings


def _choices(request: HttpRequest, access: AnalyticsAccess, *, table: bool = True
             ) -> tuple[AnalyticsFilterForm, Choices]:
    form = AnalyticsFilterForm(request.GET or None, community=access.community,
                               mine=access.is_mine, table=table)
    return form, form.choices(user_id=access.only_user_id)


def _common(access: AnalyticsAccess, form: AnalyticsFilterForm, choices: Choices,
            page: str, title: str) -> dict[str, Any]:
    return {"access": access.community_access, "analytics": access,
            "community": access.community, "tab": "impact", "impact_page": page,
            "form": form, "scope": choices.scope, "choices": choices, "title": title,
            "roles": dict(Membership.Role.choices), "tiers": dict(Membership.Tier.choices)}


def _sorted_rows(choices: Choices) -> list[engagement.MemberEngagement]:
    rows = engagement.engagement_table(choices.scope)
    return engagement.sort_rows(rows, choices.sort, descending=choices.descending)


@require_GET
@login_on_refusal
def members(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The community's engagement: totals, groups, top N, leaders and participants, and the
    sortable, paginated table of every member in the scope."""
    access = access_analytics(request.user, slug, scope="community")
    form, choices = _choices(request, access)
    rows = engagement.engagement_table(choices.scope)
    shares = engagement.group_shares(rows)
    top = engagement.top_by_posts(rows, choices.top)
    page = Paginator(engagement.sort_rows(rows, choices.sort, descending=choices.descending),
                     PER_PAGE).get_page(request.GET.get("page"))
    groups_chart = charts.bar_chart(
        [charts.Bar(str(GROUP_LABELS[share.group]), share.members, f"group-{share.group}")
         for share in shares],
        chart_id="groups-chart", title=_("Members by how they took part"),
        desc=_("One bar a group: contributors, occasional posters, readers who never post "
               "and inactive members, with the members in it. The table beside it gives "
               "the same numbers and each group's share."))
    top_chart = charts.bar_chart(
        [charts.Bar(row.name, row.posts, f"top-{row.user_id}-posts") for row in top],
        chart_id="top-chart", title=_("Top members by posts in the window"),
        desc=_("One bar a member, most posts first. The table beside it gives the same "
               "numbers."))
    return render(request, "analytics/engagement.html", {
        **_common(access, form, choices, "analytics", _("Engagement")),
        "totals": engagement.totals(rows), "shares": shares,
        "group_labels": GROUP_LABELS, "groups_chart": groups_chart,
        "top": top, "top_chart": top_chart, "compare": engagement.compare_roles(rows),
        "page": page, "headings": _headings(request, choices),
        "query_without_page": _query(request),
        "export_query": _query(request),
        "contributor_posts": engagement.CONTRIBUTOR_POSTS,
    })


def _export(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    access = access_analytics(request.user, slug, scope="community")
    _form, choices = _choices(request, access)
    rows = _sorted_rows(choices)
    scope = choices.scope
    name = f"engagement-{access.community.slug}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}"
    if kind == "csv":
        text = io.StringIO()
        exports.write_csv(rows, text)
        response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        data = io.BytesIO()
        exports.write_xlsx(rows, data, scope)
        response = HttpResponse(data.getvalue(), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@require_GET
@login_on_refusal
def members_csv(request: HttpRequest, slug: str) -> HttpResponseBase:
    return _export(request, slug, "csv")


@require_GET
@login_on_refusal
def members_xlsx(request: HttpRequest, slug: str) -> HttpResponseBase:
    return _export(request, slug, "xlsx")


def _weeks_chart(weeks: list[activity.Week], *, mine: bool) -> Any:
    labels = [when(week.monday) for week in weeks]
    keys = [f"{week.monday:%Y-%m-%d}" for week in weeks]
    series = [charts.Series(_("Posts"), [week.posts for week in weeks],
                            [f"week-{key}-posts" for key in keys])]
    if not mine:
        series += [
            charts.Series(_("Readers"), [week.readers for week in weeks],
                          [f"week-{key}-readers" for key in keys]),
            charts.Series(_("Active members"), [week.active for week in weeks],
                          [f"week-{key}-active" for key in keys]),
        ]
    return charts.line_chart(
        labels, series, chart_id="weeks-chart",
        title=_("Your posts per week") if mine else _("Activity per week"),
        desc=_("One point a week, from the week the window starts in to the week it ends "
               "in. The table beside it gives the same numbers."),
        first_label=labels[0] if labels else "", last_label=labels[-1] if labels else "")


@require_GET
@login_on_refusal
def activity_page(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The community's activity over time, per topic, and its reply network."""
    access = access_analytics(request.user, slug, scope="community")
    form, choices = _choices(request, access, table=False)
    weeks = activity.weekly_activity(choices.scope)
    topics = activity.topic_participation(choices.scope)
    network = activity.reply_network(choices.scope)
    connected = charts.most_connected(network, NETWORK_SHOWN)
    topics_chart = charts.bar_chart(
        [charts.Bar(topic.title, topic.posts, f"topic-{topic.topic_id}-posts")
         for topic in topics[:TOPICS_DRAWN]],
        chart_id="topics-chart", title=_("Posts per topic"),
        desc=_("One bar a topic, most posts first. The table beside it gives the same "
               "numbers, with the members who posted and who read."))
    network_chart = charts.network_chart(
        [charts.NetworkNode(key=item.node.user_id, number=index, label=item.node.name,
                            degree=item.degree, cell=f"node-{item.node.user_id}-degree")
         for index, item in enumerate(connected, start=1)],
        charts.edges_among(network, connected),
        chart_id="network-chart", title=_("Who replies to whom"),
        desc=_("The most connected members on a circle, numbered as in the table beside "
               "it; a line joins two members when one replied to the other, thicker for "
               "more replies; a larger dot has more people to talk with."))
    return render(request, "analytics/activity.html", {
        **_common(access, form, choices, "activity", _("Activity over time")),
        "weeks": weeks, "weeks_chart": _weeks_chart(weeks, mine=False),
        "topics": topics, "topics_chart": topics_chart, "network": network,
        "connected": connected, "network_chart": network_chart,
        "network_shown": NETWORK_SHOWN,
        "reciprocity_percent": (None if network.reciprocity is None
                                else round(network.reciprocity * 100)),
    })


@require_GET
@login_on_refusal
def mine(request: HttpRequest, slug: str) -> HttpResponseBase:
    """One's own row and weeks: never another member's figures."""
    access = access_analytics(request.user, slug, scope="mine")
    form, choices = _choices(request, access)
    rows = engagement.engagement_table(choices.scope)
    weeks = activity.weekly_activity(choices.scope)
    row = next((row for row in rows if row.user_id == access.user_id), None)
    figures = [] if row is None else [
        (column, COLUMN_LABELS[column], getattr(row, column))
        for column in engagement.COLUMNS if column not in ("name", "role", "tier")]
    return render(request, "analytics/mine.html", {
        **_common(access, form, choices, "analytics_mine", _("Your engagement")),
        "row": row, "figures": figures, "weeks": weeks,
        "weeks_chart": _weeks_chart(weeks, mine=True),
        "group_labels": GROUP_LABELS,
    })
