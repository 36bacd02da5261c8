"""One state of the index as a query sees it: the vocabulary, the segments' readers and
the documents' dates, read in one go and kept until the index changes."""

from __future__ import annotations

import math
import time
from bisect import bisect_left

import numpy as np
from sqlalchemy.engine import Engine

from newsreader.search.near import Bucket
from newsreader.search.segments import latest_segment, open_segments

LAST = "\U0010ffff"
"""Sorts after every term: `prefix + LAST` bounds the terms that start with `prefix`."""


class Snapshot:
    """The vocabulary, segments and document dates as of one state of the index."""

    def __init__(self, engine: Engine) -> None:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                # One state of the index for all its reads, as SQLite's read transaction
                # gives: at READ COMMITTED a merge committed between two of them would hide
                # the documents it moved.
                conn.execution_options(isolation_level="REPEATABLE READ")
            self.signature = latest_segment(conn)
            self.segments = open_segments(conn, upto=self.signature or 0)
        names = [seg.names() for seg in self.segments]
        self.terms: list[str] = sorted(set().union(*names))
        self.number: dict[str, int] = {term: i for i, term in enumerate(self.terms)}
        self.frequency = np.zeros(len(self.terms), dtype=np.int64)
        self.by_length: dict[int, list[str]] = {}
        for term in self.terms:
            self.by_length.setdefault(len(term), []).append(term)
        self._prefixes: dict[int, list[str]] = {}
        self._near: dict[int, Bucket] = {}
        self.size = int(max((s.ids.max() for s in self.segments if s.size), default=0)) + 1
        self.documents = max(2, sum(seg.size for seg in self.segments))
        self.dates = np.zeros(self.size, dtype=np.float64)
        self.segment_terms: list[np.ndarray] = []
        """Each segment's terms as vocabulary numbers (ascending, as its own)."""
        for seg, seg_names in zip(self.segments, names, strict=True):
            terms = np.fromiter(map(self.number.__getitem__, seg_names), np.int64, len(seg_names))
            self.frequency[terms] += seg.counts
            alive = seg.live
            self.dates[seg.ids[alive]] = seg.dates[alive]
            self.segment_terms.append(terms)
        self._df: list[int] = self.frequency.tolist()
        self._rarity: dict[int, float] = {}
        """By df: a keystroke asks for hundreds of terms' (numpy scalars and logs were 40%
        of expanding a prefix)."""
        self.checked_at = time.monotonic()

    def has(self, term: str) -> bool:
        return term in self.number

    def df(self, term: str) -> int:
        """Postings of `term` (documents holding it, counting replaced versions)."""
        number = self.number.get(term)
        return 1 if number is None else self._df[number]

    def rarity(self, term: str) -> float:
        """0.8 for a term in every document, up to 1.2 for one in a single document."""
        df = self.df(term)
        rarity = self._rarity.get(df)
        if rarity is None:
            documents = self.documents
            rarity = 0.8 + 0.4 * math.log(documents / df) / math.log(documents + 1)
            self._rarity[df] = rarity
        return rarity

    def prefixed(self, prefix: str) -> range:
        """The numbers of the terms that start with `prefix` (terms are numbered in order)."""
        lo = bisect_left(self.terms, prefix)
        return range(lo, bisect_left(self.terms, prefix + LAST, lo))

    def prefixes(self, length: int) -> list[str]:
        """Distinct leading `length` characters of longer terms (for typos while typing)."""
        if length not in self._prefixes:
            self._prefixes[length] = sorted({t[:length] for t in self.terms if len(t) > length})
        return self._prefixes[length]

    def near(self, length: int) -> Bucket | None:
        """The terms of `length` letters, set up for finding those a typo away (`near`)."""
        bucket = self._near.get(length)
        if bucket is None and length in self.by_length:
            bucket = self._near[length] = Bucket(self.by_length[length], length)
        return bucket
