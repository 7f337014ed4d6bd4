"""The Moodle import pages: who may use them, an upload run end to end by the (immediate)
task backend, a check followed by "Import it now", refusals, progress, and the one URL
allowed a larger upload than every other."""

import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from praxis.communities.tests.cast import ALL_VISITORS
from praxis.discussions.models import Post, Thread
from praxis.discussions.tests import samples
from praxis.discussions.tests.factories import make_thread, make_topic
from praxis.interop import tasks
from praxis.interop.models import MoodleImport
from praxis.interop.moodle import runs
from praxis.site import uploads
from praxis.topics.models import Topic

pytestmark = pytest.mark.django_db
MB = 1024 * 1024
Status = MoodleImport.Status
ROOT = Path(__file__).resolve().parents[3]
ALLOWED = {"steward", "site_admin"}


def _post(post_id: int, parent: int, user_id: int, name: str, text: str) -> dict:
    return {"id": post_id, "discussion": 5, "parent": parent, "userid": user_id,
            "userfullname": name, "created": 1600000000 + post_id,
            "modified": 1600000000 + post_id, "mailed": 1,
            "subject": "Loop input in our sessions", "message": f"<p>{text}</p>",
            "messageformat": 1, "messagetrust": 0, "attachment": "", "totalscore": 0,
            "mailnow": 0, "deleted": 0, "privatereplyto": 0, "privatereplytofullname": None,
            "wordcount": 4, "charcount": 20}


def forum_export(name: str = "loop-input.json") -> SimpleUploadedFile:
    """A Moodle forum export (JSON) of one discussion: a question and its answer."""
    rows = [_post(11, 0, 3, "Sara Ahmadi", "How do you use loop input?"),
            _post(12, 11, 4, "Reza Karimi", "I start with a demonstration.")]
    return SimpleUploadedFile(name, json.dumps([rows]).encode(), "application/json")


