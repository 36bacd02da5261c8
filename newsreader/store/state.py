"""Read and starred state in SQL, the one place that knows how it is kept.

An article is read when `article_read` holds its id, starred when `article_starred` does
(schema step 7); new articles need no row. Narrow tables, not flags in the wide `article`
row: marking 50k articles read inserts ~50k ids into a few hundred pages, where updating
a flag rewrote 50k pages of bodies (2.5 s at 100k articles). Their rows go with their
article (ON DELETE CASCADE), and ids are never reused, so `count(article_read)` is the
number of read articles.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import ColumnElement, Table, delete, exists, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from newsreader.search.tables import table_of
from newsreader.store.models import Article, ArticleRead, ArticleStarred

Flag = Literal["is_read", "is_starred"]

_article = table_of(Article)
TABLES: dict[Flag, Table] = {
    "is_read": table_of(ArticleRead),
    "is_starred": table_of(ArticleStarred),
}


def has(flag: Flag) -> ColumnElement[bool]:
    """SQL: the article (a row of `article` in the statement) has `flag`. The statement
    must select from `article` itself: alone, this names no article (it is no column)."""
    table = TABLES[flag]
    return exists().where(table.c.article_id == _article.c.id)


def flag_columns() -> tuple[Any, Any]:
    """`is_read` and `is_starred` as columns of a select on `article`."""
    return has("is_read").label("is_read"), has("is_starred").label("is_starred")


def flagged_count(flag: Flag) -> Any:
    """SQL: how many articles have `flag` (a scalar subquery)."""
    return select(func.count()).select_from(TABLES[flag]).scalar_subquery()


def set_where(conn: Connection, flag: Flag, value: bool, *where: Any) -> int:
    """Give `flag` the `value` on the articles `where` (conditions on `article`) selects, in
    the caller's transaction; returns how many articles changed. Setting inserts only the
    ids that lack a row, so a concurrent writer that got there first is no error."""
    table = TABLES[flag]
    if not value:
        chosen = select(_article.c.id).where(*where)
        return int(conn.execute(delete(table).where(table.c.article_id.in_(chosen))).rowcount)
    insert = sqlite_insert if conn.dialect.name == "sqlite" else pg_insert
    chosen = select(_article.c.id).where(*where, ~has(flag))
    stmt = insert(table).from_select(["article_id"], chosen).on_conflict_do_nothing()
    # An INSERT's rowcount is kept only when asked for (SQLAlchemy 2).
    stmt = stmt.execution_options(preserve_rowcount=True)
    return int(conn.execute(stmt).rowcount)
