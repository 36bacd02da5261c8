"""Words as the index sees them: folded case and accents, punctuation inside words joined.

`S-400s` yields the joined term `s400s` and its parts `s` and `400s`, so that `s400`, `S-400`
and `400` all find it; `Erdogan's` yields `erdogans` and `erdogan`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator

from rapidfuzz.utils import default_process

MAX_TERM_LENGTH = 40
# A compound: word characters joined by single inner punctuation (hyphen, apostrophe, dot,
# slash, middle dot).
_COMPOUND = re.compile(r"[^\W_]+(?:[-'’.·/][^\W_]+)*")
_PART = re.compile(r"[^\W_]+")
# Punctuation standing between two word characters: where a compound is.
_JOINER = re.compile(r"[-'’.·/](?<=[^\W_][-'’.·/])(?=[^\W_])")
_SPACE = re.compile(r"\s")
_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


# Letters that carry no combining mark to strip, but that readers type as ASCII.
_LETTERS = {
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ħ": "h"
}  # fmt: skip
TOKENIZER_VERSION = 2
"""Bumped whenever `terms` would index a text differently: stores re-index on open."""


def fold(text: str) -> str:
    """Lower-case and strip accents, keeping every script (not just ASCII): Kılıç -> kilic."""
    if text.isascii():
        return text.lower()
    stripped = _MARKS.sub("", unicodedata.normalize("NFKD", text)).casefold()
    # A replace per letter present, not `str.translate`: a dict look-up per character made
    # folding an article body take twice as long.
    for letter, ascii_letters in _LETTERS.items():
        if letter in stripped:
            stripped = stripped.replace(letter, ascii_letters)
    return stripped


def terms(text: str) -> set[str]:
    """The distinct index terms of a text.

    Indexing speed rests on this. rapidfuzz's C++ `default_process` lower-cases and blanks
    out punctuation, so plain words cost one split; only the rare chunks with punctuation
    inside a word (found by a fast scan for the joiner) take the slow compound path.
    """
    words = set(default_process(text).split())
    ascii_words = set(filter(str.isascii, words))
    if len(ascii_words) != len(words):
        words = ascii_words | {fold(word) for word in words - ascii_words}
    words.update(compounds(text))
    if words and max(map(len, words)) > MAX_TERM_LENGTH:
        words = {term for term in words if len(term) <= MAX_TERM_LENGTH}
    return words


def compounds(text: str) -> Iterator[str]:
    """The joined terms of the words with punctuation inside (`S-400s` -> `s400s`), before
    the length limit."""
    end = 0
    for joiner in _JOINER.finditer(text):
        at = joiner.start()
        if at < end:
            continue  # in a chunk already handled
        start = at
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        space = _SPACE.search(text, at)
        end = space.start() if space else len(text)
        for compound in _COMPOUND.findall(text, start, end):
            if not compound.isalnum():
                yield fold("".join(_PART.findall(compound)))


def term_sequence(text: str) -> list[str]:
    """Joined terms in reading order (`S-400` is `s400`)."""
    return ["".join(_PART.findall(c)) for c in _COMPOUND.findall(fold(text))]


def word_sequence(text: str) -> list[str]:
    """Plain words in reading order (`S-400` is `s`, `400`): cheap, for proximity."""
    return default_process(text if text.isascii() else fold(text)).split()


def query_term(word: str) -> str:
    """A typed query word as one term: `S-400` -> `s400`."""
    return "".join(_PART.findall(fold(word)))[:MAX_TERM_LENGTH]


def highlight_spans(text: str, matched: Collection[str]) -> list[tuple[int, int]]:
    """Character spans of `text` whose terms are in `matched`, in order, not overlapping."""
    if not matched or not text:
        return []
    spans: list[tuple[int, int]] = []
    for compound in _COMPOUND.finditer(text):
        parts = list(_PART.finditer(compound.group()))
        joined = fold("".join(part.group() for part in parts))
        if joined in matched:
            spans.append(compound.span())
            continue
        if len(parts) > 1:
            base = compound.start()
            spans.extend(
                (base + part.start(), base + part.end())
                for part in parts
                if fold(part.group()) in matched
            )
    return spans
