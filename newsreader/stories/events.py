"""Close coverage: one event written up independently by different sources.

Two such reports share few word triples (so no MinHash band), but they share the event's
particulars: its figures (a score, a toll, an amount) and its names. An article's *event
terms* are the figures (two digits or more, years left out) and the capitalised words
inside sentences (names) of its lede. Its *event keys* are the pairs of its first few
figures: two reports sharing two of them share a key, and so become candidates, as band
keys make near-duplicates candidates (names make none: a topic's names recur in all its
events' reports, candidates that could never be confirmed). A candidate is confirmed only when
the reports, within `WINDOW_SECONDS`, share enough terms, two of them figures
(coverage of the same team's next match, or the minister's next statement, shares the names
but not the figures), their term counts point the same way (cosine) and their titles agree
(rapidfuzz `token_set_ratio`). Measured on `benchmarks/stories_eval.py`.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from itertools import combinations

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

WINDOW_SECONDS = 3 * 86400.0
"""Independent reports of one event come out within a day or two of it."""
LEDE_CHARS = 2000
"""What an article says first names its event: the rest adds background (other names)."""
TOP = 5
"""Figures an article is keyed on, the most counted."""
KEYS = TOP * (TOP - 1) // 2
MIN_SHARED = 3
"""Event terms two reports must share."""
MIN_FIGURES = 2
"""Figures among them: a topic's own (a model number, a stadium's capacity) recur in all
its events' reports; two of one event's particulars seldom do."""
MIN_COSINE = 0.45
MIN_TITLE = 50.0
_SALT = 0x2545F4914F6CDD1D
"""Mixed into event keys so they never meet a MinHash band key in `story_band`."""

_NAME = re.compile(r"[A-Z\u00c0-\u00de\u0130](?<=[\w,;] .)[\w'\-]+")
"""A capitalised word after a word or a comma (not at a sentence's start). (The capital
comes before the look-behind: most positions fail on it, cheaply.) Latin capitals only:
names in other scripts go unseen (their reports fall back on the near-duplicate path)."""
_FIGURE = re.compile(r"\d(?<![\w\-.,:]\d)[\d.,:\-]*\d%?")
"""A figure of two digits or more, not the end of a word (`A320`, `F-35` are names). (The
digit comes before the look-behind, as the capital does in `_NAME`.)"""
_COMMON = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december the a an i""".split()
)


def figures(lede: str) -> Counter[str]:
    """The figures of a lede (years left out), `#`-marked, with their counts: all an
    article's event keys need, so the import's workers scan for nothing else."""
    found: Counter[str] = Counter()
    for term in _FIGURE.findall(lede):
        figure = term.rstrip(".,:-")
        if not (len(figure) == 4 and figure[:2] in ("19", "20")):  # a year
            found["#" + figure] += 1
    return found


def terms(body: str, source: str = "") -> Counter[str]:
    """The event terms of `body`'s lede, with their counts: its figures and names, the
    words of its `source`'s name left out (a source names itself in every article's footer
    and dateline)."""
    lede = body[:LEDE_CHARS]
    found = figures(lede)
    own = set(source.lower().split())
    for term in _NAME.findall(lede):
        if (word := term.lower()) not in _COMMON and word not in own:
            found[word] += 1
    return found


def _hash(term: str) -> int:
    """64 stable bits of a term (the same in every process, unlike `hash`)."""
    data = term.encode()
    return zlib.crc32(data, 0x9E3779B9) << 32 | zlib.crc32(data)


def keys(found: Counter[str]) -> list[int]:
    """The event keys of an article's terms: one per pair of its `TOP` figures (most
    counted first), 63-bit like band keys. Reports of one event share two figures
    (`same_event`), so they share a key; names make no key (a topic's names recur in all
    its events' reports: candidates that could never be confirmed)."""
    figures = sorted((t for t in found if t[0] == "#"), key=lambda t: (-found[t], t))[:TOP]
    hashes = sorted(_hash(t) for t in figures)
    out = []
    for a, b in combinations(hashes, 2):
        x = (a * 0x9E3779B97F4A7C15 + b + _SALT) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 31
        x = (x * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        out.append((x ^ (x >> 29)) >> 1)
    return out


def key_rows(bodies: Sequence[str]) -> np.ndarray:
    """`(n, KEYS)` int64 event keys of each body, zeros where it has fewer figures."""
    out = np.zeros((len(bodies), KEYS), dtype=np.int64)
    for n, body in enumerate(bodies):
        found = keys(figures(body[:LEDE_CHARS]))
        out[n, : len(found)] = found
    return out


def same_event(a: Counter[str], title_a: str, b: Counter[str], title_b: str) -> bool:
    """Whether two reports, found by a shared key, cover one event (see the module)."""
    shared = a.keys() & b.keys()
    figures = sum(t.startswith("#") for t in shared)
    if len(shared) < MIN_SHARED or figures < MIN_FIGURES:
        return False
    dot = sum(a[t] * b[t] for t in shared)
    norm = math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))
    if dot / norm < MIN_COSINE:
        return False
    ratio = fuzz.token_set_ratio(title_a, title_b, processor=default_process)
    return bool(ratio >= MIN_TITLE)
