"""Figures about a store's articles, for the stats screen and `newsreader stats`."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from newsreader.search.tables import table_of
from newsreader.store.models import Article
from newsreader.store.state import TABLES, flagged_count
from newsreader.store.times import midnight
from newsreader.store.views import Counts, DayCount, SourceStats

_article = table_of(Article)
_c = _article.c


def counts(conn: Connection) -> Counts:
    """Articles, unread, starred: one statement of three counts, each of one table (the
    state tables are narrow: a few ms at 100k)."""
    total = select(func.count()).select_from(_article).scalar_subquery()
    stmt = select(total, flagged_count("is_read"), flagged_count("is_starred"))
    total, read, starred = conn.execute(stmt).one()
    return Counts(int(total), int(total) - int(read), int(starred))


def source_stats(conn: Connection) -> list[SourceStats]:
    """Articles, unread and starred per source, the biggest source first."""
    total = func.count()
    read, starred = TABLES["is_read"], TABLES["is_starred"]
    stmt = (
        select(
            _c.source,
            total,
            total - func.count(read.c.article_id),
            func.count(starred.c.article_id),
        )
        .select_from(
            _article.outerjoin(read, read.c.article_id == _c.id).outerjoin(
                starred, starred.c.article_id == _c.id
            )
        )
        .group_by(_c.source)
        .order_by(total.desc(), _c.source)
    )
    return [
        SourceStats(source, int(n), int(unread or 0), int(starred or 0))
        for source, n, unread, starred in conn.execute(stmt)
    ]


def per_day(conn: Connection, days: int = 90) -> list[DayCount]:
    """Articles per day (by date, else import date), every day present (zero when none),
    from the oldest article's day but at most `days` up to the newest's."""
    oldest, newest = conn.execute(select(func.min(_c.sorted_at), func.max(_c.sorted_at))).one()
    if newest is None:
        return []
    last = newest.date()
    first = max(last - timedelta(days=days - 1), oldest.date())
    days = (last - first).days + 1
    day = func.date(_c.sorted_at)
    rows = conn.execute(
        select(day, func.count()).where(_c.sorted_at >= midnight(first)).group_by(day)
    ).all()
    found: dict[date, int] = {}
    for value, n in rows:
        moment = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        found[moment] = int(n)
    return [
        DayCount(first + timedelta(days=i), found.get(first + timedelta(days=i), 0))
        for i in range(days)
    ]
