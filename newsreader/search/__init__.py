"""Typo-tolerant ranked full-text search. Pure: no UI, any SQLAlchemy database."""

from newsreader.search.index import SearchCancelled, SearchIndex, SearchResult
from newsreader.search.query import Query, parse_query
from newsreader.search.tokens import highlight_spans
from newsreader.search.writer import IndexDoc, delete_documents, index_documents

__all__ = [
    "IndexDoc",
    "Query",
    "SearchCancelled",
    "SearchIndex",
    "SearchResult",
    "delete_documents",
    "highlight_spans",
    "index_documents",
    "parse_query",
]
