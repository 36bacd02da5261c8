"""A feed's tags, changed: the feed commands and an import's OPML folders."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select

from newsreader.ingest.tags import tag_name, tag_names
from newsreader.search.tables import table_of
from newsreader.store.errors import translated
from newsreader.store.models import Feed, FeedTag
from newsreader.store.store import Store
from newsreader.store.tags import insert_for

_feed_tag = table_of(FeedTag)
_feed = table_of(Feed)


def change_feed_tags(
    store: Store, feed_id: int, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> tuple[str, ...]:
    """Add and remove tags on a feed in one transaction; returns its tags after."""
    added = tag_names(add, limit=10_000)
    removed = {tag_name(t).casefold() for t in remove} - {""}
    with translated(store.url), store.writing() as conn:
        if removed:
            conn.execute(
                delete(_feed_tag).where(
                    _feed_tag.c.feed_id == feed_id, _feed_tag.c.key.in_(sorted(removed))
                )
            )
        if added:
            rows = [{"feed_id": feed_id, "key": n.casefold(), "name": n} for n in added]
            conn.execute(insert_for(conn)(_feed_tag).on_conflict_do_nothing(), rows)
        names = conn.execute(
            select(_feed_tag.c.name).where(_feed_tag.c.feed_id == feed_id).order_by(_feed_tag.c.key)
        ).scalars()
        result = tuple(names)
    store._state_changed()  # cached `tag:` sets are out of date
    return result


def tag_feed_by_url(store: Store, url: str, tags: Iterable[str]) -> None:
    """Add tags to the feed at `url` (if there is one): an import's folders."""
    names = tag_names(tags)
    if not names:
        return
    with translated(store.url), store.engine.connect() as conn:
        feed_id = conn.execute(select(_feed.c.id).where(_feed.c.url == url)).scalar()
    if feed_id is not None:
        change_feed_tags(store, int(feed_id), names)
