"""The vocabulary terms a query word stands for: itself, the terms it begins (while it is
being typed), and those a typo or two away, each with a similarity."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from newsreader.search.snapshot import LAST, Snapshot

PREFIX_CAPS = {1: 10, 2: 50}
PREFIX_CAP = 200
"""A prefix expands to at most this many terms, most frequent first. One or two letters
match nearly every article through their commonest words already; more of those words
only cost time (fetching 30 of them cold was a 40 ms keystroke at 100k)."""
STEM_CAP = 20
"""Terms per stem a typo'd prefix stands for (`lokc` -> `lock`...): weak matches, and a
3-letter prefix has dozens of stems one edit away."""
WARM_STEMS = range(3, 13)
"""Stem lengths worked out when the index is warmed (5-12 ms each at 100k), not on a key."""


@dataclass(frozen=True, slots=True)
class Expansion:
    term: str
    similarity: float


def max_edits(word: str, known: bool = False) -> int:
    """Typos tolerated: one from 4 letters, two from 8; none in numbers or codes. A 3-letter
    word gets one only when it is not a word of the corpus itself (`pma` for `pima`)."""
    if any(ch.isdigit() for ch in word) or len(word) < 3 or (len(word) == 3 and known):
        return 0
    return 1 if len(word) < 8 else 2


def expand(snap: Snapshot, word: str, prefix: bool) -> list[Expansion]:
    """The terms `word` stands for, best first; `prefix`: it is still being typed."""
    found: dict[str, float] = {}

    def offer(term: str, similarity: float) -> None:
        if similarity > found.get(term, 0.0):
            found[term] = similarity

    if snap.has(word):
        offer(word, 1.0)
    if prefix:
        for term in capped(snap, snap.prefixed(word), len(word)):
            offer(term, 0.8 + 0.15 * len(word) / len(term))
    edits = max_edits(word, known=snap.has(word))
    if edits:
        for length in range(len(word) - edits, len(word) + edits + 1):
            near = snap.near(length)
            if near is None:
                continue
            bucket = near.near(word, edits)
            if bucket is None:
                bucket = near.terms
            for term, distance, _ in process.extract(
                word, bucket, scorer=OSA.distance, score_cutoff=edits, limit=None
            ):
                offer(term, 0.6 if distance <= 1 else 0.45)
        if prefix:
            # A word still being typed, with a typo: match the stems of longer terms.
            # Their first letter must agree, or every keystroke drags in noise.
            stems = snap.prefixes(len(word))
            lo = bisect_left(stems, word[0])
            hi = bisect_left(stems, word[0] + LAST, lo)
            for stem, _, _ in process.extract(
                word, stems[lo:hi], scorer=OSA.distance, score_cutoff=1, limit=None
            ):
                for term in capped(snap, snap.prefixed(stem), len(stem), STEM_CAP):
                    offer(term, 0.5)
    # Among terms a word could stand for, the rarer ones say more about what is sought:
    # a typo'd rare name should not tie with the common words one edit away from it.
    return sorted(
        (Expansion(t, s * snap.rarity(t)) for t, s in found.items()),
        key=lambda e: -e.similarity,
    )


def capped(snap: Snapshot, numbers: range, length: int, cap: int = PREFIX_CAP) -> list[str]:
    """The `cap` commonest of the terms `numbers` (fewer for a prefix of one or two
    letters), in the order of the terms when they all fit."""
    cap = min(cap, PREFIX_CAPS.get(length, cap))
    if len(numbers) <= cap:
        return snap.terms[numbers.start : numbers.stop]
    commonest = np.argsort(-snap.frequency[numbers.start : numbers.stop], kind="stable")[:cap]
    return [snap.terms[numbers.start + i] for i in commonest.tolist()]
