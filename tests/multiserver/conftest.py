"""Two real app servers on one PostgreSQL and one Redis, as docs/operations.md sets them up
("Several app servers"): two gunicorn processes, two ``manage.py worker`` processes (one with
the digest schedule, one ``--no-schedule``) and a real SMTP server in this process.

Nothing here goes through pytest-django's test database: the servers get a database of
their own (``praxis_multiserver_<pid>``, created from the ``postgres`` database with the
credentials of ``DATABASE_URL`` and dropped at the end), migrated and filled by
``manage.py`` and ``seed_site.py`` run with the servers' environment, and Redis database
``REDIS_DB`` on the host of ``REDIS_URL``, flushed before and after. The tests read the
outcome with plain SQL (psycopg). Runs only when ``DATABASE_URL`` is PostgreSQL and
``REDIS_URL`` is set (the CI's PostgreSQL and Redis pass); skipped otherwise.
"""

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from email import message_from_bytes
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = Path(__file__).with_name("seed_site.py")
# Never the CI's own database 0: this one is flushed before and after.
REDIS_DB = 5
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}
BOOT_SECONDS = 40
STOP_SECONDS = 8
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# RQ's log lines: "Worker <name>: default: <module.task(args)> (<job id>)" when a worker
# takes a job, "Worker <name>: default: Job OK (<job id>)" when it has run it.
TAKEN = re.compile(r"Worker (\S+): \S+: (\S+\(.*\)) \(([0-9A-Za-z_-]+)\)\s*$")
DONE = re.compile(r"Worker (\S+): \S+: Job OK \(([0-9A-Za-z_-]+)\)\s*$")


def _services() -> tuple[str, str]:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if urlsplit(database_url).scheme not in POSTGRES_SCHEMES:
        pytest.skip("the multi-server test needs PostgreSQL: it runs when DATABASE_URL is "
                    "postgres://... (the CI's PostgreSQL and Redis pass)")
    if not redis_url:
        pytest.skip("the multi-server test needs Redis: it runs when REDIS_URL is set "
                    "(the CI's PostgreSQL and Redis pass)")
    return database_url, redis_url


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=path, query=""))


@contextlib.contextmanager
def _fresh_database(database_url: str) -> Iterator[str]:
    """A new, empty database on DATABASE_URL's server; dropped afterwards."""
    import psycopg

    name = f"praxis_multiserver_{os.getpid()}"
    maintenance = _with_path(database_url, "/postgres")
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield _with_path(database_url, f"/{name}")
    finally:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class SMTPRecorder:
    """An SMTP server's handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[Any] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(message["Message-ID"]) for message in self.messages]


@contextlib.contextmanager
def _smtp_server() -> Iterator[tuple[SMTPRecorder, int]]:
    from aiosmtpd.controller import Controller

    recorder = SMTPRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield recorder, controller.port
    finally:
        controller.stop()


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=120, check=False)
    if done.returncode:
        pytest.fail(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def check_alive(self) -> None:
        if self.popen.poll() is not None:
            pytest.fail(f"{self.name} exited with {self.popen.returncode}:\n{self.tail()}")

    def send(self, sig: signal.Signals) -> None:
        """To the process and any it started (it leads a session of its own)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, sig)


