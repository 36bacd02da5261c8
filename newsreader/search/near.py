"""Which terms of one length can be a typo or two away from a word: a filter in front of
rapidfuzz, so that it compares the word with dozens of terms rather than thousands.

Pigeonhole: cut the word into pieces with one letter between them, one piece more than
the edits allowed (insertion, deletion, substitution, or swapping two neighbours, as
`OSA` counts them). An edit spoils at most one piece (the letters between keep a swap
from spoiling two), so some piece is intact in the term: the first as its prefix, the
last as its suffix, a middle one where it stood, give or take the letters inserted or
deleted before it. The terms holding a piece that way are found by bisecting the sorted
terms, the sorted reversed terms, and by comparing columns of the terms' letters.
"""

from __future__ import annotations

from bisect import bisect_left

import numpy as np

END = "\U0010ffff"
"""Sorts after every letter: `piece + END` bounds the strings that start with `piece`."""


class Bucket:
    """The terms of one length (sorted), and what finding a piece in them needs."""

    __slots__ = ("_letters", "_reversed", "_reversed_at", "length", "terms")

    def __init__(self, terms: list[str], length: int) -> None:
        self.terms, self.length = terms, length
        backwards = sorted((t[::-1], i) for i, t in enumerate(terms))
        self._reversed = [t for t, _ in backwards]
        self._reversed_at = np.fromiter((i for _, i in backwards), np.int64, len(terms))
        self._letters = (
            np.array(terms, dtype=f"<U{length}").view(np.uint32).reshape(len(terms), length)
        )

    def near(self, word: str, edits: int) -> list[str] | None:
        """The terms that may be within `edits` of `word` (in their order: a superset of
        those that are), or None when the pieces would be too short to narrow them."""
        pieces = _pieces(len(word), edits)
        if pieces is None:
            return None
        found = np.zeros(len(self.terms), dtype=bool)
        (first, first_end), *middle, (last, _) = pieces
        found[_range(self.terms, word[first:first_end])] = True
        back = _range(self._reversed, word[last:][::-1])
        found[self._reversed_at[back]] = True
        shift = self.length - len(word)
        for start, end in middle:
            piece = np.array([ord(ch) for ch in word[start:end]], dtype=np.uint32)
            for moved in _shifts(shift, edits):
                at = start + moved
                if at < 0 or at + len(piece) > self.length:
                    continue
                rows = np.flatnonzero(self._letters[:, at] == piece[0])
                for k in range(1, len(piece)):
                    rows = rows[self._letters[rows, at + k] == piece[k]]
                found[rows] = True
        return [self.terms[i] for i in np.flatnonzero(found).tolist()]


def _range(ordered: list[str], piece: str) -> slice:
    lo = bisect_left(ordered, piece)
    return slice(lo, bisect_left(ordered, piece + END, lo))


def _pieces(length: int, edits: int) -> list[tuple[int, int]] | None:
    """`edits + 1` pieces of a word of `length` letters, one letter between each two, as
    (start, end); None if one would be empty."""
    count = edits + 1
    letters = length - edits
    if letters < count:
        return None
    size, extra = divmod(letters, count)
    pieces, start = [], 0
    for k in range(count):
        end = start + size + (k < extra)
        pieces.append((start, end))
        start = end + 1
    return pieces


def _shifts(shift: int, edits: int) -> list[int]:
    """How far a middle piece may have moved: by the letters inserted (deleted) before it,
    with the rest of the length change `shift` made after it, `edits` in all."""
    return [m for m in range(-edits, edits + 1) if abs(m) + abs(shift - m) <= edits]
