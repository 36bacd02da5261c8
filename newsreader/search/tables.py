"""Where the index persists: plain tables, so it lives in any database the store runs on.

The index is log-structured. Every write adds a segment: the documents it indexed (numbered
0..n-1 within it), its sorted terms with how many postings each has, and the postings of
all its terms end to end, cut into blocks between terms (see `layout`). A term's postings
are found from its place in the segment's term list, so a segment costs a handful of rows
however many terms it has, a batch's postings are written (and merged) as a few big values,
and reading a term is reading one row. Segments of a size tier are merged when they pile
up. A tombstone hides a document in segments older than `before_segment` (its earlier
versions, or all of them once deleted).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import Column, LargeBinary, Table
from sqlalchemy.engine import Connection
from sqlmodel import Field, SQLModel

BLOCK = 4096
"""Postings per block row, about: blocks end only between terms (see `layout`)."""


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


Blocks = dict[int, tuple[np.ndarray, np.ndarray]]
"""Block number -> (local document numbers, field bits)."""


def read_blocks(conn: Connection, segment_id: int, dtype: str, numbers: list[int]) -> Blocks:
    """Blocks of a segment by number (those it lacks are left out). Straight to the driver:
    SQLAlchemy's rows cost more than reading the blocks."""
    mark = placeholder(conn)
    blocks: Blocks = {}
    for at in range(0, len(numbers), 500):
        chunk = numbers[at : at + 500]
        result = conn.exec_driver_sql(
            "SELECT block, docs, flags FROM search_block "
            f"WHERE segment_id = {mark} AND block IN ({', '.join([mark] * len(chunk))})",
            (segment_id, *chunk),
        )
        for block, docs, flags in result.fetchall():
            blocks[block] = (np.frombuffer(docs, dtype), np.frombuffer(flags, np.uint8))
    return blocks


def placeholder(conn: Connection) -> str:
    """The driver's placeholder, for statements sent to it directly."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def layout(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which block holds each term (by its postings `counts`, in order), and where each
    block starts among the postings.

    Terms that start within the same stretch of `BLOCK` postings share a block; a term of
    more than `BLOCK` postings has one of its own. A rare term then costs a small read and a
    common one a single row. The rule is part of the stored format (the writer cuts blocks
    by it, a reader finds terms by it): changing it, or `BLOCK`, needs a schema step.
    """
    counts = np.asarray(counts, dtype=np.int64)
    starts = np.cumsum(counts) - counts
    big = counts > BLOCK
    window = starts // BLOCK
    new = np.ones(len(counts), dtype=bool)
    new[1:] = big[1:] | big[:-1] | (window[1:] != window[:-1])
    return np.cumsum(new) - 1, starts[new]
