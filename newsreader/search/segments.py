"""Reading stored segments: the one reader of the format, for search, merges and `doctor`.

A segment is opened with the tombstones that apply to it (see `tables`), and they are
applied here and nowhere else: every posting a reader hands out is of a live document.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from newsreader.search.postings import Layout, read_blocks
from newsreader.search.tables import (
    SearchBlock,
    SearchSegment,
    SearchTombstone,
    decode_terms,
    local_dtype,
    table_of,
)

_segment = table_of(SearchSegment)
_block = table_of(SearchBlock)
_tombstone = table_of(SearchTombstone)

TermPostings = tuple[np.ndarray, np.ndarray]
"""(article ids, field bits), one of each per posting."""


class MissingBlocks(RuntimeError):
    """A segment's blocks are not all stored: gone since it was opened, or lost."""


class SegmentReader:
    """One stored segment with its tombstones applied: live documents, terms, postings."""

    __slots__ = (
        "_terms",
        "base",
        "block_count",
        "complete",
        "counts",
        "dates",
        "dtype",
        "id",
        "ids",
        "layout",
        "size",
    )

    def __init__(self, row: Any, dead: np.ndarray) -> None:
        self.id: int = row.id
        self.size: int = row.doc_count
        """Documents stored, tombstoned ones included."""
        self.dtype = local_dtype(row.doc_count)
        self._terms: bytes = row.terms
        self.counts = np.frombuffer(row.counts, dtype="<u4").astype(np.int64)
        """Postings of each term."""
        self.layout = Layout.of(self.counts)
        self.block_count = len(self.layout.block_start)
        ids = np.frombuffer(row.docs, dtype="<u4").astype(np.int64)
        if len(dead):
            ids = np.where(np.isin(ids, dead), -1, ids)
        self.ids = ids
        """The article id of each document, -1 for those tombstoned out of it."""
        self.dates = np.frombuffer(row.dates, dtype="<f8")
        self.complete = bool((ids >= 0).all())
        """No document of it is tombstoned."""
        self.base = _base(ids)
        """Its article ids are `base + 0..n-1` (as an import writes them): adding is cheaper
        than looking each one up."""

    def names(self) -> list[str]:
        """Its terms, sorted (decoded on each call: readers keep numbers, not strings)."""
        return decode_terms(self._terms)

    @property
    def live(self) -> np.ndarray:
        """Whether each document is live."""
        return self.ids >= 0

    def numbered_from(self, start: int) -> np.ndarray:
        """Numbers `start, start + 1, ...` for the live documents in order, -1 for the rest."""
        live = self.live
        number = np.full(len(live), -1, dtype=np.int64)
        number[live] = np.arange(start, start + int(live.sum()), dtype=np.int64)
        return number

    def postings(
        self, conn: Connection, terms: np.ndarray
    ) -> list[tuple[np.ndarray, np.ndarray, int]] | None:
        """The postings of `terms` (numbers in this segment's term list): per term, numbers
        that are article ids once a base is added to them, and field bits (views into the
        blocks read: the caller copies them, adding the base as it does). None if the
        segment is gone (merged away since it was opened)."""
        block_of, starts, ends = self.layout.spans(terms)
        # Not np.unique: its first call imports numpy.ma (20 ms on the first keystroke).
        wanted = sorted(set(block_of.tolist()))
        blocks = read_blocks(conn, self.id, self.dtype, wanted)
        if len(blocks) != len(wanted):
            return None
        base, ids = self.base, self.ids
        out = []
        spans = zip(block_of.tolist(), starts.tolist(), ends.tolist(), strict=True)
        for block, start, end in spans:
            local, bits = blocks[block]
            if base is None:
                out.append((*self._live(ids[local[start:end]], bits[start:end]), 0))
            else:
                out.append((local[start:end], bits[start:end], base))
        return out

    def run(
        self, conn: Connection, first: int, last: int, numbers: np.ndarray, labels: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The postings of terms `first:last` in one read, for a merge: per posting, the
        label of its term (`labels` holds one per term), `numbers[document]` (see
        `numbered_from`) and its field bits. Raises `MissingBlocks`."""
        blocks, starts, _ = self.layout.spans(np.array([first, last - 1]))
        low, high = blocks.tolist()
        read = read_blocks(conn, self.id, self.dtype, list(range(low, high + 1)))
        if len(read) != high - low + 1:
            raise MissingBlocks(f"search index: segment {self.id} lacks blocks; rebuild it")
        run = [read[b] for b in range(low, high + 1)]
        start = int(starts[0])
        cut = slice(start, start + int(self.layout.starts[last] - self.layout.starts[first]))
        local = np.concatenate([d for d, _ in run])[cut]
        bits = np.concatenate([f for _, f in run])[cut]
        label = np.repeat(labels, self.counts[first:last])
        if self.complete:
            return label, numbers[local], bits
        number = numbers[local]
        alive = number >= 0
        return label[alive], number[alive], bits[alive]

    def _live(self, ids: np.ndarray, bits: np.ndarray) -> TermPostings:
        """Postings whose documents are live: the tombstones' one filter."""
        if self.complete:
            return ids, bits
        alive = ids >= 0
        return ids[alive], bits[alive]


def open_segments(
    conn: Connection, *, upto: int | None = None, ids: Collection[int] | None = None
) -> list[SegmentReader]:
    """Readers of the stored segments (those up to `upto`, or of `ids`), oldest first."""
    stmt = select(_segment).order_by(_segment.c.id)
    if upto is not None:
        stmt = stmt.where(_segment.c.id <= upto)
    if ids is not None:
        stmt = stmt.where(_segment.c.id.in_(list(ids)))
    rows = conn.execute(stmt).all()
    stones = conn.execute(select(_tombstone.c.doc_id, _tombstone.c.before_segment)).all()
    stone_ids = np.array([s.doc_id for s in stones], dtype=np.int64)
    before = np.array([s.before_segment for s in stones], dtype=np.int64)
    return [SegmentReader(row, stone_ids[before > row.id]) for row in rows]


def latest_segment(conn: Connection) -> int | None:
    """The newest segment's id: any write to the index changes it."""
    latest: int | None = conn.execute(select(func.max(_segment.c.id))).scalar()
    return latest


def findable_documents(conn: Connection) -> np.ndarray:
    """The article ids a search can find, sorted: the live documents of every segment whose
    blocks are all stored (one that lost postings cannot find all its documents)."""
    stored: dict[int, int] = dict(
        conn.execute(select(_block.c.segment_id, func.count()).group_by(_block.c.segment_id)).all()
    )
    live = [
        seg.ids[seg.live] for seg in open_segments(conn) if stored.get(seg.id, 0) == seg.block_count
    ]
    return np.unique(np.concatenate(live)) if live else np.empty(0, np.int64)


def _base(ids: np.ndarray) -> int | None:
    if not len(ids) or ids[0] < 0 or ids[-1] - ids[0] != len(ids) - 1:
        return None
    return int(ids[0]) if bool(np.all(np.diff(ids) == 1)) else None
