"""The pages measured on the generated community, and the queries that make a page slow.

Each page: median server time of 30 requests in-process (``bench.measure``), its bytes
gzip-compressed, its SQL queries, against the 100 ms budget. Then one more request with
every query recorded: each SELECT is run again on its own (execute and fetch, best of 3) to
time it, and for pages over half the budget the slowest ones are shown with their plan
(SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN ANALYZE) and a cProfile summary.
"""

import cProfile
import os
import pstats
import re
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from django.db import connection
from django.test import Client
from django.urls import reverse

from bench.measure import measure
from bench.scale.generator import Built
from bench.scale.words import COMMON_WORD

BUDGET_MS = 100.0
# Pages from this share of the budget are shown with their slowest queries and plan.
NEAR_BUDGET = 0.5
ROUNDS = 30
# A page slower than this is measured fewer times (its median says enough).
SLOW_PROBE_MS = 3000.0
SLOW_ROUNDS = 5
SQL_SHOWN = 600
PLAN_LINES = 60
# Details of PostgreSQL plans left out to keep them short.
_PLAN_NOISE = ("Cache Key:", "Cache Mode:", "Hits:", "Planning:", "Sort Method:",
               "Full-sort Groups:", "Presorted Key:")

# Three or more selected columns in a row ("t"."a", "t"."b", ...): only the first is shown.
_COLUMN_LIST = re.compile(r'("\w+"\."\w+"(?: AS "\w+")?)(?:, "\w+"\."\w+"(?: AS "\w+")?){2,}')
# The slowest query of a page over the budget is shown up to this length.
SQL_SHOWN_SLOWEST = 4000

_addresses = count(1)


@dataclass
class Page:
    name: str
    url: str
    who: str  # "anonymous" or "member"


@dataclass
class TimedQuery:
    ms: float
    sql: str
    params: Any
    many: bool = False

    @property
    def is_select(self) -> bool:
        return not self.many and self.sql.lstrip(" \n(").upper().startswith(("SELECT", "WITH"))

    def short(self, limit: int = SQL_SHOWN) -> str:
        """The SQL on one line, long lists of selected columns cut to their first one."""
        sql = _COLUMN_LIST.sub(r"\1, …", " ".join(self.sql.split()))
        return sql if len(sql) <= limit else sql[:limit] + " …"


@dataclass
class Result:
    page: Page
    posts: int
    ms: float
    size: int
    queries: int
    rounds: int
    profile: list[TimedQuery] = field(default_factory=list)  # slowest first
    python: list[str] = field(default_factory=list)  # from half the budget: Python's time

    @property
    def within_budget(self) -> bool:
        return self.ms < BUDGET_MS

    @property
    def query_ms(self) -> float:
        return sum(query.ms for query in self.profile)


def pages(built: Built) -> list[Page]:
    slug = built.community.slug
    thread_url = reverse("discussions:thread", args=[slug, built.thread.pk])
    big_url = reverse("discussions:thread", args=[slug, built.big_thread.pk])
    home = reverse("communities:detail", args=[slug])
    search = reverse("discussions:search") + f"?q={COMMON_WORD}"
    topic = reverse("topics:detail", args=[slug, built.topic.slug])
    thread_name = f"thread p.1 ({built.thread.post_count:,} posts)"
    big_name = f"big thread p.1 ({built.big_thread.post_count:,})"
    return [
        Page(thread_name, thread_url, "anonymous"),
        Page(thread_name, thread_url, "member"),
        Page(big_name, big_url, "anonymous"),
        Page(big_name, big_url, "member"),
        Page("community home", home, "anonymous"),
        Page("community home", home, "member"),
        Page(f"search '{COMMON_WORD}'", search, "anonymous"),
        Page(f"search '{COMMON_WORD}'", search, "member"),
        Page("topic page (staff room)", topic, "anonymous"),
        Page("topic page (staff room)", topic, "member"),
    ]


def _client(built: Built, who: str) -> Client:
    # Each page from its own address: 30 searches stay within the limit per address.
    number = next(_addresses)
    client = Client(REMOTE_ADDR=f"10.{number // 65536 % 256}.{number // 256 % 256}."
                                f"{number % 256}")
    if who == "member":
        client.force_login(built.reader)
    return client


class _Recorder:
    def __init__(self) -> None:
        self.queries: list[TimedQuery] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool,
                 context: dict[str, Any]) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(TimedQuery((time.perf_counter() - start) * 1000, sql, params,
                                           many))


def _run_alone(query: TimedQuery) -> float:
    """The query's time on its own, rows fetched: best of three."""
    best = float("inf")
    for _ in range(3):
        with connection.cursor() as cursor:
            start = time.perf_counter()
            cursor.execute(query.sql, query.params)
            cursor.fetchall()
            best = min(best, (time.perf_counter() - start) * 1000)
    return best


def profile(client: Client, url: str) -> list[TimedQuery]:
    """The page's queries, slowest first; SELECTs timed again on their own."""
    recorder = _Recorder()
    with connection.execute_wrapper(recorder):
        client.get(url)
    for query in recorder.queries:
        if query.is_select:
            query.ms = _run_alone(query)
    return sorted(recorder.queries, key=lambda query: -query.ms)


