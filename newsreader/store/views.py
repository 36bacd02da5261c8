"""Plain, immutable article data handed to the UI and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from newsreader.ingest.draft import reading_minutes


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """What a list row shows."""

    id: int
    title: str
    source: str
    published_at: datetime | None
    is_read: bool
    is_starred: bool


@dataclass(frozen=True, slots=True)
class ArticleView:
    """A whole article, for reading."""

    id: int
    title: str
    source: str
    author: str
    url: str | None
    published_at: datetime | None
    imported_at: datetime
    body: str
    summary: str
    word_count: int
    origin: str
    is_read: bool
    is_starred: bool

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count)


@dataclass(frozen=True, slots=True)
class Counts:
    """What the header says about the whole store."""

    total: int
    unread: int
    starred: int


@dataclass(frozen=True, slots=True)
class SourceStats:
    """One line of the stats table."""

    source: str
    total: int
    unread: int
    starred: int


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    count: int
