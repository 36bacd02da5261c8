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
