"""Measuring one page: median server time, compressed size and SQL queries."""

import gzip
import statistics
import time


def measure(client, url: str, rounds: int = 30) -> tuple[float, int, int]:
    """Median server time (ms), compressed bytes and query count of one page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches and templates
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), len(gzip.compress(response.content)), len(queries)
