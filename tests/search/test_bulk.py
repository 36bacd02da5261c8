"""`term_pairs` must give exactly the pairs `terms` gives, text by text, whatever the text."""

from __future__ import annotations

import itertools
import string
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.utils import default_process

from newsreader.search import bulk, term_table
from newsreader.search.bulk import TermPairs, term_pairs
from newsreader.search.tokens import terms


def expected(texts: Sequence[str]) -> set[tuple[int, str]]:
    return {(i, t) for i, text in enumerate(texts) for t in terms(text)}


def pairs(result: TermPairs) -> set[tuple[int, str]]:
    """The pairs as (text, name), checking the shape `TermPairs` promises."""
    assert result.text.dtype == np.int64 and result.term.dtype == np.uint32
    assert result.text.shape == result.term.shape
    assert len(set(result.names)) == len(result.names), "a name twice"
    assert set(result.term.tolist()) == set(range(len(result.names))), "a name in no pair"
    found = list(zip(result.text.tolist(), result.term.tolist(), strict=True))
    assert len(set(found)) == len(found), "a pair twice"
    return {(i, result.names[t]) for i, t in found}


def check(texts: Sequence[str]) -> None:
    assert pairs(term_pairs(texts)) == expected(texts)


@contextmanager
def tiny_chunks() -> Iterator[None]:
    """Chunks of a few characters and a vocabulary that adds terms often: every path that
    joins chunks (cut texts, waiting keys, growing tables) runs on small inputs."""
    with mock.patch.object(bulk, "CHUNK_CHARS", 24), mock.patch.object(term_table, "WAITING", 4):
        yield


# Characters where splitting, case, folding or joining are subtle.
HOSTILE = (
    string.ascii_letters
    + string.digits
    + string.punctuation
    + " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u2029\u3000"
    + "\x00\u200b\u200c\u200d\u2060\ufeff"  # NUL, zero-width
    + "éÉèçÇğĞüÜöÖáÁãõñåÅşŞșăč"  # precomposed
    + "\u0301\u0308\u0327\u20dd"  # combining marks
    + "’‘·–—…«»"
    + "ıłŁøØđĐðÐþÞæÆœŒħĦİßẞ"
    + "αβΣσςΑΩ"  # Greek
    + "ЖжДдЁё"  # Cyrillic
    + "中文字あア한"  # CJK
    + "😀👍🏽"  # emoji, skin tone
    + "²³½¼⑴Ⅻ①ﬁﬀ\u212a\u2126ǰŉ"  # compatibility forms, Kelvin, ohm
    + "\u0870\u08c8\u0c5d\u1b4c\u2c2f"  # letters Python knows and rapidfuzz does not
    + "\ud800\udfff"  # lone surrogates
)
FRAGMENTS = [
    "S-400s",
    "F-35",
    "Erdogan's",
    "Erdoğan’s",
    "U.S.",
    "x.y.z",
    "a--b",
    "a/b/c",
    "l·l",
    "rock'n'roll",
    "e\u0301te\u0301",
    "İstanbul",
    "STRASSE",
    "straße",
    "x" * 19,
    "é" * 19,
    "ß" * 10,
    "Ⅻ-1",
    "\u0870-a",
    "a-\u0870",
]
hostile_text = st.lists(st.sampled_from(FRAGMENTS) | st.sampled_from(HOSTILE)).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(hostile_text, max_size=6))
def test_hostile_texts_give_the_pairs_of_terms(texts: list[str]) -> None:
    check(texts)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), max_size=6))
def test_any_texts_give_the_pairs_of_terms(texts: list[str]) -> None:
    check(texts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile_text | st.text(), max_size=12))
def test_chunks_cuts_and_waiting_keys_join_up(texts: list[str]) -> None:
    with tiny_chunks():
        check(texts)


def test_benchmark_articles() -> None:
    """The first 2,000 articles of the 100k benchmark corpus (generated, not read from the
    cache), bodies and titles, and again in tiny chunks."""
    corpus = pytest.importorskip("benchmarks.corpus")
    articles = list(itertools.islice(corpus.Generator().articles(100_000), 2_000))
    texts = [text for article in articles for text in (article.body, article.title)]
    check(texts)
    with mock.patch.object(bulk, "CHUNK_CHARS", 4_096):
        check(texts[:400])


