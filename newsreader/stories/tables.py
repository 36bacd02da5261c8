"""The stories' tables (schema step 9): narrow, beside the article row, never on it."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Integer, LargeBinary
from sqlmodel import Field, SQLModel

from newsreader.store.models import article_key


class StoryMember(SQLModel, table=True):
    """An article grouped with others. Only members of groups of two or more have a row:
    an article without one is its own story, whose id is its own. A story's id is the id of
    the article that started it (ids are never reused, so it names one story for good)."""

    __tablename__ = "story_member"

    article_id: int = article_key()
    story_id: int = Field(sa_column=Column(Integer, nullable=False, index=True))


class StorySignature(SQLModel, table=True):
    """An article's MinHash signature (`stories.signature`), for checking a candidate."""

    __tablename__ = "story_signature"

    article_id: int = article_key()
    at: float = Field(sa_column=Column(Float, nullable=False))
    """The article's `sorted_at` in seconds: the time window is checked without the article."""
    sig: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class StoryBand(SQLModel, table=True):
    """LSH buckets: one row per (band key, article) of a signed article; articles sharing a
    key are candidates. No foreign key (it would cost a look-up per row on insert): a
    deleted article's rows find no signature and are passed over."""

    __tablename__ = "story_band"
    # Clustered on its key in SQLite (one B-tree, not a table and an index): half the
    # writes per row, and rows of a key together.
    __table_args__ = {"sqlite_with_rowid": False}

    key: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    article_id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
