"""What the query path checks in the articles' text: phrases word for word, and how close
the query's words stand at the head of the ranking."""

from __future__ import annotations

import re
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


def rerank(
    fetch_texts: TextFetcher,
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
    texts = fetch_texts(head, PROXIMITY_CHARS)
    words: dict[str, list[int]] = {}
    for k, group in enumerate(groups):
        for term in {e.term for e in group}:
            words.setdefault(term, []).append(k)
    need = len(groups)
    bonus = np.zeros(len(head), dtype=np.float32)
    for i, doc in enumerate(head):
        title, body = texts.get(doc, ("", ""))
        title_window = _shortest_window(word_sequence(title), words, need)
        if title_window is not None:
            bonus[i] += 1.0 * need / title_window
        body_window = _shortest_window(word_sequence(body[:PROXIMITY_CHARS]), words, need)
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


def _shortest_window(sequence: list[str], groups: dict[str, list[int]], need: int) -> int | None:
    """Length of the shortest stretch of `sequence` holding a term of every group.

    `groups` maps a term to the query words (0..need-1) it stands for.
    """
    hits = [(i, k) for i, term in enumerate(sequence) if term in groups for k in groups[term]]
    if len({k for _, k in hits}) < need:
        return None
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
