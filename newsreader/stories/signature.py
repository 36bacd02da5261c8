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

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsreader.search.tokens import word_sequence

PERMS = 32
"""Hash functions per signature: 16 bands of 2 rows (see `BANDS`)."""
ROWS = 2
BANDS = PERMS // ROWS
"""16 bands of 2: a pair of Jaccard 0.4 shares a band 94% of the time, 0.6 in 99.8%; an
unrelated pair (Jaccard ~0.001) almost never, so candidates stay few at any store size."""
MAX_WORDS = 400
"""Content words shingled per body: the first 400 (~700 words of text) say what it is."""
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
_MUL = (_rng.integers(1, 2**63, PERMS, dtype=np.uint64) * np.uint64(2) + np.uint64(1))[:, None]
_ADD = _rng.integers(0, 2**63, PERMS, dtype=np.uint64)[:, None]
_K = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)
_BAND_MUL = np.uint64(0xFF51AFD7ED558CCD)


class _WordHashes(dict[str, int]):
    """crc32 of each word, computed once per batch (Python's `hash` differs per process, and
    signatures are stored)."""

    def __missing__(self, word: str) -> int:
        value = self[word] = zlib.crc32(word.encode())
        return value


_SENTENCE_END = re.compile(r"[.!?;:]+(?:\s|$)|\n\s*\n")


def content_words(body: str) -> list[list[str]]:
    """The body's content words, sentence by sentence (at most `MAX_WORDS` in all). A
    shingle never spans two sentences, so reordering sentences keeps every shingle."""
    out: list[list[str]] = []
    left = MAX_WORDS
    for sentence in _SENTENCE_END.split(body):
        words = [w for w in word_sequence(sentence) if len(w) > 1 and w not in STOP_WORDS]
        if len(words) >= 3:
            out.append(words[:left])
            left -= len(out[-1])
            if left < 3:
                break
    return out


@dataclass(frozen=True, slots=True)
class Signed:
    """The bodies long enough to sign: their positions, signatures and shingle sets."""

    which: list[int]
    sigs: np.ndarray
    """`(len(which), PERMS)` uint32 MinHash signatures."""
    shingles: list[np.ndarray]
    """Each body's distinct shingle hashes, sorted (uint64), for exact checks."""


def sign(bodies: Sequence[str]) -> Signed:
    """Shingle and sign a batch of bodies in a few numpy passes over all of them."""
    hashes = _WordHashes()
    words: list[int] = []
    sentences: list[int] = []  # a sentence number per word, unique across the batch
    starts: list[int] = []
    which: list[int] = []
    number = 0
    for position, body in enumerate(bodies):
        parts = content_words(body)
        if sum(len(p) - 2 for p in parts) < MIN_SHINGLES:
            continue
        which.append(position)
        starts.append(len(words))
        for part in parts:
            words.extend(map(hashes.__getitem__, part))
            sentences.extend([number] * len(part))
            number += 1
    if not which:
        return Signed([], np.zeros((0, PERMS), dtype=np.uint32), [])
    h = np.asarray(words, dtype=np.uint64)
    sentence = np.asarray(sentences, dtype=np.int64)
    shingles = h[:-2] * _K[0] + h[1:-1] * _K[1] + h[2:] * _K[2]
    inside = sentence[:-2] == sentence[2:]
    doc = np.repeat(np.arange(len(which)), np.diff(np.asarray(starts + [len(words)])))
    shingles, doc = shingles[inside], doc[:-2][inside]
    # Each body's distinct shingles, sorted: one lexsort for the batch.
    order = np.lexsort((shingles, doc))
    shingles, doc = shingles[order], doc[order]
    fresh = np.ones(len(shingles), dtype=bool)
    fresh[1:] = (shingles[1:] != shingles[:-1]) | (doc[1:] != doc[:-1])
    shingles, doc = shingles[fresh], doc[fresh]
    offsets = np.searchsorted(doc, np.arange(len(which)))
    sigs = np.empty((len(which), PERMS), dtype=np.uint32)
    for p in range(PERMS):
        mixed = (shingles * _MUL[p] + _ADD[p]) >> np.uint64(32)
        sigs[:, p] = np.minimum.reduceat(mixed, offsets)
    return Signed(which, sigs, np.split(shingles, offsets[1:]))


def overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment) of two sorted shingle sets: containment is the share of the
    smaller one found in the other (a feed's excerpt of an article is contained in it)."""
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common), common / min(len(a), len(b))


def band_keys(sigs: np.ndarray) -> np.ndarray:
    """`(n, BANDS)` int64 keys: two signatures share a key when they agree on a whole band
    (the band's number is mixed in, so bands never meet each other)."""
    s = sigs.astype(np.uint64).reshape(len(sigs), BANDS, ROWS)
    key = (s[:, :, 0] << np.uint64(32)) | s[:, :, 1]
    key ^= np.arange(BANDS, dtype=np.uint64) * _K[0]
    key *= _BAND_MUL
    key ^= key >> np.uint64(29)
    return (key >> np.uint64(1)).astype(np.int64)  # 63 bits: a signed SQL BIGINT


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard similarity of two signatures' shingle sets."""
    return float(np.count_nonzero(a == b)) / PERMS


def encode(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def decode(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)
