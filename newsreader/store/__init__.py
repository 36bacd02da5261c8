"""Articles in a SQLModel store (SQLite by default), with the search index kept beside them."""

from newsreader.store.engine import StoreError
from newsreader.store.store import AddResult, Order, Store
from newsreader.store.views import ArticleRow, ArticleView

__all__ = ["AddResult", "ArticleRow", "ArticleView", "Order", "Store", "StoreError"]
