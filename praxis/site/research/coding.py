"""A study's sources and their coding, and its codebook. Coding works without JavaScript
(sentences and paragraphs picked with checkboxes); a small script lets a researcher select
any span of the text instead."""

import itertools
from typing import Any

from csp.decorators import csp_update
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.access.research import StudyAccess
from praxis.research import coding, queries, services
from praxis.research.forms import CommunityDataForm, ThemeForm
from praxis.research.models import Coding, Instrument, Passage, Source, Theme
from praxis.site.http import AuthenticatedHttpRequest
from praxis.site.research.common import study_context, study_view


def _visible_source(access: StudyAccess, source_id: int) -> Source:
    source = queries.visible_sources(access.study).filter(pk=source_id).first()
    if source is None:
        raise Http404
    return source


SOURCES_PER_PAGE = 50


@study_view("run")
@require_GET
def source_list(request: HttpRequest, access: StudyAccess) -> HttpResponse:
    """The study's sources, a page at a time, those of one participant if asked
    (``?participant=TT3``)."""
    study = access.study
    sources = (queries.visible_sources(study).annotate(passage_count=Count("passages"))
               .order_by("participant__number", "instrument__number", "created_at", "pk"))
    code = request.GET.get("participant", "")
    participants = list(queries.consenting_participants(study))
    chosen = next((p for p in participants if p.code == code), None)
    if chosen is not None:
        sources = sources.filter(participant=chosen)
    page = Paginator(sources, SOURCES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "research/sources.html", study_context(
        access, "sources", page=page, participants=participants, chosen=chosen,
        query_without_page=f"participant={chosen.code}" if chosen else "",
        community_instruments=study.instruments.filter(kind=Instrument.Kind.COMMUNITY),
        form=CommunityDataForm()))


@study_view("run")
@require_POST
def community_data(request: HttpRequest, access: StudyAccess) -> HttpResponse:
    """A new community data instrument, gathered at once."""
    form = CommunityDataForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the window of the community data: two dates."))
        return redirect("research:sources", access.community.slug, access.study.slug)
    try:
        instrument = services.create_community_instrument(
            study=access.study, title=form.cleaned_data["title"],
            since=form.cleaned_data["since"], until=form.cleaned_data["until"])
        added = services.gather_community_data(instrument=instrument)
    except services.ResearchRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(count)s sources added.") % {"count": added})
    return redirect("research:sources", access.community.slug, access.study.slug)


@study_view("run")
@require_POST
def gather(request: HttpRequest, access: StudyAccess, number: int) -> HttpResponse:
    instrument = get_object_or_404(Instrument, study=access.study, number=number,
                                   kind=Instrument.Kind.COMMUNITY)
    added = services.gather_community_data(instrument=instrument)
    messages.success(request, _("%(count)s sources added.") % {"count": added})
    return redirect("research:sources", access.community.slug, access.study.slug)


def _pieces(text: str, passages: list[Passage]) -> list[dict[str, Any]]:
    """The text cut into sentences (the units a page without JavaScript selects), each cut
    again where a coded passage starts or ends, so that coded text can be marked."""
    bounds = sorted({p.start for p in passages} | {p.end for p in passages})
    paragraphs: list[dict[str, Any]] = []
    for unit in coding.units(text):
        if not paragraphs or paragraphs[-1]["number"] != unit.paragraph:
            paragraphs.append({"number": unit.paragraph, "start": unit.start,
                               "sentences": []})
        paragraphs[-1]["end"] = unit.end
        cuts = [unit.start, *[b for b in bounds if unit.start < b < unit.end], unit.end]
        runs = []
        for start, end in itertools.pairwise(cuts):
            coded = any(p.start <= start and end <= p.end for p in passages)
            runs.append({"text": text[start:end], "coded": coded, "start": start})
        paragraphs[-1]["sentences"].append({"start": unit.start, "end": unit.end,
                                            "runs": runs})
    return paragraphs


