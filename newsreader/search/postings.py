"""A batch of documents as a segment stores them, built where the batch is analysed.

Documents are numbered 0..n-1 within the batch, so a worker process can lay out the final
postings before the store has given the articles their ids; the writer then only stores
them. Here too: how a segment's postings are cut into blocks, and reading blocks back (kept
out of `tables`, which the store imports on every open and which must not pull in numpy).
Import workers load this module to build postings: `tables` (and with it SQLAlchemy and
SQLModel, ~40 MB a process) is imported by the functions that need it, not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


@dataclass(frozen=True, slots=True)
class Postings:
    """Terms sorted; each term's postings together, its documents ascending."""

    size: int
    """Documents."""
    names: list[str]
    counts: np.ndarray
    """int64 postings per term."""
    docs: np.ndarray
    """uint32 document number per posting."""
    flags: np.ndarray
    """uint8 field bits per posting."""

    @staticmethod
    def from_pairs(
        size: int, names: Sequence[str], doc: np.ndarray, term: np.ndarray, flags: np.ndarray
    ) -> Postings:
        """From (document, term index, field bits) triples in any order; a pair found more
        than once (a term in the title and the body) has its bits joined. Terms of `names`
        without a posting are left out."""
        alphabetical = sorted(range(len(names)), key=names.__getitem__)
        rank = np.empty(len(names), dtype=np.uint64)
        rank[alphabetical] = np.arange(len(names), dtype=np.uint64)
        # One key per triple, sorted in place: term rank, document, then the 3 field bits
        # (an argsort and the gathers it needs held three more arrays this size).
        keys = rank[term] << np.uint64(35)
        keys |= doc.astype(np.uint64) << np.uint64(3)
        keys |= flags.astype(np.uint64)
        keys.sort()
        bits = (keys & np.uint64(7)).astype(np.uint8)
        keys >>= np.uint64(3)
        first = np.flatnonzero(np.concatenate(([len(keys) > 0], keys[1:] != keys[:-1])))
        bits = np.bitwise_or.reduceat(bits, first) if len(first) else bits
        keys = keys[first]
        terms = (keys >> np.uint64(32)).astype(np.int64)
        counts = np.bincount(terms, minlength=len(names)).astype(np.int64)
        used = np.flatnonzero(counts)
        return Postings(
            size,
            [names[alphabetical[i]] for i in used.tolist()],
            counts[used],
            (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32),
            bits,
        )

    def select(self, keep: np.ndarray) -> Postings:
        """Only the documents where the boolean `keep` is true, renumbered from 0."""
        if keep.all():
            return self
        number = np.cumsum(keep, dtype=np.int64) - 1
        kept = keep[self.docs]
        term = np.repeat(np.arange(len(self.names)), self.counts)[kept]
        counts = np.bincount(term, minlength=len(self.names)).astype(np.int64)
        used = np.flatnonzero(counts)
        return Postings(
            int(keep.sum()),
            [self.names[i] for i in used.tolist()],
            counts[used],
            number[self.docs[kept]].astype(np.uint32),
            self.flags[kept],
        )


def group_order(keys: np.ndarray) -> np.ndarray:
    """A stable argsort of uint32 `keys`, as radix sorts of 16-bit halves (numpy sorts 16-bit
    keys by radix, 4x faster than its merge sort of 32-bit ones)."""
    if not len(keys) or int(keys.max()) <= 0xFFFF:
        return np.argsort(keys.astype(np.uint16), kind="stable")
    low = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    high = np.argsort((keys[low] >> 16).astype(np.uint16), kind="stable")
    return low[high]


def opens_block(
    counts: np.ndarray, offset: int = 0, before: tuple[int, bool] | None = None
) -> np.ndarray:
    """Whether each term (by its postings `counts`, in order) starts a new block.

    Terms that start within the same stretch of `BLOCK` postings share a block; a term of
    more than `BLOCK` postings has one of its own. A rare term then costs a small read and a
    common one a single row. The rule is part of the stored format (the writer cuts blocks
    by it, a reader finds terms by it): changing it, or `BLOCK`, needs a schema step.
    `offset` and `before` ((window, big) of the last term) continue a segment written a
    slice of terms at a time.
    """
    from newsreader.search.tables import BLOCK

    window = (offset + np.cumsum(counts) - counts) // BLOCK
    big = counts > BLOCK
    new = np.ones(len(counts), dtype=bool)
    new[1:] = big[1:] | big[:-1] | (window[1:] != window[:-1])
    if before is not None and len(counts):
        new[0] = bool(big[0]) or before[1] or int(window[0]) != before[0]
    return new


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a segment's terms lie among its postings and its blocks."""

    starts: np.ndarray
    """Where each term's postings start, and (last) where they end."""
    block_of: np.ndarray
    """The block of each term."""
    block_start: np.ndarray
    """Where each block starts among the postings."""

    @staticmethod
    def of(counts: np.ndarray) -> Layout:
        counts = np.asarray(counts, dtype=np.int64)
        starts = np.concatenate(([0], np.cumsum(counts)))
        new = opens_block(counts)
        return Layout(starts, np.cumsum(new) - 1, starts[:-1][new])

    def spans(self, terms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each of `terms`: its block, and where its postings start and end in it."""
        block = self.block_of[terms]
        base = self.block_start[block]
        return block, self.starts[terms] - base, self.starts[terms + 1] - base


Blocks = dict[int, tuple[np.ndarray, np.ndarray]]
"""Block number -> (local document numbers, field bits)."""


def read_blocks(conn: Connection, segment_id: int, dtype: str, numbers: list[int]) -> Blocks:
    """Blocks of a segment by number (those it lacks are left out). Straight to the driver:
    SQLAlchemy's rows cost more than reading the blocks."""
    from newsreader.search.tables import placeholder

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