def upload(client, cast, file, *, dry_run=False):
    data = {"file": file}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("interop:moodle_import", args=[cast.community.slug]), data)


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Runs what was queued on commit (the task, here at once) after each request."""
    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()
    return run


# Who may use the pages -----------------------------------------------------------------------

@pytest.mark.parametrize("who", ALL_VISITORS)
def test_only_stewards_and_site_admins_open_the_import_pages(full_cast, as_visitor, who):
    run = MoodleImport.objects.create(community=full_cast.community, file_name="course.mbz",
                                      status=Status.DONE, started_by=full_cast.steward)
    client = as_visitor(full_cast, who)
    slug = full_cast.community.slug
    for url in (reverse("interop:moodle_import", args=[slug]),
                reverse("interop:moodle_run", args=[slug, run.pk])):
        response = client.get(url)
        if who in ALLOWED:
            assert response.status_code == 200
            assert "course.mbz" in response.content.decode()
        elif who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 403


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "facilitator",
                                 "researcher"])
def test_no_one_else_can_upload_or_import_a_checked_file(full_cast, as_visitor, who,
                                                         run_tasks):
    check = MoodleImport.objects.create(community=full_cast.community, file_name="a.json",
                                        status=Status.CHECKED, dry_run=True, file="x.json")
    client = as_visitor(full_cast, who)
    response = run_tasks(lambda: upload(client, full_cast, forum_export()))
    assert response.status_code in (302, 403)
    response = client.post(reverse("interop:moodle_import_now",
                                   args=[full_cast.community.slug, check.pk]))
    assert response.status_code in (302, 403)
    assert list(MoodleImport.objects.all()) == [check]
    assert not Post.objects.exists()


def test_a_private_community_is_not_found_by_an_outsider(make_cast, client):
    cast = make_cast(visibility="private")
    client.force_login(cast.outsider)
    response = client.get(reverse("interop:moodle_import", args=[cast.community.slug]))
    assert response.status_code == 404


def test_an_import_of_another_community_is_not_found(make_cast, client):
    here, there = make_cast(), make_cast()
    theirs = MoodleImport.objects.create(community=there.community, file_name="theirs.mbz")
    client.force_login(here.steward)
    response = client.get(reverse("interop:moodle_run", args=[here.community.slug, theirs.pk]))
    assert response.status_code == 404


def test_the_settings_page_links_to_the_import(cast, client):
    client.force_login(cast.steward)
    response = client.get(reverse("communities:settings", args=[cast.community.slug]))
    assert reverse("interop:moodle_import", args=[cast.community.slug]) in response.content.decode()


# Importing -----------------------------------------------------------------------------------

def test_a_steward_uploads_a_forum_export_and_it_is_imported(cast, client, run_tasks):
    client.force_login(cast.steward)
    response = run_tasks(lambda: upload(client, cast, forum_export()))
    run = MoodleImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("interop:moodle_run",
                                           args=[cast.community.slug, run.pk])
    assert run.status == Status.DONE and run.started_by == cast.steward
    assert run.file_name == "loop-input.json" and run.started_at and run.finished_at
    assert run.summary["counts"]["posts"] == 2
    thread = Thread.objects.get(community=cast.community)
    assert sorted(thread.posts.values_list("body", flat=True)) == [
        "How do you use loop input?", "I start with a demonstration."]
    # The uploaded file goes once imported.
    assert not run.file and not default_storage.listdir("imports")[1]
    page = client.get(response["Location"]).content.decode()
    assert "Posts imported" in page and "Topics created" in page
    topic = Topic.objects.get(community=cast.community)
    assert topic.get_absolute_url() in page
    assert "http-equiv=\"refresh\"" not in page
    listing = client.get(reverse("interop:moodle_import", args=[cast.community.slug]))
    assert "loop-input.json" in listing.content.decode()
    assert "Imported" in listing.content.decode()


def test_readable_dates_of_an_export_are_read_in_the_stewards_time_zone(cast, client,
                                                                       run_tasks):
    cast.steward.timezone = "Asia/Tehran"
    cast.steward.save()
    rows = [dict(_post(11, 0, 3, "Sara Ahmadi", "How do you use loop input?"),
                 created="Tuesday, 7 December 2021, 2:30 PM",
                 modified="Tuesday, 7 December 2021, 2:30 PM")]
    client.force_login(cast.steward)
    run_tasks(lambda: upload(client, cast, SimpleUploadedFile(
        "discussion.json", json.dumps([rows]).encode(), "application/json")))
    post = Thread.objects.get(community=cast.community).posts.get()
    assert post.created_at == datetime(2021, 12, 7, 11, 0, tzinfo=UTC)


def test_a_file_that_is_not_moodle_fails_with_its_reason_and_changes_nothing(
        cast, client, run_tasks):
    client.force_login(cast.steward)
    response = run_tasks(lambda: upload(client, cast, SimpleUploadedFile(
        "notes.json", b'{"these": "are not posts"}', "application/json")))
    run = MoodleImport.objects.get()
    assert run.status == Status.FAILED and run.error
    assert not Topic.objects.filter(community=cast.community).exists()
    assert not Post.objects.exists()
    assert not run.file
    page = client.get(response["Location"]).content.decode()
    assert 'role="alert"' in page and run.error.split("“")[0][:30] in page
    assert reverse("interop:moodle_import", args=[cast.community.slug]) in page


def test_a_check_changes_nothing_then_import_it_now_imports_the_same_file(
        cast, client, run_tasks):
    client.force_login(cast.steward)
    response = run_tasks(lambda: upload(client, cast, forum_export(), dry_run=True))
    check = MoodleImport.objects.get()
    assert check.status == Status.CHECKED and check.summary["dry_run"] is True
    assert check.summary["counts"]["posts"] == 2
    assert not Post.objects.exists() and not Topic.objects.exists()
    assert check.file and default_storage.exists(check.file.name)
    page = client.get(response["Location"]).content.decode()
    now_url = reverse("interop:moodle_import_now", args=[cast.community.slug, check.pk])
    assert "Import it now" in page and now_url in page
    response = run_tasks(lambda: client.post(now_url))
    real = MoodleImport.objects.exclude(pk=check.pk).get()
    assert response["Location"] == reverse("interop:moodle_run",
                                           args=[cast.community.slug, real.pk])
    assert real.status == Status.DONE and not real.dry_run
    assert Post.objects.count() == 2
    check.refresh_from_db()
    assert not check.file and not default_storage.listdir("imports")[1]
    # The file is gone: asking again says so and imports nothing more.
    response = client.post(now_url, follow=True)
    assert "no longer kept" in response.content.decode()
    assert MoodleImport.objects.count() == 2 and Post.objects.count() == 2


def test_the_posts_need_the_csrf_token(cast, run_tasks):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.steward)
    check = MoodleImport.objects.create(community=cast.community, file_name="a.json",
                                        status=Status.CHECKED, dry_run=True, file="x.json")
    assert run_tasks(lambda: upload(client, cast, forum_export())).status_code == 403
    response = client.post(reverse("interop:moodle_import_now",
                                   args=[cast.community.slug, check.pk]))
    assert response.status_code == 403
    assert list(MoodleImport.objects.all()) == [check]


def test_an_upload_over_the_import_limit_is_refused_and_nothing_is_kept(cast, client,
                                                                         settings):
    settings.PRAXIS_IMPORT_MAX_UPLOAD_MB = 1
    client.force_login(cast.steward)
    big = SimpleUploadedFile("course.mbz", b"PK\x03\x04" + b"0" * (MB + MB // 2))
    response = upload(client, cast, big)
    assert response.status_code == 200
    assert "an import takes files of up to 1 MB" in response.content.decode()
    assert not MoodleImport.objects.exists()
    # A body larger than the file and its form is refused before it is read.
    response = upload(client, cast, SimpleUploadedFile("course.mbz", b"0" * (3 * MB)))
    assert response.status_code == 413
    assert "an import takes files of up to 1 MB" in response.content.decode()


# The worker ----------------------------------------------------------------------------------

def test_running_an_import_twice_runs_it_once(cast, run_tasks, monkeypatch):
    client = Client()
    client.force_login(cast.steward)
    run_tasks(lambda: upload(client, cast, forum_export(), dry_run=True))
    check = MoodleImport.objects.get()
    monkeypatch.setattr(runs, "_import", lambda *args: pytest.fail("ran again"))
    assert runs.run_import(check.pk).status == Status.CHECKED


def test_an_unexpected_error_fails_the_run_and_is_logged(cast, client, run_tasks,
                                                         monkeypatch, caplog):
    import praxis.interop.moodle.importer as importer

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(importer, "import_source", broken)
    client.force_login(cast.steward)
    with caplog.at_level(logging.ERROR, logger="praxis.interop.moodle.runs"):
        run_tasks(lambda: upload(client, cast, forum_export()))
    run = MoodleImport.objects.get()
    assert run.status == Status.FAILED and "unexpected error" in run.error
    assert "a bug" not in run.error
    assert any("a bug" in (record.exc_text or "") for record in caplog.records)


def test_the_import_speaks_its_starters_language(cast, client, run_tasks, monkeypatch):
    import praxis.interop.moodle.importer as importer

    heard = []
    real = importer.import_source

    def listening(*args, **kwargs):
        heard.append(translation.get_language())
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "import_source", listening)
    cast.steward.locale = "fa"
    cast.steward.save()
    client.force_login(cast.steward)
    run_tasks(lambda: upload(client, cast, forum_export(), dry_run=True))
    assert heard == ["fa"]


def test_the_progress_page_tells_the_phase_and_the_counts_so_far(cast, client):
    name = default_storage.save("imports/abc.mbz", SimpleUploadedFile("abc.mbz", b"x"))
    run = MoodleImport.objects.create(community=cast.community, file_name="course.mbz",
                                      started_by=cast.steward, status=Status.RUNNING,
                                      file=name)
    path = runs.progress_path(run)
    assert path is not None
    runs.write_progress(path, phase="forums", counts={"posts": 1500, "members_created": 7})
    assert runs.read_progress(run) == {"phase": "forums",
                                       "counts": {"posts": 1500, "members_created": 7}}
    client.force_login(cast.steward)
    page = client.get(reverse("interop:moodle_run", args=[cast.community.slug, run.pk]))
    text = page.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in text
    assert "Step 5 of 7" in text and "Importing the forums and their discussions" in text
    assert '<progress max="7" value="5">' in text
    assert "Posts imported" in text and "1500" in text
    assert "manage.py worker" not in text
    path.unlink()
    default_storage.delete(name)


def test_a_run_left_waiting_asks_whether_the_worker_is_running(cast, client):
    run = MoodleImport.objects.create(community=cast.community, file_name="course.mbz",
                                      created_at=timezone.now() - timedelta(minutes=5))
    client.force_login(cast.steward)
    page = client.get(reverse("interop:moodle_run", args=[cast.community.slug, run.pk]))
    assert "is “manage.py worker” running?" in page.content.decode()


def test_checked_files_are_swept_after_two_days(cast):
    old_name = default_storage.save("imports/old.json", SimpleUploadedFile("o", b"[]"))
    new_name = default_storage.save("imports/new.json", SimpleUploadedFile("n", b"[]"))
    now = timezone.now()
    old = MoodleImport.objects.create(community=cast.community, file_name="old.json",
                                      status=Status.CHECKED, file=old_name,
                                      finished_at=now - timedelta(days=3))
    MoodleImport.objects.create(community=cast.community, file_name="new.json",
                                status=Status.CHECKED, file=new_name,
                                finished_at=now - timedelta(hours=3))
    assert runs.sweep_checked_uploads(now=now) == 1
    old.refresh_from_db()
    assert not old.file and not default_storage.exists(old_name)
    assert default_storage.exists(new_name)
    default_storage.delete(new_name)


def test_the_import_task_has_its_own_queue_which_the_worker_runs(settings, monkeypatch):
    from praxis.notifications.management.commands import worker

    assert tasks.import_moodle.queue_name == "imports"
    assert "imports" in settings.TASKS["default"]["QUEUES"]
    called = []
    monkeypatch.setattr(worker, "call_command", lambda *a, **k: called.append((a, k)))
    settings.TASKS_BACKEND = "database"
    worker.Command().handle(no_schedule=True, schedule_every=1, verbosity=0,
                            queues="default,imports")
    assert called[0][1]["queue_name"] == "default,imports"
    settings.TASKS_BACKEND = "rq"
    worker.Command().handle(no_schedule=True, schedule_every=1, verbosity=0,
                            queues="default,imports")
    assert called[1][0] == ("rqworker", "default", "imports")


def test_on_redis_an_import_may_run_for_hours():
    """RQ gives a job its queue's timeout: the imports queue has a long one (no Redis is
    reached to build a job)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    script = (
        "import django; django.setup();"
        "import django_rq; from django_tasks_rq.backend import Job;"
        "q = django_rq.get_queue('imports', job_class=Job);"
        "job = q.create_job('praxis.interop.tasks.import_moodle', args=[1]);"
        "d = django_rq.get_queue('default');"
        "print(job.timeout, d._default_timeout)"
    )
    result = subprocess.run(  # noqa: S603 (this interpreter, our own script)
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False,
        env={**env, "DEBUG": "true", "REDIS_URL": "redis://127.0.0.1:1/0",
             "DJANGO_SETTINGS_MODULE": "praxis.settings",
             "PRAXIS_IMPORT_TIMEOUT_MINUTES": "360"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(360 * 60), "300"]


# The one URL allowed a large upload -------------------------------------------------------------

def test_the_import_page_takes_a_file_larger_than_any_other_form(cast, client, settings,
                                                                monkeypatch, run_tasks):
    monkeypatch.setattr(uploads, "largest_file_bytes", lambda: 1 * MB)
    settings.PRAXIS_MAX_ATTACHMENT_MB = 1
    settings.PRAXIS_IMPORT_MAX_UPLOAD_MB = 3
    client.force_login(cast.steward)
    padded = json.loads(forum_export().read())
    padded[0][0]["message"] = "<p>" + "loop " * (MB // 3) + "</p>"
    big = SimpleUploadedFile("big.json", json.dumps(padded).encode())
    assert big.size > 1.5 * MB
    run_tasks(lambda: upload(client, cast, big, dry_run=True))
    run = MoodleImport.objects.get()
    assert run.file_size == big.size and run.status == Status.CHECKED
    # Elsewhere the usual limit still applies to the same person.
    thread = make_thread(make_topic(cast.community), cast.facilitator)
    response = client.post(reverse("discussions:reply", args=[cast.community.slug, thread.pk]),
                           {"body": "With my file", "attachments": [
                               samples.upload("scan.pdf", samples.pdf() + b"0" * (2 * MB))]})
    assert "“scan.pdf” is too large (2.0 MB); the limit is 1 MB" in response.content.decode()
    assert not Post.objects.filter(body="With my file").exists()


def test_only_those_who_may_import_get_the_larger_file_limit(cast, settings, monkeypatch):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    monkeypatch.setattr(uploads, "largest_file_bytes", lambda: 1 * MB)
    settings.PRAXIS_IMPORT_MAX_UPLOAD_MB = 3
    settings.PRAXIS_MAX_REQUEST_MB = 2
    url = reverse("interop:moodle_import", args=[cast.community.slug])
    for person, expected in ((cast.steward, (4 * MB, 3 * MB)), (cast.member, (2 * MB, MB)),
                             (AnonymousUser(), (2 * MB, MB))):
        request = RequestFactory().post(url)
        request.user = person
        assert uploads.upload_limits(request) == expected
    request = RequestFactory().post("/c/elsewhere/")
    request.user = cast.steward
    assert uploads.upload_limits(request) == (2 * MB, MB)


def test_the_request_limit_lets_an_import_through_and_nothing_else(cast, client, settings):
    settings.PRAXIS_MAX_REQUEST_MB = 55
    settings.PRAXIS_IMPORT_MAX_UPLOAD_MB = 2048
    url = reverse("interop:moodle_import", args=[cast.community.slug])

    def send(path, size):
        return client.generic("POST", path, b"x=1",
                              content_type="application/x-www-form-urlencoded",
                              CONTENT_LENGTH=str(size))

    client.force_login(cast.steward)
    assert send(url, 200 * MB).status_code != 413
    too_big = send(url, 3000 * MB)
    assert too_big.status_code == 413 and "2048 MB" in too_big.content.decode()
    thread = make_thread(make_topic(cast.community), cast.facilitator)
    reply_url = reverse("discussions:reply", args=[cast.community.slug, thread.pk])
    assert send(reply_url, 200 * MB).status_code == 413
    client.force_login(cast.member)
    assert send(url, 200 * MB).status_code == 413


# Stopped workers and busy communities -----------------------------------------------------------

def _running(cast, name: str, *, started: timedelta) -> MoodleImport:
    stored = default_storage.save(f"imports/{name}", SimpleUploadedFile(name, b"[]"))
    run = MoodleImport.objects.create(
        community=cast.community, started_by=cast.steward, file_name=name, file=stored,
        status=Status.RUNNING, phase="forums", started_at=timezone.now() - started)
    progress = runs.progress_path(run)
    assert progress is not None
    runs.write_progress(progress, phase="forums", counts={"posts": 10})
    return run


def test_a_run_whose_worker_was_stopped_fails_and_its_files_go(cast, settings):
    settings.PRAXIS_IMPORT_TIMEOUT_MINUTES = 60
    stopped = _running(cast, "stopped.json", started=timedelta(minutes=61))
    alive = _running(cast, "alive.json", started=timedelta(minutes=59))
    stopped_file, stopped_progress = stopped.file.name, runs.progress_path(stopped)

    runs.sweep_checked_uploads_now()  # what the worker's periodic round calls

    stopped.refresh_from_db()
    assert stopped.status == Status.FAILED and stopped.finished_at is not None
    assert "stopped without finishing" in stopped.error and "Upload the file again" in stopped.error
    assert not default_storage.exists(stopped_file) and not stopped_progress.exists()
    alive.refresh_from_db()
    assert alive.status == Status.RUNNING and default_storage.exists(alive.file.name)
    assert runs.fail_stopped_runs() == 0
    runs.progress_path(alive).unlink()
    default_storage.delete(alive.file.name)


def test_an_import_waits_while_another_of_its_community_runs(cast, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend",
                                  "QUEUES": ["default", "imports"]}}
    other = _running(cast, "other.json", started=timedelta(minutes=5))
    waiting = MoodleImport.objects.create(community=cast.community, started_by=cast.steward,
                                          file_name="waiting.json",
                                          created_at=timezone.now() - timedelta(minutes=5))

    assert runs.run_import(waiting.pk).status == Status.QUEUED

    [retry] = tasks.import_moodle.get_backend().results  # type: ignore[attr-defined]
    assert retry.args == [waiting.pk] or retry.args == (waiting.pk,)
    assert retry.task.run_after is not None and retry.task.run_after > timezone.now()
    assert not runs.waiting_too_long(waiting)  # it waits for the other, not for the worker
    runs.progress_path(other).unlink()
    default_storage.delete(other.file.name)


def test_without_a_deferring_backend_an_import_goes_on_past_a_stale_run(cast, client,
                                                                         run_tasks):
    stale = _running(cast, "stale.json", started=timedelta(minutes=5))
    client.force_login(cast.steward)
    run_tasks(lambda: upload(client, cast, forum_export()))
    run = MoodleImport.objects.exclude(pk=stale.pk).get()
    assert run.status == Status.DONE
    runs.progress_path(stale).unlink()
    default_storage.delete(stale.file.name)
