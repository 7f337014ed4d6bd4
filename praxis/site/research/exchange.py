"""A study's exchange with QDA software (REFI-QDA), for its researchers: the page with the
downloads (the project as ``.qdpx``, the codebook as ``.qdc``) and the two upload forms, and
what an import carried shown on the page after it. Thin: ``praxis.research.refi`` exports
and imports."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from praxis.access.research import StudyAccess
from praxis.accounts.models import User
from praxis.research.refi.codebook import codebook_file_name, export_codebook, import_codebook
from praxis.research.refi.common import ImportReport, RefiError
from praxis.research.refi.project_export import export_project, project_file_name
from praxis.research.refi.project_import import import_project
from praxis.site.research.common import study_context, study_download, study_view
from praxis.site.uploads import MB, largest_file_bytes


class _UploadForm(forms.Form):
    """One file, refused above the largest file Praxis takes in a form."""

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = largest_file_bytes()
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": f"{upload.size / MB:.1f}", "limit": limit // MB})
        return upload


class ProjectUploadForm(_UploadForm):
    file = forms.FileField(
        label=gettext_lazy("Project from NVivo, ATLAS.ti, MAXQDA or QualCoder (.qdpx)"),
        widget=forms.FileInput(attrs={"accept": ".qdpx"}))


class CodebookUploadForm(_UploadForm):
    file = forms.FileField(label=gettext_lazy("Codebook (.qdc)"),
                           widget=forms.FileInput(attrs={"accept": ".qdc"}))


def _page(request: HttpRequest, access: StudyAccess, *,
          project_form: forms.Form | None = None,
          codebook_form: forms.Form | None = None,
          report: ImportReport | None = None, imported: str = "") -> HttpResponse:
    context: dict[str, Any] = study_context(
        access, "exchange",
        project_form=project_form or ProjectUploadForm(prefix="project"),
        codebook_form=codebook_form or CodebookUploadForm(prefix="codebook"),
        report=report, imported=imported, limit_mb=largest_file_bytes() // MB)
    return render(request, "research/exchange.html", context)


@require_GET
@study_view("run")
def exchange(request: HttpRequest, access: StudyAccess) -> HttpResponse:
    return _page(request, access)


@require_GET
@study_view("run")
def export_qdpx(request: HttpRequest, access: StudyAccess) -> HttpResponse:
    exporter = request.user if isinstance(request.user, User) else None
    return study_download(request, access,
                          export_project(study=access.study, exported_by=exporter),
                          stem=project_file_name(access.study).removesuffix(".qdpx"),
                          extension="qdpx", content_type="application/zip")


@require_GET
@study_view("run")
def export_qdc(request: HttpRequest, access: StudyAccess) -> HttpResponse:
    try:
        data = export_codebook(study=access.study)
    except RefiError as error:
        messages.error(request, str(error))
        return redirect("research:exchange", access.community.slug, access.study.slug)
    return study_download(request, access, data,
                          stem=codebook_file_name(access.study).removesuffix(".qdc"),
                          extension="qdc", content_type="application/xml")


def _import(request: HttpRequest, access: StudyAccess, form: forms.Form,
            read: Callable[..., ImportReport]) -> HttpResponse:
    """Reads an uploaded project or codebook into the open study, all or nothing."""
    if not access.is_open:
        raise PermissionDenied
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = read(study=access.study, upload=upload)
        except RefiError as error:
            form.add_error("file", f"{error} {_('Nothing was changed.')}")
        else:
            return _page(request, access, report=report, imported=upload.name or "")
    if isinstance(form, ProjectUploadForm):
        return _page(request, access, project_form=form)
    return _page(request, access, codebook_form=form)


@require_POST
@study_view("run")
def import_qdpx(request: HttpRequest, access: StudyAccess) -> HttpResponse:
    return _import(request, access, ProjectUploadForm(request.POST, request.FILES,
                                                      prefix="project"),
                   import_project)


@require_POST
@study_view("run")
def import_qdc(request: HttpRequest, access: StudyAccess) -> HttpResponse:
    return _import(request, access, CodebookUploadForm(request.POST, request.FILES,
                                                       prefix="codebook"),
                   import_codebook)
