"""The thread page beside a peer forum: `make bench-peer` (``python -m bench peer``).

Praxis and Spirit (https://pypi.org/project/django-spirit/, a Django forum) serve the same
1,000-post thread, each from its own SQLite file through gunicorn with 2 sync workers, and
are measured in one run, side by side, their rounds interleaved so both share the machine's
noise. Spirit is installed by this benchmark into its own venv under ``.bench-peer/`` (git
ignores it): it is never a dependency of Praxis.

- pages/s: anonymous requests for the thread's first page, a fixed number from a few client
  threads, in alternating rounds (the spread of the per-round ratios shows the noise);
- first load: what a first visit transfers, the page plus every stylesheet, script, image,
  icon and web font it references (fonts: the first format of each ``@font-face``, as a
  browser picks woff2; a stylesheet's background pictures are left out, as a browser fetches
  them only for elements on the page), each fetched with ``Accept-Encoding: gzip, br`` and
  counted as sent (compressed body bytes);
- posts per page, and posts/s = pages/s x posts per page.

Both are served as in production: Praxis with its production settings (DEBUG off, WhiteNoise
static files, GZipMiddleware); Spirit with its production template, the same SQLite pragmas,
WhiteNoise and GZipMiddleware (bench/peer_spirit_settings.py).
"""

import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path
from types import FrameType
from urllib.parse import urljoin, urlsplit

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".bench-peer"
PEER_VENV = CACHE / "venv"
PEER_PACKAGE = "django-spirit"
PEER_RELEASE = "0.14.3"  # the newest release, on Django 5.2 as Praxis
# Served by the same gunicorn, and its static files by the same WhiteNoise and Brotli, as
# Praxis's: the versions in Praxis's venv.
SHARED_PACKAGES = ("gunicorn", "whitenoise", "brotli")

WORKERS = 2
CLIENTS = int(os.environ.get("PEER_CLIENTS", "4"))
ROUNDS = int(os.environ.get("PEER_ROUNDS", "20"))
REQUESTS_PER_ROUND = int(os.environ.get("PEER_REQUESTS", "20"))
ACCEPT_ENCODING = "gzip, br"
SERVER_START_SECONDS = 90

# Production settings; the key only has to pass Praxis's own check.
PRAXIS_SECRET_KEY = "bench-peer-praxis-" + "Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7Qr9St1Uv3Wx5Yz7"


@dataclass
class Site:
    name: str
    port: int
    path: str = ""  # the thread's first page
    posts: re.Pattern[str] = re.compile("")  # one match per post shown on a page
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path or self.path}"


# HTTP ------------------------------------------------------------------------------------------

@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes  # as sent

    def text(self) -> str:
        encoding = self.headers.get("content-encoding", "")
        body = self.body
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli  # a dependency of Praxis (WhiteNoise's Brotli files)

            body = brotli.decompress(body)
        return body.decode("utf-8", errors="replace")


def fetch(url: str, accept_encoding: str = ACCEPT_ENCODING) -> Response:
    """One GET on a fresh connection, as an anonymous browser sends it."""
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1" and parts.port, url  # only our own servers
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", target, headers={"Accept-Encoding": accept_encoding,
                                                   "Accept": "text/html,*/*"})
        response = connection.getresponse()
        body = response.read()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Response(response.status, headers, body)
    finally:
        connection.close()


# First load --------------------------------------------------------------------------------

