"""Where the index persists: plain tables, so it lives in any database the store runs on.

The index is log-structured. Every write adds a segment (the documents it indexed, and one
posting row per term); segments of a size tier are merged when they pile up, so a term's
postings stay in a handful of rows. A tombstone hides a document's postings in segments
older than `before_segment` (its earlier versions, or all of them once deleted).
"""

from __future__ import annotations

from sqlalchemy import Column, Index, LargeBinary, Table
from sqlmodel import Field, SQLModel


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a SQLModel class (for bulk statements), typed."""
    table = getattr(model, "__table__")  # noqa: B009 - SQLModel does not declare it
    assert isinstance(table, Table)
    return table


class SearchSegment(SQLModel, table=True):
    __tablename__ = "search_segment"

    id: int | None = Field(default=None, primary_key=True)
    doc_count: int
    docs: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # uint32 LE ids
    dates: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # float64 LE


class SearchPosting(SQLModel, table=True):
    __tablename__ = "search_posting"
    __table_args__ = (Index("ix_search_posting_segment", "segment_id"),)

    term: str = Field(primary_key=True, max_length=64)
    segment_id: int = Field(primary_key=True)
    n: int
    docs: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # uint32 LE ids
    flags: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # uint8 field bits


class SearchTombstone(SQLModel, table=True):
    __tablename__ = "search_tombstone"

    doc_id: int = Field(primary_key=True)
    before_segment: int


DELETED = 2**31 - 1
"""`before_segment` of a deleted document: hidden in every segment."""
