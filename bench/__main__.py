"""Praxis benchmarks: `make bench`. Prints ratios measured side by side in one run.

Timings on a shared machine are noisy, so each case is compared with a baseline measured in
the same run: a small community against a large one, for the pages that must not grow.
"""

import os
import sys
import tempfile

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "praxis.settings")
os.environ.setdefault("SQLITE_PATH", os.path.join(tempfile.mkdtemp(prefix="praxis-bench-"),
                                                  "bench.sqlite3"))


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench import community_pages, page_weight, thread_page

    benches = {"community_pages": community_pages.run, "thread_page": thread_page.run,
               "page_weight": page_weight.run}
    # `python -m bench thread_page` runs only the benchmarks named.
    for name in sys.argv[1:] or list(benches):
        benches[name](report=print)


if __name__ == "__main__":
    main()
