"""The query sets: latency classes, keystroke sequences, and the recall/MRR eval protocol.

Queries are made from the corpus's own titles with a seeded RNG, so each size gets the same
queries every run and every system (ours and the anchors) is asked exactly the same thing.
Users type ASCII, so query words are folded the way a person types them (`Erdoğan` ->
`erdogan`, `Kılıç` -> `kilic`), not the way the index folds them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass

import numpy as np

from benchmarks.words import STOPWORDS

EVAL_TARGETS = 500
SEED = 7_2024
_WORD = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*")
_ASCII = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe"})
_STOP = frozenset(STOPWORDS) | {"s", "why", "live", "analysis", "says"}

QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbours() -> dict[str, str]:
    out: dict[str, str] = {}
    for r, row in enumerate(QWERTY_ROWS):
        for c, ch in enumerate(row):
            near = [row[i] for i in (c - 1, c + 1) if 0 <= i < len(row)]
            for rr in (r - 1, r + 1):
                if 0 <= rr < len(QWERTY_ROWS):
                    other = QWERTY_ROWS[rr]
                    near += [other[i] for i in (c - 1, c, c + 1) if 0 <= i < len(other)]
            out[ch] = "".join(near)
    return out


NEAR = _neighbours()
TYPO_KINDS = ("deletion", "substitution", "transposition", "insertion")


def typed(text: str) -> str:
    """How a person types a word on a US keyboard: lower case, no accents."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_ASCII))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_ASCII)


def title_words(title: str) -> list[str]:
    """Title words as typed, possessives dropped, in order, without repeats."""
    out: list[str] = []
    for raw in _WORD.findall(title):
        word = typed(re.sub(r"['’]s$", "", raw))
        if word and word not in out:
            out.append(word)
    return out


def typo(word: str, rng: np.random.Generator) -> tuple[str, str]:
    """One deterministic typo on an alphabetic word of ≥4 letters, keeping the first letter.

    Returns (typo'd word, kind). Other words come back unchanged with kind "none".
    """
    if len(word) < 4 or not word.isalpha() or not word.isascii():
        return word, "none"
    kind = TYPO_KINDS[int(rng.integers(0, 4))]
    i = int(rng.integers(1, len(word)))
    if kind == "transposition":
        j = i if i < len(word) - 1 else i - 1
        if j >= 1 and word[j] != word[j + 1]:
            return word[:j] + word[j + 1] + word[j] + word[j + 2 :], kind
        kind = "deletion"
    if kind == "deletion":
        return word[:i] + word[i + 1 :], kind
    near = NEAR.get(word[i], "e")
    ch = near[int(rng.integers(0, len(near)))]
    if kind == "substitution":
        return word[:i] + ch + word[i + 1 :], kind
    return word[:i] + ch + word[i:], kind


@dataclass(frozen=True, slots=True)
class LatencyQuery:
    text: str
    kind: str
    """typo | prefix | full | entity | keystroke"""


@dataclass(frozen=True, slots=True)
class EvalCase:
    target: int
    """0-based corpus index; the store id is target + 1 (verified by the search child)."""
    words: list[str]
    """The clean query words (as typed, no typo)."""
    typod: list[str]
    kinds: list[str]
    ambiguity: int
    """How many titles contain every clean word: >5 means no ranking can be sure to win."""
    drawn: list[bool]
    """Which words the first draw chose, before words were added to single the title out."""

    def as_typed(self) -> str:
        return " ".join(self.typod)

    def committed(self) -> str:
        return " ".join(self.typod) + " "

    def clean(self) -> str:
        return " ".join(self.words) + " "

    def as_drawn(self) -> str:
        """The query before words were added: what a protocol of k random in 1–3 asks."""
        return " ".join(t for t, d in zip(self.typod, self.drawn, strict=True) if d)


ENTITY_QUERIES = (
    "erdogan s-400 ",
    "erdogan",
    "lockheed martin f-35 ",
    "lockheed mar",
    "sao paulo ",
    "sao pau",
    "S-400",
    "s400 ",
    "f35 ",
    "f-35 lockheed",
    '"lockheed martin"',
    "nato summit",
    "putin ",
    "von der leyen ",
    "stoltenberg",
    "zelensky ",
    "macron",
    "erdgoan ",
    "stoltenbreg ",
    "macorn ",
    "kilic ",
    "yilmaz ",
    "aydin ",
    "orsted ",
    "lodz ",
    "gdansk ",
    "zurich ",
    "tromso",
    "malmo ",
    "turkish airlines ",
    "mercedes benz ",
    "mercedes-benz ",
    "bayraktar tb2 ",
    "cavusoglu ",
    "lukaszewski ",
    "wisniewski ",
    "sheinbaum ",
    "reuters ",
)
"""Hand-picked names, codes, accents typed as ASCII, phrases and a few misspelt names."""
KEYSTROKE_TEXTS = ("erdogan s-400", "lockheed martin f-35", "sao paulo election")


