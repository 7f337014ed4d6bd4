"""``manage.py worker`` (``make worker``): runs the background tasks, and every few minutes
enqueues the digest round (which also tidies the outbox).

With the database queue it runs django-tasks-db's worker; with Redis (REDIS_URL set) an RQ
worker. Several workers may run at once: every task is safe to run twice.
"""

import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from praxis.notifications.tasks import send_due_digests

# Every queue of settings.TASKS, the first first: "imports" holds the long Moodle imports,
# with a timeout of their own on Redis. One worker runs one task at a time, so while an
# import runs, emails wait; a busy site runs a second worker with `--queues imports`.
QUEUES = ("default", "imports")


class Command(BaseCommand):
    help = "Runs the background worker and the digest schedule."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schedule-every", type=float, default=300.0,
                            help="Seconds between digest rounds (default 300).")
        parser.add_argument("--no-schedule", action="store_true",
                            help="Run tasks only; another worker enqueues the digest rounds.")
        parser.add_argument("--queues", default=",".join(QUEUES),
                            help="The queues to run, comma-separated (default: all of them).")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        queues = [name for name in options["queues"].split(",") if name]
        if not options["no_schedule"]:
            threading.Thread(target=self._schedule, args=(options["schedule_every"], stop),
                             daemon=True, name="digest-schedule").start()
        try:
            if settings.TASKS_BACKEND == "rq":
                call_command("rqworker", *queues, with_scheduler=True,
                             job_class="django_tasks_rq.Job")
            elif settings.TASKS_BACKEND == "database":
                # No autoreloader even when DEBUG: it would run this command again in a
                # child process, with a second digest schedule.
                call_command("db_worker", queue_name=",".join(queues),
                             verbosity=options["verbosity"], reload=False)
            else:
                stop.wait()
        finally:
            stop.set()

    def _schedule(self, every: float, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                send_due_digests.enqueue()
            except Exception as error:  # the schedule outlives a database hiccup
                self.stderr.write(f"could not enqueue the digest round: {error}")
            finally:
                close_old_connections()
            stop.wait(every)
