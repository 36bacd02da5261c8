"""What a script's article record adds to a list row: its link, its feed and its tags.

Kept apart from `ArticleRow`, which every screen row holds: scripts ask for these per page
of output, the list never does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from newsreader.search.tables import table_of
from newsreader.store.errors import translated
from newsreader.store.models import Article, ArticleTag, Feed, FeedTag
from newsreader.store.store import Store

_article = table_of(Article)
_feed = table_of(Feed)
_article_tag = table_of(ArticleTag)
_feed_tag = table_of(FeedTag)
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class ArticleDetails:
    url: str | None
    feed_id: int | None
    """None for an article imported from a file rather than fetched from a feed."""
    feed: str | None
    """The feed's name as `feed list` shows it (its URL until it has one)."""
    tags: tuple[str, ...]
    """The article's own tags and its feed's, once each (any case), by key."""


def article_details(store: Store, ids: Sequence[int]) -> dict[int, ArticleDetails]:
    """Details for each of `ids` that exists, a few queries per 500 articles."""
    out: dict[int, ArticleDetails] = {}
    with translated(store.url), store.engine.connect() as conn:
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            rows = conn.execute(
                select(_article.c.id, _article.c.url, _article.c.feed_id, _feed.c.name, _feed.c.url)
                .select_from(_article.outerjoin(_feed, _feed.c.id == _article.c.feed_id))
                .where(_article.c.id.in_(chunk))
            ).all()
            tags: dict[int, dict[str, str]] = {}
            own = select(_article_tag.c.article_id, _article_tag.c.key, _article_tag.c.name)
            for article_id, key, name in conn.execute(
                own.where(_article_tag.c.article_id.in_(chunk))
            ):
                tags.setdefault(article_id, {}).setdefault(key, name)
            feed_ids = {r[2] for r in rows if r[2] is not None}
            by_feed: dict[int, dict[str, str]] = {}
            if feed_ids:
                query = select(_feed_tag.c.feed_id, _feed_tag.c.key, _feed_tag.c.name)
                for feed_id, key, name in conn.execute(
                    query.where(_feed_tag.c.feed_id.in_(feed_ids))
                ):
                    by_feed.setdefault(feed_id, {})[key] = name
            for article_id, url, feed_id, feed_name, feed_url in rows:
                keyed = by_feed.get(feed_id, {}) | tags.get(article_id, {})
                out[article_id] = ArticleDetails(
                    url=url,
                    feed_id=feed_id,
                    feed=(feed_name or feed_url) if feed_id is not None else None,
                    tags=tuple(keyed[key] for key in sorted(keyed)),
                )
    return out
