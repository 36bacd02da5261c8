"""The store's search: a typed query parsed once, the index ranking its words among the
articles its qualifiers allow (the store's SQL), or the qualifiers alone listing them."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from newsreader.store.errors import translated
from newsreader.store.filters import ArticleFilters, Order

if TYPE_CHECKING:
    from newsreader.search.index import SearchIndex
    from newsreader.search.query import Filters
    from newsreader.search.result import Cancelled, SearchResult
    from newsreader.search.text_match import TextFetcher


class ArticleSearch:
    """Searches a store's articles, owning its search index (made on first use)."""

    def __init__(
        self, engine: Engine, url: str, filters: ArticleFilters, texts: TextFetcher
    ) -> None:
        self._engine, self._url = engine, url
        self._filters = filters
        self._texts = texts

    @cached_property
    def index(self) -> SearchIndex:
        """Made on first use: listing articles never pays for numpy."""
        from newsreader.search.index import SearchIndex

        return SearchIndex(self._engine, self._texts)

    def changed(self) -> None:
        """The index was written to: a made index looks again on its next query."""
        if "index" in self.__dict__:
            self.index.invalidate()

    def search(
        self,
        query: str,
        *,
        limit: int | None = None,
        cancelled: Cancelled | None = None,
        within: Filters | None = None,
        order: Order = "newest",
    ) -> SearchResult:
        """Words ranked by relevance, among the articles the qualifiers (and `within`, a
        view such as unread-only) allow; qualifiers alone list those articles in `order`."""
        from newsreader.search.query import parse_query
        from newsreader.search.result import SearchResult

        parsed = parse_query(query)
        filters = parsed.filters.merged(within) if within else parsed.filters
        with translated(self._url):
            if parsed.is_empty:
                if not filters:
                    return SearchResult(query, [], [])
                listed = self._filters.listed
                ids = listed(filters, order, limit=None if parsed.excluded else limit)
                if parsed.excluded:  # `is:unread -russia`: drop articles holding the word
                    dropped = self.index.holding(parsed.excluded)
                    ids = [i for i in ids if i not in dropped][:limit]
                return SearchResult(query, ids, [0.0] * len(ids))

            def allowed() -> frozenset[int] | None:
                return self._filters.ids(filters)

            return self.index.search(
                parsed, limit=limit, cancelled=cancelled, allowed=allowed if filters else None
            )
