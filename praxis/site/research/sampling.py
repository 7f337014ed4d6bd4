"""A study's sampling page: draw a reproducible sample of the community (top N by an
engagement measure in a window, K of them at random with a seed), keep it with the study,
see earlier draws recomputed, and invite the members a draw picked. Thin views: the door
(``study_view("run")``: the community's researchers), one service or query, a render."""

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from praxis.access.research import StudyAccess
from praxis.research import sampling, services
from praxis.research.models import SampleDraw
from praxis.research.sampling_forms import SampleForm, initial_criteria
from praxis.site.http import AuthenticatedHttpRequest, site_url
from praxis.site.research.common import study_context, study_view


def _sample_url(access: StudyAccess, draw_id: int | None = None) -> str:
    url = reverse("research:sample", args=[access.community.slug, access.study.slug])
    return url if draw_id is None else f"{url}?draw={draw_id}"


@study_view("run")
@require_http_methods(["GET", "POST"])
def sample(request: AuthenticatedHttpRequest, access: StudyAccess) -> HttpResponse:
    study = access.study
    data = request.POST if request.method == "POST" else None
    form = SampleForm(data, initial=initial_criteria())
    if data is not None and form.is_valid():
        criteria = form.criteria()
        try:
            kept = sampling.draw_for_study(
                study, measure=criteria.measure, since=criteria.since, until=criteria.until,
                top=criteria.top, pick=criteria.pick, seed=criteria.seed,
                stratify_by=criteria.stratify_by, drawn_by=request.user)
        except sampling.SamplingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draw is kept with the study."))
            return HttpResponseRedirect(_sample_url(access, kept.pk))
    shown_id = request.GET.get("draw", "")
    shown_pk = int(shown_id) if shown_id.isdigit() else None
    draws = sampling.kept_draws(study, also=shown_pk)
    shown = next((draw for draw in draws if draw.sample.pk == shown_pk), None)
    return render(request, "research/sample.html", study_context(
        access, "sample", form=form, draws=draws[:sampling.EARLIER_SHOWN], shown=shown,
        ranking=sampling.ranking_of(shown.sample) if shown else [],
    ), status=400 if data is not None else 200)


@study_view("run")
@require_POST
def sample_invite(request: AuthenticatedHttpRequest, access: StudyAccess,
                  draw_id: int) -> HttpResponse:
    kept = get_object_or_404(SampleDraw, study=access.study, pk=draw_id)
    try:
        invited = services.invite_participants(
            study=access.study, users=sampling.picked_members(kept), invited_by=request.user,
            site_url=site_url(request))
    except services.ResearchRuleError as error:
        messages.error(request, str(error))
        return redirect(_sample_url(access, kept.pk))
    if invited:
        messages.success(request, _("Invited: %(codes)s.")
                         % {"codes": ", ".join(participant.code for participant in invited)})
    else:
        messages.info(request, _("Everyone picked was already invited or is no longer a "
                                 "member: no one new was invited."))
    return redirect(access.study)
