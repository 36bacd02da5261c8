"""The store: one object per database, used by the CLI and (through workers) the UI."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, OperationalError

from newsreader.ingest.draft import SHORT_TEXT as SHORT_TEXT
from newsreader.ingest.draft import ArticleDraft, storable
from newsreader.search.tables import table_of
from newsreader.store import stats
from newsreader.store.engine import StoreError, make_engine
from newsreader.store.errors import describe_error, store_name, translated
from newsreader.store.filters import ORDER, ArticleFilters, id_list
from newsreader.store.filters import Order as Order
from newsreader.store.models import Article
from newsreader.store.saving import save_batch
from newsreader.store.schema import get_meta, latest_version, schema_version, set_meta, upgrade
from newsreader.store.searching import ArticleSearch
from newsreader.store.state import Flag, flag_columns, set_where
from newsreader.store.times import utcnow as utcnow
from newsreader.store.views import ArticleRow, ArticleView, Counts, DayCount, SourceStats

if TYPE_CHECKING:
    from newsreader.search.analysis import Analysed
    from newsreader.search.index import SearchIndex
    from newsreader.search.query import Filters
    from newsreader.search.result import Cancelled, SearchResult
    from newsreader.stories.signature import Signatures

T = TypeVar("T")

BATCH = 2500
"""Articles per write transaction. Not more: what a batch holds while it is written (its rows,
its story candidates) made most of an import's peak memory (5,000: the writer's peak at 20k
articles 355 MB; 2,500: 280 MB, for the same CPU)."""

OPEN_RETRY_SECONDS = 2.0
_article = table_of(Article)
_c = _article.c
_ROW_COLUMNS = (_c.id, _c.title, _c.source, _c.published_at, *flag_columns())


@dataclass(frozen=True, slots=True)
class AddResult:
    added: int
    unchanged: int
    updated: int = 0


def _one_ahead(items: Iterable[T]) -> Iterator[T]:
    """Each item once the next one has been taken: what taking it starts (a batch's
    analysis) runs while the caller works on this one."""
    previous: list[T] = []
    for item in items:
        yield from previous
        previous = [item]
    yield from previous


class Store:
    """A database of articles: opens it (upgrading its schema), writes and reads articles.

    Searching them is `ArticleSearch`'s job, and qualifiers are `ArticleFilters`'; the
    store makes both and tells them when it writes.
    """

    def __init__(self, url: str, *, on_upgrade: Callable[[], None] | None = None) -> None:
        """`on_upgrade` is called before a store written by an older version is upgraded,
        so that the caller can say why opening takes a while (a new index layout is
        built again: ~20 s at 100k articles)."""
        self.url = url
        self.engine: Engine = make_engine(url)
        self._filters = ArticleFilters(self.engine, url)
        self._search = ArticleSearch(self.engine, url, self._filters, self.texts)
        try:
            self._open(on_upgrade)
        except DatabaseError as error:
            self.engine.dispose()
            raise StoreError(describe_error(url, error)) from None
        except StoreError as error:
            self.engine.dispose()
            raise StoreError(f"{store_name(url)}: {error}") from None

    def _open(self, on_upgrade: Callable[[], None] | None) -> None:
        """Upgrade the schema if need be. Two processes creating one new SQLite file can
        meet while it turns to WAL, where SQLite reports "locked" at once instead of
        waiting: that moment passes within milliseconds, so it is retried for a little
        while (not for long: on a file system without working locks it never passes)."""
        deadline = time.monotonic() + OPEN_RETRY_SECONDS
        while True:
            try:
                # Look before taking the write lock: a current store opens without waiting
                # for a busy writer, and opens at all when it is read-only.
                with self.engine.connect() as conn:
                    found = schema_version(conn)
                if found != latest_version():
                    if 0 < found < latest_version() and on_upgrade is not None:
                        on_upgrade()
                        on_upgrade = None  # once, whatever a retry does
                    with self.writing() as conn:
                        upgrade(conn)
                return
            except OperationalError as error:
                if "database is locked" not in str(error.orig) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    @property
    def index(self) -> SearchIndex:
        """The search index (`ArticleSearch` owns it and makes it on first use)."""
        return self._search.index

    def _state_changed(self) -> None:
        """This store wrote articles: cached qualifier results may be out of date."""
        self._filters.changed()

    def _index_changed(self) -> None:
        self._state_changed()
        self._search.changed()

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction that takes the lock at once (and waits for it if need be)."""
        with self.engine.connect().execution_options(immediate=True) as conn, conn.begin():
            yield conn

    # -- writes ----------------------------------------------------------------------------

    def add(
        self,
        drafts: Iterable[ArticleDraft],
        *,
        batch: int = BATCH,
        feed_id: int | None = None,
        parallel: bool = False,
    ) -> AddResult:
        """Insert new articles and index them, a batch per transaction. Idempotent.

        With `feed_id`, drafts carrying a guid are that feed's entries: one the store has
        already is updated in place when its content changed (read and starred state kept).
        With `parallel`, big batches are tokenized by worker processes (see `Analyser`).
        """
        from newsreader.search.analysis import PARALLEL_MIN, Analyser
        from newsreader.stories.signature import signed_ahead

        iterator = map(storable, drafts)
        with Analyser(parallel=parallel) as analyser:
            # Each batch is analysed and signed (by worker processes, if big) while the one
            # before it is written, so a big import keeps every core busy.
            return self.add_analysed(
                _one_ahead(
                    (
                        chunk,
                        analyser.submit([(d.title, d.source, d.body) for d in chunk]),
                        signed_ahead(
                            analyser.start if len(chunk) >= PARALLEL_MIN else None,
                            [d.body for d in chunk],
                            [d.source for d in chunk],
                        ),
                    )
                    for chunk in iter(lambda: list(islice(iterator, batch)), [])
                ),
                feed_id=feed_id,
            )

    def add_analysed(
        self,
        batches: Iterable[
            tuple[list[ArticleDraft], Callable[[], Analysed], Callable[[], Signatures | None]]
        ],
        *,
        feed_id: int | None = None,
    ) -> AddResult:
        """`add` for batches of storable drafts (`ingest.draft.storable`) with their
        analysis and story signatures, asked for just before each batch is written (no
        signatures: grouping signs the batch itself): an import whose workers read, parse,
        analyse and sign files writes through this."""
        added = updated = unchanged = 0

        def write(
            chunk: list[ArticleDraft],
            analysis: Callable[[], Analysed],
            signing: Callable[[], Signatures | None],
        ) -> None:
            nonlocal added, updated, unchanged
            analysed, signatures = analysis(), signing()  # before taking the write lock
            with self.writing() as conn:
                n, u = save_batch(conn, chunk, feed_id, analysed, signatures)
            added += n
            updated += u
            unchanged += len(chunk) - n - u

        try:
            for chunk, analysis, signing in batches:
                write(chunk, analysis, signing)
        except DatabaseError as error:
            saved = added + updated
            done = f"{saved} new articles were saved before it" if saved else "nothing was saved"
            raise StoreError(describe_error(self.url, error, done=done)) from None
        finally:
            if added or updated:
                self._index_changed()
        return AddResult(added, unchanged, updated)

    def set_flag(self, article_id: int, flag: Flag, value: bool) -> None:
        with translated(self.url), self.writing() as conn:
            set_where(conn, flag, value, _c.id == article_id)
        self._state_changed()

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
        """Set read/starred by fingerprint (`doctor --rebuild` carrying state over);
        returns how many of the fingerprints name an article here."""
        changed = 0
        with translated(self.url), self.writing() as conn:
            for fingerprint, is_read, is_starred in states:
                where = _c.fingerprint == fingerprint
                if conn.execute(select(_c.id).where(where)).first() is None:
                    continue
                set_where(conn, "is_read", is_read, where)
                set_where(conn, "is_starred", is_starred, where)
                changed += 1
        self._state_changed()
        return changed

    def reindex(self) -> int:
        """Rebuild the search index from the articles (the repair for an inconsistent index).

        One transaction: readers see the old index or the new one, never half of each.
        """
        from newsreader.store.reindex import rebuild_index

        with translated(self.url), self.writing() as conn:
            indexed = rebuild_index(conn)
        self._index_changed()
        return indexed

    # -- reads -----------------------------------------------------------------------------

    def count(self) -> int:
        with translated(self.url), self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(_article)).scalar_one())

    def ids(self, order: Order = "newest") -> list[int]:
        """Every article id in list order."""
        with translated(self.url), self.engine.connect() as conn:
            return id_list(conn, select(_c.id).order_by(*ORDER[order]))

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
            row = conn.execute(select(_article, *flag_columns()).where(_c.id == article_id)).first()
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

    def texts(
        self, ids: Sequence[int], body_chars: int | None = None
    ) -> Mapping[int, tuple[str, str]]:
        """Titles and bodies (or their first `body_chars`), for the search index's phrase
        and proximity checks."""
        body = _c.body if body_chars is None else func.substr(_c.body, 1, body_chars)
        with translated(self.url), self.engine.connect() as conn:
            rows = conn.execute(select(_c.id, _c.title, body).where(_c.id.in_(list(ids))))
            return {r[0]: (r[1], r[2]) for r in rows}

    def search(
        self,
        query: str,
        *,
        limit: int | None = None,
        cancelled: Cancelled | None = None,
        within: Filters | None = None,
        order: Order = "newest",
    ) -> SearchResult:
        """See `ArticleSearch.search`."""
        return self._search.search(
            query, limit=limit, cancelled=cancelled, within=within, order=order
        )

    def filter_ids(self, filters: Filters) -> frozenset[int] | None:
        """See `ArticleFilters.ids`."""
        return self._filters.ids(filters)

    def filtered_ids(
        self, filters: Filters, order: Order = "newest", *, limit: int | None = None
    ) -> list[int]:
        """See `ArticleFilters.listed`."""
        return self._filters.listed(filters, order, limit=limit)

    # -- figures ---------------------------------------------------------------------------

    def counts(self) -> Counts:
        with translated(self.url), self.engine.connect() as conn:
            return stats.counts(conn)

    def source_stats(self) -> list[SourceStats]:
        with translated(self.url), self.engine.connect() as conn:
            return stats.source_stats(conn)

    def per_day(self, days: int = 90) -> list[DayCount]:
        with translated(self.url), self.engine.connect() as conn:
            return stats.per_day(conn, days)
