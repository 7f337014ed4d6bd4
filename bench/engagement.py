"""The engagement report at scale: its parts over four windows against the 2 s budget.

    python -m bench engagement                       # 10,000 posts (part of make bench)
    python -m bench engagement --posts 10000,1000000 # make bench-engagement: 1,000,000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/praxis_bench make bench-engagement

For each size: a fresh database, migrated, the community generated from the seed
(``bench.scale.generator.build``: 10,000 members, the posts with their word counts, about
two visit days per post, resource reads), ANALYZE; every month that is over settled (timed,
as ``manage.py settle_engagement`` does at night); then, for the last week, the last three
months, the last year and everything, each part computed in-process, median of a few
rounds (after one to warm the caches): the engagement report, its table with groups, top
10, leaders against participants and totals, what the page, the exports and
``engagement_report`` give (``table``: the budget's "engagement report"); the same table
read from the rows alone, for comparison (``rows``); posts, readers and active members per
week (``weekly``); participation per topic (``topics``); the reply network (``network``);
the steward's report to leadership, all of it (``report``); and ``activity``, the sum of the
three the activity page asks for. Each as ms and as a ratio to the budget (DESIGN.md:
"engagement report over any window < 2 s"). A part over half the budget is followed by its
slowest queries and the plan of the slowest.
"""

import argparse
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from bench.million import _code, _sizes
from bench.scale import database
from bench.scale.generator import SLUG, Built, Scale, build
from bench.scale.pages import _Recorder, _run_alone, plan, quiet_queries

BUDGET_MS = 2000.0
NEAR_BUDGET = 0.5
ROUNDS = 5
DEFAULT_SIZES = "10000"
TOP = 10


@dataclass
class Timing:
    window: str
    part: str
    ms: float
    queries: int
    rows: int  # what it returned: members, weeks, topics or network nodes

    @property
    def ratio(self) -> float:
        return self.ms / BUDGET_MS


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench engagement", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=_sizes, default=_sizes(DEFAULT_SIZES),
                        help=f"numbers of posts, comma-separated (default {DEFAULT_SIZES})")
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=ROUNDS,
                        help="runs of each part; the median is reported")
    parser.add_argument("--keep", action="store_true",
                        help="keep each size's SQLite file (they are deleted after use)")
    parser.add_argument("--reuse", default="",
                        help="measure again the community generated before, without "
                             "generating: the kept SQLite file, or 'postgres' for the "
                             "database of DATABASE_URL")
    return parser.parse_args(list(argv))


def windows(built: Built, today: date) -> list[tuple[str, date, date]]:
    first = built.community.created_at.date()
    return [("last week", today - timedelta(days=6), today),
            ("last 3 months", today - timedelta(days=91), today),
            ("last year", today - timedelta(days=364), today),
            ("everything", first, today)]


def parts() -> dict[str, Callable[..., int]]:
    from praxis.analytics import activity, engagement

    def table(scope: engagement.Scope) -> int:
        rows = engagement.engagement_table(scope)
        engagement.group_shares(rows)
        engagement.top_by_posts(rows, TOP)
        engagement.compare_roles(rows)
        engagement.totals(rows)
        return len(rows)

    def from_rows(scope: engagement.Scope) -> int:
        return len(engagement.engagement_table(scope, use_settled=False))

    def steward_report(scope: engagement.Scope) -> int:
        from praxis.access.reports import quotable_stories
        from praxis.analytics.report import build_report

        made = build_report(scope.community, scope.start, scope.end,
                            quotable=quotable_stories())
        return len(made.weeks)

    return {
        "table": table,
        "rows": from_rows,  # the same table without the settled months: what they save
        "weekly": lambda scope: len(activity.weekly_activity(scope)),
        "topics": lambda scope: len(activity.topic_participation(scope)),
        "network": lambda scope: len(activity.reply_network(scope).nodes),
        "report": steward_report,
    }


# The activity page asks for these three.
ACTIVITY_PAGE = ("weekly", "topics", "network")


def _time(run: Callable[[], int], rounds: int) -> tuple[float, int, int]:
    recorder = _Recorder()
    with connection.execute_wrapper(recorder):
        rows = run()  # warms the caches; counts the queries
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), len(recorder.queries), rows


def _slowest(run: Callable[[], int], report: Callable[[str], None], shown: int = 3) -> None:
    recorder = _Recorder()
    with connection.execute_wrapper(recorder):
        run()
    for query in recorder.queries:
        if query.is_select:
            query.ms = _run_alone(query)
    slowest = sorted(recorder.queries, key=lambda query: -query.ms)
    for query in slowest[:shown]:
        report(f"      {query.ms:8.1f} ms  {query.short()}")
    if slowest:
        report("      plan of the slowest:")
        for line in plan(slowest[0]):
            report(f"        {line}")


