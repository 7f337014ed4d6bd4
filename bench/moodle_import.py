"""Importing a Moodle course backup: posts per second and peak memory, side by side at the
base size and at 10 and 100 times it.

    python -m bench moodle_import                # make bench: 1x and 10x
    python -m bench moodle_import --scales 1,10,100   # make bench-import

Each size is written by ``praxis.demo.moodle_backup`` (a gzip'd tar as Moodle writes it) and
imported in a fresh Python process on a fresh SQLite database (or ``DATABASE_URL``), so
each process's peak memory is its own. The peak is read from the kernel (``VmHWM``) after it
is reset once Django is set up and migrated: what the import itself adds. Flat memory means
the 100x peak stays close to the 1x peak while the posts grow a hundredfold.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

DEFAULT_SCALES = "1,10"


def _peak_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak() -> bool:
    """Linux lets a process reset its own peak ("5" into clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def import_one(backup: str) -> None:
    """In the child process: migrate, import, print one JSON line."""
    from django.core.management import call_command
    from django.db import connection

    from praxis.communities.models import Community
    from praxis.interop.moodle.importer import import_source
    from praxis.interop.moodle.sources import open_source

    call_command("migrate", verbosity=0)
    community = Community.objects.create(name="Imported", slug="imported")
    connection.close()
    baseline = _rss_kib()
    reset = _reset_peak()
    started = time.perf_counter()
    with open_source(Path(backup)) as source:
        summary = import_source(source, community=community, actor=None)
    seconds = time.perf_counter() - started
    print(json.dumps({
        "posts": summary.counts.get("posts", 0), "reads": summary.counts.get("reads", 0),
        "log_entries": summary.counts.get("log_entries", 0),
        "files": summary.counts.get("files", 0), "seconds": seconds,
        "baseline_kib": baseline, "peak_kib": _peak_kib(), "peak_reset": reset,
    }))


def _scales(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def run(report: Callable[[str], None] = print, argv: Sequence[str] = ()) -> None:
    from praxis.demo.moodle_backup import BackupSpec, write_backup

    parser = argparse.ArgumentParser(prog="python -m bench moodle_import")
    parser.add_argument("--scales", type=_scales, default=_scales(DEFAULT_SCALES))
    options = parser.parse_args(list(argv))
    rows = []
    with tempfile.TemporaryDirectory(prefix="praxis-bench-import-") as folder:
        for scale in options.scales:
            backup = Path(folder) / f"course-x{scale}.mbz"
            write_backup(BackupSpec(scale=scale, version="4.1", seed=2015), backup)
            env = dict(os.environ, SQLITE_PATH=str(Path(folder) / f"x{scale}.sqlite3"))
            child = subprocess.run(  # noqa: S603 (our own interpreter and module)
                [sys.executable, "-m", "bench", "moodle_import_one", str(backup)],
                capture_output=True, text=True, env=env, check=True,
            )
            result = json.loads(child.stdout.strip().splitlines()[-1])
            result["scale"] = scale
            result["bytes"] = backup.stat().st_size
            rows.append(result)
            backup.unlink()
    base = rows[0]
    report("moodle import (tar.gz backup, fresh database each; peak = kernel high-water "
           "mark over the RSS before the import)")
    report(f"{'size':>6} {'backup MB':>10} {'posts':>8} {'reads':>8} {'posts/s':>9} "
           f"{'peak MB':>8} {'added MB':>9} {'posts x':>8} {'peak x':>7}")
    for row in rows:
        rate = row["posts"] / row["seconds"] if row["seconds"] else 0.0
        added = max(row["peak_kib"] - row["baseline_kib"], 0) / 1024
        report(f"{row['scale']:>5}x {row['bytes'] / 1e6:>10.1f} {row['posts']:>8} "
               f"{row['reads']:>8} {rate:>9.0f} {row['peak_kib'] / 1024:>8.0f} "
               f"{added:>9.1f} {row['posts'] / max(base['posts'], 1):>8.1f} "
               f"{row['peak_kib'] / max(base['peak_kib'], 1):>7.2f}")