def _start(name: str, args: list[str], env: dict[str, str], logs: Path) -> Process:
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(  # noqa: S603 (our own interpreter)
            [sys.executable, *args], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    return Process(name=name, popen=popen, log=log)


def _stop(processes: list[Process]) -> None:
    """Asks every process to stop at once (gunicorn and RQ shut down gracefully on SIGTERM),
    then kills what is left after STOP_SECONDS: an RQ worker's warm shutdown can hang for up
    to a minute in its pub/sub thread (rq 3.0 with redis-py 8)."""
    for process in processes:
        process.send(signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.popen.wait(max(0.0, deadline - time.monotonic()))
    for process in processes:
        process.send(signal.SIGKILL)  # a work horse may outlive its worker by a moment
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.popen.wait(5)


def wait_for(what: str, condition: Callable[[], bool], timeout: float,
              processes: Sequence[Process] = ()) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for process in processes:
            process.check_alive()
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name}\n{p.tail()}" for p in processes)
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{logs}")
        time.sleep(0.1)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (http://127.0.0.1)
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Site:
    """What the tests reach: the two servers' base addresses, the seeded data, the database,
    Redis, the SMTP server and the workers."""

    servers: list[str]
    seed: dict[str, Any]
    database_url: str
    redis: Any
    smtp: SMTPRecorder
    app_servers: list[Process]
    workers: list[Process]

    def user(self, name: str) -> dict[str, Any]:
        return dict(self.seed["users"][name])

    def sql(self, query: str, params: tuple[Any, ...] | list[Any] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.database_url) as db:
            return db.execute(query, params).fetchall()  # type: ignore[arg-type]

    def columns(self, table: str) -> set[str]:
        return {name for (name,) in self.sql(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
            [table])}

    def wait_for(self, what: str, condition: Callable[[], bool], timeout: float = 45) -> None:
        wait_for(what, condition, timeout, [*self.app_servers, *self.workers])

    def jobs(self) -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, set[str]]]:
        """From the workers' logs: the jobs taken for each task call ("module.task(args)"),
        the workers that took each job, and the workers that finished each job."""
        calls: dict[str, set[str]] = defaultdict(set)
        taken_by: dict[str, set[str]] = defaultdict(set)
        done_by: dict[str, set[str]] = defaultdict(set)
        for worker in self.workers:
            for line in ANSI.sub("", worker.log.read_text(errors="replace")).splitlines():
                if done := DONE.search(line):
                    done_by[done[2]].add(done[1])
                elif taken := TAKEN.search(line):
                    calls[taken[2]].add(taken[3])
                    taken_by[taken[3]].add(taken[1])
        return calls, taken_by, done_by


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    database_url, redis_url = _services()
    import redis

    work = tmp_path_factory.mktemp("multiserver")
    with contextlib.ExitStack() as stack:
        own_database = stack.enter_context(_fresh_database(database_url))
        own_redis = _with_path(redis_url, f"/{REDIS_DB}")
        cache = redis.Redis.from_url(own_redis)
        cache.flushdb()
        stack.callback(cache.close)
        stack.callback(cache.flushdb)
        smtp, smtp_port = stack.enter_context(_smtp_server())
        ports = [_free_port(), _free_port()]
        servers = [f"http://127.0.0.1:{port}" for port in ports]
        (work / "media").mkdir()
        # One environment for every process, as on real app servers (docs/operations.md);
        # plain HTTP here, so cookies are not marked Secure.
        env = {name: value for name, value in os.environ.items()
               if not name.startswith(("DJANGO_", "PRAXIS_", "SECURE_", "EMAIL_"))
               and name not in {"SQLITE_PATH", "STATIC_ROOT", "MEDIA_ROOT", "DEBUG"}}
        env.update({
            "DJANGO_SETTINGS_MODULE": "praxis.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": servers[0],
            "DATABASE_URL": own_database,
            "REDIS_URL": own_redis,
            "SECURE_COOKIES": "false",
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_ROOT": str(work / "static"),
            "MEDIA_ROOT": str(work / "media"),  # shared by both servers, as NFS would be
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "10",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        })
        _run(["manage.py", "migrate", "--noinput"], env)
        _run(["manage.py", "collectstatic", "--noinput"], env)
        # The seed's own posts owe nothing to anyone yet: run their tasks at once.
        seed = json.loads(_run([str(SEED)], {**env, "PRAXIS_TASKS_BACKEND": "immediate"}))

        processes: list[Process] = []
        stack.callback(_stop, processes)

        def start(name: str, args: list[str]) -> Process:
            processes.append(_start(name, args, env, work))
            return processes[-1]

        app_servers = [
            start(f"gunicorn-{label}",
                  ["-m", "gunicorn", "praxis.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
                   "--graceful-timeout", "5", "--timeout", "60"])
            for label, port in zip("AB", ports, strict=True)
        ]
        workers = [start("worker-1", ["manage.py", "worker"]),
                   start("worker-2", ["manage.py", "worker", "--no-schedule"])]
        everything = [*app_servers, *workers]
        wait_for("both app servers to answer /healthz",
                 lambda: all(_answers(f"{server}/healthz") for server in servers),
                 BOOT_SECONDS, everything)
        wait_for("both workers to register with Redis",
                 lambda: cache.scard("rq:workers") == len(workers), BOOT_SECONDS, everything)
        yield Site(servers=servers, seed=seed, database_url=own_database, redis=cache,
                   smtp=smtp, app_servers=app_servers, workers=workers)
