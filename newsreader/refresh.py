"""Refreshing feeds: fetch and parse in parallel, save each feed as it arrives.

Fetching and parsing run on a bounded thread pool; saving happens on the calling thread,
one transaction per feed, so one feed's failure (DNS, timeout, HTTP error, bad XML,
oversize, a full disk, or anything unforeseen) is recorded on that feed as one line and
never stops the others. A feed whose server asked us to wait (`Retry-After`) is skipped
until then, and so is one fetched less than its floor ago: the longest of its `<ttl>`, its
`sy:updatePeriod`/`sy:updateFrequency` and the server's `Cache-Control: max-age` (kept in
`feed.not_before`, the same column). A feed permanently redirected (301/308) is stored
under its new URL from then on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsreader.fetch import DEADLINE_SECONDS, FetchError, fetch, waiting
from newsreader.ingest.draft import IngestError
from newsreader.ingest.feed import MAX_FEED_BYTES, ParsedFeed, parse_feed
from newsreader.ingest.local import read_local
from newsreader.links import is_web_link
from newsreader.store.engine import StoreError
from newsreader.store.feeds import FeedInfo, feeds, move_feed, record_fetch
from newsreader.store.store import Store, utcnow
from newsreader.upkeep import after_refresh

WORKERS = 8
MAX_FLOOR = timedelta(days=1)
"""The longest a feed's own floor keeps it resting: a feed asking for a week gets a day."""
FLOOR_WHY = "the feed asked not to be fetched more often"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    feed: FeedInfo
    status: str
    """`ok`, `not modified`, `waiting` (not fetched: the server asked us to wait; `error`
    says until when) or `error`."""
    added: int = 0
    updated: int = 0
    error: str | None = None
    note: str | None = None
    """Something to tell besides the status: the feed moved (301/308), or could not."""


@dataclass(frozen=True, slots=True)
class _Got:
    status: str
    parsed: ParsedFeed | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    not_before: datetime | None = None
    floor: int = 0
    """Seconds the feed or its server asks to be left before the next fetch."""
    moved_to: str | None = None


def refresh(
    store: Store,
    targets: list[FeedInfo] | None = None,
    *,
    workers: int = WORKERS,
    max_bytes: int = MAX_FEED_BYTES,
    timeout: float = DEADLINE_SECONDS,
    on_done: Callable[[Outcome], None] | None = None,
    keep_days: int | None = None,
    per_feed: int | None = None,
) -> list[Outcome]:
    """Refresh `targets` (every feed by default); `on_done` hears of each as it finishes.

    `timeout` is each fetch's overall deadline, in seconds. Then `upkeep.after_refresh`:
    retention by `keep_days`/`per_feed` (None: off), full texts of full-text feeds."""
    started = utcnow()
    outcomes = _refresh(store, targets, workers, max_bytes, timeout, on_done)
    fed = [o.feed.id for o in outcomes if o.added and o.feed.full_text]
    failed = after_refresh(store, fed, started, keep_days=keep_days, per_feed=per_feed)
    for line in failed:
        log.warning("full text: %s", line)
    if failed:  # said with the feeds that fetch full text; the log has each page's reason
        note = f"full text: {len(failed)} new page(s) could not be read (their feed text is kept)"
        outcomes = [replace(o, note=o.note or note) if o.feed.id in fed else o for o in outcomes]
    return outcomes


def _refresh(
    store: Store,
    targets: list[FeedInfo] | None,
    workers: int,
    max_bytes: int,
    timeout: float,
    on_done: Callable[[Outcome], None] | None,
) -> list[Outcome]:
    targets = feeds(store) if targets is None else targets
    outcomes: list[Outcome] = []

    def done(outcome: Outcome) -> None:
        _log_outcome(outcome)
        outcomes.append(outcome)
        if on_done is not None:
            on_done(outcome)

    now = datetime.now(UTC)
    due = []
    for feed in targets:
        if feed.not_before is not None and _utc(feed.not_before) > now:
            why = FLOOR_WHY if feed.status != "error" else "server asked to wait"
            done(Outcome(feed, "waiting", error=waiting(feed.not_before, why)))
        else:
            due.append(feed)
    if not due:
        return outcomes
    with ThreadPoolExecutor(max_workers=min(workers, len(due))) as pool:
        pending = {pool.submit(_get, feed, max_bytes, timeout): feed for feed in due}
        for future in as_completed(pending):
            done(_save(store, pending[future], future.result()))
    return outcomes


