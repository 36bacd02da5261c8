"""What the query path keeps between keystrokes never changes an answer.

A query typed one letter at a time runs on an index whose caches hold the earlier letters'
work (expansions, postings, the scores of the words before the one being typed, the
words of the head's articles); each answer must be exactly what a fresh index, which has
none of it, gives. And the typo filter in front of rapidfuzz (`near`) must leave the
expansions exactly as a scan of the whole vocabulary gives them.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.search.expansion import expand
from newsreader.search.index import SearchIndex
from newsreader.search.near import Bucket
from newsreader.search.query import parse_query
from newsreader.store.store import Store
from tests.conftest import draft

# Words that share prefixes and lie a typo or two apart, so that prefixes and typos
# expand to several terms each.
WORDS = (
    "lockheed lockhart locked lock locket martin martina marten marlin martini election "
    "elections elect erdogan erdogans erdgan mohammed mohamed muhammad ibrahim ibrahimi "
    "paulo paula paul sao saw sale koln kolin war wari warn gamo gamma izmir izmit "
    "s-400 s400 f-35 f35 summit summits nato nation national"
).split()


def _corpus() -> list[str]:
    rng = random.Random(7)
    return [" ".join(rng.choices(WORDS, k=rng.randint(3, 9))) for _ in range(160)]


@pytest.fixture
def typed_store(store: Store) -> Store:
    texts = _corpus()
    store.add(
        [
            draft(text[:40].title(), text, source=f"Wire {i % 3}", day=1 + i % 28)
            for i, text in enumerate(texts)
        ]
    )
    return store


def _answer(index: SearchIndex, text: str) -> tuple[list[int], list[float], frozenset[str]]:
    result = index.search(parse_query(text))
    return list(result.ids), list(result.scores), result.terms


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    at = rng.randrange(1, len(word))
    return word[:at] + word[at + 1 :] if rng.random() < 0.5 else word[:at] + "x" + word[at:]


queries = st.lists(
    st.tuples(st.sampled_from(WORDS), st.booleans(), st.sampled_from(["", "", '"', "-"])),
    min_size=1,
    max_size=3,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=queries, seed=st.integers(0, 1000))
def test_typing_letter_by_letter_answers_as_a_fresh_index(
    typed_store: Store, words: list[tuple[str, bool, str]], seed: int
) -> None:
    rng = random.Random(seed)
    parts = []
    for word, typo, mark in words:
        word = _typo(word, rng) if typo else word
        parts.append(f'"{word}"' if mark == '"' else mark + word)
    text = " ".join(parts)
    index = typed_store.index  # kept between keystrokes, as in the app
    for end in range(1, len(text) + 1):
        typed = text[:end]
        fresh = SearchIndex(typed_store.engine, typed_store.texts)
        assert _answer(index, typed) == _answer(fresh, typed), typed


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=queries, seed=st.integers(0, 1000))
def test_kept_word_scores_answer_as_a_fresh_index(
    typed_store: Store,
    monkeypatch: pytest.MonkeyPatch,
    words: list[tuple[str, bool, str]],
    seed: int,
) -> None:
    """Every word's scores kept (first letters scored ahead, as the app warms them; the
    postings of a kept word read ahead after each key), the query typed twice: the second
    time each word is answered from what was kept."""
    monkeypatch.setattr("newsreader.search.index.GROUP_POSTINGS", 0)
    rng = random.Random(seed)
    text = " ".join(
        mark + (_typo(word, rng) if typo else word) for word, typo, mark in words if mark != '"'
    )
    index = typed_store.index
    index.warm_prefixes(lambda: False)
    for _ in range(2):
        for end in range(1, len(text) + 1):
            fresh = SearchIndex(typed_store.engine, typed_store.texts)
            assert _answer(index, text[:end]) == _answer(fresh, text[:end]), text[:end]
            if (query := parse_query(text[:end])).prefix_last:
                index.read_ahead(query.words[-1], lambda: False)  # as the app does after


def test_named_keystroke_sequences(typed_store: Store) -> None:
    index = typed_store.index
    for text in (
        "lockheed martin f-35",
        "sao paulo election",
        "erdgan s-400 -nato",
        "mohamed ibrahim",
    ):
        for end in range(1, len(text) + 1):
            fresh = SearchIndex(typed_store.engine, typed_store.texts)
            assert _answer(index, text[:end]) == _answer(fresh, text[:end]), text[:end]


def swaps(word: str) -> list[str]:
    """The word with two neighbours swapped, about its middle (where the filter cuts it)."""
    return [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, len(word) - 1)]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    word=st.sampled_from(WORDS).flatmap(
        lambda w: st.sampled_from([w, w[:-1], w[1:], w[:3], w + "s", w[::-1][:5], *swaps(w)])
    ),
    prefix=st.booleans(),
)
def test_the_typo_filter_changes_no_expansion(
    typed_store: Store, monkeypatch: pytest.MonkeyPatch, word: str, prefix: bool
) -> None:
    index = typed_store.index
    index.load()
    snap = index._current()
    filtered = expand(snap, word, prefix)
    with monkeypatch.context() as m:
        m.setattr(Bucket, "near", lambda self, word, edits: None)  # scan every term
        scanned = expand(snap, word, prefix)
    assert filtered == scanned


def test_postings_read_ahead_while_a_search_caches_them_are_counted_once(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-ahead reads without the lock; a keystroke's search may cache the same terms
    meanwhile. The cache's byte count must stay the bytes it holds (it was counted twice,
    and a count past the cap evicts the whole cache on every read)."""
    import newsreader.search.index as index_module

    monkeypatch.setattr(index_module, "GROUP_POSTINGS", 1)
    store = Store(f"sqlite:///{tmp_path}/s.db")
    words = ["mint", "minor", "minute", "mine", "mind", "mirror", "mist"]
    store.add(
        draft(f"{w} report {n}", f"The {w} story {n} about {w}s and {words[n % 7]}.")
        for n, w in enumerate(words * 5)
    )
    idx = store.index
    idx.search(parse_query("mi"))  # keeps the scores of `mi`: read-ahead follows it
    idx._postings.clear()
    idx._cached_bytes = 0
    read = idx._read_postings
    raced: list[int] = []

    def racing(*args: object, **kwargs: object) -> object:
        out = read(*args, **kwargs)  # type: ignore[arg-type]
        if not raced:
            raced.append(1)
            idx.search(parse_query("min mint minor minute mine mind"))
        return out

    monkeypatch.setattr(idx, "_read_postings", racing)
    idx.read_ahead("mi", lambda: False)
    assert raced
    assert idx._cached_bytes == sum(d.nbytes + w.nbytes for d, w in idx._postings.values())
