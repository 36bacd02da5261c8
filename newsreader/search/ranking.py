"""Ordering hits: score, then recency, as one key; the head sorted now, the tail later."""

from __future__ import annotations

import numpy as np


def top(keys: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the `k` best keys, best first, and of the rest (unordered): exactly the
    head a stable sort of everything gives, ties at the cut included (lowest positions)."""
    if len(keys) <= 2 * k:
        return np.argsort(-keys, kind="stable"), np.empty(0, np.intp)
    negated = -keys
    cut = np.partition(negated, k - 1)[k - 1]
    better = np.flatnonzero(negated < cut)
    tied = np.flatnonzero(negated == cut)[: k - len(better)]
    top = np.sort(np.concatenate([better, tied]))
    rest = np.ones(len(keys), dtype=bool)
    rest[top] = False
    return top[np.argsort(negated[top], kind="stable")], np.flatnonzero(rest)


def rounded(scores: np.ndarray) -> list[float]:
    return np.round(scores.astype(np.float64), 3).tolist()  # type: ignore[no-any-return]


class Tail:
    """The hits after the head, sorted once, when first read (from any thread: a race only
    sorts twice)."""

    def __init__(
        self, candidates: np.ndarray, scores: np.ndarray, keys: np.ndarray, rest: np.ndarray
    ) -> None:
        self._candidates, self._scores, self._keys, self._rest = candidates, scores, keys, rest
        self._order: np.ndarray | None = None

    def _sorted(self) -> np.ndarray:
        if self._order is None:
            rest = np.sort(self._rest)
            self._order = rest[np.argsort(-self._keys[rest], kind="stable")]
        return self._order

    def ids(self) -> list[int]:
        return self._candidates[self._sorted()].tolist()  # type: ignore[no-any-return]

    def scores(self) -> list[float]:
        return rounded(self._scores[self._sorted()])


_EPOCHS = 4e9
"""Dates (seconds) fit below this; one score step (0.001) outweighs any date difference."""


def rank_key(scores: np.ndarray, dates: np.ndarray) -> np.ndarray:
    """Score (to 0.001), then recency, as one float64: a single sort instead of a two-key
    lexsort, twice as fast for a 100k-hit query typed one letter at a time. Exact while
    scores stay under ~2,000 (2e6 steps x 4e9 < 2**53)."""
    steps = np.round(scores.astype(np.float64) * 1000)
    key: np.ndarray = steps * _EPOCHS + np.clip(dates, 0, _EPOCHS - 1)
    return key
