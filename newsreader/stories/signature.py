"""Signatures of article bodies: MinHash over spot shingles, and LSH band keys.

A shingle is three consecutive *content* words (stop words dropped first, as SpotSigs does):
two unrelated articles on one topic share words and stop-word phrases ("said on the"), but
almost never three content words in a row, while a lightly edited copy of one wire story
keeps most of them. Word order inside a sentence matters, sentence order does not (a set).
The title is left out: a re-published article often has a new one.

Bounded: at most `MAX_WORDS` content words per body are shingled, and the work is numpy
passes over a whole batch, `PERMS` passes of its shingles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import numpy as np

from newsreader.stories.events import key_rows

PERMS = 32
"""Hash functions per signature: the estimate a candidate is checked on (`similarity`)."""
BANDS = 8
"""Band keys per article: its first `BANDS` hashes, one a band. A pair of Jaccard 0.3 shares
one 94% of the time (16 bands of 2 rows: 78%), at 8 rows a signed article, not 16: rows are
most of what grouping writes (~2 us each in SQLite at 100k). A single hash is shared by
unrelated articles that share the shingle it picked (a source's footer, a stock sentence):
such a key soon names many stored articles, and is then too common to use
(`keeping.COMMON_KEY`). Measured on `stories_eval`: 10 bands found ~0.5% more pairs."""
MAX_WORDS = 400
"""Content words shingled per body: the first 400 (~700 words of text) say what it is."""
MAX_CHARS = 20_000
"""Characters of a body read at most (bounds the work before the word cap applies)."""
MIN_SHINGLES = 8
"""Fewer (a headline-only entry, an empty body) and a body says too little to match on."""

STOP_WORDS = frozenset(
    """a about after against all also an and any are as at be because been before being
    between both but by can could did do does during each for from had has have he her here
    him his how i if in into is it its just more most my no not now of off on once only or
    other our out over own said says same she should so some such than that the their them
    then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your mr mrs ms""".split()
)

_rng = np.random.default_rng(20261130)
_MUL = _rng.integers(0, 2**31, PERMS, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
_ADD = _rng.integers(0, 2**32, PERMS, dtype=np.uint32)
_K = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)
_BAND_MUL = np.uint64(0xFF51AFD7ED558CCD)


_CLASS = np.full(256, 1, dtype=np.uint8)
"""Byte classes: 0 space, 1 word (letters, digits, every non-ASCII byte), 2 sentence end."""
_CLASS[:128] = 0
for _c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789":
    _CLASS[_c] = 1
for _c in b".!?;:":
    _CLASS[_c] = 2
_WORD = _CLASS == 1
_BYTES = np.array([(1 << 8 * n) - 1 for n in range(9)], dtype=np.uint64)
"""The mask of a word's first `n` bytes, to 8."""
_PUNCTUATION = (("\u2014", " "), ("\u2013", " "), ("\u201c", " "), ("\u201d", " "),
    ("\u2018", " "), ("\u2019", ""), ("\u00ab", " "), ("\u00bb", " "), ("\u2026", "."),
    ("\u00a0", " "))  # fmt: skip
"""Non-ASCII punctuation common in news text, made what its ASCII kin is (an apostrophe,
curly or straight, joins: `don't` is `dont`)."""
_JOIN = 1
"""The byte that joins texts in a buffer (a body's own are made spaces)."""
CHUNK = 500
"""Bodies tokenized per numpy pass: bounds the temporaries (~30 bytes a character)."""


def _text(body: str) -> str:
    text = body[:MAX_CHARS]
    if not text.isascii():
        for mark, instead in _PUNCTUATION:
            if mark in text:
                text = text.replace(mark, instead)
    return text.replace("'", "").replace("\x01", " ")


def _mix(x: np.ndarray) -> np.ndarray:
    """A 64-bit finaliser (murmur3's): every input bit moves every output bit."""
    x = x ^ (x >> np.uint64(33))
    x *= np.uint64(0xFF51AFD7ED558CCD)
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xC4CEB9FE1A85EC53)
    x ^= x >> np.uint64(33)
    return x


