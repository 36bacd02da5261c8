"""What a typed query asks for: fuzzy words, exact phrases, excluded words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsreader.search.tokens import query_term

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True, slots=True)
class Query:
    words: tuple[str, ...] = ()
    """Folded terms that must each match (fuzzily) somewhere."""
    phrases: tuple[tuple[str, ...], ...] = ()
    """Quoted phrases (or single quoted words): exact terms, in order, side by side."""
    excluded: tuple[str, ...] = ()
    """`-word`: articles holding this exact term are dropped."""
    prefix_last: bool = False
    """The last word is still being typed, so it also matches as a prefix."""

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases)


def parse_query(text: str) -> Query:
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[str] = []
    last_is_word = False
    for match in _TOKEN.finditer(text):
        negated, phrase, word = match.groups()
        last_is_word = False
        if phrase is not None:
            terms = tuple(t for t in (query_term(w) for w in phrase.split()) if t)
            if negated:
                excluded.extend(terms)
            elif terms:
                phrases.append(terms)
        elif word.startswith("-") and len(word) > 1:
            term = query_term(word[1:])
            if term:
                excluded.append(term)
        else:
            term = query_term(word)
            if term:
                words.append(term)
                last_is_word = True
    prefix_last = last_is_word and not text[-1:].isspace()
    return Query(tuple(words), tuple(phrases), tuple(excluded), prefix_last)
