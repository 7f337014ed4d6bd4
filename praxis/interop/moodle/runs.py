"""A steward's import from the upload page: queued with its file, run by the worker, its
progress told through a small file the page reads, its summary kept on the run.

The import itself is one database transaction (``importer.import_source``), so what it has
done so far cannot be written to the database while it runs: another connection would not
see it (and on SQLite it would wait for the import's write lock). Its progress goes to a
JSON file beside the uploaded file instead, replaced atomically at each step; the run's row
is written before the import starts and after it ends.

A check (a dry run) keeps its file, so that "Import it now" can import the same file
without a second upload; the file goes when a real import of it ends, or after
``CHECKED_FILE_DAYS`` (``sweep_checked_uploads``, in the worker's periodic round). The same
round fails a run left running past ``PRAXIS_IMPORT_TIMEOUT_MINUTES``: its worker was
stopped (killed, out of memory, redeployed) and will not finish it.

One import into a community runs at a time: the importer locks the community's row for
its whole transaction. A run whose community is busy stays queued and is asked again a
minute later when the task backend can defer (database, Redis); otherwise (the immediate
backend, which runs nothing at the same time) it goes on and waits on that lock.
"""

import json
import logging
import os
import secrets
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from praxis.accounts.models import User
from praxis.communities.models import Community
from praxis.interop.models import MoodleImport
from praxis.interop.moodle.records import MoodleImportError

logger = logging.getLogger(__name__)

Status = MoodleImport.Status
MB = 1024 * 1024
CHECKED_FILE_DAYS = 2
DEFAULT_TIMEOUT_MINUTES = 360
BUSY_RETRY = timedelta(minutes=1)
# Suffixes kept on the stored file (the reader sniffs the content, but a person looking
# into the media folder should see what it is).
KNOWN_SUFFIXES = (".tar.gz", ".mbz", ".zip", ".json", ".csv")

# The importer's phases in order, with their words for the progress page.
PHASES = (
    ("unpacking", gettext_lazy("Unpacking the file")),
    ("people", gettext_lazy("Adding the people")),
    ("cohorts", gettext_lazy("Making the cohorts")),
    ("files", gettext_lazy("Listing the files")),
    ("forums", gettext_lazy("Importing the forums and their discussions")),
    ("reading history", gettext_lazy("Importing the reading history")),
    ("finishing", gettext_lazy("Finishing")),
)

# One label per ``importer.COUNT_NAMES``, for the summary.
COUNT_LABELS = {
    "forums": gettext_lazy("Forums read"),
    "topics_created": gettext_lazy("Topics created"),
    "discussions": gettext_lazy("Discussions imported"),
    "posts": gettext_lazy("Posts imported"),
    "private_replies": gettext_lazy("Private replies (kept private)"),
    "hidden_posts": gettext_lazy("Posts deleted in Moodle (kept hidden)"),
    "members_created": gettext_lazy("New members (no password until they set one)"),
    "members_matched": gettext_lazy("Existing accounts matched by email"),
    "former_members": gettext_lazy("Former members (deleted in Moodle)"),
    "cohorts": gettext_lazy("Cohorts from course groups"),
    "files": gettext_lazy("Files and images"),
    "ratings": gettext_lazy("Ratings"),
    "tags": gettext_lazy("Tags"),
    "log_entries": gettext_lazy("Log entries read"),
    "read_events": gettext_lazy("Reading events (log and read tracking)"),
    "reads": gettext_lazy("Readings recorded (who read which discussion)"),
    "already_imported": gettext_lazy("Already imported before (left as they were)"),
}


def max_upload_bytes() -> int:
    return int(getattr(settings, "PRAXIS_IMPORT_MAX_UPLOAD_MB", 2048)) * MB


def _stored_name(file_name: str) -> str:
    lowered = file_name.lower()
    suffix = next((s for s in KNOWN_SUFFIXES if lowered.endswith(s)), "")
    return secrets.token_hex(16) + suffix


