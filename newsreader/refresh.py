"""Refreshing feeds: fetch and parse in parallel, save each feed as it arrives.

Fetching and parsing run on a bounded thread pool; saving happens on the calling thread,
one transaction per feed, so one feed's failure (DNS, timeout, HTTP error, bad XML,
oversize, a full disk) is recorded on that feed and never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import httpx

from newsreader.fetch import FetchError, fetch, make_client
from newsreader.ingest.draft import IngestError
from newsreader.ingest.feed import MAX_FEED_BYTES, ParsedFeed, parse_feed
from newsreader.ingest.html import is_web_link
from newsreader.ingest.local import read_local
from newsreader.store.engine import StoreError
from newsreader.store.feeds import FeedInfo, feeds, record_fetch
from newsreader.store.store import Store

WORKERS = 8


@dataclass(frozen=True, slots=True)
class Outcome:
    feed: FeedInfo
    status: str
    """`ok`, `not modified` or `error`."""
    added: int = 0
    updated: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class _Got:
    status: str
    parsed: ParsedFeed | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None


def refresh(
    store: Store,
    targets: list[FeedInfo] | None = None,
    *,
    workers: int = WORKERS,
    max_bytes: int = MAX_FEED_BYTES,
    timeout: float | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Refresh `targets` (every feed by default); `on_done` hears of each as it finishes."""
    targets = feeds(store) if targets is None else targets
    outcomes: list[Outcome] = []
    if not targets:
        return outcomes
    client = make_client(timeout) if timeout is not None else make_client()
    with client, ThreadPoolExecutor(max_workers=min(workers, len(targets))) as pool:
        pending = {pool.submit(_get, feed, client, max_bytes): feed for feed in targets}
        for future in as_completed(pending):
            outcome = _save(store, pending[future], future.result())
            outcomes.append(outcome)
            if on_done is not None:
                on_done(outcome)
    return outcomes


def _get(feed: FeedInfo, client: httpx.Client, max_bytes: int) -> _Got:
    """Fetch and parse one feed; never raises (a failure is this feed's outcome)."""
    try:
        if is_web_link(feed.url):
            got = fetch(
                feed.url,
                etag=feed.etag,
                last_modified=feed.last_modified,
                max_bytes=max_bytes,
                client=client,
            )
            if got.body is None:
                return _Got("not modified", etag=got.etag, last_modified=got.last_modified)
            body, etag, modified = got.body, got.etag, got.last_modified
        else:
            try:
                body, etag, modified = read_local(Path(feed.url), max_bytes), None, None
            except IngestError as error:
                return _Got("error", error=f"cannot read {feed.url}: {error}")
        # The reader's name for the feed, once it has one, is the articles' source.
        name = feed.name if feed.name != feed.url else None
        return _Got("ok", parse_feed(body, feed.url, name=name), etag, modified)
    except (FetchError, IngestError) as error:
        return _Got("error", error=str(error))
    except OSError as error:
        return _Got("error", error=f"cannot read {feed.url}: {error.strerror or error}")


def _save(store: Store, feed: FeedInfo, got: _Got) -> Outcome:
    try:
        if got.status != "ok" or got.parsed is None:
            record_fetch(
                store,
                feed.id,
                status=got.status,
                error=got.error,
                etag=got.etag,
                last_modified=got.last_modified,
            )
            return Outcome(feed, got.status, error=got.error)
        result = store.add(got.parsed.entries, feed_id=feed.id)
        record_fetch(
            store,
            feed.id,
            status="ok",
            title=got.parsed.title,
            site_url=got.parsed.link,
            etag=got.etag,
            last_modified=got.last_modified,
        )
        return Outcome(feed, "ok", result.added, result.updated)
    except StoreError as error:
        return Outcome(feed, "error", error=str(error))
