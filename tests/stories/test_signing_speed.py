"""Signing made cheaper must sign as before: `_word_hashes` against the byte-at-a-time
version it replaced (kept here as the reference), and `sign` on whole batches."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.stories import signature
from newsreader.stories.signature import _CLASS, _JOIN, _mix, _word_hashes, sign


def _reference(buffer: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`_word_hashes` as it was: lower-cased by a table, eight gathers a word."""
    lower = np.arange(256, dtype=np.uint8)
    lower[ord("A") : ord("Z") + 1] += 32
    raw = lower[np.frombuffer(buffer, dtype=np.uint8)]
    word = _CLASS[raw] == 1
    edges = np.diff(word.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    lengths = ends - starts
    padded = np.concatenate((raw, np.zeros(8, dtype=np.uint8)))
    first = np.zeros(len(starts), dtype=np.uint64)
    last = np.zeros(len(starts), dtype=np.uint64)
    long = np.flatnonzero(lengths > 8)
    tails = ends[long] - 8
    tail = np.zeros(len(long), dtype=np.uint64)
    for i in range(8):
        shift = np.uint64(8 * i)
        first |= padded[starts + i].astype(np.uint64) << shift
        tail |= padded[tails + i].astype(np.uint64) << shift
    last[long] = tail
    bits = np.minimum(lengths, 8).astype(np.uint64) * np.uint64(8)
    whole = bits == np.uint64(64)
    mask = (np.uint64(1) << np.where(whole, np.uint64(0), bits)) - np.uint64(1)
    first &= np.where(whole, np.uint64(2**64 - 1), mask)
    hashes = _mix(first ^ _mix(last ^ lengths.astype(np.uint64)))
    marks = (_CLASS[padded[ends]] == 2) | (_CLASS[padded[ends + 1]] == 2)
    joins = np.searchsorted(np.flatnonzero(raw == _JOIN), starts)
    sentences = np.concatenate(([0], np.cumsum(marks)[:-1])).astype(np.int64) + joins
    return hashes, lengths, joins, sentences


def _sign_reference(bodies: list[str]) -> tuple[list[int], np.ndarray]:
    """`sign` as it was (its bodies' positions and signatures), on `_reference`."""
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(signature, "_word_hashes", _reference)
        words, sentence, doc = signature._words(bodies)
    firsts = np.searchsorted(doc, np.arange(len(bodies)))
    capped = np.arange(len(doc)) - firsts[doc] < signature.MAX_WORDS
    words, sentence, doc = words[capped], sentence[capped], doc[capped]
    inside = sentence[:-2] == sentence[2:]
    k = signature._K
    shingles = (words[:-2] * k[0] + words[1:-1] * k[1] + words[2:] * k[2])[inside]
    shingle_doc = doc[:-2][inside]
    counts = np.bincount(shingle_doc, minlength=len(bodies))
    which = np.flatnonzero(counts >= signature.MIN_SHINGLES)
    shingles = shingles[np.isin(shingle_doc, which)]
    offsets = np.concatenate(([0], np.cumsum(counts[which])))
    sigs = np.empty((len(which), signature.PERMS), dtype=np.uint32)
    if len(which):
        short = (shingles >> np.uint64(32)).astype(np.uint32)
        for p in range(signature.PERMS):
            mixed = short * signature._MUL[p]
            mixed += signature._ADD[p]
            mixed ^= mixed >> np.uint32(15)
            sigs[:, p] = np.minimum.reduceat(mixed, offsets[:-1])
    return which.tolist(), sigs


WORDS = st.sampled_from(
    ["the", "Said", "MARKET", "a", "internationalisation", "Überraschung", "東京", "x9",
     "twelve-chars", "abcdefgh", "abcdefghi", "ABCDEFGHIJKLMNOPQ", "é", "", "\x01"]
)  # fmt: skip
GLUE = st.sampled_from([" ", ". ", "! ", '". ', "\n", ",", "; ", "  ", "'", "\u2019", "-"])
TEXTS = st.lists(st.tuples(WORDS, GLUE), max_size=60).map(
    lambda parts: "".join(w + g for w, g in parts)
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXTS, st.text(max_size=200)), st.binary(max_size=64))
def test_word_hashes_as_before(text: str, tail: bytes) -> None:
    for buffer in (text.encode(), text.encode() + tail, tail):
        for new, old in zip(_word_hashes(buffer), _reference(buffer), strict=True):
            assert new.dtype == old.dtype
            assert np.array_equal(new, old)


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXTS.map(lambda t: t * 4), max_size=12))
def test_sign_as_before(bodies: list[str]) -> None:
    new = sign(bodies)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(signature, "_word_hashes", _reference)
        old = sign(bodies)
    assert new.which == old.which
    assert new.sigs.tobytes() == old.sigs.tobytes()
    if bodies:
        which, sigs = _sign_reference(bodies)
        assert new.which == which
        assert new.sigs.tobytes() == sigs.tobytes()
    for n in range(len(new.which)):
        assert np.array_equal(new.shingles(n), old.shingles(n))


def test_a_long_body_is_signed_as_before() -> None:
    body = " ".join(f"Markets{n % 37} rallied strongly in Tokyo{n % 11}." for n in range(300))
    bodies = [body, "Too short.", body.upper() + " Überraschung!"]
    new = sign(bodies)
    which, sigs = _sign_reference(bodies)
    assert new.which == which == [0, 2]
    assert new.sigs.tobytes() == sigs.tobytes()
