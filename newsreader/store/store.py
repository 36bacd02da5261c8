"""The store: one object per database, used by the CLI and (through workers) the UI."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from itertools import islice
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError

from newsreader.ingest.draft import ArticleDraft
from newsreader.search.tables import SearchPosting, SearchSegment, SearchTombstone, table_of
from newsreader.store.engine import StoreError, make_engine
from newsreader.store.errors import describe_error, store_name, translated
from newsreader.store.models import Article
from newsreader.store.schema import get_meta, latest_version, schema_version, set_meta, upgrade
from newsreader.store.views import ArticleRow, ArticleView

if TYPE_CHECKING:
    from newsreader.search.index import SearchIndex
    from newsreader.search.result import SearchResult

Order = Literal["newest", "oldest", "title", "source"]
BATCH = 5000
"""Articles per write transaction (and index segment): big batches mean fewer posting rows."""

_article = table_of(Article)
_c = _article.c
_ORDER = {
    "newest": (_c.sorted_at.desc(), _c.id.desc()),
    "oldest": (_c.sorted_at.asc(), _c.id.asc()),
    "title": (_c.title.asc(), _c.id.asc()),
    "source": (_c.source.asc(), _c.sorted_at.desc(), _c.id.desc()),
}
_ROW_COLUMNS = (_c.id, _c.title, _c.source, _c.published_at, _c.is_read, _c.is_starred)


@dataclass(frozen=True, slots=True)
class AddResult:
    added: int
    unchanged: int


def utcnow() -> datetime:
    return datetime.now(UTC)


def timestamp(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        try:
            # Look before taking the write lock: a current store opens without waiting for a
            # busy writer, and opens at all when it is read-only.
            with self.engine.connect() as conn:
                current = schema_version(conn) == latest_version()
            if not current:
                with self.writing() as conn:
                    upgrade(conn)
        except DatabaseError as error:
            self.engine.dispose()
            raise StoreError(describe_error(url, error)) from None
        except StoreError as error:
            self.engine.dispose()
            raise StoreError(f"{store_name(url)}: {error}") from None

    @cached_property
    def index(self) -> SearchIndex:
        """The search index, made on first use: listing articles never pays for numpy."""
        from newsreader.search.index import SearchIndex

        return SearchIndex(self.engine, self.texts)

    def _index_changed(self) -> None:
        if "index" in self.__dict__:  # made already: tell it to look again
            self.index.invalidate()

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction that takes the lock at once (and waits for it if need be)."""
        with self.engine.connect().execution_options(immediate=True) as conn, conn.begin():
            yield conn

    # -- writes ----------------------------------------------------------------------------

    def add(self, drafts: Iterable[ArticleDraft], *, batch: int = BATCH) -> AddResult:
        """Insert new articles and index them, a batch per transaction. Idempotent."""
        added = unchanged = 0
        iterator = iter(drafts)
        try:
            while chunk := list(islice(iterator, batch)):
                with self.writing() as conn:
                    n = self._insert(conn, chunk)
                added += n
                unchanged += len(chunk) - n
        except DatabaseError as error:
            done = f"{added} new articles were saved before it" if added else "nothing was saved"
            raise StoreError(describe_error(self.url, error, done=done)) from None
        finally:
            if added:
                self._index_changed()
        return AddResult(added, unchanged)

    def _insert(self, conn: Connection, drafts: list[ArticleDraft]) -> int:
        from newsreader.search.writer import IndexDoc, index_documents

        now = utcnow()
        rows: dict[str, dict[str, Any]] = {}
        for d in drafts:
            fingerprint, word_count = d.identity()
            rows.setdefault(
                fingerprint,
                {
                    "fingerprint": fingerprint,
                    "title": d.title,
                    "source": d.source,
                    "author": d.author,
                    "url": d.url,
                    "published_at": d.published_at,
                    "imported_at": now,
                    "sorted_at": d.published_at or now,
                    "body": d.body,
                    "summary": d.summary,
                    "word_count": word_count,
                    "origin": d.origin,
                    "is_read": False,
                    "is_starred": False,
                },
            )
        insert = sqlite_insert if conn.dialect.name == "sqlite" else pg_insert
        stmt = (
            insert(_article)
            .on_conflict_do_nothing(index_elements=["fingerprint"])
            .returning(_c.id, _c.fingerprint)
        )
        inserted = conn.execute(stmt, list(rows.values())).all()
        docs = []
        for article_id, fingerprint in inserted:
            row = rows[fingerprint]
            docs.append(
                IndexDoc(
                    article_id,
                    row["title"],
                    row["source"],
                    row["body"],
                    timestamp(row["sorted_at"]),
                )
            )
        index_documents(conn, docs)
        return len(inserted)

    def set_flag(
        self, article_id: int, flag: Literal["is_read", "is_starred"], value: bool
    ) -> None:
        with self.writing() as conn:
            conn.execute(update(_article).where(_c.id == article_id).values({flag: value}))

    def seed_once(self, drafts: Iterable[ArticleDraft]) -> AddResult | None:
        """Load the bundled seeds into a store that has never had them."""
        with translated(self.url), self.engine.connect() as conn:
            if get_meta(conn, "seeded") is not None:
                return None
        result = self.add(drafts)
        with translated(self.url), self.writing() as conn:
            set_meta(conn, "seeded", utcnow().isoformat())
        return result

    def restore_state(self, states: Iterable[tuple[str, bool, bool]]) -> int:
        """Set read/starred by fingerprint (`doctor --rebuild` carrying state over)."""
        changed = 0
        with translated(self.url), self.writing() as conn:
            for fingerprint, is_read, is_starred in states:
                result = conn.execute(
                    update(_article)
                    .where(_c.fingerprint == fingerprint)
                    .values(is_read=is_read, is_starred=is_starred)
                )
                changed += result.rowcount
        return changed

    def reindex(self) -> int:
        """Rebuild the search index from the articles (the repair for an inconsistent index).

        One transaction: readers see the old index or the new one, never half of each.
        """
        from newsreader.search.writer import IndexDoc, index_documents

        indexed = 0
        with translated(self.url), self.writing() as conn:
            for model in (SearchPosting, SearchTombstone, SearchSegment):
                conn.execute(delete(table_of(model)))
            last = 0
            while True:
                rows = conn.execute(
                    select(_c.id, _c.title, _c.source, _c.body, _c.sorted_at)
                    .where(_c.id > last)
                    .order_by(_c.id)
                    .limit(BATCH)
                ).all()
                if not rows:
                    break
                index_documents(
                    conn,
                    [
                        IndexDoc(r.id, r.title, r.source, r.body, timestamp(r.sorted_at))
                        for r in rows
                    ],
                )
                indexed += len(rows)
                last = rows[-1].id
        self._index_changed()
        return indexed

    # -- reads -----------------------------------------------------------------------------

    def count(self) -> int:
        with translated(self.url), self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(_article)).scalar_one())

    def ids(self, order: Order = "newest") -> list[int]:
        """Every article id in list order."""
        with translated(self.url), self.engine.connect() as conn:
            return list(conn.execute(select(_c.id).order_by(*_ORDER[order])).scalars())

    def rows(self, ids: Sequence[int]) -> dict[int, ArticleRow]:
        out: dict[int, ArticleRow] = {}
        with translated(self.url), self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                for r in conn.execute(select(*_ROW_COLUMNS).where(_c.id.in_(chunk))):
                    out[r.id] = ArticleRow(
                        r.id, r.title, r.source, r.published_at, bool(r.is_read), bool(r.is_starred)
                    )
        return out

    def article(self, article_id: int) -> ArticleView | None:
        with translated(self.url), self.engine.connect() as conn:
            row = conn.execute(select(_article).where(_c.id == article_id)).first()
        if row is None:
            return None
        return ArticleView(
            id=row.id,
            title=row.title,
            source=row.source,
            author=row.author,
            url=row.url,
            published_at=row.published_at,
            imported_at=row.imported_at,
            body=row.body,
            summary=row.summary,
            word_count=row.word_count,
            origin=row.origin,
            is_read=bool(row.is_read),
            is_starred=bool(row.is_starred),
        )

    def texts(self, ids: Sequence[int]) -> Mapping[int, tuple[str, str]]:
        """Titles and bodies, for the search index's phrase and proximity checks."""
        with translated(self.url), self.engine.connect() as conn:
            rows = conn.execute(select(_c.id, _c.title, _c.body).where(_c.id.in_(list(ids))))
            return {r.id: (r.title, r.body) for r in rows}

    def search(self, query: str, *, limit: int | None = None) -> SearchResult:
        with translated(self.url):
            return self.index.search(query, limit=limit)
