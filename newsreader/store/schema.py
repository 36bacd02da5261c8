"""Schema versions and the ordered steps that upgrade a store in place.

A step is a function applied inside one transaction; it must keep every reader's data
(read and starred state above all). Add a step, bump nothing else: the version is the
number of steps. Step 1 creates the tables as the models define them today, so every later
step adds only what is missing: a fresh store runs them all and they find nothing to do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from newsreader.search.tables import SearchBlock, SearchSegment, table_of
from newsreader.store.engine import StoreError
from newsreader.store.models import (
    ArticleRead,
    ArticleStarred,
    ArticleTag,
    Feed,
    FeedTag,
    Meta,
    RemovedEntry,
    SavedSearch,
)
from newsreader.stories.tables import StoryBand, StoryMember, StorySignature

Step = Callable[[Connection], None]
log = logging.getLogger(__name__)


def _create_v1(conn: Connection) -> None:
    SQLModel.metadata.create_all(conn)


def _add_feeds(conn: Connection) -> None:
    """Version 2: subscriptions, and which feed entry (feed, guid) an article is."""
    table_of(Feed).create(conn, checkfirst=True)
    columns = {column["name"] for column in inspect(conn).get_columns("article")}
    if "feed_id" not in columns:
        conn.exec_driver_sql("ALTER TABLE article ADD COLUMN feed_id INTEGER REFERENCES feed (id)")
        conn.exec_driver_sql("CREATE INDEX ix_article_feed_id ON article (feed_id)")
    if "guid" not in columns:
        conn.exec_driver_sql("ALTER TABLE article ADD COLUMN guid TEXT")
    indexes = {index["name"] for index in inspect(conn).get_indexes("article")}
    if "ux_article_feed_guid" not in indexes:
        conn.exec_driver_sql("CREATE UNIQUE INDEX ux_article_feed_guid ON article (feed_id, guid)")


def _reindex_for_tokenizer_2(conn: Connection) -> None:
    """Version 3: letters like ı ł ø æ now fold to ASCII (Kılıç is found as `kilic`). The
    re-indexing this took is version 4's now, which writes the index's present tables."""


def _index_in_blocks(conn: Connection) -> None:
    """Version 4: a segment keeps its term list and its postings in a few block rows, not a
    row per term (an import writes ~100x fewer rows). The index is built again."""
    from newsreader.store.reindex import rebuild_index

    if inspect(conn).has_table("search_posting"):
        conn.exec_driver_sql("DROP TABLE search_posting")
    columns = {column["name"] for column in inspect(conn).get_columns("search_segment")}
    if "terms" not in columns:
        conn.exec_driver_sql("DROP TABLE search_segment")
    for model in (SearchSegment, SearchBlock):
        table_of(model).create(conn, checkfirst=True)
    rebuild_index(conn)


def _add_feed_not_before(conn: Connection) -> None:
    """Version 5: a feed remembers a server's `Retry-After`, so it is not fetched before."""
    columns = {column["name"] for column in inspect(conn).get_columns("feed")}
    if "not_before" not in columns:
        kind = "TIMESTAMP WITHOUT TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"
        conn.exec_driver_sql(f"ALTER TABLE feed ADD COLUMN not_before {kind}")


def _add_tags_and_saved_searches(conn: Connection) -> None:
    """Version 6: tags on feeds and on articles (their entries' categories), and saved
    searches. Only new tables: nothing stored changes."""
    for model in (FeedTag, ArticleTag, SavedSearch):
        table_of(model).create(conn, checkfirst=True)


def _state_in_own_tables(conn: Connection) -> None:
    """Version 7: read and starred state move out of the wide `article` row into narrow
    tables of their own (store/state.py says why). Every read and starred article is copied
    over, then the flags and their indexes are dropped (SQLite rewrites `article` once for
    that: 8-20 s at 100k articles, ~5 s of it CPU)."""
    for model in (ArticleRead, ArticleStarred):
        table_of(model).create(conn, checkfirst=True)
    columns = {column["name"] for column in inspect(conn).get_columns("article")}
    for column, model in (("is_read", ArticleRead), ("is_starred", ArticleStarred)):
        if column not in columns:
            continue
        conn.exec_driver_sql(
            f"INSERT INTO {table_of(model).name} (article_id) "
            f"SELECT id FROM article WHERE {column} ON CONFLICT DO NOTHING"
        )
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS ix_article_{column}")
        conn.exec_driver_sql(f"ALTER TABLE article DROP COLUMN {column}")


