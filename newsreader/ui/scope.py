"""The feed, tag or saved search the reading view is narrowed to: a scope, not query text.

Chosen in `F`, it is held apart from the search bar, which keeps the reader's own words and
searches within it; the header names it, and Esc with an empty bar leaves it. A scope is
the set of articles its query finds (a feed's `feed:`, a tag's `tag:`, a saved search's own
query) within the view (unread, starred), so it composes with any qualifier typed: with
`tag:a` chosen, typing `tag:b` shows the articles carrying both, where the one query
`tag:a tag:b` would show those carrying either.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from newsreader.search.query import parse_query
from newsreader.search.result import SearchResult
from newsreader.ui.screens.feeds import Chosen
from newsreader.ui.status import VIEW_FILTERS, View

if TYPE_CHECKING:
    from newsreader.store.store import Order, Store


def listed(store: Store, chosen: Chosen | None, view: View, sort: Order) -> list[int]:
    """The ids the list shows with an empty search bar: the view's, within the scope, in
    list order (a saved search with words: best first, as `list --saved` has them)."""
    filters = VIEW_FILTERS[view]
    if chosen is not None:
        return list(store.search(chosen.query, within=filters, order=sort).ids)
    return store.filtered_ids(filters, sort) if filters else store.ids(sort)


def compose(scope: str, query: str) -> str | None:
    """One query meaning the scope's and `query` both, or None where no one query can say
    it: both name sources, feeds or tags (a query's several are alternatives)."""
    if not query.strip():
        return scope
    first, second = parse_query(scope).filters, parse_query(query).filters
    for kind in ("sources", "feeds", "tags"):
        if getattr(first, kind) and getattr(second, kind):
            return None
    return f"{scope} {query.strip()}"


class Scope:
    """What the reading view is narrowed to, and the ids that allows (for the search
    worker, which narrows every result to them)."""

    def __init__(self) -> None:
        self.chosen: Chosen | None = None
        self._lock = threading.Lock()
        self._allowed: tuple[tuple[str, View], frozenset[int]] | None = None

    @property
    def query(self) -> str:
        return self.chosen.query if self.chosen else ""

    @property
    def label(self) -> str:
        """`Feed: X`, `Tag: x`, `Saved: name`; "" when the view is not narrowed."""
        return self.chosen.label if self.chosen else ""

    def empty_lines(self, view_lines: tuple[str, ...]) -> tuple[str, ...]:
        """What an empty list says: the view's words, or that the scope holds nothing."""
        if self.chosen is None:
            return view_lines
        return (f"Nothing here in {self.label}.", "Esc shows every article")

    def choose(self, chosen: Chosen | None) -> None:
        self.chosen = chosen

    def loaded(self, view: View, ids: list[int]) -> None:
        """The list's ids for `view` within this scope arrived: what searches may show."""
        if self.chosen is not None:
            with self._lock:
                self._allowed = ((self.chosen.query, view), frozenset(ids))

    def narrow(self, store: Store, result: SearchResult, view: View) -> SearchResult:
        """`result` (a search within `view`) less what lies outside the scope. Run in the
        search worker: the scope's ids are found there when not loaded yet."""
        chosen = self.chosen
        if chosen is None:
            return result
        key = (chosen.query, view)
        with self._lock:
            cached = self._allowed
        if cached is not None and cached[0] == key:
            allowed = cached[1]
        else:
            allowed = frozenset(store.search(chosen.query, within=VIEW_FILTERS[view]).ids)
            with self._lock:
                self._allowed = (key, allowed)
        kept = [(i, s) for i, s in zip(result.ids, result.scores, strict=True) if i in allowed]
        return SearchResult(result.query, [i for i, _ in kept], [s for _, s in kept], result.terms)
