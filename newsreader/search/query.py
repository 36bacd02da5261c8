"""What a typed query asks for: fuzzy words, exact phrases, excluded words, and qualifiers.

Qualifiers narrow the articles the words are searched in; they are never searched as words:

    source:NAME   the source contains NAME (case-insensitive; `source:"two words"` quoted)
    feed:NAME     the feed's name contains NAME
    tag:NAME      the article or its feed carries the tag NAME (any case; `tag:"two words"`)
    is:unread  is:read  is:starred  is:unstarred
    after:DATE    dated on or after DATE (YYYY-MM-DD, or YYYY-MM, or YYYY, or Nd: N days
                  ago, counted from today each time the query runs)
    before:DATE   dated before DATE

Several `source:` (or `feed:`, or `tag:`) qualifiers mean any of them; different qualifiers
all apply.

A query that cannot mean what it says is refused with `QueryError`, whose message is one line
naming the qualifier and the value, never silently narrowed or widened: an empty value
(`source:`), an unknown state (`is:bogus`), a date that is not one (`after:2019-13-45`,
`after:2019-0` while still typing; the app shows the reason and waits). A quote left open
runs to the end of the query (`"joint produc` is the phrase typed so far), as in the search
bar. A query is bounded so that its cost is too: MAX_CHARS characters, MAX_TERMS search terms
(words, phrase words and `-words` together) and MAX_QUALIFIERS qualifiers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from newsreader.ingest.tags import tag_name
from newsreader.search.tokens import query_term

_TOKEN = re.compile(r'(-?)"([^"]*)"?|([A-Za-z]+):(?:"([^"]*)"?|(\S*))|(\S+)')

STATES = ("unread", "read", "starred", "unstarred")
QUALIFIER_HELP = {
    "source": ("source:NAME", 'the source contains NAME (any case; source:"two words")'),
    "feed": ("feed:NAME", "the feed's name contains NAME"),
    "tag": ("tag:NAME", "the article or its feed carries the tag NAME (any case)"),
    "is": ("is:STATE", "STATE: " + ", ".join(STATES[:-1]) + " or " + STATES[-1]),
    "after": (
        "after:DATE",
        "dated on or after DATE: YYYY-MM-DD, YYYY-MM, YYYY, or Nd (N days ago)",
    ),
    "before": ("before:DATE", "dated before DATE"),
}
"""Every qualifier, as help shows it (`newsreader search --help`): the one list, so that
the help cannot drift from what the parser takes."""
QUALIFIERS = frozenset(QUALIFIER_HELP)
MAX_CHARS = 1000
MAX_TERMS = 32
MAX_QUALIFIERS = 16


class QueryError(ValueError):
    """A query that cannot be run as typed; the message is one line for the person."""


@dataclass(frozen=True, slots=True)
class Filters:
    """Which articles a query may return, whatever its words; hashable, to cache on."""

    sources: tuple[str, ...] = ()
    """Substrings, any of which the source must contain (folded case)."""
    feeds: tuple[str, ...] = ()
    """Substrings, any of which the feed's name must contain (folded case)."""
    tags: tuple[str, ...] = ()
    """Tag keys (folded case), any of which the article or its feed must carry."""
    states: frozenset[str] = field(default_factory=frozenset)
    """Every one must hold: `unread`, `read`, `starred`, `unstarred`."""
    after: date | None = None
    """On or after this day (UTC)."""
    before: date | None = None
    """Before this day (UTC)."""

    def __bool__(self) -> bool:
        return bool(
            self.sources or self.feeds or self.tags or self.states or self.after or self.before
        )

    def merged(self, other: Filters) -> Filters:
        """Both sets of conditions at once (a view's `is:unread` and a typed query's)."""
        after = max((d for d in (self.after, other.after) if d), default=None)
        before = min((d for d in (self.before, other.before) if d), default=None)
        return Filters(
            sources=self.sources + tuple(s for s in other.sources if s not in self.sources),
            feeds=self.feeds + tuple(f for f in other.feeds if f not in self.feeds),
            tags=self.tags + tuple(t for t in other.tags if t not in self.tags),
            states=self.states | other.states,
            after=after,
            before=before,
        )


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
    filters: Filters = field(default_factory=Filters)
    """Qualifiers (`source:`, `is:`, `after:` ...): which articles may match at all."""
    text: str = ""
    """What was typed: a result names the query it answers."""

    @property
    def is_empty(self) -> bool:
        """No words to rank by (there may still be filters: see `lists_only`)."""
        return not (self.words or self.phrases)

    @property
    def lists_only(self) -> bool:
        """Only qualifiers: every article they allow, in list order, nothing ranked."""
        return self.is_empty and bool(self.filters)


