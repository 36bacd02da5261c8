"""Full text: an article's web page fetched (the feed fetcher's limits: one overall deadline,
a byte cap, a few redirects, http/https only), its main text extracted (trafilatura, as for
imported pages) and stored in place of the feed's text, which is kept beside it
(`feed_body`); the article is indexed again, so the page's words find it.

`f` in the app does it for one article; a feed marked `--full-text` has it done for its new
entries during refresh, a few pages at a time. A page that fails leaves the article as it
was, and the reason is one line.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sqlalchemy import select, update

from newsreader.fetch import FetchError, fetch
from newsreader.ingest.draft import IngestError
from newsreader.ingest.page import parse_page
from newsreader.links import is_web_link, link_problem
from newsreader.search.tables import table_of
from newsreader.store.engine import StoreError
from newsreader.store.errors import translated
from newsreader.store.models import Article, Feed
from newsreader.store.store import Store
from newsreader.store.times import timestamp

PAGE_BYTES = 5 * 2**20
"""The most of a page fetched: an article's page is far smaller."""
PAGE_SECONDS = 20.0
WORKERS = 4
"""Pages fetched at once during a refresh."""
PER_REFRESH = 200
"""New entries of full-text feeds fetched per refresh, at most (the rest keep their text)."""
_SECTION = "\n\nLinks:\n"

_article = table_of(Article)
_c = _article.c
_feed = table_of(Feed)


class FullTextError(Exception):
    """One line: why an article's full text could not be had."""


def page_text(url: str | None, *, timeout: float = PAGE_SECONDS) -> str:
    """The main text of the page at `url`; raises `FullTextError` saying why not."""
    if not url:
        raise FullTextError("the article has no link to fetch")
    if not is_web_link(url):
        raise FullTextError(f"its link is not fetched: {link_problem(url)}")
    try:
        got = fetch(url, max_bytes=PAGE_BYTES, timeout=timeout)
    except FetchError as error:
        raise FullTextError(f"its page could not be fetched: {error}") from None
    body = got.body or b""
    if b"\0" in body[:4096]:
        raise FullTextError("its page is not a web page (binary content)")
    try:
        text = parse_page(body, got.url).body.strip()
    except IngestError as error:
        raise FullTextError(f"no article text in its page: {error}") from None
    if not text:
        raise FullTextError("no article text in its page")
    return text


def save_full_text(store: Store, article_id: int, text: str) -> bool:
    """Store `text` as the article's body (its feed text kept in `feed_body`, its numbered
    links kept under it) and index it again. False if the article is gone."""
    from newsreader.ingest.draft import identity
    from newsreader.search.writer import IndexDoc, index_documents

    with translated(store.url), store.writing() as conn:
        row = conn.execute(
            select(_c.title, _c.source, _c.body, _c.feed_body, _c.sorted_at).where(
                _c.id == article_id
            )
        ).first()
        if row is None:
            return False
        original = row.feed_body if row.feed_body is not None else row.body
        start = original.rfind(_SECTION)
        body = text + (original[start:] if start >= 0 else "")
        words = identity(row.title, text)[1]
        conn.execute(
            update(_article)
            .where(_c.id == article_id)
            .values(body=body, feed_body=original, word_count=words)
        )
        doc = IndexDoc(article_id, row.title, row.source, body, timestamp(row.sorted_at))
        index_documents(conn, [doc], replaces=True)
    store._index_changed()
    store.index.invalidate()
    return True


def fetch_full_text(store: Store, article_id: int) -> None:
    """Fetch, extract and store one article's full text; `FullTextError` says why not."""
    with translated(store.url), store.engine.connect() as conn:
        url = conn.execute(select(_c.url).where(_c.id == article_id)).scalar()
    text = page_text(url)
    try:
        saved = save_full_text(store, article_id, text)
    except StoreError as error:
        raise FullTextError(f"its text could not be saved: {error}") from None
    if not saved:
        raise FullTextError("the article is no longer in the store")


def fetch_new_full_texts(
    store: Store, feed_ids: Iterable[int], since: datetime, *, workers: int = WORKERS
) -> tuple[int, list[str]]:
    """Full text for the entries of full-text feeds among `feed_ids` imported at or after
    `since` (a refresh's new ones): `workers` pages at a time, each saved as it comes.
    Returns (how many were saved, one line per page that failed)."""
    wanted = list(feed_ids)
    if not wanted:
        return 0, []
    with translated(store.url), store.engine.connect() as conn:
        full = select(_feed.c.id).where(_feed.c.full_text.is_(True), _feed.c.id.in_(wanted))
        rows = conn.execute(
            select(_c.id, _c.url, _c.title)
            .where(_c.feed_id.in_(full), _c.imported_at >= since, _c.feed_body.is_(None))
            .order_by(_c.id)
            .limit(PER_REFRESH)
        ).all()
    if not rows:
        return 0, []
    saved, failed = 0, []
    with ThreadPoolExecutor(max_workers=min(workers, len(rows))) as pool:
        for (article_id, _, title), text in zip(
            rows, pool.map(_text_or_reason, [r.url for r in rows]), strict=True
        ):
            if isinstance(text, FullTextError):
                failed.append(f"{title[:60]}: {text}")
                continue
            try:
                saved += save_full_text(store, article_id, text)
            except StoreError as error:
                failed.append(f"{title[:60]}: its text could not be saved: {error}")
    return saved, failed


def _text_or_reason(url: str | None) -> str | FullTextError:
    try:
        return page_text(url)
    except FullTextError as error:
        return error
    except Exception as error:  # one page's unforeseen failure is that page's alone
        said = " ".join(str(error).split())[:120]
        return FullTextError(f"its page could not be read: {said or 'unexpected error'}")
