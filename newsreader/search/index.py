"""The query side of the index: fuzzy vocabulary look-up, postings, ranking.

Query path: parse -> for each word, candidate terms from the vocabulary (exact, prefix for
the word being typed, rapidfuzz edit distance within length buckets) -> their postings
(fetched by term, cached) -> per-word best score per document -> AND -> order by score then
recency -> re-rank the head by how close the words stand.
"""

from __future__ import annotations

import math
import re
import threading
import time
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA
from sqlalchemy.engine import Engine

from newsreader.search.fields import FIELD_WEIGHT
from newsreader.search.query import Query
from newsreader.search.result import Ranked, SearchCancelled, SearchResult
from newsreader.search.segments import latest_segment, open_segments
from newsreader.search.tokens import fold, word_sequence


class TextFetcher(Protocol):
    """Article id -> (title, body, or its first `body_chars`), supplied by the store."""

    def __call__(
        self, ids: Sequence[int], body_chars: int | None = None
    ) -> Mapping[int, tuple[str, str]]: ...


Cancelled = Callable[[], bool]
Allowed = Callable[[], Collection[int] | None]
"""The article ids a query may return (its qualifiers, worked out by the store); None: all.
Called only when there are words to rank, after the vocabulary look-up."""

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
RERANK = 30
"""How many of the best hits are re-ranked by word proximity."""
HEAD = 1000
"""Hits ranked at once; the rest are sorted the first time something reads past them (a
one-letter query matches every article, and sorting 100k of them cost 10 ms a keystroke)."""
PROXIMITY_CHARS = 1500
"""How much of a body the proximity check reads (the lede is where a story's words meet)."""
CACHE_BYTES = 96 * 2**20
REFRESH_SECONDS = 1.0

_LAST = "\U0010ffff"


class _Stale(Exception):
    """Postings from segments this snapshot does not know: the index changed under it."""


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


class _Snapshot:
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
        self.checked_at = time.monotonic()

    def has(self, term: str) -> bool:
        return term in self.number

    def df(self, term: str) -> int:
        """Postings of `term` (documents holding it, counting replaced versions)."""
        number = self.number.get(term)
        return 1 if number is None else int(self.frequency[number])

    def rarity(self, term: str) -> float:
        """0.8 for a term in every document, up to 1.2 for one in a single document."""
        return 0.8 + 0.4 * math.log(self.documents / self.df(term)) / math.log(self.documents + 1)

    def prefixed(self, prefix: str) -> list[str]:
        lo = bisect_left(self.terms, prefix)
        hi = bisect_left(self.terms, prefix + _LAST, lo)
        return self.terms[lo:hi]

    def prefixes(self, length: int) -> list[str]:
        """Distinct leading `length` characters of longer terms (for typos while typing)."""
        if length not in self._prefixes:
            self._prefixes[length] = sorted({t[:length] for t in self.terms if len(t) > length})
        return self._prefixes[length]


