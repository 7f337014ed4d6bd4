"""The Moodle import pages of a community, for its stewards: the upload form with the past
imports, and one import's page (its progress while the worker runs it, then its summary).
They work without JavaScript: the progress page reloads itself every few seconds."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.access.imports import access_import_run, access_imports
from praxis.interop.models import MoodleImport
from praxis.interop.moodle import runs
from praxis.interop.moodle.records import MoodleImportError
from praxis.site.decorators import login_on_refusal
from praxis.site.http import AuthenticatedHttpRequest

ACCEPTED = ".mbz,.zip,.tar.gz,.tgz,.json,.csv"
REFRESH_SECONDS = 3

KIND_LABELS = {
    "course": gettext_lazy("Course backup"),
    "activity": gettext_lazy("Backup of one activity"),
    "forum-export": gettext_lazy("Forum export"),
}
PACKAGING_LABELS = {
    "zip": gettext_lazy("ZIP archive"),
    "tar.gz": gettext_lazy("gzip-compressed tar archive"),
    "json": gettext_lazy("JSON file"),
    "csv": gettext_lazy("CSV file"),
}


class MoodleUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Moodle course backup (.mbz) or forum export (.json, .csv)"),
        widget=forms.FileInput(attrs={"accept": ACCEPTED}))
    dry_run = forms.BooleanField(
        required=False,
        label=gettext_lazy("Check only: show what would be imported, change nothing"))


@dataclass(frozen=True)
class Count:
    label: str
    number: int


# Told under the lists they continue ("and 12 more"), not in the table.
LISTED_ELSEWHERE = ("more_skipped", "more_changed")


def _counts(numbers: dict[str, int]) -> list[Count]:
    """The counts in the summary's order with their words; a count the labels do not know
    yet shows under its own name rather than not at all."""
    shown = [Count(str(label), numbers[name]) for name, label in runs.COUNT_LABELS.items()
             if name in numbers]
    shown += [Count(name.replace("_", " "), number) for name, number in numbers.items()
              if name not in runs.COUNT_LABELS and name not in LISTED_ELSEWHERE]
    return shown


def _topics(run: MoodleImport) -> list[dict[str, Any]]:
    made = []
    for topic in run.summary.get("topics", []):
        url = ""
        if run.status == MoodleImport.Status.DONE and topic.get("slug"):
            try:
                url = reverse("topics:detail", args=[run.community.slug, topic["slug"]])
            except NoReverseMatch:
                url = ""
        made.append({**topic, "url": url})
    return made


@login_on_refusal
@require_http_methods(["GET", "POST"])
def moodle_import(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    access = access_imports(request.user, slug)
    community = access.community
    form = MoodleUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = runs.queue_import(community=community, actor=request.user,
                                    upload=form.cleaned_data["file"],
                                    dry_run=form.cleaned_data["dry_run"])
        except MoodleImportError as error:
            form.add_error("file", str(error))
        else:
            return redirect("interop:moodle_run", community.slug, run.pk)
    return render(request, "interop/moodle_import.html", {
        "access": access, "community": community, "form": form,
        "runs": runs.runs_of(community)[:50],
        "limit_mb": runs.max_upload_bytes() // (1024 * 1024),
    })


@login_on_refusal
@require_GET
def moodle_run(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    access, run = access_import_run(request.user, slug, run_id)
    progress = runs.read_progress(run)
    phases = [str(label) for _name, label in runs.PHASES]
    phase_names = [name for name, _label in runs.PHASES]
    phase = progress.get("phase") or run.phase
    phase_number = phase_names.index(phase) + 1 if phase in phase_names else 0
    summary = run.summary or {}
    origin = summary.get("origin", {})
    return render(request, "interop/moodle_run.html", {
        "access": access, "community": access.community, "run": run,
        "refresh": REFRESH_SECONDS if not run.is_finished else None,
        "phase_label": phases[phase_number - 1] if phase_number else "",
        "phase_number": phase_number, "phase_total": len(phases),
        "waiting_too_long": runs.waiting_too_long(run),
        "progress_counts": _counts(progress.get("counts", {})),
        "counts": _counts(summary.get("counts", {})),
        "new_members": summary.get("counts", {}).get("members_created", 0),
        "origin": origin,
        "origin_kind": KIND_LABELS.get(origin.get("kind", ""), origin.get("kind", "")),
        "origin_packaging": PACKAGING_LABELS.get(origin.get("packaging", ""),
                                                 origin.get("packaging", "")),
        "topics": _topics(run),
        "skipped": summary.get("skipped", []),
        "changed": summary.get("changed", []),
        "matched": summary.get("matched", []),
        "more_skipped": summary.get("counts", {}).get("more_skipped", 0),
        "more_changed": summary.get("counts", {}).get("more_changed", 0),
        "can_import_now": run.status == MoodleImport.Status.CHECKED and bool(run.file),
    })


@login_on_refusal
@require_POST
def moodle_import_now(request: AuthenticatedHttpRequest, slug: str,
                      run_id: int) -> HttpResponse:
    """"Import it now" after a check: the real import of the same file."""
    access, check = access_import_run(request.user, slug, run_id)
    try:
        run = runs.queue_import_of_check(check=check, actor=request.user)
    except MoodleImportError as error:
        messages.error(request, str(error))
        return redirect("interop:moodle_run", access.community.slug, check.pk)
    messages.success(request, _("The import is queued: this page shows its progress."))
    return redirect("interop:moodle_run", access.community.slug, run.pk)
