"""Subscriptions: adding, listing, removing feeds, and recording what each fetch said."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from newsreader.search.tables import table_of
from newsreader.store.engine import StoreError
from newsreader.store.errors import translated
from newsreader.store.models import Article, Feed
from newsreader.store.state import TABLES, has
from newsreader.store.store import Store, utcnow
from newsreader.store.times import stored

log = logging.getLogger(__name__)


class AlreadySubscribed(StoreError):
    """The feed is in the store already."""


_feed = table_of(Feed)
_article = table_of(Article)

_HEADER_VALUE = re.compile(r"[\x20-\x7e]{1,512}")


def header_value(value: object) -> str | None:
    """A header value fit to keep and send back (`ETag`, `Last-Modified`), else None.

    Only printable ASCII, at most 512 characters, without the spaces around it that HTTP
    strips anyway (a value of spaces alone is refused when sent): one feed's odd byte, once
    stored, must not break the request that sends it back, nor anyone's later refresh.
    """
    if not isinstance(value, str):
        return None
    value = value.strip(" ")
    return value if _HEADER_VALUE.fullmatch(value) else None


@dataclass(frozen=True, slots=True)
class FeedInfo:
    id: int
    url: str
    name: str
    site_url: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: datetime | None
    status: str
    error: str | None
    articles: int
    unread: int
    not_before: datetime | None = None
    """Not fetched again before this (UTC): the server asked us to wait."""
    tags: tuple[str, ...] = ()
    full_text: bool = False
    """Refresh fetches each new entry's page for its full text (`fulltext`)."""


def add_feed(store: Store, url: str, name: str = "") -> int:
    """Subscribe; raises `AlreadySubscribed` if the feed is there already.

    One upsert, not look-then-insert: of two readers subscribing at once, one gets the feed
    and the other is told it is there, on SQLite and PostgreSQL alike.
    """
    insert = sqlite_insert if store.engine.dialect.name == "sqlite" else pg_insert
    stmt = (
        insert(_feed)
        .values(url=url, name=name, added_at=utcnow(), status="new")
        .on_conflict_do_nothing(index_elements=["url"])
        .returning(_feed.c.id)
    )
    with translated(store.url), store.writing() as conn:
        feed_id = conn.execute(stmt).scalar()
    if feed_id is None:
        raise AlreadySubscribed(f"already subscribed to {url}")
    return int(feed_id)


def feeds(store: Store) -> list[FeedInfo]:
    read = TABLES["is_read"]
    counts = (
        select(
            _article.c.feed_id,
            func.count().label("articles"),
            (func.count() - func.count(read.c.article_id)).label("unread"),
        )
        .select_from(_article.outerjoin(read, read.c.article_id == _article.c.id))
        .group_by(_article.c.feed_id)
        .subquery()
    )
    query = (
        select(_feed, counts.c.articles, counts.c.unread)
        .outerjoin(counts, counts.c.feed_id == _feed.c.id)
        .order_by(func.lower(_feed.c.name), _feed.c.id)
    )
    from newsreader.store.tags import feed_tags

    with translated(store.url), store.engine.connect() as conn:
        rows = conn.execute(query).all()
        tags = feed_tags(conn)
    return [
        FeedInfo(
            id=r.id,
            url=r.url,
            name=r.name or r.url,
            site_url=r.site_url,
            etag=r.etag,
            last_modified=r.last_modified,
            fetched_at=r.fetched_at,
            status=r.status,
            error=r.error,
            articles=int(r.articles or 0),
            unread=int(r.unread or 0),
            not_before=r.not_before,
            tags=tags.get(r.id, ()),
            full_text=bool(r.full_text),
        )
        for r in rows
    ]