def queue_import(*, community: Community, actor: User, upload: UploadedFile,
                 dry_run: bool) -> MoodleImport:
    """Keeps the uploaded file under a random name and queues its import (or check) for the
    worker, once this transaction commits. Raises MoodleImportError for a file that cannot
    be one (empty, or larger than ``PRAXIS_IMPORT_MAX_UPLOAD_MB``); nothing is kept then."""
    file_name = os.path.basename(upload.name or "") or "moodle"
    size = upload.size or 0
    if size == 0:
        raise MoodleImportError(_("The file “%(name)s” is empty.") % {"name": file_name})
    if size > max_upload_bytes():
        raise MoodleImportError(
            _("The file “%(name)s” is %(size)s MB; an import takes files of up to %(limit)s MB.")
            % {"name": file_name, "size": f"{size / MB:.1f}",
               "limit": max_upload_bytes() // MB})
    with transaction.atomic():
        run = MoodleImport.objects.create(community=community, started_by=actor,
                                          file_name=file_name[:255], file_size=size,
                                          dry_run=dry_run)
        run.file.save(_stored_name(file_name), upload, save=True)
        _enqueue_on_commit(run)
    return run


def queue_import_of_check(*, check: MoodleImport, actor: User) -> MoodleImport:
    """"Import it now" after a check: queues the real import of the checked file, without a
    new upload. Asking twice queues it once. Raises MoodleImportError when the file is no
    longer kept (it was imported, or the check is older than ``CHECKED_FILE_DAYS``)."""
    with transaction.atomic():
        check = MoodleImport.objects.select_for_update().get(pk=check.pk)
        if check.status != Status.CHECKED or not check.file:
            raise MoodleImportError(_("The checked file is no longer kept: upload it again."))
        queued = MoodleImport.objects.filter(
            community=check.community, file=check.file.name, dry_run=False,
            status__in=[Status.QUEUED, Status.RUNNING]).first()
        if queued is not None:
            return queued
        run = MoodleImport.objects.create(
            community=check.community, started_by=actor, file=check.file.name,
            file_name=check.file_name, file_size=check.file_size, dry_run=False)
        _enqueue_on_commit(run)
    return run


def _enqueue_on_commit(run: MoodleImport) -> None:
    # The task module imports this one.
    from praxis.interop.tasks import import_moodle

    run_id = run.pk
    transaction.on_commit(lambda: import_moodle.enqueue(run_id))


def _another_running(run_id: int) -> bool:
    community_id = (MoodleImport.objects.filter(pk=run_id, status=Status.QUEUED)
                    .values_list("community_id", flat=True).first())
    return community_id is not None and MoodleImport.objects.filter(
        community_id=community_id, status=Status.RUNNING).exclude(pk=run_id).exists()


def _asked_again_later(run_id: int) -> bool:
    """Queues the run's task again in ``BUSY_RETRY``; False when the backend cannot."""
    from praxis.interop.tasks import import_moodle

    if not import_moodle.get_backend().supports_defer:
        return False
    import_moodle.using(run_after=timezone.now() + BUSY_RETRY).enqueue(run_id)
    return True


def run_import(run_id: int) -> MoodleImport:
    """Runs a queued import (the worker's task): safe to run twice, since only the first
    call finds it queued. Ends DONE (CHECKED for a check) with its summary, or FAILED with
    the reason in the starter's language; never raises for a bad file. While another import
    into the same community runs, it stays queued and is asked again later."""
    if _another_running(run_id) and _asked_again_later(run_id):
        return MoodleImport.objects.get(pk=run_id)
    claimed = MoodleImport.objects.filter(pk=run_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now(), phase="unpacking")
    run = MoodleImport.objects.select_related("community", "started_by").get(pk=run_id)
    if not claimed:
        return run
    progress_file = progress_path(run)
    fields: dict[str, Any] = {}
    language = run.started_by.locale if run.started_by else settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            fields = _import(run, progress_file)
        except MoodleImportError as error:
            fields = {"status": Status.FAILED, "error": str(error)}
        except Exception:
            logger.exception("Moodle import %s failed", run.pk)
            fields = {"status": Status.FAILED, "error": _(
                "The import stopped on an unexpected error; nothing was imported. The site's "
                "administrator can find the details in the server's log.")}
    fields.update(phase="", finished_at=timezone.now())
    MoodleImport.objects.filter(pk=run.pk).update(**fields)
    run.refresh_from_db()
    _tidy_up(run, progress_file)
    return run


def _import(run: MoodleImport, progress_file: Path | None) -> dict[str, Any]:
    # Imported here: the importer pulls in the readers and every app it writes to.
    from praxis.interop.moodle.importer import import_source
    from praxis.interop.moodle.sources import open_source

    if not run.file or not default_storage.exists(run.file.name):
        raise MoodleImportError(_("The uploaded file is no longer there: upload it again."))
    last: dict[str, Any] = {}

    def told(phase: str, counts: dict[str, int]) -> None:
        last.update(phase=phase, counts=dict(counts))
        if progress_file is not None:
            write_progress(progress_file, phase=phase, counts=counts)

    told("unpacking", {})
    # An export's readable dates are in the zone of whoever exported it: most often the
    # steward importing it, who works with the same Moodle site.
    time_zone = run.started_by.timezone if run.started_by else "UTC"
    with open_source(Path(run.file.path), file_name=run.file_name,
                     time_zone=time_zone) as source:
        summary = import_source(source, community=run.community, actor=run.started_by,
                                dry_run=run.dry_run, progress=told)
    return {"status": Status.CHECKED if run.dry_run else Status.DONE,
            "summary": summary.as_json(), "progress": last.get("counts", {})}


def _tidy_up(run: MoodleImport, progress_file: Path | None) -> None:
    if progress_file is not None:
        progress_file.unlink(missing_ok=True)
    if run.status == Status.CHECKED or not run.file:
        return  # kept for "Import it now"
    name = run.file.name
    # The check this import came from no longer offers to import it.
    MoodleImport.objects.filter(community=run.community, file=name).update(file="")
    default_storage.delete(name)


def sweep_checked_uploads(*, now: datetime | None = None) -> int:
    """Deletes the files that checks kept for "Import it now" once they are older than
    ``CHECKED_FILE_DAYS`` and no import of them is waiting or running. Safe to run twice at
    once. Returns how many files went."""
    cutoff = (now or timezone.now()) - timedelta(days=CHECKED_FILE_DAYS)
    old = (MoodleImport.objects.filter(status=Status.CHECKED, finished_at__lt=cutoff)
           .exclude(file="").values_list("file", flat=True).distinct())
    busy = set(MoodleImport.objects.filter(status__in=[Status.QUEUED, Status.RUNNING])
               .values_list("file", flat=True))
    swept = 0
    for name in old:
        if name in busy:
            continue
        MoodleImport.objects.filter(file=name).update(file="")
        default_storage.delete(name)
        swept += 1
    return swept


def timeout() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "PRAXIS_IMPORT_TIMEOUT_MINUTES",
                                         DEFAULT_TIMEOUT_MINUTES)))


