"""What the list, search and the CLI ask of stories: groups of the articles they show.

The representative of a group in the list is its *earliest* member (by `sorted_at`, then
id): the first report is usually the original and the later ones its copies, and it does
not move as the reader reads (a "most-read source" representative would change the row
under the cursor when read state changes, and costs a count of reads per source on every
page). In search, a group is represented by its best-ranked hit instead: that is the
member the query was about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from newsreader.search.tables import table_of
from newsreader.store.errors import translated
from newsreader.store.models import Article
from newsreader.store.state import set_where
from newsreader.store.store import Store
from newsreader.stories.tables import StoryMember

_member = table_of(StoryMember)
_article = table_of(Article)
CHUNK = 500


@dataclass(frozen=True, slots=True)
class StoryGroup:
    """One row of a grouped list: `members[0]` is shown, the rest behind "+N sources"."""

    story: int
    members: tuple[int, ...]
    """Article ids in the order to show them; the first is the representative."""
    sources: tuple[str, ...]
    """The members' distinct sources, the representative's first."""

    @property
    def representative(self) -> int:
        return self.members[0]

    @property
    def more(self) -> int:
        """How many members besides the representative (the N of "+N sources")."""
        return len(self.members) - 1


@dataclass(frozen=True, slots=True)
class _Member:
    story: int
    at: datetime
    source: str


def _grouped(conn: Connection, stories: Sequence[int] | None = None) -> dict[int, _Member]:
    """Every grouped article (or those of `stories`): its story, time and source. Only
    members of groups of two or more are stored, so this is small beside the store."""
    query = select(
        _member.c.article_id, _member.c.story_id, _article.c.sorted_at, _article.c.source
    )
    query = query.join(_article, _article.c.id == _member.c.article_id)
    if stories is None:
        rows = conn.execute(query).all()
    else:
        wanted = sorted(set(stories))
        rows = []
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            rows += conn.execute(query.where(_member.c.story_id.in_(chunk))).all()
    return {r[0]: _Member(r[1], r[2], r[3]) for r in rows}


def story_ids(store: Store, ids: Sequence[int]) -> dict[int, int]:
    """The story of each of `ids` that is grouped; an article not in the result is a story
    of its own, whose id is the article's (what `list --json` prints as `story`)."""
    out: dict[int, int] = {}
    with translated(store.url), store.engine.connect() as conn:
        if len(ids) > 20 * CHUNK:  # most of a store: one scan of the (small) member table
            rows = conn.execute(select(_member.c.article_id, _member.c.story_id)).all()
            wanted = set(ids)
            return {a: s for a, s in rows if a in wanted}
        for start in range(0, len(ids), CHUNK):
            chunk = list(ids[start : start + CHUNK])
            query = select(_member.c.article_id, _member.c.story_id)
            out.update(
                (a, s) for a, s in conn.execute(query.where(_member.c.article_id.in_(chunk)))
            )
    return out


def regroup(store: Store) -> int:
    """Group every article again (`stories --rebuild`), in one transaction: readers see the
    old groups or the new ones; worker processes sign the articles. Returns how many
    articles joined another's story."""
    from newsreader.search.analysis import Analyser
    from newsreader.stories.keeping import rebuild

    with Analyser(parallel=True) as workers, translated(store.url), store.writing() as conn:
        return rebuild(conn, workers.start)


def group_list(store: Store, ids: Sequence[int]) -> list[StoryGroup]:
    """The list's rows for the articles `ids` (in list order): one per story, at the place
    of its first member in `ids`; only members among `ids` (a filter that hides an article
    hides it in its group too); the earliest shown member represents the group. Linear in
    `len(ids)` plus the number of grouped articles."""
    with translated(store.url), store.engine.connect() as conn:
        grouped = _grouped(conn)
    members: dict[int, list[int]] = {}
    order: list[int] = []
    for i in ids:
        story = grouped[i].story if i in grouped else -i  # a lone article: its own key
        if story not in members:
            members[story] = []
            order.append(story)
        members[story].append(i)
    out: list[StoryGroup] = []
    for story in order:
        found = members[story]
        if story < 0:
            out.append(StoryGroup(-story, (found[0],), ()))
            continue
        found.sort(key=lambda i: (grouped[i].at, i))
        out.append(StoryGroup(story, tuple(found), _sources(found, grouped)))
    return out


