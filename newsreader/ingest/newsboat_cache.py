"""newsboat's `cache.db` (SQLite; tables `rss_feed`, `rss_item`), read without changing it.

It is opened read-only through a `file:...?mode=ro` URI, in place (no copy), with a short
busy timeout: a newsboat writing to it makes us stop with a reason, never hang. Anything
else that goes wrong (not SQLite, not newsboat's, truncated, a schema we do not know) is an
`IngestError` naming the reason in a few words.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

from newsreader.ingest.draft import ArticleDraft, IngestError, utc
from newsreader.ingest.feed import _draft
from newsreader.ingest.html import html_to_text, with_references
from newsreader.ingest.media import media_type, with_media
from newsreader.ingest.sanitize import clean_line
from newsreader.links import web_link

MAGIC = b"SQLite format 3\x00"
BUSY_SECONDS = 1.0
KNOWN_MAJOR = 2
"""newsboat 2.x writes cache schema 2.y (2.21 writes 2.11); another major is refused."""
MAX_CONTENT_CHARS = 2 * 2**20
_FEED_COLUMNS = {"rssurl", "url", "title", "lastmodified", "etag"}
_ITEM_COLUMNS = {"guid", "title", "author", "url", "feedurl", "pubDate", "content", "unread"}
_ITEM_COLUMNS |= {"enclosure_url", "flags", "deleted"}


@dataclass(frozen=True, slots=True)
class CacheFeed:
    url: str
    title: str
    etag: str | None
    last_modified: str | None
    """An HTTP date, from newsboat's `lastmodified` seconds."""


@dataclass(frozen=True, slots=True)
class CacheItem:
    draft: ArticleDraft
    unread: bool
    flagged: bool


def is_sqlite(head: bytes) -> bool:
    return head.startswith(MAGIC)


class NewsboatCache:
    """An open cache.db; use it in a `with` block (the connection closes at its end)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.unreadable = 0
        """Items that could not become articles."""
        _check_regular(path)
        uri = f"file:{quote(str(path.resolve()))}?mode=ro"
        try:
            self._db = sqlite3.connect(uri, uri=True, timeout=BUSY_SECONDS)
        except sqlite3.Error as error:
            raise IngestError(_reason(error)) from None
        try:
            self._check_schema()
        except BaseException:
            self._db.close()
            raise

    def __enter__(self) -> NewsboatCache:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._db.close()

    def _query(self, sql: str, *args: object) -> Iterator[tuple[object, ...]]:
        try:
            yield from self._db.execute(sql, args)
        except sqlite3.Error as error:
            raise IngestError(_reason(error)) from None

    def _check_schema(self) -> None:
        tables = {row[0] for row in self._query("SELECT name FROM sqlite_master")}
        if not {"rss_feed", "rss_item"} <= tables:
            raise IngestError("not a newsboat cache (it has no rss_feed and rss_item tables)")
        for table, needed in (("rss_feed", _FEED_COLUMNS), ("rss_item", _ITEM_COLUMNS)):
            columns = {str(row[1]) for row in self._query(f"PRAGMA table_info({table})")}
            if table == "rss_item":  # newsboat's own column; a cache without it still reads
                self._kind = "enclosure_type" if "enclosure_type" in columns else "''"
            if missing := needed - columns:
                raise IngestError(
                    f"a newsboat cache of an unknown schema ({table} lacks "
                    f"{', '.join(sorted(missing))})"
                )
        if "metadata" in tables:
            rows = list(self._query("SELECT * FROM metadata LIMIT 1"))
            major = rows[0][0] if rows and rows[0] else None
            if major != KNOWN_MAJOR:
                shown = ".".join(str(v)[:10] for v in rows[0]) if rows else "none"
                raise IngestError(
                    f"a newsboat cache of schema version {shown}; this newsreader reads "
                    f"version {KNOWN_MAJOR}.x"
                )

    def feeds(self) -> list[CacheFeed]:
        out = []
        sql = "SELECT rssurl, title, etag, lastmodified FROM rss_feed ORDER BY rowid"
        for url, title, etag, modified in self._query(sql):
            out.append(
                CacheFeed(
                    url=_text(url),
                    title=clean_line(_text(title))[:500],
                    etag=_text(etag) or None,
                    last_modified=_http_date(modified),
                )
            )
        return out

    def items(self, feed_url: str, source: str, *, deleted: bool = False) -> Iterator[CacheItem]:
        """The feed's items, oldest first, as drafts with their state: those not deleted, or
        (`deleted`) those deleted in newsboat, which the store remembers so that a refresh
        does not bring them back."""
        which = "!=" if deleted else "="
        sql = (
            "SELECT guid, title, author, url, pubDate, content, unread, enclosure_url, flags, "
            f"{self._kind} FROM rss_item WHERE feedurl = ? AND deleted {which} 0 ORDER BY id"
        )
        for row in self._query(sql, feed_url):
            try:
                yield _item(row, feed_url, source)
            except Exception:  # one odd item never costs the feed the others
                self.unreadable += 1


def _item(row: tuple[object, ...], feed_url: str, source: str) -> CacheItem:
    guid, title, author, url, published, content, unread, enclosure, flags, kind = row
    link = _text(url)
    text, links = html_to_text(_text(content)[:MAX_CONTENT_CHARS], web_link(link))
    attached = web_link(_text(enclosure))  # a podcast's audio: a numbered link, typed
    media = [(media_type(kind), attached)] if attached else []
    draft = _draft(
        title=_text(title),
        body=with_media(with_references(text, links), media),
        source=source,
        origin=feed_url,
        author=_text(author),
        url=link,
        published_at=_moment(published),
        guid=_text(guid) or link or None,
    )
    return CacheItem(draft, unread=bool(unread), flagged=bool(_text(flags).strip()))


def _check_regular(path: Path) -> None:
    try:
        info = os.stat(path)
    except OSError as error:
        raise IngestError(f"cannot read: {error.strerror or 'system error'}") from None
    if not stat.S_ISREG(info.st_mode):
        raise IngestError("not a regular file")


def _reason(error: sqlite3.Error) -> str:
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return "locked by a running newsboat (close it, or wait for its reload, and try again)"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return "a damaged or truncated SQLite file, not a readable newsboat cache"
    if "unable to open" in text:
        return "cannot be opened read-only (check its permissions)"
    return f"cannot be read as a newsboat cache ({clean_line(str(error))[:120]})"


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value if isinstance(value, str) else ""


def _moment(value: object) -> datetime | None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        return None
    try:
        return utc(datetime.fromtimestamp(value, UTC))
    except (OverflowError, OSError, ValueError):
        return None


def _http_date(value: object) -> str | None:
    moment = _moment(value)
    return formatdate(moment.timestamp(), usegmt=True) if moment else None
