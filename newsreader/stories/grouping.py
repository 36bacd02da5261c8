"""When an article is part of an earlier one's story: the decision, apart from how the
candidates were found (`choose`), and what it makes of the stories (`Stories`).

The measure is exact shingle overlap, *containment* above all (the share of the smaller
article's shingles found in the other: a feed's excerpt of a story is contained in it), with
boilerplate taken out first. Boilerplate is what an article shares with candidates of
*different* stories: a source's footer ("Sign up for our newsletter..."), stock sentences
("did not immediately respond to a request for comment"). Counted in, it joins a short
article to whatever else its source published that week. Measured on
`benchmarks/stories_eval.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

WINDOW_SECONDS = 14 * 86400.0
"""Articles further apart in time are not one story's coverage, however alike."""
CONTAINS = 0.5
"""Containment (boilerplate left out) at or above which two articles are one story."""
TITLE_CONTAINS = 0.35
"""Below `CONTAINS`, down to this, only when the titles agree too (`TITLE_RATIO`)."""
TITLE_RATIO = 60.0
MIN_SHARED = 6
"""Fewer shingles in common (boilerplate left out) is never enough, whatever the share."""


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    story: int
    title: str
    shingles: np.ndarray
    """Distinct shingle hashes, sorted."""


def choose(shingles: np.ndarray, title: str, candidates: Sequence[Candidate]) -> list[int]:
    """The candidates whose story the article is part of, best first (the one containing
    most of it, or contained most in it); none: a story of its own."""
    if not candidates:
        return []
    shared = [np.intersect1d(shingles, c.shingles, assume_unique=True) for c in candidates]
    common = _boilerplate(shared, [c.story for c in candidates])
    own = len(shingles) - len(common)
    found: list[tuple[float, int, bool]] = []
    for candidate, both in zip(candidates, shared, strict=True):
        # The boilerplate is the article's own, so what the candidate has of it is in both.
        kept = np.setdiff1d(both, common, assume_unique=True) if len(common) else both
        theirs = len(candidate.shingles) - (len(both) - len(kept))
        both = kept
        smaller = min(own, theirs)
        if len(both) < MIN_SHARED or smaller <= 0:
            continue
        score = len(both) / smaller
        if score >= CONTAINS or _titles_agree(score, title, candidate):
            # Beyond the best, only a candidate the article is part of, or whose title it
            # shares, may bring its story along (a merge): a digest holding two stories in
            # full contains each of them, and must not make them one.
            part = own <= theirs or _titles_agree(TITLE_CONTAINS, title, candidate)
            found.append((-score, candidate.id, part))
    ranked = sorted(found)
    return [i for n, (_, i, part) in enumerate(ranked) if n == 0 or part]


def _boilerplate(shared: list[np.ndarray], stories: list[int]) -> np.ndarray:
    """The shingles an article shares with candidates of two or more different stories."""
    if len(set(stories)) < 2:
        return np.zeros(0, dtype=np.uint64)
    values = np.concatenate(shared)
    labels = np.repeat(np.asarray(stories, dtype=np.int64), [len(s) for s in shared])
    pairs = np.unique(np.stack([values.view(np.int64), labels]), axis=1)
    found, counts = np.unique(pairs[0], return_counts=True)
    common: np.ndarray = np.sort(found[counts >= 2].view(np.uint64))
    return common


def _titles_agree(score: float, title: str, candidate: Candidate) -> bool:
    if score < TITLE_CONTAINS:
        return False
    ratio = fuzz.token_sort_ratio(title, candidate.title, processor=default_process)
    return ratio >= TITLE_RATIO


class Stories:
    """The batch's decisions: which story each article joined, and the stories found to be
    one (an article confirmed with members of both: a story split by one doubtful pair
    heals when a later report matches both halves). A merged story takes the earliest id."""

    def __init__(self) -> None:
        self.joined: dict[int, int] = {}  # article -> story
        self.merged: dict[int, int] = {}  # story -> the story it became

    def find(self, story: int) -> int:
        while story in self.merged:
            story = self.merged[story]
        return story

    def join(self, article: int, found: list[int]) -> int:
        """`article` joins the stories `found` (merging them), or starts its own."""
        if not found:
            return article
        into = {self.find(s) for s in found}
        story = min(into)
        for other in into - {story}:
            self.merged[other] = story
        self.joined[article] = story
        return story
