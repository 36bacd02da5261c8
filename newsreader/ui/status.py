"""What the reading view says about its list: the header's status and the list's title.

Plain functions of the view's state, so the words are in one place and tested without a
screen.
"""

from __future__ import annotations

from typing import Literal

from newsreader.search.query import Filters
from newsreader.store.views import Counts
from newsreader.ui.text import count_label, literal_line

View = Literal["all", "unread", "starred"]
VIEW_FILTERS: dict[View, Filters] = {
    "all": Filters(),
    "unread": Filters(states=frozenset({"unread"})),
    "starred": Filters(states=frozenset({"starred"})),
}
SORT_LABELS = {
    "newest": "newest first",
    "oldest": "oldest first",
    "source": "by source",
    "title": "by title",
}
EMPTY_LINES: dict[View, tuple[str, ...]] = {
    "all": ("No articles yet.", "Add some:", "newsreader import PATH"),
    "unread": ("No unread articles.", "u shows them all"),
    "starred": ("No starred articles.", "s stars one · S shows them all"),
}
"""What an empty list says in each view (not a search)."""


def status_line(query: str, count: int, counts: Counts | None, problem: str | None = None) -> str:
    """`1,234 articles · 56 unread · 3 starred`, or `k of N · “query”` when searching, or
    `“query” · why it cannot run` while a query is not yet one the search can run."""
    shown = " ".join(query.split())
    if problem is not None:
        return f"“{shown}” · {literal_line(problem).plain}"
    if not query:
        if counts is None:
            return count_label(count)
        return (
            f"{count_label(counts.total)} · {counts.unread:,} unread · {counts.starred:,} starred"
        )
    if counts is None:
        return f"{count_label(count, 'match')} for “{shown}”"
    return f"{count:,} of {counts.total:,} · “{shown}”"


def list_title(view: View, view_size: int | None, ranked: bool, sort: str, scope: str = "") -> str:
    """The list's border: which scope, view and order it shows, `Unread · 56 · by title`,
    `Tag: rust · Unread · 3`."""
    parts = [{"all": "Articles", "unread": "Unread", "starred": "Starred"}[view]]
    if scope:
        parts = [scope] if view == "all" else [scope, *parts]
    if (view != "all" or scope) and view_size is not None:
        parts.append(f"{view_size:,}")
    if ranked:
        parts.append("best match first")
    elif sort != "newest":
        parts.append(SORT_LABELS[sort])
    return " · ".join(parts)
