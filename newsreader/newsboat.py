"""Moving in from newsboat: its `urls` file and its `cache.db`, recognised by their content
among the paths `newsreader import` is given, into the store.

Nothing of newsboat's is ever written to or run: the urls file is read like any file, the
cache is opened read-only, and `exec:`/`filter:` lines are reported, not executed.
Importing again adds nothing: feeds and saved searches that exist are left as they are,
articles are matched by (feed, guid) and by content, and read/starred state only ever
moves towards read and starred (what was read in either reader stays read).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from newsreader.ingest.document import DOCUMENT_SUFFIXES
from newsreader.ingest.draft import ArticleDraft, IngestError, storable
from newsreader.ingest.local import read_local
from newsreader.ingest.newsboat_cache import CacheItem, NewsboatCache, is_sqlite
from newsreader.ingest.newsboat_urls import MAX_BYTES, looks_like_urls, parse_urls
from newsreader.links import web_link
from newsreader.search.tables import table_of
from newsreader.store.engine import StoreError
from newsreader.store.errors import translated
from newsreader.store.feed_tags import tag_feed_by_url
from newsreader.store.feeds import AlreadySubscribed, add_feed, feeds, set_feed_details
from newsreader.store.models import Article
from newsreader.store.saved import AlreadySaved, find_saved, save_search
from newsreader.store.state import Flag, set_where
from newsreader.store.store import Store

Kind = Literal["urls", "cache"]
_c = table_of(Article).c
_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)


@dataclass
class MoveIn:
    """What importing one newsboat file did."""

    done: str = ""
    """One line: what was added."""
    notes: list[str] = field(default_factory=list)
    """Lines and items left out, each with its reason (the rest was imported)."""
    failures: list[str] = field(default_factory=list)
    """Why nothing (more) could be imported: the import fails."""
    added: int = 0
    unchanged: int = 0
    subscribed: int = 0


def newsboat_kind(path: Path) -> Kind | None:
    """ "urls" or "cache" when `path` is one of newsboat's files, by its first bytes. Files
    with a document's suffix are documents (and a folder's files are never read twice)."""
    if path.suffix.lower() in DOCUMENT_SUFFIXES:
        return None
    head = _head(path)
    if is_sqlite(head):
        return "cache"
    return "urls" if looks_like_urls(head) else None


def _head(path: Path) -> bytes:
    """The first 64 KB of a regular file; b"" for anything else (the import says why)."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError:
        return b""
    try:
        return os.read(fd, 65536) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
    except OSError:
        return b""
    finally:
        os.close(fd)


def import_newsboat(store: Store, path: Path, kind: Kind) -> MoveIn:
    """Import one newsboat file; never raises for the file's own faults (`failure`)."""
    result = MoveIn()
    try:
        if kind == "urls":
            _import_urls(store, path, result)
        else:
            _import_cache(store, path, result)
    except (IngestError, StoreError) as error:
        result.failures.append(str(error))
    return result


def _import_urls(store: Store, path: Path, result: MoveIn) -> None:
    parsed = parse_urls(read_local(path, MAX_BYTES))
    result.notes.extend(parsed.skipped)
    known = made = 0
    mine = {f.url: f.id for f in feeds(store)}  # once: a urls file may hold thousands
    for feed in parsed.feeds:
        try:
            feed_id = add_feed(store, feed.url, feed.name)
            result.subscribed += 1
        except AlreadySubscribed:
            known += 1
            feed_id = mine.get(feed.url) or next(f.id for f in feeds(store) if f.url == feed.url)
            set_feed_details(store, feed_id, name=feed.name or None)
        tag_feed_by_url(store, feed.url, feed.tags)
    for query in parsed.queries:
        try:
            save_search(store, query.name, query.query)
            made += 1
        except AlreadySaved:
            if find_saved(store, query.name).query != query.query:
                result.notes.append(f"query {query.name!r}: a saved search by that name exists")
    if not (parsed.feeds or parsed.queries):  # nothing imported: each reason is a failure
        result.failures, result.notes = result.notes or ["no feeds or queries in it"], []
    old = f" ({known} already subscribed)" if known else ""
    result.done = (
        f"newsboat urls file: {result.subscribed} feeds added{old}, {made} saved searches "
        f"made, {len(parsed.skipped)} lines skipped"
    )