def test_empty_inputs() -> None:
    result = term_pairs([])
    assert result.names == [] and result.text.size == result.term.size == 0
    assert result.text.dtype == np.int64 and result.term.dtype == np.uint32
    check(["", "", ""])
    check(["", "a", ""])
    check(["--- ... !?", "’’ · —", "\x00\u200b\ufeff", " \t\n"])


def test_term_length_limit() -> None:
    cases = [
        "a" * 40,
        "A" * 41,
        "é" * 40,  # folds to 40 letters: kept
        "é" * 41,
        "ß" * 20,  # folds to 40 letters: kept
        "ß" * 21,  # 21 characters, but folds to 42: dropped
        "ﬁ" * 20,
        "ﬁ" * 21,
        "İ" * 40,
        "a" * 20 + "-" + "b" * 20,  # joined: 40, kept, and its parts
        "a" * 20 + "-" + "b" * 21,  # joined: 41, dropped, parts kept
        "é" * 20 + "’" + "b" * 20,
        "é" * 20 + "’" + "b" * 21,
        "x-" * 20 + "x",  # 21 one-letter parts: joined 21
        "x-" * 40 + "x",  # joined 41: dropped
        "ab." * 15,
    ]
    for text in cases:
        check([text])
    check(cases)
    assert "a" * 40 in terms("a" * 40) and not terms("a" * 41)


def test_huge_texts_are_cut_into_chunks() -> None:
    rng = np.random.default_rng(7)
    vocabulary = ["S-400s", "Erdoğan’s", "U.S.", "plan", "İstanbul", "x" * 45, "straße", "F-35"]
    words = rng.choice(vocabulary, size=300_000)
    separators = rng.choice([" ", "\n", ", ", " — ", "/"], size=300_000)
    big = "".join(f"{w}{s}" for w, s in zip(words, separators, strict=True))
    assert len(big) > 2_000_000 > bulk.CHUNK_CHARS
    check([big])
    check(["before", big, "after", big[:1000]])
    # No character to cut at: one chunk, however long.
    check(["a" * 700_000, "é" * 600_000 + " b"])


def test_lone_surrogates_are_separators() -> None:
    check(["ab\ud800cd", "é\udc00x", "\udfff", "a-\ud800b"])
    assert terms("ab\ud800cd") == {"ab", "cd"}


def test_same_terms_from_different_paths_are_one_name() -> None:
    """ASCII words, folded words and compounds that spell the same term share a name."""
    texts = ["Erdogan", "ERDOĞAN", "Erdoğan’s", "s400 S-400", "İstanbul istanbul", "ﬁ fi"]
    result = term_pairs(texts)
    assert pairs(result) == expected(texts)
    assert result.names.count("erdogan") == 1


def test_a_hash_collision_falls_back_to_terms() -> None:
    """Different terms with one h: their check values differ, and `terms` does the batch."""
    real = bulk.hash_keys

    def colliding(*args: Any, **kwargs: Any) -> tuple[np.ndarray, np.ndarray]:
        h, _ = real(*args, **kwargs)
        return np.zeros_like(h), h | np.uint64(1)

    texts = ["alpha beta gamma", "beta delta", "Erdoğan’s S-400s"]
    with (
        mock.patch.object(bulk, "hash_keys", colliding),
        mock.patch.object(bulk, "_exact_pairs", wraps=bulk._exact_pairs) as exact,
    ):
        check(texts)
    assert exact.called


def test_rapidfuzz_never_keeps_a_character_python_calls_not_alphanumeric() -> None:
    """What cutting long texts relies on: a character that is not `isalnum` (nor a joiner) is
    a separator for `default_process` too, so no word or compound spans it."""
    others = "".join(
        chr(c) for c in range(sys.maxunicode + 1) if not chr(c).isalnum() and c != ord(" ")
    )
    processed = default_process("a" + others + "a")
    assert processed == "a" + " " * len(others) + "a"