def _utc(when: datetime) -> datetime:
    """Stored times are naive UTC."""
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _get(feed: FeedInfo, max_bytes: int, timeout: float) -> _Got:
    """Fetch and parse one feed; never raises (a failure is this feed's outcome)."""
    try:
        if is_web_link(feed.url):
            got = fetch(
                feed.url,
                etag=feed.etag,
                last_modified=feed.last_modified,
                max_bytes=max_bytes,
                timeout=timeout,
            )
            moved, max_age = got.moved_to, got.max_age or 0
            if got.body is None:
                return _Got(
                    "not modified",
                    etag=got.etag,
                    last_modified=got.last_modified,
                    floor=max(max_age, _last_floor(feed)),
                    moved_to=moved,
                )
            body, etag, modified = got.body, got.etag, got.last_modified
        else:
            try:
                body, etag, modified = read_local(Path(feed.url), max_bytes), None, None
            except IngestError as error:
                return _failed(feed, f"cannot read {feed.url}: {error}")
            moved, max_age = None, 0
        # The reader's name for the feed, once it has one, is the articles' source.
        name = feed.name if feed.name != feed.url else None
        parsed = parse_feed(body, feed.url, name=name)
        floor = max(max_age, parsed.min_interval or 0)
        return _Got("ok", parsed, etag, modified, floor=floor, moved_to=moved)
    except FetchError as error:
        return _failed(feed, str(error), not_before=error.not_before)
    except IngestError as error:
        return _failed(feed, str(error))
    except OSError as error:
        return _failed(feed, f"cannot read {feed.url}: {error.strerror or error}")
    except Exception as error:  # a bug or a case unforeseen: still this feed's alone
        return _failed(feed, _unforeseen("could not be fetched or read", error))


def _failed(feed: FeedInfo, reason: str, not_before: datetime | None = None) -> _Got:
    """A feed's failure, logged with the traceback of the error being handled."""
    log.warning("feed %s (%s): %s", feed.id, feed.url, reason, exc_info=True)
    return _Got("error", error=reason, not_before=not_before)


def _last_floor(feed: FeedInfo) -> int:
    """The floor the last good fetch set (a 304 has no body to read `<ttl>` from again)."""
    if feed.status not in ("ok", "not modified") or not feed.not_before or not feed.fetched_at:
        return 0
    return max(0, int((_utc(feed.not_before) - _utc(feed.fetched_at)).total_seconds()))


def _rest_until(got: _Got) -> datetime | None:
    """When the next fetch may be: the server's `Retry-After`, or now plus the floor."""
    if got.not_before is not None or got.floor <= 0:
        return got.not_before
    return datetime.now(UTC) + min(timedelta(seconds=got.floor), MAX_FLOOR)


def _save(store: Store, feed: FeedInfo, got: _Got) -> Outcome:
    try:
        note = _move(store, feed, got.moved_to) if got.moved_to else None
        if got.status != "ok" or got.parsed is None:
            record_fetch(
                store,
                feed.id,
                status=got.status,
                error=got.error,
                etag=got.etag,
                last_modified=got.last_modified,
                not_before=_rest_until(got),
            )
            return Outcome(feed, got.status, error=got.error, note=note)
        result = store.add(got.parsed.entries, feed_id=feed.id)
        record_fetch(
            store,
            feed.id,
            status="ok",
            title=got.parsed.title,
            site_url=got.parsed.link,
            etag=got.etag,
            last_modified=got.last_modified,
            not_before=_rest_until(got),
        )
        if feed.name == feed.url and got.parsed.title:  # named by its title from now on
            feed = replace(feed, name=got.parsed.title)
        return Outcome(feed, "ok", result.added, result.updated, note=note)
    except StoreError as error:
        log.warning("feed %s (%s): not saved: %s", feed.id, feed.url, error, exc_info=True)
        return Outcome(feed, "error", error=str(error))
    except Exception as error:  # a bug or a case unforeseen: still this feed's alone
        reason = _unforeseen("could not be saved", error)
        log.error("feed %s (%s): %s", feed.id, feed.url, reason, exc_info=True)
        with suppress(Exception):  # the outcome says it even if the store cannot
            record_fetch(store, feed.id, status="error", error=reason)
        return Outcome(feed, "error", error=reason)


def _move(store: Store, feed: FeedInfo, url: str) -> str | None:
    """Keep the feed under the URL a permanent redirect named; what to tell about it."""
    if url == feed.url or not is_web_link(url):
        return None
    other = move_feed(store, feed.id, url)
    if other is not None:
        return f"moved permanently to {url}, which is already the feed {other!r}: not changed"
    return f"moved permanently: now {url}"


def _log_outcome(outcome: Outcome) -> None:
    feed = f"feed {outcome.feed.id} ({outcome.feed.url})"
    if outcome.status == "ok":
        log.info("%s: %d new, %d updated", feed, outcome.added, outcome.updated)
    elif outcome.status == "error":
        log.info("%s: failed: %s", feed, outcome.error)  # its traceback is logged above
    else:
        log.info("%s: %s%s", feed, outcome.status, f" ({outcome.error})" if outcome.error else "")


def _unforeseen(what: str, error: Exception) -> str:
    """One line for an error nobody worded: what failed and what the error said."""
    said = " ".join(str(error).split())[:200]
    return f"{what}: {said}" if said else what
