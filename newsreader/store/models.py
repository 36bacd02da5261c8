"""The store's tables. They stay inside the store: the UI gets `views` objects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, Text, false
from sqlmodel import Field, SQLModel


def article_key() -> Any:
    """A key column naming an article, whose rows go with it (ON DELETE CASCADE): the
    narrow tables beside `article` (tags, read and starred state, stories)."""
    return Field(
        sa_column=Column(
            Integer,
            ForeignKey("article.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )


class Feed(SQLModel, table=True):
    """A subscription, with what its last fetch said (for conditional GET and health)."""

    __tablename__ = "feed"
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    """An http(s) URL, or the path of a local feed file."""
    name: str = Field(default="", sa_column=Column(Text, nullable=False))
    """What the reader calls it: `--name`, else the feed's own title."""
    site_url: str | None = Field(default=None, sa_column=Column(Text))
    etag: str | None = Field(default=None, sa_column=Column(Text))
    last_modified: str | None = Field(default=None, sa_column=Column(Text))
    added_at: datetime
    fetched_at: datetime | None = None
    status: str = Field(default="new", max_length=32)
    """`new`, `ok`, `not modified` or `error`."""
    error: str | None = Field(default=None, sa_column=Column(Text))
    not_before: datetime | None = None
    """UTC; set when the server answered 429/503 with `Retry-After` (schema step 5)."""
    full_text: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    """Fetch each new entry's page during refresh and keep its main text (schema step 8)."""


class Article(SQLModel, table=True):
    __tablename__ = "article"
    # Ids are never reused, so a deleted article's index tombstone cannot hide a new one.
    # A feed entry is one article per (feed, guid): an updated entry is updated in place.
    __table_args__ = (
        Index("ux_article_feed_guid", "feed_id", "guid", unique=True),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    fingerprint: str = Field(unique=True, max_length=64)
    title: str = Field(sa_column=Column(Text, nullable=False))
    source: str = Field(default="", max_length=512, index=True)
    author: str = Field(default="", max_length=512)
    url: str | None = Field(default=None, sa_column=Column(Text))
    published_at: datetime | None = None
    imported_at: datetime
    sorted_at: datetime = Field(index=True)
    """`published_at`, else `imported_at`: the order of the list, newest first."""
    body: str = Field(sa_column=Column(Text, nullable=False))
    summary: str = Field(sa_column=Column(Text, nullable=False))
    word_count: int = 0
    origin: str = Field(default="", sa_column=Column(Text, nullable=False))
    feed_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("feed.id"), nullable=True, index=True)
    )
    guid: str | None = Field(default=None, sa_column=Column(Text))
    feed_body: str | None = Field(default=None, sa_column=Column(Text))
    """The feed's own text once `body` holds the page's full text (schema step 8)."""


class Meta(SQLModel, table=True):
    __tablename__ = "meta"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(sa_column=Column(Text, nullable=False))


# -- tags and saved searches (schema step 6) -------------------------------------------------


class FeedTag(SQLModel, table=True):
    """A tag on a feed; its articles carry it too. `key` is the casefolded tag, so `tag:`
    matches any case in SQL without folding there (SQLite's `lower` is ASCII-only)."""

    __tablename__ = "feed_tag"

    feed_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("feed.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    key: str = Field(sa_column=Column(Text, primary_key=True, nullable=False, index=True))
    name: str = Field(sa_column=Column(Text, nullable=False))
    """The tag as first written (what lists show)."""


class ArticleTag(SQLModel, table=True):
    """A tag of one article: its entry's RSS/Atom `<category>`."""

    __tablename__ = "article_tag"

    article_id: int = article_key()
    key: str = Field(sa_column=Column(Text, primary_key=True, nullable=False, index=True))
    name: str = Field(sa_column=Column(Text, nullable=False))


class SavedSearch(SQLModel, table=True):
    """A named query: a live virtual feed, run again whenever it is shown."""

    __tablename__ = "saved_search"

    key: str = Field(sa_column=Column(Text, primary_key=True, nullable=False))
    """The casefolded name: names are unique whatever their case."""
    name: str = Field(sa_column=Column(Text, nullable=False))
    query: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime


# -- read and starred state (schema step 7) --------------------------------------------------


class ArticleRead(SQLModel, table=True):
    """An article that has been read: a row per read article, none for unread ones. Narrow
    rows, not a flag in the wide `article` row, so marking 50k read writes ~100 pages, not
    50k (store/state.py)."""

    __tablename__ = "article_read"

    article_id: int = article_key()


class ArticleStarred(SQLModel, table=True):
    """A starred article: a row per starred article, as `ArticleRead`."""

    __tablename__ = "article_starred"

    article_id: int = article_key()


# -- retention (schema step 8) ---------------------------------------------------------------


class RemovedEntry(SQLModel, table=True):
    """A feed entry removed here (by retention, or deleted in newsboat): a refresh that meets
    it again skips it. `key` is the entry's guid, else `#` and its fingerprint."""

    __tablename__ = "removed_entry"

    feed_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("feed.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    key: str = Field(sa_column=Column(Text, primary_key=True, nullable=False))
