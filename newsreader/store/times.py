"""Moments as the store keeps them: aware UTC datetimes, and seconds for the index."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def midnight(day: date) -> datetime:
    """The start of `day` in UTC."""
    return datetime.combine(day, datetime.min.time(), UTC)


def timestamp(moment: datetime) -> float:
    """Seconds since the epoch; a naive moment (as SQLite hands back) is UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def stored(moment: datetime | None) -> datetime | None:
    """`moment` as the store keeps it: an aware moment converted to UTC, here rather than
    left to the column type (a plain DateTime on SQLite keeps only the wall clock, so
    `12:00+02:00` would come back as 12:00 UTC); a naive one is UTC by this module's rule."""
    if moment is None or moment.utcoffset() is None:
        return moment
    return moment.astimezone(UTC)