def settle(built: Built, report: Callable[[str], None]) -> None:
    """Settles every month that is over, as ``manage.py settle_engagement`` does at night."""
    from praxis.analytics.engagement import settle_history
    from praxis.analytics.models import MemberMonth, MemberMonthTopic, MonthReply

    started = time.perf_counter()
    settled = settle_history(built.community, again=True)
    seconds = time.perf_counter() - started
    report(f"settled {len(settled)} months in {seconds:.1f} s: "
           f"{MemberMonth.objects.count():,} person-months, "
           f"{MemberMonthTopic.objects.count():,} person-topic-months, "
           f"{MonthReply.objects.count():,} reply pairs by month kept")


def measure(built: Built, rounds: int, report: Callable[[str], None]) -> list[Timing]:
    from praxis.analytics.engagement import Scope

    settle(built, report)
    timings = []
    today = timezone.now().date()
    for window, start, end in windows(built, today):
        scope = Scope(community=built.community, start=start, end=end)
        total = 0.0
        for part, compute in parts().items():
            ms, queries, rows = _time(partial(compute, scope), rounds)
            timing = Timing(window, part, ms, queries, rows)
            timings.append(timing)
            if part in ACTIVITY_PAGE:
                total += ms
            report(f"  {window:<14} {part:<8} {ms:9.1f} ms  {timing.ratio:5.2f} of 2 s  "
                   f"{queries:>2} queries  {rows:>6,} rows")
            if timing.ratio > NEAR_BUDGET:
                _slowest(partial(compute, scope), report)
        timing = Timing(window, "activity", total, 0, 0)
        timings.append(timing)
        report(f"  {window:<14} {'activity':<8} {total:9.1f} ms  {timing.ratio:5.2f} of 2 s"
               f"{'  * over budget' if timing.ratio > 1 else ''}")
    return timings


def _summary(runs: list[tuple[int, list[Timing]]], report: Callable[[str], None]) -> None:
    report("")
    report(f"summary on {database.engine()}: median ms (ratio to the 2 s budget; * over it)")
    report(f"{'window':<14} {'part':<8}" + "".join(f" {posts:>17,}" for posts, _ in runs))
    for index, first in enumerate(runs[0][1]):
        cells = ""
        for _, timings in runs:
            timing = timings[index]
            cells += f" {timing.ms:>9.1f} ({timing.ratio:4.2f}){'*' if timing.ratio > 1 else ' '}"
        report(f"{first.window:<14} {first.part:<8}{cells}")


def run(report: Callable[[str], None] = print, argv: Sequence[str] = ()) -> None:
    options = parse(argv)
    runs: list[tuple[int, list[Timing]]] = []
    report(_code())
    # Back to the database `make bench` gave the others afterwards (SQLite: a file each).
    name = connection.settings_dict["NAME"]
    try:
        _sizes_run(options, runs, report)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
    _summary(runs, report)


def _sizes_run(options: argparse.Namespace, runs: list[tuple[int, list[Timing]]],
               report: Callable[[str], None]) -> None:
    if options.reuse:
        with quiet_queries():
            _reuse(options, runs, report)
        return
    with quiet_queries():
        for posts in options.posts:
            where = database.fresh(f"engagement-{posts}")
            report(f"\n== engagement report on {database.engine()}: {posts:,} posts, "
                   f"{options.members:,} members, seed {options.seed} ({where}) ==")
            started = time.perf_counter()
            built = build(posts, options.seed, members=options.members, report=report)
            seconds = time.perf_counter() - started
            report(f"generated in {seconds:.1f} s; {built.threads:,} threads, "
                   f"{built.visit_days:,} visit days, {built.resource_reads:,} resource reads")
            load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
            report(f"load average {load} (on {os.cpu_count()} CPUs): timings share the machine")
            built.community.refresh_from_db()
            runs.append((posts, measure(built, options.rounds, report)))
            if not options.keep:
                database.remove_sqlite_file()


def _reuse(options: argparse.Namespace, runs: list[tuple[int, list[Timing]]],
           report: Callable[[str], None]) -> None:
    """Measures the community a run with --keep left (or PostgreSQL's), as it is."""
    from django.db import connections

    from praxis.communities.models import Community
    from praxis.discussions.models import Post

    if connection.vendor == "sqlite":
        connections.close_all()
        connection.settings_dict["NAME"] = options.reuse
    call_command("migrate", verbosity=0)  # tables added since it was generated
    community = Community.objects.get(slug=SLUG)
    posts = Post.objects.filter(thread__community=community).count()
    report(f"\n== engagement report on {database.engine()}: the {posts:,} posts kept "
           f"({options.reuse}) ==")
    built = Built(scale=Scale(posts=posts), community=community, reader=None,  # type: ignore[arg-type]
                  big_thread=None, thread=None, topic=None,  # type: ignore[arg-type]
                  threads=0, reactions=0, counters="")
    runs.append((posts, measure(built, options.rounds, report)))


def main(argv: Sequence[str]) -> None:
    def flushed(line: str) -> None:
        print(line, flush=True)

    run(flushed, argv)
