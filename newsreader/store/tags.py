"""Tags in SQL: on feeds (their articles carry them) and on articles (their entries'
categories). Changing a feed's tags is `feed_tags`' job (it needs the store).

A tag is kept as first written and matched by its casefolded key, so `tag:News` finds
`news`, in SQL on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from newsreader.search.tables import table_of
from newsreader.store.models import Article, ArticleTag, Feed, FeedTag

_feed_tag = table_of(FeedTag)
_article_tag = table_of(ArticleTag)
_article = table_of(Article)
_feed = table_of(Feed)


def insert_for(conn: Connection) -> Any:
    return sqlite_insert if conn.dialect.name == "sqlite" else pg_insert


def feed_tags(conn: Connection) -> dict[int, tuple[str, ...]]:
    """Every feed's tags, in key order."""
    out: dict[int, list[str]] = {}
    query = select(_feed_tag.c.feed_id, _feed_tag.c.name).order_by(
        _feed_tag.c.feed_id, _feed_tag.c.key
    )
    for feed_id, name in conn.execute(query):
        out.setdefault(feed_id, []).append(name)
    return {k: tuple(v) for k, v in out.items()}


def save_entry_tags(
    conn: Connection, inserted: Sequence[tuple[int, str]], tags: Mapping[str, tuple[str, ...]]
) -> None:
    """The categories of newly inserted articles ((id, fingerprint) pairs), inside the
    write path's transaction."""
    rows = [
        {"article_id": article_id, "key": name.casefold(), "name": name}
        for article_id, fingerprint in inserted
        for name in tags.get(fingerprint, ())
    ]
    if rows:
        conn.execute(insert_for(conn)(_article_tag).on_conflict_do_nothing(), rows)


def tagged(keys: Sequence[str]) -> ColumnElement[bool]:
    """SQL: the article carries any of these tag keys, through its feed or its own."""
    keys = sorted(set(keys))
    by_feed = select(_feed_tag.c.feed_id).where(_feed_tag.c.key.in_(keys))
    by_entry = select(_article_tag.c.article_id).where(_article_tag.c.key.in_(keys))
    return or_(_article.c.feed_id.in_(by_feed), _article.c.id.in_(by_entry))
