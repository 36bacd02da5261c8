"""The typo filter in front of rapidfuzz (`near`) never drops a term within reach."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from newsreader.search.near import Bucket

LETTERS = st.sampled_from("abcdeé")
"""Few letters, so that terms a typo or two apart are common."""


def typos(word: str, draw: st.DrawFn, count: int) -> str:
    for _ in range(count):
        at = draw(st.integers(0, len(word)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "swap"]))
        letter = draw(LETTERS)
        if kind == "insert":
            word = word[:at] + letter + word[at:]
        elif kind == "delete" and at < len(word):
            word = word[:at] + word[at + 1 :]
        elif kind == "replace" and at < len(word):
            word = word[:at] + letter + word[at + 1 :]
        elif kind == "swap" and at + 1 < len(word):
            word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, int, int, list[str]]:
    edits = draw(st.sampled_from([1, 2]))
    word = "".join(draw(st.lists(LETTERS, min_size=3 if edits == 1 else 8, max_size=12)))
    length = len(word) + draw(st.integers(-edits, edits))
    # Terms made from the word by typos (those near it), and random ones of the length.
    made = [typos(word, draw, draw(st.integers(0, edits + 1))) for _ in range(30)]
    other = draw(st.lists(st.lists(LETTERS, min_size=length, max_size=length), max_size=30))
    terms = sorted({t for t in made if len(t) == length} | {"".join(o) for o in other})
    return word, edits, length, terms


@settings(max_examples=400, deadline=None)
@given(cases())
def test_every_term_within_the_edits_is_kept_in_order(
    case: tuple[str, int, int, list[str]],
) -> None:
    word, edits, length, terms = case
    if not terms:
        return
    kept = Bucket(terms, length).near(word, edits)
    within = [t for t in terms if OSA.distance(word, t) <= edits]
    assert kept is not None
    assert set(within) <= set(kept)
    assert kept == sorted(kept)  # the bucket's order: rapidfuzz then ranks ties alike


def test_named_cases() -> None:
    terms = sorted(["lockheed", "lockhead", "lcokheed", "olckheed", "lockheedx", "xlockheed"])
    for word, edits in [("lockheed", 2), ("lokheed", 1), ("lockhede", 2), ("xockheed", 2)]:
        for length in range(len(word) - edits, len(word) + edits + 1):
            bucket = [t for t in terms if len(t) == length]
            if not bucket:
                continue
            kept = Bucket(bucket, length).near(word, edits) or []
            assert {t for t in bucket if OSA.distance(word, t) <= edits} <= set(kept)
