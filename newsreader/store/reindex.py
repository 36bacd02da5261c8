"""Rebuilding the search index from the articles, inside the caller's transaction.

Used by `doctor --rebuild` to repair an index, and by the schema step that follows a change
of tokenizer (so existing stores find what new ones do).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from newsreader.search.tables import table_of
from newsreader.store.models import Article
from newsreader.store.times import timestamp

BATCH = 5000


def rebuild_index(conn: Connection) -> int:
    """Drop every segment and index every article again; returns how many."""
    from newsreader.search.writer import IndexDoc, clear_index, index_documents

    article = table_of(Article).c
    clear_index(conn)
    indexed = last = 0
    while True:
        rows = conn.execute(
            select(article.id, article.title, article.source, article.body, article.sorted_at)
            .where(article.id > last)
            .order_by(article.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return indexed
        index_documents(
            conn,
            [IndexDoc(r.id, r.title, r.source, r.body, timestamp(r.sorted_at)) for r in rows],
        )
        indexed += len(rows)
        last = rows[-1].id
