"""A million posts: the main pages at 10k, 100k and 1M posts against the 100 ms budget.

    python -m bench million --posts 10000,100000,1000000   # make bench-million
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/praxis_bench make bench-million

For each size: a fresh database (SQLite: a new temporary file; PostgreSQL: praxis_bench
dropped and created again), migrated; the community generated from the seed
(``bench.scale.generator.build``: 10,000 members, one thread of 10 % of the posts, bulk
inserts); ANALYZE; then each page measured in-process, median of 30, anonymous and as a
member: a thread's first page, the large thread's first page, the community home, a search
for a common word and a topic page. Pages over the budget are followed by their slowest
queries and the plan of the slowest. A summary across the sizes ends the run.

Not in ``make bench``'s default list: a million posts take minutes to generate.
"""

import argparse
import os
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.scale import database
from bench.scale.generator import build
from bench.scale.pages import BUDGET_MS, ROUNDS, Result, measure_all, quiet_queries, report_slow

DEFAULT_SIZES = "10000,100000,1000000"
ROOT = Path(__file__).resolve().parent.parent


def _sizes(text: str) -> list[int]:
    sizes = [int(part.replace("_", "").replace(",", "")) for part in text.split(",") if part]
    if not sizes or min(sizes) < 100:
        raise argparse.ArgumentTypeError("sizes are numbers of posts, at least 100")
    return sizes


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench million", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=_sizes, default=_sizes(DEFAULT_SIZES),
                        help=f"numbers of posts, comma-separated (default {DEFAULT_SIZES})")
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=ROUNDS,
                        help="requests per page; the median is reported")
    parser.add_argument("--keep", action="store_true",
                        help="keep each size's SQLite file (they are deleted after use)")
    return parser.parse_args(list(argv))


def _summary(runs: list[tuple[int, float, list[Result]]], report: Callable[[str], None]
             ) -> None:
    report("")
    report(f"summary on {database.engine()}: median ms per page (* over the "
           f"{BUDGET_MS:.0f} ms budget)")
    header = f"{'page':<32} {'as':<9}" + "".join(f" {posts:>11,}" for posts, _, _ in runs)
    report(header)
    for index, first in enumerate(runs[0][2]):
        name = first.page.name.split(" (")[0] if "thread" in first.page.name \
            else first.page.name
        cells = ""
        for _, _, results in runs:
            result = results[index]
            cells += f" {result.ms:>10.1f}{'*' if not result.within_budget else ' '}"
        report(f"{name:<32} {first.page.who:<9}{cells}")
    report(f"{'generation, s':<42}" + "".join(f" {seconds:>10.0f} " for _, seconds, _ in runs))


def _code() -> str:
    """Which code is measured: the commit, and whether praxis/ has changes beside it."""
    try:
        def git(*args: str) -> str:
            return subprocess.run(["git", *args], capture_output=True, text=True,  # noqa: S603, S607
                                  check=True, timeout=10, cwd=ROOT).stdout.strip()

        changed = len(git("status", "--porcelain", "--", "praxis").splitlines())
        return f"praxis at {git('rev-parse', '--short', 'HEAD')}" + (
            f" with {changed} uncommitted file(s) under praxis/" if changed else "")
    except (OSError, subprocess.SubprocessError):
        return "praxis outside a git checkout"


def run(report: Callable[[str], None] = print, argv: Sequence[str] = ()) -> None:
    options = parse(argv)
    runs: list[tuple[int, float, list[Result]]] = []
    report(_code())
    with quiet_queries():
        for posts in options.posts:
            where = database.fresh(f"{posts}")
            report(f"\n== {database.engine()}: {posts:,} posts, {options.members:,} members, "
                   f"seed {options.seed} ({where}) ==")
            started = time.perf_counter()
            built = build(posts, options.seed, members=options.members, report=report)
            seconds = time.perf_counter() - started
            steps = ", ".join(f"{name} {spent:.1f}" for name, spent in built.steps.items())
            report(f"generated in {seconds:.1f} s ({steps}); {built.threads:,} threads, "
                   f"{built.reactions:,} reactions; large thread {built.big_thread.post_count:,}"
                   f" posts; {built.counters}")
            load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
            report(f"load average {load} (on {os.cpu_count()} CPUs): timings share the machine")
            results = measure_all(built, rounds=options.rounds, report=report)
            report_slow(results, report=report)
            runs.append((posts, seconds, results))
            if not options.keep:
                database.remove_sqlite_file()
    if len(runs) > 1:
        _summary(runs, report)


def _print(line: str) -> None:
    print(line, flush=True)  # progress shows as it happens, also into a file


def main(argv: Sequence[str]) -> None:
    run(_print, argv)