def _add_retention_and_full_text(conn: Connection) -> None:
    """Version 8: feed entries removed here are remembered (so a refresh does not bring them
    back), a feed may fetch its entries' full text, and an article keeps its feed's text
    beside the full text. Only additions: nothing stored changes."""
    table_of(RemovedEntry).create(conn, checkfirst=True)
    columns = {column["name"] for column in inspect(conn).get_columns("feed")}
    if "full_text" not in columns:
        conn.exec_driver_sql("ALTER TABLE feed ADD COLUMN full_text BOOLEAN NOT NULL DEFAULT FALSE")
    columns = {column["name"] for column in inspect(conn).get_columns("article")}
    if "feed_body" not in columns:
        conn.exec_driver_sql("ALTER TABLE article ADD COLUMN feed_body TEXT")


def _add_stories(conn: Connection) -> None:
    """Version 9 (reserved for stories; appended here after 6 until the lead orders 7 and 8):
    the stories' narrow tables, and the articles already stored grouped (~30 s at 100k)."""
    from newsreader.stories.keeping import rebuild

    for model in (StoryMember, StorySignature, StoryBand):
        table_of(model).create(conn, checkfirst=True)
    rebuild(conn)


def _regroup_stories(conn: Connection) -> None:
    """Version 11 (reserved for stories; the lead orders it after importspeed's 10): band
    keys became single MinHash values and event keys pairs of figures, so the keys stored
    by version 9 find nothing, and the stories are grouped again (~15 s at 100k)."""
    from newsreader.stories.keeping import rebuild

    rebuild(conn)


STEPS: list[Step] = [
    _create_v1,
    _add_feeds,
    _reindex_for_tokenizer_2,
    _index_in_blocks,
    _add_feed_not_before,
    _add_tags_and_saved_searches,
    _state_in_own_tables,
    _add_retention_and_full_text,
    _add_stories,
    _regroup_stories,
]
SCHEMA_VERSION = len(STEPS)

_meta = table_of(Meta)


def latest_version() -> int:
    """The version this code writes: the number of steps (read when called, so a test can
    add a step)."""
    return len(STEPS)


def schema_version(conn: Connection) -> int:
    if not inspect(conn).has_table("meta"):
        return 0
    value = conn.execute(select(_meta.c.value).where(_meta.c.key == "schema_version")).scalar()
    return int(value) if value is not None else 0


def upgrade(conn: Connection) -> int:
    """Bring the schema to `latest_version()`; returns the version it started from."""
    target = latest_version()
    found = schema_version(conn)
    if found > target:
        raise StoreError(
            f"this store was written by a newer newsreader (schema {found}, "
            f"this one knows {target}): upgrade newsreader"
        )
    if found == 0:
        foreign = set(inspect(conn).get_table_names()) - set(SQLModel.metadata.tables)
        if foreign:
            # Someone else's database: creating our tables in it would change it silently.
            raise StoreError(
                "this SQLite database is not a newsreader store (it holds other tables: "
                f"{', '.join(sorted(foreign)[:3])}); point --db at another file"
            )
    for version, step in enumerate(STEPS[found:], start=found + 1):
        log.debug("store schema: step %d of %d (%s)", version, target, step.__name__.strip("_"))
        step(conn)
        set_meta(conn, "schema_version", str(version))
    if found == 0:
        log.info("store schema: created at version %d", target)
    elif found < target:
        log.info("store schema: upgraded from version %d to %d", found, target)
    return found


def get_meta(conn: Connection, key: str) -> str | None:
    return conn.execute(select(_meta.c.value).where(_meta.c.key == key)).scalar()


def set_meta(conn: Connection, key: str, value: str) -> None:
    if get_meta(conn, key) is None:
        conn.execute(_meta.insert().values(key=key, value=value))
    else:
        conn.execute(_meta.update().where(_meta.c.key == key).values(value=value))
