"""The query side of the index: fuzzy vocabulary look-up, postings, ranking.

Query path: parsed query -> for each word, candidate terms from the vocabulary (`expansion`)
-> their postings (fetched by term from the segments' readers, cached) -> per-word best
score per document -> AND -> order by score then recency (`ranking`) -> re-rank the head by
how close the words stand (`text_match`).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection
from contextlib import ExitStack
from functools import partial
from typing import TypeVar

import numpy as np
from sqlalchemy.engine import Engine

from newsreader.search.expansion import WARM_STEMS, Expansion, capped, expand
from newsreader.search.fields import FIELD_WEIGHT
from newsreader.search.packed import Packed, packed_best
from newsreader.search.query import Query
from newsreader.search.ranking import Tail, rank_key, rounded, top
from newsreader.search.result import Cancelled, Ranked, SearchCancelled, SearchResult
from newsreader.search.segments import latest_segment
from newsreader.search.snapshot import Snapshot
from newsreader.search.text_match import RERANK, Proximity, TextFetcher, with_phrases

Allowed = Callable[[], Collection[int] | None]
"""The article ids a query may return (its qualifiers, worked out by the store); None: all.
Called only when there are words to rank, after the vocabulary look-up."""

HEAD = 1000
"""Hits ranked at once; the rest are sorted the first time something reads past them (a
one-letter query matches every article, and sorting 100k of them cost 10 ms a keystroke)."""
CACHE_BYTES = 96 * 2**20
SCORED_KEPT = 3
"""Scores of the words before the one being typed, kept for the next keystrokes (each is
5 bytes an article)."""
GroupKey = tuple[str, bool | None]
"""A query word and whether it is a prefix (None: a phrase's term): what its terms and
their similarities follow from, in one snapshot."""
Scored = tuple[np.ndarray, np.ndarray]
"""Summed scores and whether every word so far matched, per document."""
REFRESH_SECONDS = 1.0
GROUP_BYTES = 48 * 2**20
"""Memory for the scores of whole query words (`_group_scores`), a vector per word."""
GROUP_POSTINGS = 50_000
"""A word's scores are kept once its terms have this many postings: one or two letters
stand for the commonest terms, half a million postings at 100k, whose cold read and scoring
took 10-20 ms of a keystroke. Smaller words are scored again, quicker than kept."""


def _between_pieces() -> None:
    """Between two pieces of a warm-up, the lock free: the interpreter to a waiting search."""
    time.sleep(0)


_Kept = TypeVar("_Kept", np.ndarray, Packed)


class _Stale(Exception):
    """Postings from segments this snapshot does not know: the index changed under it."""


class SearchIndex:
    """Answers queries from the persisted index; safe to call from worker threads."""

    def __init__(self, engine: Engine, fetch_texts: TextFetcher) -> None:
        self._engine = engine
        self._fetch_texts = fetch_texts
        self._proximity = Proximity(fetch_texts)
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._postings: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached_bytes = 0
        self._expansions: OrderedDict[tuple[str, bool], list[Expansion]] = OrderedDict()
        self._scored_words: OrderedDict[tuple[GroupKey, ...], Scored] = OrderedDict()
        self._group_scores: OrderedDict[GroupKey, np.ndarray | Packed] = OrderedDict()
        self._group_bytes = 0
        self._allowed_mask: tuple[Collection[int], int, np.ndarray] | None = None

    # -- state -------------------------------------------------------------------------

    def load(self) -> None:
        """Load (or reload, if the index changed) the vocabulary and what typo'd prefixes
        need. Cheap when current.

        The lock is let go between the pieces (each tens of ms at a million articles): a
        search typed meanwhile runs between two of them, not after them all."""
        with self._lock:
            snap = self._current()
        pieces: list[Callable[[], object]] = [partial(snap.prefixes, n) for n in WARM_STEMS]
        pieces += [partial(snap.near, n) for n in list(snap.by_length)]
        for warm in pieces:
            _between_pieces()
            with self._lock:
                if snap is not self._snapshot:
                    return  # replaced meanwhile: the new one warms on use
                warm()

    def invalidate(self) -> None:
        """The caller wrote to the index: the next query re-checks it at once."""
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.checked_at = 0.0

    def _current(self) -> Snapshot:
        snap = self._snapshot
        if snap is not None and time.monotonic() - snap.checked_at < REFRESH_SECONDS:
            return snap
        if snap is not None:
            with self._engine.connect() as conn:
                signature = latest_segment(conn)
            if signature == snap.signature:
                snap.checked_at = time.monotonic()
                return snap
        self._snapshot = snap = Snapshot(self._engine)
        self._postings.clear()
        self._cached_bytes = 0
        self._expansions.clear()
        self._proximity.clear()
        self._scored_words.clear()
        self._group_scores.clear()
        self._group_bytes = 0
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
        snap: Snapshot,
        query: Query,
        limit: int | None,
        cancelled: Cancelled,
        allowed: Allowed | None = None,
        *,
        strict: bool = True,
    ) -> SearchResult:
        text = query.text
        groups: list[list[Expansion]] = []
        asked: list[GroupKey] = []
        for i, word in enumerate(query.words):
            last = query.prefix_last and i == len(query.words) - 1
            groups.append(self._expand(snap, word, last))
            asked.append((word, last))
        for phrase in query.phrases:
            groups.extend([Expansion(t, 1.0)] for t in phrase if snap.has(t))
            asked.extend((t, None) for t in phrase if snap.has(t))
            if not all(map(snap.has, phrase)):
                return SearchResult(text, [], [])
        if any(not group for group in groups):
            return SearchResult(text, [], [])
        terms = frozenset(e.term for group in groups for e in group)
        done, state = self._scored(asked)
        kept = [self._group_scores.get(key) for key in asked]
        wanted = {
            e.term for k in range(done, len(groups)) if kept[k] is None for e in groups[k]
        } | set(query.excluded)
        postings = self._fetch_postings(snap, wanted, strict=strict)
        if cancelled():
            raise SearchCancelled
        for k in range(done, len(groups)):
            best = _unpacked(kept[k])
            if best is None:
                best = self._keep_group(asked[k], _best(snap.size, groups[k], postings))
            else:
                self._group_scores.move_to_end(asked[k])
            # Never in place: a state kept for the next keystroke, or a word's kept scores,
            # must stay as they were (0 + best is best exactly, and the sums keep the
            # words' order). Kept scores are read-only, so a slip raises.
            state = (best, best > 0) if state is None else (state[0] + best, state[1] & (best > 0))
            if k == len(groups) - 2:
                self._keep_scored(tuple(asked[:-1]), state)
        assert state is not None
        total, matched = state
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
            candidates = with_phrases(self._fetch_texts, candidates, query.phrases, cancelled)
        scores = total[candidates]
        keys = rank_key(scores, snap.dates[candidates])
        head, rest = top(keys, HEAD if limit is None else max(limit, RERANK))
        ids, ranked = candidates[head], scores[head]
        if len(groups) > 1 and len(ids) > 1:
            ids, ranked = self._proximity.rerank(snap.dates, ids, ranked, groups)
        if limit is not None or not len(rest):
            return SearchResult(text, ids[:limit].tolist(), rounded(ranked[:limit]), terms)
        tail = Tail(candidates, scores, keys, rest)
        return SearchResult(
            text,
            Ranked(ids.tolist(), len(candidates), tail.ids),
            Ranked(rounded(ranked), len(candidates), tail.scores),
            terms,
        )

    def _scored(self, keys: list[GroupKey]) -> tuple[int, Scored | None]:
        """How many leading words of a query are scored already (the same words typed
        before the one being typed now), and their (total, matched)."""
        for done in range(len(keys) - 1, 0, -1):
            state = self._scored_words.get(tuple(keys[:done]))
            if state is not None:
                return done, state
        return 0, None

    def _keep_scored(self, keys: tuple[GroupKey, ...], state: Scored) -> None:
        self._scored_words[keys] = state
        self._scored_words.move_to_end(keys)
        while len(self._scored_words) > SCORED_KEPT:
            self._scored_words.popitem(last=False)

    def _keep_group(self, key: GroupKey, scored: tuple[_Kept, int]) -> _Kept:
        """A word's scores, kept (read-only) when they were dear to make (packed ones as
        the warm-up makes them: packing is kept off the keystroke's path)."""
        kept, postings = scored
        if (
            postings >= GROUP_POSTINGS
            and len(kept.codes if isinstance(kept, Packed) else kept) * 4 <= GROUP_BYTES // 4
        ):
            if isinstance(kept, np.ndarray):
                kept.flags.writeable = False
            self._group_scores[key] = kept
            self._group_bytes += kept.nbytes
            while self._group_bytes > GROUP_BYTES:
                self._group_bytes -= self._group_scores.pop(self._evicted()).nbytes
        return kept

    def _evicted(self) -> GroupKey:
        """The kept word to drop: the oldest, but a first letter last (every query starts
        with one, and each letter read cold costs 100-300 ms at a million articles, where
        the longer words typed since would push them all out)."""
        return next(
            (k for k in self._group_scores if len(k[0]) > 1), next(iter(self._group_scores))
        )

    def warm_prefixes(self, cancelled: Cancelled) -> None:
        """Score the first letters and the commonest first two letters as words being typed
        (`m`, `mi`, and `oil p`'s `p`) ahead of the keys: each stands for its commonest
        terms (10 and 50), which no cache holds cold. Their postings are read past the
        postings cache (they would crowd it out); the commonest first, as many as fit in
        three quarters of `GROUP_BYTES`, packed (`packed_best`: at a million articles every letter
        and a few pairs, where 9 letters fitted unpacked)."""
        with self._lock:
            snap = self._current()
            weight = {}
            for length in (1, 2):
                for prefix in filter(str.isalnum, snap.prefixes(length)):
                    terms = snap.prefixed(prefix)
                    weight[prefix] = int(snap.frequency[terms.start : terms.stop].sum())
        prefixes = sorted(weight, key=lambda p: (len(p), -weight[p]))
        room = GROUP_BYTES * 3 // 4 // max(1, snap.size)
        for prefix in [p for p in prefixes if weight[p] >= GROUP_POSTINGS][:room]:
            if cancelled():
                return
            with self._lock:
                if self._snapshot is not snap:
                    return  # the index changed: its prefixes are scored as typed
                if self._group_bytes >= GROUP_BYTES * 3 // 4:
                    return  # some did not pack: room is left for the words typed
                key = (prefix, True)
                if key in self._group_scores:
                    continue
                group = self._expand(snap, prefix, True)
            try:  # read and scored without the lock: a keystroke never waits for them
                read = self._read_postings(snap, [e.term for e in group])
            except _Stale:
                return
            small = packed_best(snap.size, group, read)
            if small is None:  # too many distinct scores to pack
                postings = {t: (docs, FIELD_WEIGHT[bits]) for t, (docs, bits) in read.items()}
                best = _best(snap.size, group, postings)
            with self._lock:
                if self._snapshot is not snap:
                    return
                if key in self._group_scores:
                    continue  # typed meanwhile, and kept (counted once)
                self._keep_group(key, best) if small is None else self._keep_group(key, small)

    def _mask(self, snap: Snapshot, ids: Collection[int]) -> np.ndarray:
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

    def _expand(self, snap: Snapshot, word: str, prefix: bool) -> list[Expansion]:
        key = (word, prefix)
        cached = self._expansions.get(key)
        if cached is not None:
            self._expansions.move_to_end(key)
            return cached
        expansions = expand(snap, word, prefix)
        self._expansions[key] = expansions
        if len(self._expansions) > 4096:
            self._expansions.popitem(last=False)
        return expansions

    def _fetch_postings(
        self, snap: Snapshot, terms: Collection[str], *, strict: bool = True
    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """(article ids, field weights) of `terms`, cached. The weights are looked up from
        the field bits once, here: indexing by uint8 bits on every keystroke cost 15x a
        multiplication. `strict`: as for `_read_postings`."""
        out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        missing = []
        for term in terms:
            hit = self._postings.get(term)
            if hit is None:
                missing.append(term)
            else:
                self._postings.move_to_end(term)
                out[term] = hit
        out.update(self._cache(self._read_postings(snap, missing, strict=strict), len(out)))
        return out

    def _cache(
        self, read: dict[str, tuple[np.ndarray, np.ndarray]], held: int = 0
    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Postings read, as (article ids, field weights), into the cache; the oldest go
        beyond `CACHE_BYTES`, but never the `held` most recent before these."""
        out = {}
        for term, (docs, flags) in read.items():
            if (old := self._postings.pop(term, None)) is not None:  # read twice (read-ahead)
                self._cached_bytes -= old[0].nbytes + old[1].nbytes
            entry = out[term] = self._postings[term] = (docs, FIELD_WEIGHT[flags])
            self._cached_bytes += entry[0].nbytes + entry[1].nbytes
        while self._cached_bytes > CACHE_BYTES and len(self._postings) > len(out) + held:
            _, (docs, weights) = self._postings.popitem(last=False)
            self._cached_bytes -= docs.nbytes + weights.nbytes
        return out

    def read_ahead(self, word: str, cancelled: Cancelled) -> None:
        """Read into the cache the postings of a word being typed whose scores were kept (a
        warmed `mi`), and of the commonest terms its next letter may keep (as many as a
        prefix one letter longer stands for): the next key (`min`) would read them cold.
        Run after a keystroke is answered; the reads take no lock, so the next keystroke's
        search does not wait for them (it stops them)."""
        with self._lock:
            snap = self._current()
            if (word, True) not in self._group_scores:
                return
            group = [e.term for e in self._expand(snap, word, True)]
            longer = capped(snap, snap.prefixed(word), len(word) + 1)
            terms = [t for t in dict.fromkeys(group + longer) if t not in self._postings]
        for at in range(0, len(terms), 8):
            if cancelled():
                return
            try:
                read = self._read_postings(snap, terms[at : at + 8])
            except _Stale:
                return
            with self._lock:
                if self._snapshot is not snap:
                    return
                self._cache(read)

    def _read_postings(
        self, snap: Snapshot, terms: list[str], *, strict: bool = True
    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """(article ids, field bits) of `terms`, read from the segments. `strict`: a row
        from a segment this snapshot does not know (another process wrote or merged
        since) raises `_Stale`."""
        parts: dict[str, list[tuple[np.ndarray, np.ndarray, int]]] = {t: [] for t in terms}
        numbers = np.fromiter((snap.number.get(t, -1) for t in terms), np.int64, len(terms))
        with ExitStack() as stack:
            conn = None  # connected only when there is something to read (not on a cache hit)
            for seg, seg_terms in zip(snap.segments, snap.segment_terms, strict=True):
                if not len(seg_terms) or not terms:
                    continue
                at = np.searchsorted(seg_terms, numbers)
                hits = np.flatnonzero(seg_terms[np.minimum(at, len(seg_terms) - 1)] == numbers)
                if not len(hits):
                    continue
                conn = conn or stack.enter_context(self._engine.connect())
                found = seg.postings(conn, at[hits])
                if found is None:
                    if strict:
                        raise _Stale  # merged away by another process since the snapshot
                    continue  # the next snapshot has these documents
                for i, posting in zip(hits.tolist(), found, strict=True):
                    parts[terms[i]].append(posting)
        return _joined(parts)


def _unpacked(kept: np.ndarray | Packed | None) -> np.ndarray | None:
    return kept.unpacked() if isinstance(kept, Packed) else kept


def _best(
    size: int, group: list[Expansion], postings: dict[str, tuple[np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, int]:
    """Per document, the best score of a word's terms; and how many postings that took."""
    best = np.zeros(size, dtype=np.float32)
    read = 0
    for i, exp in enumerate(group):
        docs, weights = postings[exp.term]
        scores = weights * exp.similarity  # the first term has nothing to beat
        best[docs] = scores if i == 0 else np.maximum(best[docs], scores, out=scores)
        read += len(docs)
    return best, read


def _joined(
    parts: dict[str, list[tuple[np.ndarray, np.ndarray, int]]],
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each term's postings from its segments' (documents, field bits, base): all of them
    joined and based in one pass, then cut per term (a 3-letter prefix's 400 terms cost 15
    ms joined one by one, in numpy calls more than in copying). Article ids are copies,
    never views: a cached view would hold the whole read; the bits are views (the caller
    turns them into weights)."""
    flat = [part for found in parts.values() for part in found]
    docs = np.concatenate([d for d, _, _ in flat] or [np.empty(0, np.int64)], dtype=np.int64)
    bits = np.concatenate([f for _, f, _ in flat] or [np.empty(0, np.uint8)])
    if any(base for _, _, base in flat):
        lengths = [len(d) for d, _, _ in flat]
        docs += np.repeat(np.array([base for _, _, base in flat], np.int64), lengths)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    start = 0
    for term, found in parts.items():
        end = start + sum(len(d) for d, _, _ in found)
        out[term] = (docs[start:end].copy(), bits[start:end])
        start = end
    return out
