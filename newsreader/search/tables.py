"""Where the index persists: plain tables, so it lives in any database the store runs on.

The index is log-structured. Every write adds a segment: the documents it indexed (numbered
0..n-1 within it), its sorted terms with how many postings each has, and the postings of
all its terms end to end, cut into blocks between terms (see `postings.layout`). A term's postings
are found from its place in the segment's term list, so a segment costs a handful of rows
however many terms it has, a batch's postings are written (and merged) as a few big values,
and reading a term is reading one row. Segments of a size tier are merged when they pile
up. A tombstone hides a document in segments older than `before_segment` (its earlier
versions, or all of them once deleted).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Column, LargeBinary, Table
from sqlalchemy.engine import Connection
from sqlmodel import Field, SQLModel

BLOCK = 4096
"""Postings per block row, about: blocks end only between terms (see `postings.layout`)."""


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a SQLModel class (for bulk statements), typed."""
    table = getattr(model, "__table__")  # noqa: B009 - SQLModel does not declare it
    assert isinstance(table, Table)
    return table


class SearchSegment(SQLModel, table=True):
    __tablename__ = "search_segment"
    # Ids are never reused (a rebuild deletes every segment): a reader's snapshot still
    # naming an old id must find it gone, not read a new segment through the old term list.
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    doc_count: int
    docs: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # uint32 LE article ids
    dates: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # float64 LE
    terms: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # UTF-8, NUL between
    counts: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # uint32 LE per term


class SearchBlock(SQLModel, table=True):
    __tablename__ = "search_block"

    segment_id: int = Field(primary_key=True)
    block: int = Field(primary_key=True)
    docs: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # local numbers
    flags: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # uint8 field bits


class SearchTombstone(SQLModel, table=True):
    __tablename__ = "search_tombstone"

    doc_id: int = Field(primary_key=True)
    before_segment: int


DELETED = 2**31 - 1
"""`before_segment` of a deleted document: hidden in every segment."""


def local_dtype(doc_count: int) -> str:
    """How a segment stores its document numbers: two bytes while they fit."""
    return "<u2" if doc_count <= 1 << 16 else "<u4"


def encode_terms(names: Sequence[str]) -> bytes:
    """A segment's term list (terms hold no NUL: they are runs of letters and digits)."""
    return "\0".join(names).encode()


def decode_terms(blob: bytes) -> list[str]:
    return bytes(blob).decode().split("\0") if blob else []


def placeholder(conn: Connection) -> str:
    """The driver's placeholder, for statements sent to it directly."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"