_FONT_FACE = re.compile(r"@font-face\s*{([^}]*)}", re.IGNORECASE)
_FONT_SRC = re.compile(r"src\s*:([^;}]*)", re.IGNORECASE)
_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)(\s*format\(\s*['"]?([\w-]+))?""")
_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?['"]?([^'")\s;]+)""", re.IGNORECASE)
_FETCHED_RELS = {"stylesheet", "icon", "shortcut", "preload", "modulepreload",
                 "apple-touch-icon"}


class _Assets(HTMLParser):
    """What a browser fetches on its own while loading a page: (kind, url) in order."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and values.get("href"):
            rels = set(values.get("rel", "").lower().split())
            if rels & _FETCHED_RELS:
                kind = "css" if "stylesheet" in rels else _kind(values["href"])
                self.found.append((kind, values["href"]))
        elif tag == "script" and values.get("src"):
            self.found.append(("js", values["src"]))
        elif tag in ("img", "input") and values.get("src") and (
                tag == "img" or values.get("type") == "image"):
            self.found.append(("image", values["src"]))
        elif tag == "img" and values.get("srcset"):
            self.found.append(("image", values["srcset"].split(",")[0].split()[0]))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def _kind(url: str) -> str:
    extension = urlsplit(url).path.rsplit(".", 1)[-1].lower()
    if extension in ("woff2", "woff", "ttf", "otf", "eot"):
        return "font"
    if extension in ("css",):
        return "css"
    if extension in ("js", "mjs"):
        return "js"
    return "image"


def css_fetches(css: str) -> list[tuple[str, str]]:
    """What a stylesheet makes a browser fetch whatever the page: its imports, and for each
    web font the first source in a format a browser reads (woff2 before woff)."""
    found = [("css", url) for url in _IMPORT.findall(css)]
    for face in _FONT_FACE.findall(css):
        sources = _FONT_SRC.findall(face)
        if not sources:
            continue
        candidates = _URL.findall(sources[-1])  # the last src wins
        usable = [url for url, _, form in candidates
                  if form.lower() not in ("embedded-opentype", "svg")
                  and not url.lower().split("?")[0].endswith((".eot", ".svg"))]
        if usable:
            found.append(("font", usable[0]))
    return found


@dataclass
class FirstLoad:
    html: Response
    bytes_by_kind: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.bytes_by_kind.values())


def first_load(site: Site) -> FirstLoad:
    page_url = site.url()
    page = fetch(page_url)
    assert page.status == 200, (site.name, page.status)
    load = FirstLoad(page, {"html": len(page.body)})
    parser = _Assets()
    parser.feed(page.text())
    queue = [(kind, urljoin(page_url, url)) for kind, url in parser.found]
    queue += [(kind, urljoin(page_url, url))
              for style in parser.styles for kind, url in css_fetches(style)]
    seen = {page_url}
    while queue:
        kind, url = queue.pop(0)
        if url in seen or url.startswith("data:"):
            continue
        seen.add(url)
        if urlsplit(url).netloc != urlsplit(page_url).netloc:
            load.external.append(url)  # never fetched: no request leaves this machine
            continue
        response = fetch(url)
        if response.status != 200:
            load.failed.append(f"{response.status} {url}")
            continue
        load.files.append(url)
        load.bytes_by_kind[kind] = load.bytes_by_kind.get(kind, 0) + len(response.body)
        if kind == "css":
            queue += [(found_kind, urljoin(url, found_url))
                      for found_kind, found_url in css_fetches(response.text())]
    return load


# Throughput --------------------------------------------------------------------------------

def hammer(site: Site, requests: int) -> tuple[float, int]:
    """Seconds to serve ``requests`` first pages to CLIENTS threads, and the failures."""
    url = site.url()

    def one(_: int) -> bool:
        try:
            return fetch(url).status == 200
        except OSError:
            return False

    start = time.perf_counter()
    pool = ThreadPoolExecutor(max_workers=CLIENTS)
    try:
        results = list(pool.map(one, range(requests)))
    finally:  # stopped (Ctrl-C, SIGTERM): no request left to send
        pool.shutdown(cancel_futures=True)
    return time.perf_counter() - start, results.count(False)


# Setting up ------------------------------------------------------------------------------------

def _run(command: list[str], *, env: dict[str, str] | None = None,
         cwd: Path = REPO) -> str:
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True,  # noqa: S603
                            check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n"
                           f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def peer_requirements() -> list[str]:
    return [f"{PEER_PACKAGE}=={PEER_RELEASE}",
            *(f"{name}=={version(name)}" for name in SHARED_PACKAGES)]


def peer_venv(report: Callable[[str], None]) -> str:
    """Spirit's own venv (made once, again when the requirements change); its version."""
    stamp = PEER_VENV / ".installed"
    requirements = peer_requirements()
    wanted = "\n".join(requirements)
    if not stamp.exists() or stamp.read_text() != wanted:
        report(f"installing {', '.join(requirements)} into {PEER_VENV.relative_to(REPO)}")
        shutil.rmtree(PEER_VENV, ignore_errors=True)
        shutil.rmtree(CACHE / "spirit" / "static", ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(PEER_VENV)])
        _run([str(PEER_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
              "--disable-pip-version-check", *requirements])
        stamp.write_text(wanted)
    return _run([str(PEER_VENV / "bin" / "python"), "-c",
                 f"from importlib.metadata import version; print(version({PEER_PACKAGE!r}))"]
                ).strip()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _clean_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "SQLITE_PATH",
                 "PRAXIS_TASKS_BACKEND", "PYTHONPATH"):
        env.pop(name, None)
    return env


def praxis_env(port: int) -> dict[str, str]:
    data = CACHE / "praxis"
    return {**_clean_env(), "DEBUG": "false", "SECRET_KEY": PRAXIS_SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1", "SITE_URL": f"http://127.0.0.1:{port}",
            "SQLITE_PATH": str(data / "praxis.sqlite3"), "STATIC_ROOT": str(data / "static"),
            "MEDIA_ROOT": str(data / "media"), "DJANGO_SETTINGS_MODULE": "praxis.settings",
            "LOG_LEVEL": "WARNING"}


def spirit_env(port: int) -> dict[str, str]:
    return {**_clean_env(), "PYTHONPATH": str(REPO / "bench"),
            "DJANGO_SETTINGS_MODULE": "peer_spirit_settings",
            "PEER_SPIRIT_DIR": str(CACHE / "spirit"), "PEER_SITE_URL": f"http://127.0.0.1:{port}/"}


def build(praxis: Site, spirit: Site) -> None:
    """Both databases from scratch, with the same thread; both sites' static files."""
    for data in (CACHE / "praxis", CACHE / "spirit"):
        data.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(data / "search", ignore_errors=True)  # Spirit's search index
        for old in data.glob("*.sqlite3*"):
            old.unlink()
    spec = CACHE / "thread.json"
    praxis.path = _run([sys.executable, "-m", "bench.peer_praxis", str(spec)],
                       env=praxis_env(praxis.port)).strip().splitlines()[-1]
    peer_python = str(PEER_VENV / "bin" / "python")
    spirit.path = _run([peer_python, str(REPO / "bench" / "peer_spirit.py"), str(spec)],
                       env=spirit_env(spirit.port)).strip().splitlines()[-1]
    if not (CACHE / "spirit" / "static" / "staticfiles.json").exists():  # 4,000 files: once
        _run([peer_python, "-m", "django", "collectstatic", "--noinput", "--verbosity=0"],
             env=spirit_env(spirit.port))


def _gunicorn(site: Site, command: list[str], env: dict[str, str], cwd: Path) -> None:
    site.log = CACHE / f"{site.name.lower()}-gunicorn.log"
    options = ["--workers", str(WORKERS), "--worker-class", "sync",
               "--bind", f"127.0.0.1:{site.port}", "--timeout", "120"]
    # Newer gunicorns open a control socket at one path per user: two servers would share it.
    if "--no-control-socket" in _run([command[0], "--help"]):
        options.append("--no-control-socket")
    with site.log.open("wb") as log:
        site.process = subprocess.Popen(  # noqa: S603
            [*command, *options],
            env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _wait_until_served(site: Site) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        assert site.process is not None
        if site.process.poll() is not None:
            break
        with suppress(OSError):
            if fetch(site.url()).status == 200:
                return
        time.sleep(0.3)
    log = site.log.read_text(errors="replace")[-3000:] if site.log else ""
    raise RuntimeError(f"{site.name} did not serve {site.url()}:\n{log}")


def _stop(site: Site) -> None:
    process = site.process
    if process is None or process.poll() is not None:
        return
    process.terminate()  # gunicorn's master stops its workers
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # its own session: master and workers
        process.wait(timeout=10)


@contextmanager
def served(praxis: Site, spirit: Site) -> Iterator[None]:
    """Both servers, stopped on the way out, whatever happens (SIGTERM included)."""

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        _gunicorn(praxis, [str(Path(sys.executable).parent / "gunicorn"), "praxis.wsgi"],
                  praxis_env(praxis.port), REPO)
        _gunicorn(spirit, [str(PEER_VENV / "bin" / "gunicorn"),
                           "django.core.wsgi:get_wsgi_application()"],
                  spirit_env(spirit.port), REPO / "bench")
        _wait_until_served(praxis)
        _wait_until_served(spirit)
        yield
    finally:
        _stop(praxis)
        _stop(spirit)
        signal.signal(signal.SIGTERM, previous)


# The benchmark ---------------------------------------------------------------------------------

def run(report: Callable[[str], None]) -> None:
    CACHE.mkdir(exist_ok=True)
    peer_version = peer_venv(report)
    praxis = Site("Praxis", _free_port(), posts=re.compile(r'<article\b[^>]*\bid="post-\d+"'))
    spirit = Site("Spirit", _free_port(), posts=re.compile(r'<div\b[^>]*\bid="c\d+"'))
    sites = (praxis, spirit)
    build(praxis, spirit)
    with served(praxis, spirit):
        loads = {site.name: first_load(site) for site in sites}
        per_page = {site.name: len(site.posts.findall(loads[site.name].html.text()))
                    for site in sites}
        for site in sites:  # both workers of each warm their templates and caches
            hammer(site, 4 * CLIENTS)
        seconds = {site.name: 0.0 for site in sites}
        failures = {site.name: 0 for site in sites}
        round_ratios = []
        for n in range(ROUNDS):
            took = {}
            for site in sites if n % 2 == 0 else reversed(sites):
                took[site.name], failed = hammer(site, REQUESTS_PER_ROUND)
                seconds[site.name] += took[site.name]
                failures[site.name] += failed
            round_ratios.append(took["Spirit"] / took["Praxis"])

    total = ROUNDS * REQUESTS_PER_ROUND
    pages = {name: (total - failures[name]) / seconds[name] for name in seconds}
    posts = {name: pages[name] * per_page[name] for name in pages}

    def row(label: str, values: dict[str, float], shown: Callable[[float], str],
            note: str = "") -> None:
        ratio = f"{values['Praxis'] / values['Spirit']:.2f}" if values["Spirit"] else "-"
        report(f"{label:<26} {shown(values['Praxis']):>9} {shown(values['Spirit']):>9} "
               f"{ratio:>7}{note}")

    def kb(size: float) -> str:
        return f"{size / 1024:.1f}"

    report(f"thread page beside a peer forum: Spirit {peer_version} ({PEER_PACKAGE}), the same "
           f"1,000-post thread, anonymous, first page")
    report(f"  gunicorn {WORKERS} sync workers each, SQLite; {total} requests each from "
           f"{CLIENTS} client threads, in {ROUNDS} interleaved rounds")
    report(f"{'':<26} {'Praxis':>9} {'Spirit':>9} {'ratio':>7}")
    row("pages/s", pages, lambda value: f"{value:.1f}",
        f"  rounds: median {statistics.median(round_ratios):.2f}, "
        f"{min(round_ratios):.2f}-{max(round_ratios):.2f}")
    row("posts per page", {name: float(n) for name, n in per_page.items()},
        lambda value: f"{value:.0f}")
    row("posts/s", posts, lambda value: f"{value:.0f}")
    row("first load KB (gzip, br)", {name: load.total for name, load in loads.items()}, kb)
    for kind in ("html", "css", "js", "font", "image"):
        sizes = {name: float(load.bytes_by_kind.get(kind, 0)) for name, load in loads.items()}
        if any(sizes.values()):
            row(f"  {kind}", sizes, kb)
    row("  html uncompressed",
        {name: float(len(load.html.text().encode())) for name, load in loads.items()}, kb)
    report(f"  files in a first load: Praxis {len(loads['Praxis'].files) + 1}, Spirit "
           f"{len(loads['Spirit'].files) + 1}, the page included")
    for name, load in loads.items():
        if load.external:
            report(f"  {name} references {len(load.external)} file(s) on other hosts, not "
                   f"fetched: {', '.join(load.external[:3])}")
        if load.failed:
            report(f"  {name}: {len(load.failed)} reference(s) failed: "
                   f"{', '.join(load.failed[:3])}")
    for name, failed in failures.items():
        if failed:
            report(f"  {name}: {failed} of {total} requests failed")