def _word_hashes(buffer: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(hash, length, text number, sentence number) of each word of `buffer` (texts joined
    by byte 1), in a few passes over the buffer. A word's hash mixes its length, its first
    and its last eight bytes: two words would have to agree on all three, and so be at
    least 17 bytes long, to share one."""
    # ASCII letters lower-cased (`bytes.lower`; other scripts keep their case: copies of one
    # text agree on it anyway).
    raw = np.frombuffer(buffer.lower(), dtype=np.uint8)
    word = np.take(_WORD, raw)
    edges = np.diff(word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    lengths = ends - starts
    padded = np.concatenate((raw, np.zeros(8, dtype=np.uint8)))
    # The eight bytes from each offset as one little-endian integer: a word's first eight
    # (and a long word's last eight) in one gather each, not eight.
    at = np.ndarray((len(raw) + 1,), dtype="<u8", buffer=padded.data, strides=(1,))
    first = at[starts].astype(np.uint64)
    last = np.zeros(len(starts), dtype=np.uint64)
    long = np.flatnonzero(lengths > 8)
    last[long] = at[ends[long] - 8]
    first &= _BYTES[np.minimum(lengths, 8)]
    hashes = _mix(first ^ _mix(last ^ lengths.astype(np.uint64)))
    # A sentence ends after a word that has an end mark next (or next but one: `word".`).
    marks = (_CLASS[padded[ends]] == 2) | (_CLASS[padded[ends + 1]] == 2)
    joins = np.searchsorted(np.flatnonzero(raw == _JOIN), starts)
    sentences = np.concatenate(([0], np.cumsum(marks)[:-1])).astype(np.int64) + joins
    return hashes, lengths, joins, sentences


def _hash_of(word: str) -> int:
    return int(_word_hashes(word.encode())[0][0])


_STOP_HASHES = np.array(sorted({_hash_of(w) for w in STOP_WORDS}), dtype=np.uint64)
_STOP_SLOTS = np.zeros(1 << 16, dtype=np.int16)
"""Low 16 bits of a stop word's hash -> its index + 1 (no two collide: asserted)."""
_STOP_SLOTS[(_STOP_HASHES & np.uint64(0xFFFF)).astype(np.int64)] = np.arange(
    1, len(_STOP_HASHES) + 1
)
assert np.count_nonzero(_STOP_SLOTS) == len(_STOP_HASHES)


def _is_stop(hashes: np.ndarray) -> np.ndarray:
    slot = _STOP_SLOTS[(hashes & np.uint64(0xFFFF)).astype(np.int64)].astype(np.int64)
    found: np.ndarray = (slot > 0) & (_STOP_HASHES[slot - 1] == hashes)
    return found


@dataclass(frozen=True, slots=True)
class Signed:
    """The bodies long enough to sign: their positions, signatures and shingles."""

    which: list[int]
    sigs: np.ndarray
    """`(len(which), PERMS)` uint32 MinHash signatures."""
    _shingles: np.ndarray
    _offsets: np.ndarray

    def shingles(self, n: int) -> np.ndarray:
        """The distinct shingle hashes (uint64, sorted) of the `n`th signed body, for exact
        checks: made only for the few bodies that have a candidate."""
        return np.unique(self._shingles[self._offsets[n] : self._offsets[n + 1]])


def _words(bodies: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(hash, sentence, body) of every content word of the bodies, in order."""
    parts = []
    base = 0
    for at in range(0, len(bodies), CHUNK):
        chunk = bodies[at : at + CHUNK]
        hashes, lengths, doc, sentence = _word_hashes("\x01".join(map(_text, chunk)).encode())
        content = lengths > 1
        content[content] = ~_is_stop(hashes[content])
        parts.append((hashes[content], sentence[content] + base, doc[content] + at))
        base += int(sentence[-1]) + 1 if len(sentence) else 0
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


def sign(bodies: Sequence[str]) -> Signed:
    """Shingle and sign a batch of bodies in numpy passes over all of them at once: a
    shingle is three content words in a row within one sentence; the first `MAX_WORDS`
    content words of a body count."""
    if not bodies:
        empty = np.zeros(0, dtype=np.uint64)
        return Signed([], np.zeros((0, PERMS), dtype=np.uint32), empty, np.zeros(1, np.int64))
    words, sentence, doc = _words(bodies)
    firsts = np.searchsorted(doc, np.arange(len(bodies)))
    capped = np.arange(len(doc)) - firsts[doc] < MAX_WORDS
    words, sentence, doc = words[capped], sentence[capped], doc[capped]
    inside = sentence[:-2] == sentence[2:]
    shingles = (words[:-2] * _K[0] + words[1:-1] * _K[1] + words[2:] * _K[2])[inside]
    shingle_doc = doc[:-2][inside]
    counts = np.bincount(shingle_doc, minlength=len(bodies))
    enough = counts >= MIN_SHINGLES
    which = np.flatnonzero(enough)
    shingles = shingles[enough[shingle_doc]]
    offsets = np.concatenate(([0], np.cumsum(counts[which])))
    sigs = np.empty((len(which), PERMS), dtype=np.uint32)
    if len(which):
        short = (shingles >> np.uint64(32)).astype(np.uint32)
        for p in range(PERMS):
            mixed = short * _MUL[p]
            mixed += _ADD[p]
            mixed ^= mixed >> np.uint32(15)
            sigs[:, p] = np.minimum.reduceat(mixed, offsets[:-1])
    return Signed(which.tolist(), sigs, shingles, offsets)


@dataclass(frozen=True, slots=True)
class Signatures:
    """Bodies' signatures without their shingles (128 bytes a body): what an import's
    analysis worker sends back with its group, so that the writer, the one process that
    cannot run in parallel, signs nothing. Shingles are made again, in the writer, only for
    the few bodies that have a candidate."""

    sigs: np.ndarray
    """`(n, PERMS)` uint32; zeros where `signed` is false."""
    signed: np.ndarray
    """`(n,)` bool: false for a body too short to sign."""
    events: np.ndarray
    """`(n, events.KEYS)` int64 event keys (`stories.events`), zeros where fewer."""

    def select(self, positions: Sequence[int]) -> Signatures:
        at = np.asarray(positions, dtype=np.int64)
        return Signatures(self.sigs[at], self.signed[at], self.events[at])

    @staticmethod
    def join(parts: Sequence[Signatures]) -> Signatures:
        if not parts:
            return signatures([])
        return Signatures(
            np.concatenate([p.sigs for p in parts]),
            np.concatenate([p.signed for p in parts]),
            np.concatenate([p.events for p in parts]),
        )


def signatures(bodies: Sequence[str], sources: Sequence[str] | None = None) -> Signatures:
    """`sign`, keeping only the signatures, one row per body; and the bodies' event keys.
    (`sources`, each body's source, is not needed since event keys are made of figures
    alone; the import's callers still pass it.)"""
    done = sign(bodies)
    sigs = np.zeros((len(bodies), PERMS), dtype=np.uint32)
    signed = np.zeros(len(bodies), dtype=bool)
    sigs[done.which] = done.sigs
    signed[done.which] = True
    return Signatures(sigs, signed, key_rows(bodies))


Start = Callable[
    [Callable[[list[tuple[str, str]]], Signatures], list[tuple[str, str]]],
    "Future[Signatures] | None",
]
"""`Analyser.start`: work handed to a worker process (None: no worker takes it)."""


def signed_ahead(
    start: Start | None,
    bodies: list[str],
    sources: list[str],
) -> Callable[[], Signatures | None]:
    """Sign `bodies` in a worker process (`start`: `Analyser.start`) while the writer
    works on the batch before; what it returns gives the signatures, or None when no
    worker could (the writer signs them then)."""
    future = start(_signatures_of, list(zip(bodies, sources, strict=True))) if start else None

    def result() -> Signatures | None:
        if future is None:
            return None
        try:
            return future.result()
        except BrokenProcessPool:  # a worker died: the writer signs
            return None

    return result


def _signatures_of(texts: list[tuple[str, str]]) -> Signatures:
    """`signatures` of (body, source) pairs: what a worker is handed."""
    return signatures([t[0] for t in texts], [t[1] for t in texts])


def overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment) of two sorted shingle sets: containment is the share of the
    smaller one found in the other (a feed's excerpt of an article is contained in it)."""
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common), common / min(len(a), len(b))


def band_keys(sigs: np.ndarray) -> np.ndarray:
    """`(n, BANDS)` int64 keys: two signatures share a key when they agree on a band's hash
    (the band's number is mixed in, so bands never meet each other)."""
    key: np.ndarray = sigs[:, :BANDS].astype(np.uint64)
    key ^= np.arange(BANDS, dtype=np.uint64) * _K[0]
    key *= _BAND_MUL
    key ^= key >> np.uint64(29)
    return (key >> np.uint64(1)).astype(np.int64)  # 63 bits: a signed SQL BIGINT


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard similarity of two signatures' shingle sets."""
    return float(np.count_nonzero(a == b)) / PERMS


def encode_rows(sigs: np.ndarray, events: np.ndarray) -> list[bytes]:
    """Each signature, then its article's event keys (none in a store of before them):
    the blob `story_signature` keeps. One pass over the batch, not numpy calls a row."""
    first = np.argsort(events == 0, axis=1, kind="stable")  # the keys kept, in order
    kept = np.take_along_axis(events, first, axis=1).astype("<i8").tobytes()
    counts = np.count_nonzero(events, axis=1).tolist()
    raw = sigs.astype("<u4").tobytes()
    size, width = PERMS * 4, events.shape[1] * 8
    return [
        raw[n * size : (n + 1) * size] + kept[n * width : n * width + 8 * count]
        for n, count in enumerate(counts)
    ]


def decode(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob[: PERMS * 4], dtype="<u4").astype(np.uint32)


def decode_events(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob[PERMS * 4 :], dtype="<i8").astype(np.int64)
