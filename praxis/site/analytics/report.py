"""The steward's report to leadership: the web page, its PDF and the form of the period's
costs. Thin: the door (``praxis.access.reports``) decides who opens them,
``praxis.analytics.report`` counts, ``report_pdf`` writes the PDF."""

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from praxis.access.reports import access_report, quotable_stories
from praxis.analytics import report as reports
from praxis.analytics import report_charts, report_pdf
from praxis.analytics.models import CostSheet
from praxis.analytics.report_forms import CostSheetForm, PeriodForm, item_formset
from praxis.site.decorators import login_on_refusal
from praxis.site.interop.offline import attachment_header


def _period_query(start: date, end: date) -> str:
    return urlencode({"start": start.isoformat(), "end": end.isoformat()})


@require_GET
@login_on_refusal
def report_page(request: HttpRequest, slug: str) -> HttpResponseBase:
    access = access_report(request.user, slug)
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    if not form.is_bound:  # the fields show the period shown
        form = PeriodForm(initial={"start": start, "end": end})
    report = reports.build_report(access.community, start, end, quotable=quotable_stories())
    return render(request, "analytics/report.html", {
        "access": access, "community": access.community, "tab": "impact",
        "impact_page": "report", "form": form, "report": report,
        "charts": report_charts.all_charts(report), "period_query": _period_query(start, end),
        "active_means": reports.PARTICIPANT_MEANS,
        "activity_means": reports.ACTIVITY_MEANS,
        "title": _("Report to leadership")})


@require_GET
@login_on_refusal
def report_download(request: HttpRequest, slug: str) -> HttpResponseBase:
    access = access_report(request.user, slug)
    start, end = PeriodForm(request.GET or None).period()
    report = reports.build_report(access.community, start, end, quotable=quotable_stories())
    response = HttpResponse(report_pdf.render_report(report), content_type="application/pdf")
    name = f"report-{access.community.slug}-{start:%Y%m%d}-{end:%Y%m%d}-" \
           f"{translation.get_language() or 'en'}"
    response["Content-Disposition"] = attachment_header(name, "pdf")
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_on_refusal
def costs(request: HttpRequest, slug: str) -> HttpResponseBase:
    access = access_report(request.user, slug)
    community = access.community
    period = PeriodForm(request.GET or None)
    start, end = period.period()
    sheet = reports.cost_sheet(community, start, end)
    items = list(sheet.items.all()) if sheet else []
    if request.method == "POST" and period.errors:
        # The period is the sheet's key: a bad one saves nothing.
        form = CostSheetForm(request.POST, instance=sheet)
        formset = item_formset(request.POST)
    elif request.method == "POST":
        form = CostSheetForm(request.POST, instance=sheet or CostSheet(
            community=community, start=start, end=end))
        formset = item_formset(request.POST)
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            reports.save_costs(community, start, end, currency=data["currency"],
                               facilitation_hours=data["facilitation_hours"],
                               hourly_rate=data["hourly_rate"], items=formset.rows(),
                               by=request.user)
            return redirect(reverse("analytics:report", args=[community.slug])
                            + "?" + _period_query(start, end))
    else:
        form = CostSheetForm(instance=sheet)
        formset = item_formset(items=items)
    return render(request, "analytics/report_costs.html", {
        "access": access, "community": community, "tab": "impact", "impact_page": "report",
        "period": period, "start": start, "end": end, "sheet": sheet, "form": form,
        "formset": formset, "period_query": _period_query(start, end),
        "title": _("Costs of the period")})