def parse_date(text: str) -> date | None:
    """`2019-04-01`, `2019-04` (its first day) or `2019` (its first day), or `7d` (seven
    days before today, UTC); else None."""
    if re.fullmatch(r"\d{1,5}d", text, re.IGNORECASE):
        return datetime.now(UTC).date() - timedelta(days=int(text[:-1]))
    for pattern, fill in (
        (r"\d{4}-\d{1,2}-\d{1,2}", ""),
        (r"\d{4}-\d{1,2}", "-1"),
        (r"\d{4}", "-1-1"),
    ):
        if re.fullmatch(pattern, text):
            year, month, day = (int(part) for part in (text + fill).split("-"))
            try:
                return date(year, month, day)
            except ValueError:
                return None
    return None


def _qualifier(filters: Filters, key: str, value: str) -> Filters:
    value = value.strip()
    if not value:
        raise QueryError(f"{key}: needs a value (as in {_EXAMPLES[key]})")
    if key == "tag":
        key = tag_name(value).casefold()  # as the store keys tags
        if not key:
            raise QueryError(f"tag:{_shown(value)}: not a tag")
        return replace(filters, tags=(*filters.tags, key))
    if key in ("source", "feed"):
        needle = value.casefold()
        if key == "source":
            return replace(filters, sources=(*filters.sources, needle))
        return replace(filters, feeds=(*filters.feeds, needle))
    if key == "is":
        state = value.lower()
        if state not in STATES:
            known = ", ".join(f"is:{s}" for s in STATES)
            raise QueryError(f"is:{_shown(value)}: not a state (use one of {known})")
        return replace(filters, states=filters.states | {state})
    moment = parse_date(value)
    if moment is None:
        raise QueryError(f"{key}:{_shown(value)}: not a date (use YYYY-MM-DD, YYYY-MM, YYYY or Nd)")
    return filters.merged(Filters(after=moment) if key == "after" else Filters(before=moment))


def _shown(value: str) -> str:
    """A typed value quoted back in an error: one line, and short."""
    value = " ".join(value.split())
    return value if len(value) <= 40 else value[:39] + "…"


_EXAMPLES = {
    "source": "source:reuters",
    "feed": 'feed:"Le Monde"',
    "tag": "tag:news",
    "is": "is:unread",
    "after": "after:2024-03-01",
    "before": "before:2024",
}


def parse_query(text: str) -> Query:
    """The query `text` asks for; `QueryError` if it cannot be run as typed."""
    if len(text) > MAX_CHARS:
        raise QueryError(f"the query is {len(text):,} characters long; at most {MAX_CHARS:,}")
    qualifiers = 0
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[str] = []
    filters = Filters()
    last_is_word = False
    for match in _TOKEN.finditer(text):
        negated, phrase, key, quoted, value, word = match.groups()
        last_is_word = False
        if key is not None and key.lower() not in QUALIFIERS:
            word = match.group(0)  # `foo:bar` is not a qualifier: search it as words
        elif key is not None:
            qualifiers += 1
            if qualifiers > MAX_QUALIFIERS:
                raise QueryError(
                    f"the query has over {MAX_QUALIFIERS} qualifiers; at most {MAX_QUALIFIERS}"
                )
            filters = _qualifier(filters, key.lower(), quoted if quoted is not None else value)
            continue
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
    count = len(words) + len(excluded) + sum(map(len, phrases))
    if count > MAX_TERMS:
        raise QueryError(f"the query has {count} search terms; at most {MAX_TERMS}")
    prefix_last = last_is_word and not text[-1:].isspace()
    return Query(tuple(words), tuple(phrases), tuple(excluded), prefix_last, filters, text)