@study_view("run")
@require_http_methods(["GET", "POST"])
# The one page that runs a script (decision 55): selecting any span of a text to code it.
@csp_update({"script-src": ["'self'"]})  # type: ignore[arg-type]
def source_detail(request: AuthenticatedHttpRequest, access: StudyAccess,
                  source_id: int) -> HttpResponse:
    source = _visible_source(access, source_id)
    if request.method == "POST":
        selected = []
        for value in request.POST.getlist("unit"):
            start, _sep, end = value.partition("-")
            if start.isdigit() and end.isdigit():
                selected.append((int(start), int(end)))
        start, end = request.POST.get("start", ""), request.POST.get("end", "")
        if start.isdigit() and end.isdigit():
            selected.append((int(start), int(end)))
        themes = [int(v) for v in request.POST.getlist("themes") if v.isdigit()]
        try:
            passages = coding.code_spans(source=source,
                                         spans=coding.spans_of(selected, source.text),
                                         theme_ids=themes, coder=request.user)
        except coding.CodingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(count)s passages coded.")
                             % {"count": len(passages)})
        return redirect(source)
    mine_only = request.GET.get("coders") != "all"
    passages = list(queries.passages_with_codings(source))
    for passage in passages:
        passage.shown_codings = [c for c in passage.codings.all()  # type: ignore[attr-defined]
                                 if not mine_only or c.coder_id == request.user.pk]
    shown = [p for p in passages if p.shown_codings or p.memo]  # type: ignore[attr-defined]
    return render(request, "research/source.html", study_context(
        access, "sources", source=source, paragraphs=_pieces(source.text, shown),
        passages=shown, themes=queries.codebook(access.study), mine_only=mine_only,
        citation=queries.citation(Passage(source=source, start=0, end=1))))


@study_view("run")
@require_POST
def coding_remove(request: AuthenticatedHttpRequest, access: StudyAccess, source_id: int,
                  coding_id: int) -> HttpResponse:
    source = _visible_source(access, source_id)
    found = get_object_or_404(Coding, pk=coding_id, passage__source=source)
    try:
        coding.uncode(coding=found, coder=request.user)
    except coding.CodingError as error:
        messages.error(request, str(error))
    return redirect(source)


@study_view("run")
@require_POST
def passage_memo(request: HttpRequest, access: StudyAccess, source_id: int,
                 passage_id: int) -> HttpResponse:
    source = _visible_source(access, source_id)
    passage = get_object_or_404(Passage, pk=passage_id, source=source)
    coding.set_memo(passage=passage, memo=request.POST.get("memo", "")[:20000])
    messages.success(request, _("The memo is saved."))
    return redirect(source)


@study_view("run")
@require_http_methods(["GET", "POST"])
def codebook(request: HttpRequest, access: StudyAccess) -> HttpResponse:
    form = ThemeForm(request.POST or None, study=access.study,
                     instance=Theme(study=access.study))
    if request.method == "POST" and form.is_valid():
        try:
            coding.save_theme(theme=form.instance)
        except coding.CodingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The theme is added."))
            return redirect("research:codebook", access.community.slug, access.study.slug)
    themes = queries.codebook(access.study)
    return render(request, "research/codebook.html", study_context(
        access, "codebook", themes=themes, form=form))


@study_view("run")
@require_http_methods(["GET", "POST"])
def theme_edit(request: HttpRequest, access: StudyAccess, theme_id: int) -> HttpResponse:
    theme = get_object_or_404(Theme, pk=theme_id, study=access.study)
    form = ThemeForm(request.POST or None, study=access.study, instance=theme)
    if request.method == "POST":
        if "delete" in request.POST:
            try:
                coding.delete_theme(theme=theme)
            except coding.CodingError as error:
                messages.error(request, str(error))
                return redirect("research:theme_edit", access.community.slug,
                                access.study.slug, theme.pk)
            messages.success(request, _("The theme is removed."))
            return redirect("research:codebook", access.community.slug, access.study.slug)
        if form.is_valid():
            try:
                coding.save_theme(theme=form.instance)
            except coding.CodingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The theme is saved."))
                return redirect("research:codebook", access.community.slug,
                                access.study.slug)
    return render(request, "research/theme_form.html", study_context(
        access, "codebook", theme=theme, form=form))