def _import_cache(store: Store, path: Path, result: MoveIn) -> None:
    read = starred = deleted = 0
    mine = {f.url: (f.id, f.name if f.name != f.url else "") for f in feeds(store)}
    with NewsboatCache(path) as cache:
        listed = cache.feeds()
        for cached in listed:
            url = web_link(cached.url)
            if url is None:
                result.notes.append(f"feed {cached.url[:60]!r}: not a web feed (never run)")
                continue
            feed_id, name = mine.get(url) or (_subscribe(store, url, cached.title, result), "")
            validators = {"etag": cached.etag, "last_modified": cached.last_modified}
            set_feed_details(store, feed_id, title=cached.title, **validators)
            source = name or cached.title or url
            states: list[CacheItem] = []
            added = store.add(_kept(cache.items(cached.url, source), states), feed_id=feed_id)
            result.added += added.added
            result.unchanged += added.unchanged + added.updated
            r, s = _carry_state(store, feed_id, states)
            read, starred = read + r, starred + s
            deleted += _forget_deleted(
                store, feed_id, cache.items(cached.url, source, deleted=True)
            )
        if cache.unreadable:
            result.notes.append(f"{cache.unreadable} items could not be read")
    if deleted:
        result.notes.append(f"{deleted} deleted items skipped, and kept out of later refreshes")
    result.done = (
        f"newsboat cache: {len(listed)} feeds ({result.subscribed} new), {result.added} "
        f"articles added, {read} marked read, {starred} starred"
    )


def _forget_deleted(store: Store, feed_id: int, items: Iterable[CacheItem]) -> int:
    """Items deleted in newsboat stay deleted here: their entries are remembered (so that a
    refresh skips them) and any article of theirs imported before goes, unless starred."""
    from newsreader.store.removed import entry_key
    from newsreader.store.retention import forget_entries

    keys = [entry_key(d.guid, d.fingerprint) for d in (storable(i.draft) for i in items)]
    forget_entries(store, feed_id, keys)
    return len(keys)


def _subscribe(store: Store, url: str, title: str, result: MoveIn) -> int:
    feed_id = add_feed(store, url, title)
    result.subscribed += 1
    return feed_id


def _kept(items: Iterable[CacheItem], states: list[CacheItem]) -> Iterator[ArticleDraft]:
    """The items' drafts, keeping each item's state aside for after they are saved."""
    for item in items:
        states.append(item)
        yield item.draft


def _carry_state(store: Store, feed_id: int, items: list[CacheItem]) -> tuple[int, int]:
    """Read and starred as newsboat had them, by (feed, guid), else by content; only ever
    towards read and starred. Returns (newly read, newly starred)."""
    read = [storable(i.draft) for i in items if not i.unread]
    flagged = [storable(i.draft) for i in items if i.flagged]
    counts = []
    with translated(store.url), store.writing() as conn:
        pairs: tuple[tuple[list[ArticleDraft], Flag], ...] = (
            (read, "is_read"),
            (flagged, "is_starred"),
        )
        for drafts, flag in pairs:
            changed = 0
            guids = [d.guid for d in drafts if d.guid]
            prints = [d.fingerprint for d in drafts if not d.guid]
            for keys, column in ((guids, _c.guid), (prints, _c.fingerprint)):
                for start in range(0, len(keys), 500):
                    chunk = column.in_(keys[start : start + 500])
                    changed += set_where(conn, flag, True, _c.feed_id == feed_id, chunk)
            counts.append(changed)
    store._state_changed()
    return counts[0], counts[1]