def python_profile(client: Client, url: str, shown: int = 8) -> list[str]:
    """Where a page's Python time goes, under cProfile (which slows it about twofold): the
    whole request, template rendering, SQL, then the project's functions by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    stats: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = templates = sql = 0.0
    ours = []
    for (filename, line, name), (_calls, _all, _own, cumulative, _callers) in stats.items():
        ms = cumulative * 1000
        if filename.endswith("django/test/client.py") and name == "request":
            total = max(total, ms)
        elif filename.endswith("django/template/base.py") and name == "render":
            templates = max(templates, ms)
        elif filename.endswith("django/db/models/sql/compiler.py") and name == "execute_sql":
            sql = max(sql, ms)
        if f"{os.sep}praxis{os.sep}" in filename and "site-packages" not in filename:
            where = filename[filename.rindex(f"{os.sep}praxis{os.sep}") + 1:]
            ours.append((ms, f"{where}:{line} {name}"))
    lines = [f"under cProfile: request {total:.0f} ms, templates {templates:.0f} ms, "
             f"ORM queries {sql:.0f} ms"]
    # Middleware, decorators and the view itself hold nearly all of it: left out.
    inner = [(ms, where) for ms, where in ours if ms < 0.9 * total]
    lines += [f"{ms:8.1f} ms  {where}" for ms, where in sorted(inner, reverse=True)[:shown]]
    return lines


def plan(query: TimedQuery) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query.sql, query.params)
            lines = [row[0] for row in cursor.fetchall()
                     if not row[0].strip().startswith(_PLAN_NOISE)]
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + query.sql, query.params)
            rows = cursor.fetchall()
            depth: dict[int, int] = {0: 0}
            lines = []
            for node, parent, _unused, detail in rows:
                depth[node] = depth.get(parent, 0) + 1
                lines.append("  " * (depth[node] - 1) + str(detail))
    if len(lines) > PLAN_LINES:
        lines = [*lines[:PLAN_LINES], f"… {len(lines) - PLAN_LINES} more lines"]
    return lines


def measure_page(built: Built, page: Page, rounds: int = ROUNDS) -> Result:
    client = _client(built, page.who)
    start = time.perf_counter()
    response = client.get(page.url)
    probe = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (page.url, page.who, response.status_code)
    if probe > SLOW_PROBE_MS:
        rounds = min(rounds, SLOW_ROUNDS)
    ms, size, queries = measure(client, page.url, rounds=rounds)
    result = Result(page=page, posts=built.scale.posts, ms=ms, size=size, queries=queries,
                    rounds=rounds, profile=profile(client, page.url))
    if result.ms >= NEAR_BUDGET * BUDGET_MS:
        result.python = python_profile(client, page.url)
    return result


def measure_all(built: Built, rounds: int = ROUNDS,
                report: Callable[[str], None] = print) -> list[Result]:
    results = []
    report(f"{'page':<32} {'as':<9} {'posts':>9} {'median ms':>9} {'queries':>7} "
           f"{'gzip bytes':>10}  {'< 100 ms':<8} slowest query")
    for page in pages(built):
        result = measure_page(built, page, rounds)
        results.append(result)
        slowest = result.profile[0].ms if result.profile else 0.0
        note = "" if result.rounds == rounds else f" (median of {result.rounds})"
        report(f"{page.name:<32} {page.who:<9} {result.posts:>9,} {result.ms:>9.1f} "
               f"{result.queries:>7} {result.size:>10}  "
               f"{'yes' if result.within_budget else 'NO':<8} {slowest:.1f} ms{note}")
    return results


def report_slow(results: list[Result], report: Callable[[str], None] = print,
                shown: int = 3) -> None:
    """For each page over half the budget: its slowest queries, the slowest with its plan,
    and where its Python time goes."""
    over = sum(not result.within_budget for result in results)
    report("every page within the 100 ms budget" if not over
           else f"{over} page(s) over the 100 ms budget")
    slow = [result for result in results if result.ms >= NEAR_BUDGET * BUDGET_MS]
    if not slow:
        return
    report(f"pages over {NEAR_BUDGET:.0%} of the budget: the queries that dominate (each "
           f"SELECT run alone)")
    explained: set[str] = set()
    for result in slow:
        report(f"- {result.page.name} as {result.page.who}: {result.ms:.0f} ms, "
               f"{result.queries} queries taking {result.query_ms:.0f} ms together")
        for rank, query in enumerate(result.profile[:shown]):
            whole = rank == 0 and not result.within_budget
            report(f"    {query.ms:8.1f} ms  "
                   f"{query.short(SQL_SHOWN_SLOWEST if whole else SQL_SHOWN)}")
        if result.python:
            report(f"      {result.python[0]}; the project's functions:")
            for line in result.python[1:]:
                report(f"      {line}")
        top = result.profile[0] if result.profile else None
        if top is not None and top.is_select and top.sql not in explained:
            explained.add(top.sql)
            report("      plan of the slowest:")
            for line in plan(top):
                report(f"        {line}")


@contextmanager
def quiet_queries() -> Iterator[None]:
    """No query log while timing (as in production: DEBUG off)."""
    from django.test.utils import override_settings

    with override_settings(DEBUG=False), warnings.catch_warnings():
        # WhiteNoise's note that there is no collected static directory: not served here.
        warnings.filterwarnings("ignore", message="No directory at")
        yield
