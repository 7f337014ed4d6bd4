"""The impact dashboard's pages: the community's (stewards, facilitators, site admins) and
"mine" (any member, over their own stories and events), as a page or as CSV. Thin: the door
(``praxis.access.impact_dashboard``) decides who sees what, ``praxis.impact.dashboard``
counts."""

import csv
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from praxis.access.impact_dashboard import DashboardAccess, DashboardScope, access_dashboard
from praxis.core.spreadsheet import safe_text
from praxis.impact import dashboard
from praxis.impact.dashboard_forms import DashboardFilterForm
from praxis.site.decorators import login_on_refusal


def _panels(access: DashboardAccess, filters: dashboard.Filters) -> dict[str, Any]:
    community = access.community
    return {
        "chart": dashboard.stories_per_cycle(community, filters),
        "topics": dashboard.top_topics(community, filters),
        "reach": dashboard.cascade_reach(community, filters),
        "share": None if access.is_mine else dashboard.active_share(community, filters),
        "reading": None if access.is_mine else dashboard.reading(community, filters),
        "stories": dashboard.stories_to_read(community, filters, access.listed_stories()),
    }


def _rows(panels: dict[str, Any], filters: dashboard.Filters) -> Iterator[tuple[str, str, Any]]:
    """The numbers as one tidy table: panel, key, value."""
    yield "window", "start", filters.start.isoformat()
    yield "window", "end", filters.end.isoformat()
    chart: dashboard.CycleChart = panels["chart"]
    for series in chart.series:
        for bar in series.bars:
            yield "stories_per_cycle", f"{series.cycle} {bar.month:%Y-%m}", bar.count
    for topic in panels["topics"]:
        yield "topic_applied", topic.title, topic.applied
        yield "topic_realised", topic.title, topic.realised
    reach: dashboard.Reach = panels["reach"]
    yield "cascade", "events", reach.events
    yield "cascade", "people", reach.people
    for audience in reach.by_audience:
        yield "cascade_events", audience.audience, audience.events
        yield "cascade_people", audience.audience, audience.people
    share: dashboard.Share | None = panels["share"]
    if share is not None:
        yield "active_members", "active", share.active
        yield "active_members", "with_applied_story", share.applied
        yield "active_members", "percent", "" if share.percent is None else share.percent
    reading: dashboard.Reading | None = panels["reading"]
    if reading is not None:
        yield "reading", "readers", reading.readers
        yield "reading", "read_without_writing", reading.lurkers
        yield "reading", "visits", reading.visits


def _csv(panels: dict[str, Any], filters: dashboard.Filters, name: str) -> HttpResponse:
    # UTF-8 with a byte order mark, so a spreadsheet opens Persian titles as Persian.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["panel", "key", "value"])
    for panel, key, value in _rows(panels, filters):
        writer.writerow([panel, safe_text(key) if isinstance(key, str) else key, value])
    return response


def _dashboard(request: HttpRequest, slug: str, scope: DashboardScope) -> HttpResponseBase:
    access = access_dashboard(request.user, slug, scope=scope)
    form = DashboardFilterForm(request.GET or None, community=access.community,
                               mine=access.is_mine)
    filters = form.filters(author_id=access.user_id if access.is_mine else None)
    panels = _panels(access, filters)
    if request.GET.get("format") == "csv" and form.is_valid():
        mine = "-mine" if access.is_mine else ""
        return _csv(panels, filters, f"impact-{access.community.slug}{mine}-"
                                     f"{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.csv")
    query = request.GET.copy()
    query["format"] = "csv"
    return render(request, "impact/dashboard.html", {
        "access": access.community_access, "dashboard": access, "community": access.community,
        "tab": "impact", "impact_page": "mine" if access.is_mine else "dashboard",
        "form": form, "filters": filters, "active_means": dashboard.ACTIVE_MEANS,
        "reader_means": dashboard.READER_MEANS,
        "csv_query": query.urlencode(), "title": _("Your impact") if access.is_mine
        else _("Impact dashboard"), **panels})


@require_GET
@login_on_refusal
def community_dashboard(request: HttpRequest, slug: str) -> HttpResponseBase:
    return _dashboard(request, slug, "community")


@require_GET
@login_on_refusal
def my_dashboard(request: HttpRequest, slug: str) -> HttpResponseBase:
    return _dashboard(request, slug, "mine")
