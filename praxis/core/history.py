"""Activity written or rewritten after the fact: a Moodle import's old posts, an edit or a
moderator hiding a post of last spring, a training event recorded for a past date, an
erasure. Analytics keeps the figures of months that are over (``analytics.months``); a use
case that changes what happened in one fires ``activity_rewritten`` so those months are
counted again (see ``core.hooks``)."""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from praxis.core.hooks import Hook

# (community id or None for every community, the days or moments changed or None for the
# whole history). Fired in the use case's transaction: if it rolls back, so does the mark.
activity_rewritten: Hook[[int | None, Sequence[date] | None]] = Hook("activity_rewritten")


def rewritten(community_id: int | None, *days: date | None) -> None:
    """Marks the months of ``days`` (dates or datetimes; none: the whole history) as changed.
    A missing day (a draft never told) changes nothing."""
    known = [day for day in days if day is not None]
    if days and not known:
        return
    activity_rewritten.fire(community_id, known or None)


def rewritten_between(community_id: int, first: datetime, last: datetime | None) -> None:
    """Marks every month from ``first`` to ``last`` (a thread's life) as changed."""
    day = first.astimezone(UTC).date().replace(day=1)
    end = (last or first).astimezone(UTC).date()
    days = []
    while day <= end:
        days.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    rewritten(community_id, *days)