def fail_stopped_runs(*, now: datetime | None = None) -> int:
    """Fails the runs still running ``PRAXIS_IMPORT_TIMEOUT_MINUTES`` after they started:
    their worker was stopped mid-import, and its transaction (so everything it did) went
    with it. Their files go too. Safe to run twice at once. Returns how many it failed."""
    cutoff = (now or timezone.now()) - timeout()
    failed = 0
    stale = (MoodleImport.objects.filter(status=Status.RUNNING, started_at__lt=cutoff)
             .select_related("community", "started_by"))
    for run in stale:
        language = run.started_by.locale if run.started_by else settings.LANGUAGE_CODE
        with translation.override(language):
            error = _("The import stopped without finishing (the background worker was "
                      "stopped?); nothing was imported. Upload the file again.")
        # Only if it is still running: it may have ended since it was read.
        if not MoodleImport.objects.filter(pk=run.pk, status=Status.RUNNING).update(
                status=Status.FAILED, error=error, phase="", finished_at=timezone.now()):
            continue
        progress_file = progress_path(run)
        run.refresh_from_db()
        _tidy_up(run, progress_file)
        failed += 1
    return failed


def sweep_checked_uploads_now() -> None:
    """The periodic round's receiver (registered by the site's ``AppConfig.ready``)."""
    fail_stopped_runs()
    sweep_checked_uploads()


# Progress ------------------------------------------------------------------------------------

def progress_path(run: MoodleImport) -> Path | None:
    """Where a running import tells its progress: beside its file (None without one)."""
    if not run.file:
        return None
    try:
        return Path(run.file.path + ".progress.json")
    except NotImplementedError:  # a storage without local files
        return None


def write_progress(path: Path, *, phase: str, counts: dict[str, int]) -> None:
    # Written whole then renamed, so the page never reads half a file.
    payload = json.dumps({"phase": phase, "counts": counts})
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".progress-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(payload)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_progress(run: MoodleImport) -> dict[str, Any]:
    """What a run has done so far: {"phase": ..., "counts": {...}}; for a finished run, its
    last counts; {} when it has told nothing yet."""
    if run.is_finished:
        return {"phase": "", "counts": run.progress or {}}
    path = progress_path(run)
    if path is None:
        return {}
    try:
        told = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(told, dict):
        return {}
    counts = told.get("counts")
    return {"phase": str(told.get("phase", "")),
            "counts": {str(k): int(v) for k, v in counts.items() if isinstance(v, int)}
            if isinstance(counts, dict) else {}}


def runs_of(community: Community) -> Any:
    """The community's imports, newest first, for the upload page."""
    return (MoodleImport.objects.filter(community=community)
            .select_related("started_by").order_by("-created_at", "-pk"))


def waiting_too_long(run: MoodleImport, *, now: datetime | None = None) -> bool:
    """A run still queued a minute after it was made, with no other import of its
    community running that it waits for: the worker may not be running."""
    return (run.status == Status.QUEUED
            and (now or timezone.now()) - run.created_at > timedelta(minutes=1)
            and not MoodleImport.objects.filter(community_id=run.community_id,
                                                status=Status.RUNNING).exists())

