"""The store's write path for one batch: drafts become article rows (new ones inserted,
changed feed entries updated in place) and index documents, in one transaction."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from newsreader.ingest.draft import ArticleDraft
from newsreader.search.tables import table_of
from newsreader.store.models import Article
from newsreader.store.removed import drop_removed
from newsreader.store.times import stored, timestamp, utcnow

if TYPE_CHECKING:
    from newsreader.search.analysis import Analysed
    from newsreader.stories.signature import Signatures

_article = table_of(Article)
_c = _article.c


def save_batch(
    conn: Connection,
    drafts: list[ArticleDraft],
    feed_id: int | None,
    analysed: Analysed,
    signatures: Signatures | None = None,
) -> tuple[int, int]:
    """Write one batch of (storable) drafts as articles and index them, inside the
    caller's transaction: new ones added, changed feed entries updated in place. Returns
    (added, updated). `signatures`: the drafts' story signatures, when an import's workers
    made them (else grouping signs the bodies here)."""
    from newsreader.search.writer import IndexDoc, index_documents
    from newsreader.stories.keeping import StoryDoc, group_new

    now = utcnow()
    rows: dict[str, dict[str, Any]] = {}
    position: dict[str, int] = {}
    for i, (d, (fingerprint, word_count)) in enumerate(
        zip(drafts, analysed.identities, strict=True)
    ):
        if fingerprint in rows:
            continue
        position[fingerprint] = i
        rows[fingerprint] = {
            "fingerprint": fingerprint,
            "title": d.title,
            "source": d.source,
            "author": d.author,
            "url": d.url,
            "published_at": stored(d.published_at),
            "imported_at": now,
            "sorted_at": stored(d.published_at) or now,
            "body": d.body,
            "summary": d.summary,
            "word_count": word_count,
            "origin": d.origin,
            "feed_id": feed_id,
            "guid": d.guid if feed_id is not None else None,
        }
    if feed_id is not None:
        drop_removed(conn, rows, feed_id)  # removed here before: they stay removed
    changed = _update_entries(conn, rows, feed_id) if feed_id is not None else []
    inserted = _insert(conn, list(rows.values())) if rows else []

    def index(found: list[tuple[int, str, dict[str, Any]]], replaces: bool) -> None:
        found.sort(key=lambda item: position[item[1]])
        docs = [
            IndexDoc(i, row["title"], row["source"], row["body"], timestamp(row["sorted_at"]))
            for i, _, row in found
        ]
        terms = analysed.select([position[fingerprint] for _, fingerprint, _ in found])
        index_documents(conn, docs, replaces=replaces, analysed=terms)

    if any(d.tags for d in drafts):  # the entries' categories (store/tags.py)
        from newsreader.store.tags import save_entry_tags

        save_entry_tags(conn, inserted, {f: drafts[p].tags for f, p in position.items()})
    index([(i, f, rows[f]) for i, f in inserted], False)
    index([(i, row["fingerprint"], row) for i, row in changed], True)

    def story(article_id: int, row: dict[str, Any]) -> StoryDoc:
        at = timestamp(row["sorted_at"])
        return StoryDoc(article_id, row["title"], row["body"], at, row["source"])

    def signed(fingerprints: list[str]) -> Signatures | None:
        if signatures is None:
            return None
        return signatures.select([position[f] for f in fingerprints])

    # Stories (newsreader.stories) are grouped in this transaction, like the index.
    new = [story(i, rows[f]) for i, f in inserted]
    group_new(conn, new, signatures=signed([f for _, f in inserted]))
    again = [story(i, row) for i, row in changed]
    group_new(conn, again, replaces=True, signatures=signed([r["fingerprint"] for _, r in changed]))
    return len(inserted), len(changed)


_COLUMNS = (
    "fingerprint", "title", "source", "author", "url", "published_at", "imported_at",
    "sorted_at", "body", "summary", "word_count", "origin", "feed_id", "guid",
)  # fmt: skip


def _insert(conn: Connection, rows: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """Insert what is new; (id, fingerprint) of each row inserted. No conflict target: a
    duplicate fingerprint or (feed, guid) is skipped alike, and a concurrent writer that got
    there first makes this a no-op, not an error."""
    if conn.dialect.name != "sqlite":
        stmt = pg_insert(_article).on_conflict_do_nothing().returning(_c.id, _c.fingerprint)
        return [(i, f) for i, f in conn.execute(stmt, rows).all()]
    # SQLite: straight to the driver, values bound as SQLAlchemy binds them (its per-value
    # work cost more than the insert). This transaction holds the write lock, and ids only
    # grow, so what it inserted is what lies past the largest id before it.
    values = _bound_values(conn.dialect, rows)
    last = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM article").scalar_one()
    marks = ", ".join("?" * len(_COLUMNS))
    conn.exec_driver_sql(
        f"INSERT INTO article ({', '.join(_COLUMNS)}) VALUES ({marks}) ON CONFLICT DO NOTHING",
        values,
    )
    found = conn.exec_driver_sql("SELECT id, fingerprint FROM article WHERE id > ?", (last,))
    return [(i, f) for i, f in found.all()]


def _bound_values(dialect: Any, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Each row's values in `_COLUMNS` order, bound as SQLAlchemy binds them. A batch's
    rows share most of what needs binding (one import time, flags, an entry's date as its
    sort date), so each distinct value of a type is bound once: binding every datetime
    cost more than the insert."""
    bind: list[tuple[int, Callable[[Any], Any], type]] = []
    for i, name in enumerate(_COLUMNS):
        column_type = _c[name].type
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            bind.append((i, process, type(column_type)))
    bound: dict[tuple[type, Any], Any] = {}
    pick = operator.itemgetter(*_COLUMNS)
    values: list[tuple[Any, ...]] = []
    for row in rows:
        value = list(pick(row))
        for at, to_bound, kind in bind:
            key = (kind, value[at])
            if key not in bound:
                bound[key] = to_bound(value[at])
            value[at] = bound[key]
        values.append(tuple(value))
    return values


def _update_entries(
    conn: Connection, rows: dict[str, dict[str, Any]], feed_id: int
) -> list[tuple[int, dict[str, Any]]]:
    """Update this feed's entries whose content changed; drop them and unchanged ones
    from `rows`, leaving only what is new."""
    by_guid = {row["guid"]: key for key, row in rows.items() if row["guid"]}
    changed: list[tuple[int, dict[str, Any]]] = []
    guids = list(by_guid)
    for start in range(0, len(guids), 500):
        chunk = guids[start : start + 500]
        found = conn.execute(
            select(_c.id, _c.guid, _c.fingerprint, _c.imported_at).where(
                _c.feed_id == feed_id, _c.guid.in_(chunk)
            )
        ).all()
        for article_id, guid, old_fingerprint, imported_at in found:
            row = rows.pop(by_guid[guid], None)
            if row is None or row["fingerprint"] == old_fingerprint:
                continue
            taken = conn.execute(select(_c.id).where(_c.fingerprint == row["fingerprint"])).first()
            if taken is not None:
                continue  # the new text is another article's already: nothing to add
            values = {k: v for k, v in row.items() if k not in {"imported_at", "feed_id", "guid"}}
            values["sorted_at"] = row["published_at"] or imported_at
            values["feed_body"] = None  # a full text fetched for the old entry is gone
            conn.execute(update(_article).where(_c.id == article_id).values(values))
            changed.append((article_id, values))
    return changed
