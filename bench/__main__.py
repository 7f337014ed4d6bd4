"""Praxis benchmarks: `make bench`. Prints ratios measured side by side in one run.

Timings on a shared machine are noisy, so each case is compared with a baseline measured in
the same run: a small community against a large one, for the pages that must not grow.
"""

import os
import sys
import tempfile
from collections.abc import Callable

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praxis.settings")
os.environ.setdefault("SQLITE_PATH", os.path.join(tempfile.mkdtemp(prefix="praxis-bench-"),
                                                  "bench.sqlite3"))


def main() -> None:
    import django

    django.setup()
    if sys.argv[1:2] == ["million"]:
        # `python -m bench million --posts 10000,100000`: not among the defaults (minutes);
        # it makes and migrates a fresh database for each size itself.
        from bench import million

        million.main(sys.argv[2:])
        return
    if sys.argv[1:2] == ["engagement"] and sys.argv[2:]:
        # `python -m bench engagement --posts 1000000`: a fresh database per size, as above.
        from bench import engagement

        engagement.main(sys.argv[2:])
        return
    if sys.argv[1:2] == ["moodle_import_one"]:
        # The child process of the import benchmark (``bench/moodle_import.py``).
        from bench import moodle_import

        moodle_import.import_one(sys.argv[2])
        return
    if sys.argv[1:2] == ["moodle_import"]:
        from bench import moodle_import

        moodle_import.run(report=print, argv=sys.argv[2:])
        return
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench import (
        community_pages,
        engagement,
        moodle_import,
        page_weight,
        peer,
        practice_pages,
        research_pages,
        thread_page,
    )

    benches: dict[str, Callable[..., None]] = {
        "community_pages": community_pages.run, "thread_page": thread_page.run,
        "page_weight": page_weight.run, "peer": peer.run,
        "practice_pages": practice_pages.run, "moodle_import": moodle_import.run,
        "engagement": engagement.run, "research_pages": research_pages.run,
    }
    # Not by default: `make bench-peer` installs the peer forum into its own venv.
    optional = {"peer"}
    # `python -m bench thread_page` runs only the benchmarks named.
    for name in sys.argv[1:] or [name for name in benches if name not in optional]:
        benches[name](report=print)


if __name__ == "__main__":
    main()