class SearchIndex:
    """Answers queries from the persisted index; safe to call from worker threads."""

    def __init__(self, engine: Engine, fetch_texts: TextFetcher) -> None:
        self._engine = engine
        self._fetch_texts = fetch_texts
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._postings: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached_bytes = 0
        self._expansions: OrderedDict[tuple[str, bool], list[Expansion]] = OrderedDict()
        self._allowed_mask: tuple[Collection[int], int, np.ndarray] | None = None

    # -- state -------------------------------------------------------------------------

    def load(self) -> None:
        """Load (or reload, if the index changed) the vocabulary and what typo'd prefixes
        need. Cheap when current."""
        with self._lock:
            snap = self._current()
            for length in WARM_STEMS:
                snap.prefixes(length)

    def invalidate(self) -> None:
        """The caller wrote to the index: the next query re-checks it at once."""
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.checked_at = 0.0

    def _current(self) -> _Snapshot:
        snap = self._snapshot
        if snap is not None and time.monotonic() - snap.checked_at < REFRESH_SECONDS:
            return snap
        if snap is not None:
            with self._engine.connect() as conn:
                signature = latest_segment(conn)
            if signature == snap.signature:
                snap.checked_at = time.monotonic()
                return snap
        self._snapshot = snap = _Snapshot(self._engine)
        self._postings.clear()
        self._cached_bytes = 0
        self._expansions.clear()
        return snap

    @property
    def vocabulary_size(self) -> int:
        return len(self._snapshot.terms) if self._snapshot else 0

    # -- queries -----------------------------------------------------------------------

    def search(
        self,
        query: Query,
        *,
        limit: int | None = None,
        cancelled: Cancelled | None = None,
        allowed: Allowed | None = None,
    ) -> SearchResult:
        """Rank articles for a parsed `query`. Raises `SearchCancelled` if `cancelled()`
        turns true.

        Only ids in `allowed()` (when it gives a collection) can match: the store's answer
        to the query's qualifiers. A query without words ranks nothing.
        """
        with self._lock:
            snap = self._current()
            if query.is_empty:
                return SearchResult(query.text, [], [])
            try:
                return self._search(snap, query, limit, cancelled or (lambda: False), allowed)
            except _Stale:
                # Another process rewrote segments (a merge) since this snapshot was taken:
                # take a new one at once rather than miss documents until the next check.
                snap.checked_at = 0.0
                snap = self._current()
                return self._search(
                    snap, query, limit, cancelled or (lambda: False), allowed, strict=False
                )

    def holding(self, terms: Collection[str]) -> frozenset[int]:
        """The articles holding any of `terms` exactly (a query's `-word`s, when it has no
        words to rank by but qualifiers list articles)."""
        with self._lock:
            snap = self._current()
            try:
                postings = self._fetch_postings(snap, terms)
            except _Stale:
                snap.checked_at = 0.0
                snap = self._current()
                postings = self._fetch_postings(snap, terms, strict=False)
        return frozenset(doc for docs, _ in postings.values() for doc in docs.tolist())

    def expand(self, word: str, *, prefix: bool = False) -> list[Expansion]:
        """The vocabulary terms a query word stands for, with their similarity."""
        with self._lock:
            return self._expand(self._current(), word, prefix)

    def _search(
        self,
        snap: _Snapshot,
        query: Query,
        limit: int | None,
        cancelled: Cancelled,
        allowed: Allowed | None = None,
        *,
        strict: bool = True,
    ) -> SearchResult:
        text = query.text
        groups: list[list[Expansion]] = []
        for i, word in enumerate(query.words):
            last = query.prefix_last and i == len(query.words) - 1
            groups.append(self._expand(snap, word, last))
        for phrase in query.phrases:
            groups.extend([Expansion(t, 1.0)] for t in phrase if snap.has(t))
            if not all(map(snap.has, phrase)):
                return SearchResult(text, [], [])
        if any(not group for group in groups):
            return SearchResult(text, [], [])
        terms = frozenset(e.term for group in groups for e in group)
        wanted = terms | set(query.excluded)
        postings = self._fetch_postings(snap, wanted, strict=strict)
        if cancelled():
            raise SearchCancelled
        total = np.zeros(snap.size, dtype=np.float32)
        matched = np.ones(snap.size, dtype=bool)
        for group in groups:
            best = np.zeros(snap.size, dtype=np.float32)
            for exp in group:
                docs, flags = postings[exp.term]
                best[docs] = np.maximum(best[docs], FIELD_WEIGHT[flags] * exp.similarity)
            matched &= best > 0
            total += best
        for term in query.excluded:
            if term in postings:
                matched[postings[term][0]] = False
        if allowed is not None and (ids := allowed()) is not None:
            if cancelled():
                raise SearchCancelled
            matched &= self._mask(snap, ids)
        candidates = np.flatnonzero(matched)
        if cancelled():
            raise SearchCancelled
        if query.phrases:
            candidates = self._with_phrases(candidates, query.phrases, cancelled)
        scores = total[candidates]
        keys = _rank_key(scores, snap.dates[candidates])
        head, rest = _top(keys, HEAD if limit is None else max(limit, RERANK))
        ids, ranked = candidates[head], scores[head]
        if len(groups) > 1 and len(ids) > 1:
            ids, ranked = self._rerank(snap, ids, ranked, groups)
        if limit is not None or not len(rest):
            return SearchResult(text, ids[:limit].tolist(), _rounded(ranked[:limit]), terms)
        tail = _Tail(candidates, scores, keys, rest)
        return SearchResult(
            text,
            Ranked(ids.tolist(), len(candidates), tail.ids),
            Ranked(_rounded(ranked), len(candidates), tail.scores),
            terms,
        )

    def _mask(self, snap: _Snapshot, ids: Collection[int]) -> np.ndarray:
        """`ids` as a boolean mask over the documents; the last one is kept, so a filter
        the store has cached costs nothing on the next keystroke."""
        cached = self._allowed_mask
        if cached is not None and cached[0] is ids and cached[1] == snap.size:
            return cached[2]
        mask = np.zeros(snap.size, dtype=bool)
        found = np.fromiter(ids, dtype=np.int64, count=len(ids))
        mask[found[(found >= 0) & (found < snap.size)]] = True
        self._allowed_mask = (ids, snap.size, mask)
        return mask

    def _expand(self, snap: _Snapshot, word: str, prefix: bool) -> list[Expansion]:
        key = (word, prefix)
        cached = self._expansions.get(key)
        if cached is not None:
            self._expansions.move_to_end(key)
            return cached
        found: dict[str, float] = {}

        def offer(term: str, similarity: float) -> None:
            if similarity > found.get(term, 0.0):
                found[term] = similarity

        if snap.has(word):
            offer(word, 1.0)
        if prefix:
            for term in self._capped(snap, snap.prefixed(word), len(word)):
                offer(term, 0.8 + 0.15 * len(word) / len(term))
        edits = max_edits(word, known=snap.has(word))
        if edits:
            for length in range(len(word) - edits, len(word) + edits + 1):
                bucket = snap.by_length.get(length)
                if not bucket:
                    continue
                for term, distance, _ in process.extract(
                    word, bucket, scorer=OSA.distance, score_cutoff=edits, limit=None
                ):
                    offer(term, 0.6 if distance <= 1 else 0.45)
            if prefix:
                # A word still being typed, with a typo: match the stems of longer terms.
                # Their first letter must agree, or every keystroke drags in noise.
                stems = snap.prefixes(len(word))
                lo = bisect_left(stems, word[0])
                hi = bisect_left(stems, word[0] + _LAST, lo)
                for stem, _, _ in process.extract(
                    word, stems[lo:hi], scorer=OSA.distance, score_cutoff=1, limit=None
                ):
                    for term in self._capped(snap, snap.prefixed(stem), len(stem), STEM_CAP):
                        offer(term, 0.5)
        # Among terms a word could stand for, the rarer ones say more about what is sought:
        # a typo'd rare name should not tie with the common words one edit away from it.
        expansions = sorted(
            (Expansion(t, s * snap.rarity(t)) for t, s in found.items()),
            key=lambda e: -e.similarity,
        )
        self._expansions[key] = expansions
        if len(self._expansions) > 4096:
            self._expansions.popitem(last=False)
        return expansions

    @staticmethod
    def _capped(snap: _Snapshot, terms: list[str], length: int, cap: int = PREFIX_CAP) -> list[str]:
        cap = min(cap, PREFIX_CAPS.get(length, cap))
        if len(terms) <= cap:
            return terms
        numbers = np.fromiter(map(snap.number.__getitem__, terms), np.int64, len(terms))
        commonest = np.argsort(-snap.frequency[numbers], kind="stable")[:cap]
        return [terms[i] for i in commonest.tolist()]

    def _fetch_postings(
        self, snap: _Snapshot, terms: Collection[str], *, strict: bool = True
    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Postings of `terms`, cached. `strict`: a row from a segment this snapshot does
        not know (another process wrote or merged since) raises `_Stale`."""
        out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        missing = []
        for term in terms:
            hit = self._postings.get(term)
            if hit is None:
                missing.append(term)
            else:
                self._postings.move_to_end(term)
                out[term] = hit
        parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {t: [] for t in missing}
        numbers = np.fromiter((snap.number.get(t, -1) for t in missing), np.int64, len(missing))
        with self._engine.connect() as conn:
            for seg, seg_terms in zip(snap.segments, snap.segment_terms, strict=True):
                if not len(seg_terms):
                    continue
                at = np.searchsorted(seg_terms, numbers)
                hits = np.flatnonzero(seg_terms[np.minimum(at, len(seg_terms) - 1)] == numbers)
                if not len(hits):
                    continue
                found = seg.postings(conn, at[hits])
                if found is None:
                    if strict:
                        raise _Stale  # merged away by another process since the snapshot
                    continue  # the next snapshot has these documents
                for i, posting in zip(hits.tolist(), found, strict=True):
                    parts[missing[i]].append(posting)
        for term, found in parts.items():
            # Copies, never views: a cached view would hold a whole read of blocks.
            entry = (
                np.concatenate([d for d, _ in found]) if found else np.empty(0, np.int64),
                np.concatenate([f for _, f in found]) if found else np.empty(0, np.uint8),
            )
            out[term] = entry
            self._postings[term] = entry
            self._cached_bytes += entry[0].nbytes + entry[1].nbytes
        while self._cached_bytes > CACHE_BYTES and len(self._postings) > len(out):
            _, (docs, flags) = self._postings.popitem(last=False)
            self._cached_bytes -= docs.nbytes + flags.nbytes
        return out

    def _with_phrases(
        self, candidates: np.ndarray, phrases: tuple[tuple[str, ...], ...], cancelled: Cancelled
    ) -> np.ndarray:
        """Keep the candidates whose title or body holds every phrase word for word.

        One compiled pattern per phrase, searched in C over the folded text: re-tokenising
        thousands of candidate bodies in Python cost a second at 100k articles. Folding a
        body costs several times the search, so a text is first searched lower-cased (see
        `_found_as_is`); an ASCII text the phrase is not in does not have it.
        """
        patterns = [phrase_pattern(p) for p in phrases if len(p) > 1]
        if not patterns:
            return candidates
        keep = []
        for start in range(0, len(candidates), 512):
            if cancelled():
                raise SearchCancelled
            chunk = candidates[start : start + 512].tolist()
            texts = self._fetch_texts(chunk)
            for doc in chunk:
                title, body = texts.get(doc, ("", ""))
                text = f"{title}\n{body}".lower()
                if all(_found_as_is(pattern, text) for pattern in patterns) or (
                    not text.isascii() and all(pattern.search(fold(text)) for pattern in patterns)
                ):
                    keep.append(doc)
        return np.array(keep, dtype=np.int64)

    def _rerank(
        self, snap: _Snapshot, ids: np.ndarray, scores: np.ndarray, groups: list[list[Expansion]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Lift the head of the ranking where the query words stand close together.

        Plain words of the title and the start of the body, split in C++: this runs on
        every keystroke, and a regex tokenizer here cost more than the rest of the query.
        """
        head = ids[:RERANK].tolist()
        texts = self._fetch_texts(head, PROXIMITY_CHARS)
        words: dict[str, list[int]] = {}
        for k, group in enumerate(groups):
            for term in {e.term for e in group}:
                words.setdefault(term, []).append(k)
        need = len(groups)
        bonus = np.zeros(len(head), dtype=np.float32)
        for i, doc in enumerate(head):
            title, body = texts.get(doc, ("", ""))
            title_window = _window(word_sequence(title), words, need)
            if title_window is not None:
                bonus[i] += 1.0 * need / title_window
            body_window = _window(word_sequence(body[:PROXIMITY_CHARS]), words, need)
            if body_window is not None:
                bonus[i] += 0.5 * need / body_window
        head_scores = scores[: len(head)] + bonus
        order = np.argsort(-_rank_key(head_scores, snap.dates[ids[: len(head)]]), kind="stable")
        ids = np.concatenate([ids[: len(head)][order], ids[len(head) :]])
        scores = np.concatenate([head_scores[order], scores[len(head) :]])
        return ids, scores


def _top(keys: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
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


def _rounded(scores: np.ndarray) -> list[float]:
    return np.round(scores.astype(np.float64), 3).tolist()  # type: ignore[no-any-return]


class _Tail:
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
        return _rounded(self._scores[self._sorted()])


_EPOCHS = 4e9
"""Dates (seconds) fit below this; one score step (0.001) outweighs any date difference."""


def _rank_key(scores: np.ndarray, dates: np.ndarray) -> np.ndarray:
    """Score (to 0.001), then recency, as one float64: a single sort instead of a two-key
    lexsort, twice as fast for a 100k-hit query typed one letter at a time. Exact while
    scores stay under ~2,000 (2e6 steps x 4e9 < 2**53)."""
    steps = np.round(scores.astype(np.float64) * 1000)
    key: np.ndarray = steps * _EPOCHS + np.clip(dates, 0, _EPOCHS - 1)
    return key


def phrase_pattern(phrase: tuple[str, ...]) -> re.Pattern[str]:
    """Folded text holding `phrase`'s terms side by side: any punctuation or space between
    words, and the inner punctuation a joined term may have had (`s400` in `S-400`)."""
    words = [r"[-'’.·/]?".join(re.escape(ch) for ch in term) for term in phrase]
    # It starts with its first letter, not with the look-behind that says no word character
    # comes before it: a pattern opening on a literal is scanned for at C speed, while one
    # opening on a look-behind is tried at every position (75 us per body at 100k).
    first = re.escape(phrase[0][0])
    start = f"{first}(?<![^\\W_]{first})"
    return re.compile(start + r"[\W_]+".join(words)[len(first) :] + r"(?![^\W_])")


def _found_as_is(pattern: re.Pattern[str], lowered: str) -> bool:
    """The phrase is in the folded text because it is in the lower-cased one, untouched by
    folding: the match and a character either side are ASCII (folding changes only other
    characters, and one of those beside it could fold into letters, like `™` or an accent)."""
    found = pattern.search(lowered)
    return found is not None and lowered[max(0, found.start() - 1) : found.end() + 1].isascii()


def _window(sequence: list[str], groups: dict[str, list[int]], need: int) -> int | None:
    """Length of the shortest stretch of `sequence` holding a term of every group.

    `groups` maps a term to the query words (0..need-1) it stands for.
    """
    hits = [(i, k) for i, term in enumerate(sequence) if term in groups for k in groups[term]]
    if len({k for _, k in hits}) < need:
        return None
    best: int | None = None
    counts = [0] * need
    covered = 0
    left = 0
    for pos, k in hits:
        counts[k] += 1
        if counts[k] == 1:
            covered += 1
        while covered == need:
            lpos, lk = hits[left]
            span = pos - lpos + 1
            best = span if best is None else min(best, span)
            counts[lk] -= 1
            if counts[lk] == 0:
                covered -= 1
            left += 1
    return best
