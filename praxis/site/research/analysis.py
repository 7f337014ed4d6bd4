"""A study's analysis pages: the case-by-theme grid, a cell's quotes, a theme's quotes,
inter-coder agreement, and the grid and quotes as files. Researchers only (``run``);
thin: ``praxis.research.grid``, ``agreement``, ``grid_exports`` and ``documents`` read and
count, always through the study's queries (consenting participants only)."""

import io
from collections.abc import Callable
from typing import IO

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from praxis.access.research import StudyAccess
from praxis.research import agreement, documents, grid, grid_exports
from praxis.research.agreement import Coder
from praxis.site.research.common import study_context, study_download, study_view

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"


def _coder_key(request: HttpRequest) -> str:
    return request.GET.get("coder", "")[:220]


def _coder_query(coder: Coder | None) -> str:
    """The query string that keeps a coder filter on the links of a page."""
    return "?" + urlencode({"coder": coder.key}) if coder else ""


@require_GET
@study_view("run")
def grid_page(request: HttpRequest, access: StudyAccess) -> HttpResponseBase:
    """Participants by themes: how many coded passages each cell holds."""
    table = grid.build_grid(study=access.study, coder_key=_coder_key(request))
    return render(request, "research/grid.html", study_context(
        access, "grid", grid=table,
        coder_query=_coder_query(table.coder)))


def _quotes_page(request: HttpRequest, access: StudyAccess, theme_id: int,
                 code: str | None, study_page: str) -> HttpResponse:
    found = grid.theme_quotes(study=access.study, theme_id=theme_id, code=code,
                              coder_key=_coder_key(request))
    if found is None:
        raise Http404
    return render(request, "research/quotes.html", study_context(
        access, study_page, quotes=found,
        coder_query=_coder_query(found.coder)))


@require_GET
@study_view("run")
def grid_cell(request: HttpRequest, access: StudyAccess, code: str, theme_id: int
              ) -> HttpResponseBase:
    """The quotes behind one cell: one participant's passages coded with one theme (or its
    sub-themes)."""
    return _quotes_page(request, access, theme_id, code, "grid")


@require_GET
@study_view("run")
def theme_quotes(request: HttpRequest, access: StudyAccess, theme_id: int
                 ) -> HttpResponseBase:
    """Every quote of a theme (and its sub-themes), by participant."""
    return _quotes_page(request, access, theme_id, None, "grid")


@require_GET
@study_view("run")
def agreement_page(request: HttpRequest, access: StudyAccess) -> HttpResponseBase:
    """Per theme: percentage agreement and Cohen's kappa per pair of coders, Krippendorff's
    alpha across them all."""
    report = agreement.study_agreement(study=access.study)
    return render(request, "research/agreement.html",
                  study_context(access, "agreement", report=report))


def _download(request: HttpRequest, access: StudyAccess, name: str, extension: str,
              content_type: str, write: Callable[[IO[bytes]], None]) -> HttpResponse:
    data = io.BytesIO()
    write(data)
    return study_download(request, access, data.getvalue(),
                          stem=f"{access.study.slug}-{name}", extension=extension,
                          content_type=content_type)


@require_GET
@study_view("run")
def grid_csv(request: HttpRequest, access: StudyAccess) -> HttpResponseBase:
    table = grid.build_grid(study=access.study, coder_key=_coder_key(request))

    def write(stream: IO[bytes]) -> None:
        text = io.StringIO()
        grid_exports.write_csv(table, text)
        stream.write(text.getvalue().encode())

    return _download(request, access, "grid", "csv", "text/csv; charset=utf-8", write)


@require_GET
@study_view("run")
def grid_xlsx(request: HttpRequest, access: StudyAccess) -> HttpResponseBase:
    table = grid.build_grid(study=access.study, coder_key=_coder_key(request))
    return _download(request, access, "grid", "xlsx", XLSX,
                     lambda stream: grid_exports.write_xlsx(table, stream, access.study))


@require_GET
@study_view("run")
def quotes_docx(request: HttpRequest, access: StudyAccess) -> HttpResponseBase:
    content = documents.quotes_document(study=access.study, coder_key=_coder_key(request))
    return _download(request, access, "quotes", "docx", DOCX,
                     lambda stream: documents.write_docx(content, stream))


@require_GET
@study_view("run")
def quotes_odt(request: HttpRequest, access: StudyAccess) -> HttpResponseBase:
    content = documents.quotes_document(study=access.study, coder_key=_coder_key(request))
    return _download(request, access, "quotes", "odt", ODT,
                     lambda stream: documents.write_odt(content, stream))
