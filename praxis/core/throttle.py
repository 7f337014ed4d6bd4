"""Limits on how often one person or one address may try something (decision 34).

Each ``Limit`` counts attempts per key in a fixed window: logins per account and per
address, password resets, sign-ups, invitations, posts, searches. The counts must be shared
by every app server and worker process, so they live in Redis when there is one (an atomic
``incr``; ``PRAXIS_THROTTLE_STORE="cache"``) and otherwise in the database (one atomic
upsert on ``core.Throttle``); a process's own memory would let each of several workers
allow the full count.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from praxis.core.models import Throttle


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    window: timedelta

    def minutes(self) -> int:
        return max(1, int(self.window.total_seconds() // 60))


# The policy (docs/operations.md): counts per fixed window.
LOGIN_FAILURES_PER_ACCOUNT = Limit("login-account", 10, timedelta(minutes=15))
LOGIN_FAILURES_PER_ADDRESS = Limit("login-address", 50, timedelta(minutes=15))
RESETS_PER_ACCOUNT = Limit("reset-account", 3, timedelta(hours=1))
RESETS_PER_ADDRESS = Limit("reset-address", 10, timedelta(hours=1))
SIGNUPS_PER_ADDRESS = Limit("signup-address", 10, timedelta(hours=1))
INVITATIONS_PER_STEWARD = Limit("invitations", 20, timedelta(hours=1))
POSTS_PER_MEMBER = Limit("posts", 30, timedelta(minutes=10))
SEARCHES_PER_ADDRESS = Limit("searches", 60, timedelta(minutes=1))
# A member's data export reads everything they have: a few a day are plenty.
EXPORTS_PER_MEMBER = Limit("exports", 5, timedelta(hours=1))


def client_address(request: HttpRequest) -> str:
    """Where the request came from: behind our own proxy (``PRAXIS_BEHIND_PROXY``), the
    address it appended to X-Forwarded-For last, which a client cannot forge; otherwise the
    connection's."""
    if settings.PRAXIS_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def _key(limit: Limit, who: str) -> str:
    # Hashed: addresses and emails are personal data, and keys must stay short.
    digest = hashlib.sha256(f"{limit.name}:{who.strip().lower()}".encode()).hexdigest()[:40]
    return f"throttle:{limit.name}:{digest}"


def _window_start(limit: Limit) -> int:
    now = int(timezone.now().timestamp())
    seconds = int(limit.window.total_seconds())
    return now - now % seconds


def _in_cache() -> bool:
    return settings.PRAXIS_THROTTLE_STORE == "cache"


def _cache_key(limit: Limit, who: str) -> str:
    return f"{_key(limit, who)}:{_window_start(limit)}"


def hit(limit: Limit, who: str) -> bool:
    """Counts one attempt by ``who``; whether it is within the limit."""
    if _in_cache():
        windowed = _cache_key(limit, who)
        cache.add(windowed, 0, timeout=int(limit.window.total_seconds()) + 5)
        return int(cache.incr(windowed)) <= limit.count
    return _add_in_database(_key(limit, who), _window_start(limit)) <= limit.count


def exceeded(limit: Limit, who: str) -> bool:
    """Whether ``who`` has used up the limit in this window; a read, it counts nothing."""
    if _in_cache():
        count = int(cache.get(_cache_key(limit, who), 0))
    else:
        window = datetime.fromtimestamp(_window_start(limit), tz=UTC)
        count = (Throttle.objects.filter(key=_key(limit, who), window_start=window)
                 .values_list("count", flat=True).first()) or 0
    return count >= limit.count


def clear(limit: Limit, who: str) -> None:
    """Forgets ``who``'s attempts (a successful login, a password reset)."""
    if _in_cache():
        cache.delete(_cache_key(limit, who))
    else:
        Throttle.objects.filter(key=_key(limit, who)).delete()


def forget_person(*, email: str, user_id: int) -> None:
    """Forgets the counts kept under a person's account (their address or their id) when
    they erase it; the counts per client address name no account and run out by
    themselves."""
    for limit, who in ((LOGIN_FAILURES_PER_ACCOUNT, email), (RESETS_PER_ACCOUNT, email),
                       (POSTS_PER_MEMBER, str(user_id)), (INVITATIONS_PER_STEWARD, str(user_id)),
                       (EXPORTS_PER_MEMBER, str(user_id))):
        clear(limit, who)


def _add_in_database(key: str, start: int) -> int:
    """One statement: a new window starts the count again; the same window adds to it."""
    quote = connection.ops.quote_name
    table, count, window_start = (quote(Throttle._meta.db_table), quote("count"),
                                  quote("window_start"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('key')}, {window_start}, {count}) "  # noqa: S608
            f"VALUES (%s, %s, %s) ON CONFLICT ({quote('key')}) DO UPDATE SET "
            f"{count} = CASE WHEN {table}.{window_start} = excluded.{window_start} "
            f"THEN {table}.{count} + excluded.{count} ELSE excluded.{count} END, "
            f"{window_start} = excluded.{window_start} RETURNING {count}",
            # Stored as the ORM stores it, so ``exceeded`` finds the same window.
            [key, connection.ops.adapt_datetimefield_value(datetime.fromtimestamp(start, tz=UTC)),
             1],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 1


def forget_old_attempts(now: datetime | None = None) -> int:
    """Deletes the counts of windows that ended more than a day ago (the worker's round)."""
    cutoff = (now or timezone.now()) - timedelta(days=1)
    deleted, _ = Throttle.objects.filter(window_start__lt=cutoff).delete()
    return deleted