def group_hits(store: Store, ranked: Sequence[int]) -> list[StoryGroup]:
    """Search results as groups: a hit in any member brings its story, at the rank of its
    best hit, which represents it; then the story's other hits in rank order, then its
    members that did not match, earliest first. Each story once."""
    with translated(store.url), store.engine.connect() as conn:
        grouped = _grouped(conn)
        hit_stories = {grouped[i].story for i in ranked if i in grouped}
    members: dict[int, list[int]] = {}
    order: list[int] = []
    for i in ranked:
        story = grouped[i].story if i in grouped else -i
        if story not in members:
            members[story] = []
            order.append(story)
        members[story].append(i)
    rest: dict[int, list[int]] = {story: [] for story in hit_stories}
    for i, member in grouped.items():
        if member.story in rest:
            rest[member.story].append(i)
    out: list[StoryGroup] = []
    for story in order:
        hits = members[story]
        if story < 0:
            out.append(StoryGroup(-story, (hits[0],), ()))
            continue
        seen = set(hits)
        others = sorted((i for i in rest[story] if i not in seen), key=lambda i: (grouped[i].at, i))
        shown = hits + others
        out.append(StoryGroup(story, tuple(shown), _sources(shown, grouped)))
    return out


def _sources(ids: Sequence[int], grouped: dict[int, _Member]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(grouped[i].source for i in ids if i in grouped))


def story_members(store: Store, story: int) -> list[int]:
    """The articles of a story, earliest first; `story` may also be any member's article
    id (just `[story]` for an article on its own)."""
    with translated(store.url), store.engine.connect() as conn:
        found = conn.execute(
            select(_member.c.story_id).where(_member.c.article_id == story)
        ).scalar()
        grouped = _grouped(conn, [story if found is None else found])
    return sorted(grouped, key=lambda i: (grouped[i].at, i)) or [story]


def mark_story_read(store: Store, story: int, read: bool = True) -> int:
    """Mark every article of a story (or of a member's story) read or unread, in one
    transaction; returns how many changed. The list's "mark group read" key."""
    ids = story_members(store, story)
    with translated(store.url), store.writing() as conn:
        changed = set_where(conn, "is_read", read, _article.c.id.in_(ids))
    store._state_changed()
    return int(changed)


def list_stories(
    store: Store, since: datetime | None = None, limit: int | None = None
) -> list[StoryGroup]:
    """Every group of two or more, the one with the latest coverage first; with `since`,
    only groups with a member at or after it. Members earliest first."""
    with translated(store.url), store.engine.connect() as conn:
        grouped = _grouped(conn)
    by: dict[int, list[int]] = {}
    for i, member in grouped.items():
        by.setdefault(member.story, []).append(i)
    groups = []
    for story, ids in by.items():
        if len(ids) < 2:
            continue
        ids.sort(key=lambda i: (grouped[i].at, i))
        latest = grouped[ids[-1]].at
        if since is not None and _naive(latest) < _naive(since):
            continue
        groups.append((latest, StoryGroup(story, tuple(ids), _sources(ids, grouped))))
    groups.sort(key=lambda g: (_naive(g[0]), g[1].story), reverse=True)
    return [g for _, g in groups[:limit]]


def _naive(moment: datetime) -> datetime:
    """UTC without its zone: SQLite hands back naive moments, PostgreSQL aware ones."""
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


def stories_holding(store: Store, ids: Sequence[int]) -> list[StoryGroup]:
    """The groups of two or more that hold any of `ids` (a first screen's), whole, members
    earliest first: what `list_stories` says of them, read without reading every story."""
    with translated(store.url), store.engine.connect() as conn:
        wanted: set[int] = set()
        for start in range(0, len(ids), CHUNK):
            chunk = list(ids[start : start + CHUNK])
            query = select(_member.c.story_id).where(_member.c.article_id.in_(chunk))
            wanted.update(conn.execute(query).scalars())
        grouped = _grouped(conn, sorted(wanted)) if wanted else {}
    by: dict[int, list[int]] = {}
    for i, member in grouped.items():
        by.setdefault(member.story, []).append(i)
    out = []
    for story, members in by.items():
        if len(members) > 1:
            members.sort(key=lambda i: (grouped[i].at, i))
            out.append(StoryGroup(story, tuple(members), _sources(members, grouped)))
    return out
