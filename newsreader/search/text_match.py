"""What the query path checks in the articles' text: phrases word for word, and how close
the query's words stand at the head of the ranking."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from newsreader.search.expansion import Expansion
from newsreader.search.ranking import rank_key
from newsreader.search.result import Cancelled, SearchCancelled
from newsreader.search.tokens import fold, word_sequence


class TextFetcher(Protocol):
    """Article id -> (title, body, or its first `body_chars`), supplied by the store."""

    def __call__(
        self, ids: Sequence[int], body_chars: int | None = None
    ) -> Mapping[int, tuple[str, str]]: ...


RERANK = 30
"""How many of the best hits are re-ranked by word proximity."""
PROXIMITY_CHARS = 1500
"""How much of a body the proximity check reads (the lede is where a story's words meet)."""


def with_phrases(
    fetch_texts: TextFetcher,
    candidates: np.ndarray,
    phrases: tuple[tuple[str, ...], ...],
    cancelled: Cancelled,
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
        texts = fetch_texts(chunk)
        for doc in chunk:
            title, body = texts.get(doc, ("", ""))
            text = f"{title}\n{body}".lower()
            if all(_found_as_is(pattern, text) for pattern in patterns) or (
                not text.isascii() and all(pattern.search(fold(text)) for pattern in patterns)
            ):
                keep.append(doc)
    return np.array(keep, dtype=np.int64)


class Proximity:
    """The words of the articles at the head of a ranking, kept between keystrokes.

    Typing a query one letter at a time re-ranks mostly the same head each time: fetching
    and splitting those texts again was a fifth of a keystroke. A cached article costs ~25 KB
    (interning its words to share them cost more than splitting them). `clear` when the
    index changes.
    """

    SIZE = 256

    def __init__(self, fetch_texts: TextFetcher) -> None:
        self._fetch_texts = fetch_texts
        self._words: OrderedDict[int, tuple[Words, Words]] = OrderedDict()

    def clear(self) -> None:
        self._words.clear()

    def words(self, ids: list[int]) -> list[tuple[Words, Words]]:
        """Each article's title words and the words of its body's start, where they stand."""
        cache = self._words
        missing = [doc for doc in ids if doc not in cache]
        if missing:
            texts = self._fetch_texts(missing, PROXIMITY_CHARS)
            for doc in missing:
                title, body = texts.get(doc, ("", ""))
                cache[doc] = (Words(title), Words(body[:PROXIMITY_CHARS]))
        out = []
        for doc in ids:
            cache.move_to_end(doc)
            out.append(cache[doc])
        while len(cache) > max(self.SIZE, len(ids)):
            cache.popitem(last=False)
        return out

    def rerank(
        self,
        dates: np.ndarray,
        ids: np.ndarray,
        scores: np.ndarray,
        groups: list[list[Expansion]],
    ) -> tuple[np.ndarray, np.ndarray]:
        """Lift the head of the ranking where the query words stand close together.

        Plain words of the title and the start of the body, split in C++: this runs on
        every keystroke, and a regex tokenizer here cost more than the rest of the query.
        """
        head = ids[:RERANK].tolist()
        words: dict[str, list[int]] = {}
        for k, group in enumerate(groups):
            for term in {e.term for e in group}:
                words.setdefault(term, []).append(k)
        need = len(groups)
        bonus = np.zeros(len(head), dtype=np.float32)
        for i, (title, body) in enumerate(self.words(head)):
            title_window = _shortest_window(title, words, need)
            if title_window is not None:
                bonus[i] += 1.0 * need / title_window
            body_window = _shortest_window(body, words, need)
            if body_window is not None:
                bonus[i] += 0.5 * need / body_window
        head_scores = scores[: len(head)] + bonus
        order = np.argsort(-rank_key(head_scores, dates[ids[: len(head)]]), kind="stable")
        ids = np.concatenate([ids[: len(head)][order], ids[len(head) :]])
        scores = np.concatenate([head_scores[order], scores[len(head) :]])
        return ids, scores


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


class Words:
    """A text's words in reading order, and the set of them (to intersect with a query's)."""

    __slots__ = ("distinct", "sequence")

    def __init__(self, text: str) -> None:
        self.sequence = word_sequence(text)
        self.distinct = frozenset(self.sequence)

    def at(self, word: str) -> list[int]:
        """Where `word` stands (list.index scans in C; a Python loop over every word cost
        more than the rest of a keystroke)."""
        sequence, found, i = self.sequence, [], -1
        for _ in range(sequence.count(word)):
            i = sequence.index(word, i + 1)
            found.append(i)
        return found


def _shortest_window(words: Words, groups: dict[str, list[int]], need: int) -> int | None:
    """Length of the shortest stretch of a text (its `words`) holding a term of every group.

    `groups` maps a term to the query words (0..need-1) it stands for. Only the words the
    text and the query share are looked at (a set intersection, in C).
    """
    common = groups.keys() & words.distinct
    if len({k for term in common for k in groups[term]}) < need:
        return None
    hits = sorted((i, k) for term in common for i in words.at(term) for k in groups[term])
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