def latency_queries(titles: list[str], rng_seed: int = SEED) -> list[LatencyQuery]:
    """About 250 queries in five classes, plus character-by-character keystroke sequences."""
    rng = np.random.default_rng(rng_seed)
    out: list[LatencyQuery] = []

    def pick_title() -> list[str]:
        # Words of the titles drawn only: a list per title would be ~1 GB at 1M titles.
        while True:
            title = titles[int(rng.integers(0, len(titles)))]
            words = [w for w in title_words(title) if w not in _STOP and len(w) >= 3]
            if len(words) >= 3:
                return words

    for _ in range(60):
        words = pick_title()
        k = int(rng.integers(1, 4))
        chosen = [words[i] for i in sorted(rng.choice(len(words), k, replace=False))]
        out.append(LatencyQuery(" ".join(typo(w, rng)[0] for w in chosen), "typo"))
    for _ in range(60):
        words = pick_title()
        k = int(rng.integers(0, 3))
        start = int(rng.integers(0, len(words) - k))
        full, partial = words[start : start + k], words[(start + k) % len(words)]
        cut = int(rng.integers(1, max(2, len(partial))))
        out.append(LatencyQuery(" ".join([*full, partial[: max(2, cut)]]), "prefix"))
    for _ in range(40):
        words = pick_title()
        k = int(rng.integers(1, 4))
        chosen = [words[i] for i in sorted(rng.choice(len(words), k, replace=False))]
        out.append(LatencyQuery(" ".join(chosen) + " ", "full"))
    out.extend(LatencyQuery(q, "entity") for q in ENTITY_QUERIES)
    for text in keystroke_texts(titles, rng_seed):
        out.extend(LatencyQuery(text[:i], "keystroke") for i in range(1, len(text) + 1))
    return out


def keystroke_texts(titles: list[str], rng_seed: int = SEED) -> list[str]:
    """The texts typed character by character: three fixed, two words of three titles."""
    rng = np.random.default_rng([rng_seed, 1])
    texts = list(KEYSTROKE_TEXTS)
    while len(texts) < len(KEYSTROKE_TEXTS) + 3:
        words = [
            w
            for w in title_words(titles[int(rng.integers(0, len(titles)))])
            if w not in _STOP and len(w) >= 3
        ]
        if len(words) >= 2:
            texts.append(" ".join(words[:2]))
    return texts


AMBIGUOUS = 5
"""More titles than this holding every query word: the query cannot single its target out."""


def eval_cases(titles: list[str], n: int = EVAL_TARGETS, rng_seed: int = SEED) -> list[EvalCase]:
    """~n targets; each queried by its most distinctive title words, one typo each.

    A person looking for a story types its rarest words and adds one when what they typed
    still fits many stories: k is drawn from 1–3, then raised (to 3 at most) while the k
    clean words are in more than `AMBIGUOUS` titles. Distinctive = lowest document frequency
    among the titles (ties: longer word, then title order); stopwords and words under 3 letters
    are never chosen. Words keep title order. `EvalCase.as_drawn` keeps the drawn k.
    """
    rng = np.random.default_rng([rng_seed, len(titles)])
    # Two passes over the titles rather than every title's word list held (~1 GB at 1M):
    # memory stays the vocabulary's, the work linear.
    df: Counter[str] = Counter()
    for title in titles:
        df.update(title_words(title))
    targets = sorted(rng.choice(len(titles), min(n, len(titles)), replace=False).tolist())
    words_of = {t: title_words(titles[t]) for t in targets}
    ranked: dict[int, list[str]] = {}
    for t in targets:
        order = {w: i for i, w in enumerate(words_of[t])}
        candidates = [w for w in order if w not in _STOP and len(w) >= 3]
        if candidates:
            ranked[t] = sorted(candidates, key=lambda w: (df[w], -len(w), order[w]))
    wanted = {w for words in ranked.values() for w in words[:3]}
    index: dict[str, set[int]] = {}
    for i, title in enumerate(titles):
        for w in title_words(title):
            if w in wanted:
                index.setdefault(w, set()).add(i)

    def titles_with(words: list[str]) -> int:
        return len(set.intersection(*(index[w] for w in words)))

    cases: list[EvalCase] = []
    for t, best in ranked.items():
        drawn = k = min(int(rng.integers(1, 4)), len(best))
        while k < min(3, len(best)) and titles_with(best[:k]) > AMBIGUOUS:
            k += 1
        words = [w for w in words_of[t] if w in best[:k]]
        pairs = [typo(w, rng) for w in words]
        cases.append(
            EvalCase(
                t,
                words,
                [p[0] for p in pairs],
                [p[1] for p in pairs],
                titles_with(words),
                [w in best[:drawn] for w in words],
            )
        )
    return cases


def to_json(items: list[LatencyQuery] | list[EvalCase]) -> list[dict[str, object]]:
    return [asdict(i) for i in items]
