"""Kept word scores in a byte a document (`packed_best`) give the same floats back, bit for bit,
and the first letters warmed ahead stay kept while longer words are typed (at a million
articles they were pushed out, and each one read cold cost 100-300 ms)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsreader.search.expansion import Expansion
from newsreader.search.fields import FIELD_WEIGHT
from newsreader.search.index import SearchIndex, _best
from newsreader.search.packed import Packed, packed_best
from newsreader.search.query import parse_query
from newsreader.store.store import Store
from tests.search.test_keystrokes import typed_store  # noqa: F401  (a fixture)

scores = st.floats(0, 20, width=32, allow_subnormal=False)


def test_too_many_distinct_scores_stay_unpacked() -> None:
    group = [Expansion(f"t{i}", 1 / (i + 2)) for i in range(60)]
    read = {e.term: (np.array([i], np.int64), np.array([7], np.uint8)) for i, e in enumerate(group)}
    assert packed_best(60, group, read) is None


def test_warmed_first_letters_stay_kept_while_words_are_typed(
    typed_store: Store,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Room for a few words only: typing long words pushes out the longer words kept
    before, never a warmed letter."""
    monkeypatch.setattr("newsreader.search.index.GROUP_POSTINGS", 0)
    index = typed_store.index
    index.load()
    size = index._current().size
    monkeypatch.setattr("newsreader.search.index.GROUP_BYTES", size * 4 * 6)
    index.warm_prefixes(lambda: False)
    letters = {key for key in index._group_scores if len(key[0]) == 1}
    assert letters and all(isinstance(index._group_scores[k], Packed) for k in letters)
    for text in ("lockheed martin", "sao paulo election", "mohammed ibrahim"):
        for end in range(1, len(text) + 1):
            fresh = SearchIndex(typed_store.engine, typed_store.texts)
            got, want = index.search(parse_query(text[:end])), fresh.search(parse_query(text[:end]))
            assert (list(got.ids), list(got.scores)) == (list(want.ids), list(want.scores))
            if (query := parse_query(text[:end])).prefix_last:
                index.read_ahead(query.words[-1], lambda: False)
    assert letters <= set(index._group_scores)


@given(
    terms=st.lists(
        st.tuples(
            st.floats(0.05, 1.0),
            st.sets(st.integers(0, 199), max_size=60),
            st.lists(st.integers(1, 7), min_size=60, max_size=60),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_scores_made_packed_are_those_made_unpacked(
    terms: list[tuple[float, set[int], list[int]]],
) -> None:
    """`packed_best` (the warm-up's) against `_best` (a keystroke's), bit for bit."""
    group = [Expansion(f"t{i}", similarity) for i, (similarity, _, _) in enumerate(terms)]
    read = {
        f"t{i}": (np.array(sorted(docs), np.int64), np.array(bits[: len(docs)], np.uint8))
        for i, (_, docs, bits) in enumerate(terms)
    }
    weighted = {t: (docs, FIELD_WEIGHT[bits]) for t, (docs, bits) in read.items()}
    best, count = _best(200, group, weighted)
    made = packed_best(200, group, read)
    assert made is not None and made[1] == count
    assert made[0].unpacked().tobytes() == best.tobytes()
