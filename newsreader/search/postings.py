"""A batch of documents as a segment stores them, built where the batch is analysed.

Documents are numbered 0..n-1 within the batch, so a worker process can lay out the final
postings before the store has given the articles their ids; the writer then only stores
them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


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
        keys = (rank[term] << np.uint64(32)) | doc.astype(np.uint64)
        order = np.argsort(keys)
        keys = keys[order]
        first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        bits = np.bitwise_or.reduceat(flags[order], first) if len(first) else flags[:0]
        keys = keys[first]
        terms = (keys >> np.uint64(32)).astype(np.int64)
        counts = np.bincount(terms, minlength=len(names)).astype(np.int64)
        used = np.flatnonzero(counts)
        return Postings(
            size,
            [names[alphabetical[i]] for i in used.tolist()],
            counts[used],
            (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32),
            bits.astype(np.uint8),
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