def find_feed(store: Store, key: str) -> FeedInfo:
    """A feed by id, URL or name (case-insensitive); `StoreError` if none or ambiguous."""
    every = feeds(store)
    for match in (
        [f for f in every if key.isdecimal() and len(key) < 20 and f.id == int(key)],
        [f for f in every if f.url == key],
        [f for f in every if f.name.casefold() == key.casefold()],
    ):
        if len(match) == 1:
            return match[0]
        if len(match) > 1:
            raise StoreError(f"{key!r} names several feeds: use the id or the URL")
    raise StoreError(f"no feed {key!r} (see `newsreader feed list`)")


def remove_feed(store: Store, feed_id: int) -> tuple[int, int]:
    """Unsubscribe: its articles go, except starred ones, which stay (no longer a feed's).

    Returns (articles removed, starred articles kept).
    """
    from newsreader.search.writer import delete_documents

    with translated(store.url), store.writing() as conn:
        doomed = list(
            conn.execute(
                select(_article.c.id).where(_article.c.feed_id == feed_id, ~has("is_starred"))
            ).scalars()
        )
        kept = conn.execute(
            update(_article).where(_article.c.feed_id == feed_id).values(feed_id=None)
        ).rowcount
        for start in range(0, len(doomed), 500):
            chunk = doomed[start : start + 500]
            conn.execute(delete(_article).where(_article.c.id.in_(chunk)))
        delete_documents(conn, doomed)
        conn.execute(delete(_feed).where(_feed.c.id == feed_id))
    store.index.invalidate()
    log.info(
        "feed %d removed: %d articles deleted, %d starred kept",
        feed_id,
        len(doomed),
        kept - len(doomed),
    )
    return len(doomed), kept - len(doomed)


def record_fetch(
    store: Store,
    feed_id: int,
    *,
    status: str,
    error: str | None = None,
    title: str | None = None,
    site_url: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    not_before: datetime | None = None,
) -> None:
    """What the last fetch said; a failure keeps the validators of the last success."""
    values: dict[str, object] = {
        "fetched_at": utcnow(),
        "status": status,
        "error": error,
        "not_before": stored(not_before),
    }
    if status != "error":
        values.update(etag=header_value(etag), last_modified=header_value(last_modified))
        if site_url:
            values["site_url"] = site_url
    with translated(store.url), store.writing() as conn:
        conn.execute(update(_feed).where(_feed.c.id == feed_id).values(values))
        if title:
            conn.execute(
                update(_feed).where(_feed.c.id == feed_id, _feed.c.name == "").values(name=title)
            )


def move_feed(store: Store, feed_id: int, url: str) -> str | None:
    """Store the feed under `url` (it moved for good): None when done, else the name of the
    feed that already has that URL (then nothing changes)."""
    with translated(store.url), store.writing() as conn:
        taken = conn.execute(
            select(_feed.c.name).where(_feed.c.url == url, _feed.c.id != feed_id)
        ).first()
        if taken is None:
            conn.execute(update(_feed).where(_feed.c.id == feed_id).values(url=url))
            return None
    return str(taken.name or url)


def set_feed_details(
    store: Store,
    feed_id: int,
    *,
    name: str | None = None,
    title: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    """A name the reader chose elsewhere (newsboat's `~Name`); the feed's title as another
    reader saw it (the name while there is none); and the validators that reader's last
    fetch got, so that our first refresh can be conditional: those only for a feed never
    fetched here (ours are newer)."""
    with translated(store.url), store.writing() as conn:
        if name:
            conn.execute(update(_feed).where(_feed.c.id == feed_id).values(name=name))
        if title:
            named = update(_feed).where(_feed.c.id == feed_id, _feed.c.name == "")
            conn.execute(named.values(name=title))
        validators = {"etag": header_value(etag), "last_modified": header_value(last_modified)}
        if any(validators.values()):
            conn.execute(
                update(_feed)
                .where(_feed.c.id == feed_id, _feed.c.fetched_at.is_(None))
                .values(validators)
            )


def set_full_text(store: Store, feed_id: int, on: bool) -> None:
    """Whether refresh fetches the full text of this feed's new entries."""
    with translated(store.url), store.writing() as conn:
        conn.execute(update(_feed).where(_feed.c.id == feed_id).values(full_text=on))
