"""Keeping stories current: each saved batch is signed and grouped inside the transaction
that saves it (`store.saving.save_batch` calls `group_new`), so the store never holds an
article without its group; `rebuild` runs the very same path over every article, in id
order, so a rebuilt store groups exactly as one that grew batch by batch.

An article joins the story of the earlier articles among its LSH candidates that it is
a copy of (`grouping.choose` decides); failing that, of earlier independent reports of the
same event among its event-key candidates (`events.same_event`). Confirmed with members of
two stories, it merges them (into the earliest): a story split by one pair that fell short
heals when a later report matches both halves, so the groups do not depend on the order
reports arrive in. Work per article is bounded by `CANDIDATES_PER_KEY` and
`CLOSE_CANDIDATES`. Event keys share `story_band` with band keys
and ride at the end of the signature's blob (so `forget` finds them; no schema step).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection

from newsreader.search.analysis import PARALLEL_MIN
from newsreader.search.tables import placeholder, table_of
from newsreader.store.models import Article
from newsreader.store.times import timestamp
from newsreader.stories import events as events_
from newsreader.stories import signature as S
from newsreader.stories.grouping import WINDOW_SECONDS, Candidate, Stories, choose
from newsreader.stories.tables import StoryBand, StoryMember, StorySignature

CANDIDATES_PER_KEY = 16
"""The most recent earlier articles of a bucket considered: a bucket that grew big (one
wire story re-published many times) costs no more than this per key."""
CHUNK = 500
"""Values per `IN (...)`: well inside every driver's limit."""
REBUILD_BATCH = 5000

_member = table_of(StoryMember)
_signature = table_of(StorySignature)
_band = table_of(StoryBand)
_article = table_of(Article)


@dataclass(frozen=True, slots=True)
class StoryDoc:
    """An article as grouping sees it."""

    id: int
    title: str
    body: str
    at: float
    """`sorted_at` in seconds."""
    source: str = ""


@dataclass(slots=True)
class _Known:
    title: str
    at: float
    shingles: np.ndarray | None
    """Made when first needed (most articles are never a candidate)."""
    story: int


PREFILTER = 3 / 32
"""Candidates whose signatures agree on fewer hashes than this are not read back (their
true overlap is almost surely too small)."""


def group_new(
    conn: Connection,
    docs: Sequence[StoryDoc],
    *,
    replaces: bool = False,
    signatures: S.Signatures | None = None,
) -> int:
    """Put each of `docs` in a story, inside the caller's transaction; returns how many
    joined an earlier article's story. `signatures`: theirs, row for row, made by an
    import's workers (else they are signed here). `replaces`: some were grouped before
    (their text changed), and are taken out of their groups first."""
    if not docs:
        return 0
    order = sorted(range(len(docs)), key=lambda n: docs[n].id)
    docs = [docs[n] for n in order]
    if signatures is None:
        signatures = S.signatures([d.body for d in docs], [d.source for d in docs])
    else:
        signatures = signatures.select(order)
    if replaces:
        forget(conn, [d.id for d in docs])
    which = np.flatnonzero(signatures.signed)
    if not len(which):
        return 0
    batch = [docs[i] for i in which.tolist()]
    sigs, events = signatures.sigs[which], signatures.events[which]
    keys = S.band_keys(sigs)
    distinct, counts = np.unique(
        np.concatenate((keys.ravel(), events[events != 0])), return_counts=True
    )
    buckets = _buckets(conn, distinct.tolist())
    # A key many stored articles share is stored no more (so its bucket, read each batch,
    # stops growing). A pair of figures that common names no event; a band key that common
    # is a footer's shingle, or a wire story's that many sources carry: its latest few
    # articles are still candidates (a footer's fail the checks; a copy joins its story).
    common = {k for k, v in buckets.items() if len(v) >= COMMON_KEY}
    frozen = np.fromiter(common, np.int64)
    events = np.where(np.isin(events, frozen), 0, events)
    # Only keys stored already, or shared inside the batch, can bring a candidate.
    useful = np.union1d(np.fromiter(buckets, np.int64), distinct[counts > 1])
    band_keys = np.where(np.isin(keys, useful), keys, 0)
    event_keys = np.where(np.isin(events, useful), events, 0)
    # Candidates: the most recent few of each shared bucket (stored, or earlier in the batch).
    # (Keyed by position in the batch: most of a batch has no candidate at all.)
    candidates: dict[int, set[int]] = {}
    sharing: dict[int, list[tuple[int, int]]] = {}  # most keys shared first
    for n in np.flatnonzero(band_keys.any(axis=1)).tolist():
        doc_id, found = batch[n].id, candidates.setdefault(n, set())
        for key in band_keys[n].tolist():
            if key in common:
                found.update(buckets[key][-COMMON_CANDIDATES:])
            elif key:
                bucket = buckets.setdefault(key, [])
                found.update(bucket[-CANDIDATES_PER_KEY:])
                bucket.append(doc_id)
    keys = np.where(np.isin(keys, frozen), 0, keys)  # what is stored
    for n in np.flatnonzero(event_keys.any(axis=1)).tolist():
        doc_id, shared = batch[n].id, Counter[int]()
        for key in event_keys[n].tolist():
            if key:
                bucket = buckets.setdefault(key, [])
                shared.update(bucket[-CANDIDATES_PER_KEY:])
                bucket.append(doc_id)
        sharing[n] = shared.most_common(CLOSE_CANDIDATES)
    position = {doc.id: n for n, doc in enumerate(batch)}
    stored = _signatures(
        conn,
        {i for c in candidates.values() for i in c if i not in position}
        | {i for c in sharing.values() for i, _ in c if i not in position},
    )
    close = _close_candidates(batch, sharing, position, stored)
    reports = _load_reports(conn, {i for c in close.values() for i in c if i not in position})
    # Only candidates whose signatures agree enough, within the window, are read back.
    kept: dict[int, list[int]] = {}
    for n, found in candidates.items():
        doc, sig, near = batch[n], sigs[n], []
        for i in found:
            if i in position:
                other_at, other_sig = batch[position[i]].at, sigs[position[i]]
            elif i in stored:
                other_at, other_sig = stored[i]
            else:
                continue
            if (
                abs(other_at - doc.at) <= WINDOW_SECONDS
                and S.similarity(sig, other_sig) >= PREFILTER
            ):
                near.append(i)
        if near:
            kept[n] = near
    # Shingles only for the batch's articles that have a candidate or are one.
    needed = sorted(
        {*kept, *(position[i] for near in kept.values() for i in near if i in position)}
    )
    again = S.sign([batch[n].body for n in needed])
    shingled = {needed[k]: again.shingles(m) for m, k in enumerate(again.which)}
    known = _load(conn, {i for near in kept.values() for i in near if i not in position})
    stories = Stories()
    seen: dict[int, Counter[str]] = {}  # the batch's event terms, made once
    # Only articles with a candidate, or that are one, are visited (the others, most of a
    # batch, are stories of their own).
    visited = {*kept, *close}
    visited |= {
        position[i] for near in (*kept.values(), *close.values()) for i in near if i in position
    }
    for n in sorted(visited):
        doc, near = batch[n], kept.get(n, [])
        shingles = shingled.get(n) if near else None
        others: list[Candidate] = []
        for candidate in near:
            other = known.get(candidate)
            if other is None or shingles is None:
                continue
            if other.shingles is None:  # earlier in this batch, and not yet needed
                other.shingles = shingled.get(position[candidate])
                if other.shingles is None:
                    continue
            others.append(
                Candidate(candidate, stories.find(other.story), other.title, other.shingles)
            )
        matched = (
            [known[i].story for i in choose(shingles, doc.title, others)]
            if shingles is not None
            else []
        )
        if not matched and n in close:
            matched = _same_event(doc, close[n], reports, batch, position, seen, known, stories)
        story = stories.join(doc.id, matched)
        known[doc.id] = _Known(doc.title, doc.at, shingles, story)
    _write(conn, batch, sigs, np.concatenate((keys, events), axis=1), stories)
    return len(stories.joined)


CLOSE_CANDIDATES = 4
"""Event candidates read back per article at most, those sharing most keys first."""
COMMON_KEY = 32
"""Stored articles sharing a key beyond which it is too common to name a story: the
store's own document frequency of the key."""
COMMON_CANDIDATES = 2
"""Of a band key that common, its latest articles still considered."""


def _close_candidates(
    batch: list[StoryDoc],
    sharing: dict[int, list[tuple[int, int]]],
    position: dict[int, int],
    stored: dict[int, tuple[float, np.ndarray]],
) -> dict[int, list[int]]:
    """Each article's event candidates worth reading back: within the events' window."""
    out = {}
    for n, shared in sharing.items():
        doc, near = batch[n], list[int]()
        for i, _ in shared:
            if len(near) >= CLOSE_CANDIDATES:
                break
            at = batch[position[i]].at if i in position else stored.get(i, (None,))[0]
            if at is not None and abs(at - doc.at) <= events_.WINDOW_SECONDS:
                near.append(i)
        if near:
            out[n] = near
    return out


def _load_reports(conn: Connection, ids: Iterable[int]) -> dict[int, tuple[str, Counter[str], int]]:
    """(title, event terms, story) of stored articles."""
    wanted = sorted(ids)
    out = {}
    c = _article.c
    for start in range(0, len(wanted), CHUNK):
        for row in conn.execute(
            select(c.id, c.title, c.body, c.source, _member.c.story_id)
            .outerjoin(_member, _member.c.article_id == c.id)
            .where(c.id.in_(wanted[start : start + CHUNK]))
        ):
            out[row.id] = (row.title, events_.terms(row.body, row.source), row.story_id or row.id)
    return out


def _terms_of(doc: StoryDoc, cache: dict[int, Counter[str]]) -> Counter[str]:
    if doc.id not in cache:
        cache[doc.id] = events_.terms(doc.body, doc.source)
    return cache[doc.id]


def _same_event(
    doc: StoryDoc,
    close: list[int],
    reports: dict[int, tuple[str, Counter[str], int]],
    batch: list[StoryDoc],
    position: dict[int, int],
    cache: dict[int, Counter[str]],
    known: dict[int, _Known],
    stories: Stories,
) -> list[int]:
    """The stories of those of `close` that report the same event as `doc`
    (`events.same_event`), judged without the terms `doc` shares with candidates of two or
    more stories."""
    others: list[tuple[str, Counter[str], int]] = []
    for i in close:
        if i in position:
            other = batch[position[i]]
            others.append((other.title, _terms_of(other, cache), stories.find(known[i].story)))
        elif i in reports:
            title, found, story = reports[i]
            others.append((title, found, stories.find(story)))
    own = _terms_of(doc, cache)
    return [
        story for title, found, story in others if events_.same_event(own, doc.title, found, title)
    ]


def _buckets(conn: Connection, keys: list[int]) -> dict[int, list[int]]:
    """Each key's articles already stored, oldest first (the statement goes to the
    driver's cursor of this transaction as it is: tens of thousands of keys and rows a
    batch, and SQLAlchemy's per-value and per-row work cost more than the look-up)."""
    out: dict[int, list[int]] = {}
    mark = placeholder(conn)
    cursor = conn.connection.cursor()
    try:
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            marks = ", ".join([mark] * len(chunk))
            cursor.execute(
                f"SELECT key, article_id FROM story_band WHERE key IN ({marks})", tuple(chunk)
            )
            for key, article_id in cursor.fetchall():
                out.setdefault(key, []).append(article_id)
    finally:
        cursor.close()
    for ids in out.values():
        ids.sort()
    return out


def _signatures(conn: Connection, ids: Iterable[int]) -> dict[int, tuple[float, np.ndarray]]:
    """(time, signature) of stored articles (gone ones are left out)."""
    wanted = sorted(ids)
    out: dict[int, tuple[float, np.ndarray]] = {}
    s = _signature.c
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for article_id, at, sig in conn.execute(
            select(s.article_id, s.at, s.sig).where(s.article_id.in_(chunk))
        ):
            out[article_id] = (at, S.decode(sig))
    return out


def _load(conn: Connection, ids: Iterable[int]) -> dict[int, _Known]:
    """Shingles, time, title and story of stored articles, from their text."""
    wanted = sorted(ids)
    rows: list[Any] = []
    c = _article.c
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        rows += conn.execute(
            select(c.id, c.title, c.body, c.sorted_at, _member.c.story_id)
            .outerjoin(_member, _member.c.article_id == c.id)
            .where(c.id.in_(chunk))
        ).all()
    signed = S.sign([r.body for r in rows])
    return {
        rows[i].id: _Known(
            rows[i].title,
            timestamp(rows[i].sorted_at),
            signed.shingles(n),
            rows[i].story_id or rows[i].id,
        )
        for n, i in enumerate(signed.which)
    }


def _write(
    conn: Connection, docs: list[StoryDoc], sigs: np.ndarray, keys: np.ndarray, stories: Stories
) -> None:
    mark = placeholder(conn)
    ids = [d.id for d in docs]
    blobs = S.encode_rows(sigs, keys[:, S.BANDS :])
    conn.exec_driver_sql(
        f"INSERT INTO story_signature (article_id, at, sig) VALUES ({mark}, {mark}, {mark})",
        [(d.id, d.at, blob) for d, blob in zip(docs, blobs, strict=True)],
    )
    rows = _band_rows(np.asarray(ids, dtype=np.int64), keys)
    if rows:  # every key of the batch may be too common to store
        conn.exec_driver_sql(
            f"INSERT INTO story_band (key, article_id) VALUES ({mark}, {mark})"
            " ON CONFLICT DO NOTHING",
            rows,
        )
    merged = {s: stories.find(s) for s in stories.merged}
    if merged:  # stored members of a merged story move to the one it became
        conn.exec_driver_sql(
            f"UPDATE story_member SET story_id = {mark} WHERE story_id = {mark}",
            [(into, s) for s, into in merged.items()],
        )
    # Founders of a story (new, or merged into another) that have no row yet get one.
    joined = {a: stories.find(s) for a, s in stories.joined.items()}
    founders = {*joined.values(), *merged} - joined.keys()
    members = list(joined.items()) + [
        (f, stories.find(f)) for f in _without_row(conn, founders, ids)
    ]
    if members:
        conn.exec_driver_sql(
            f"INSERT INTO story_member (article_id, story_id) VALUES ({mark}, {mark})", members
        )


def _band_rows(ids: np.ndarray, keys: np.ndarray) -> list[tuple[int, int]]:
    """(key, article) rows, distinct, in key order (B-tree inserts in order)."""
    flat_keys = keys.ravel()
    flat_ids = np.repeat(ids, keys.shape[1])
    flat_keys, flat_ids = flat_keys[flat_keys != 0], flat_ids[flat_keys != 0]
    order = np.lexsort((flat_ids, flat_keys))
    flat_keys, flat_ids = flat_keys[order], flat_ids[order]
    fresh = np.ones(len(flat_keys), dtype=bool)
    fresh[1:] = (flat_keys[1:] != flat_keys[:-1]) | (flat_ids[1:] != flat_ids[:-1])
    return list(zip(flat_keys[fresh].tolist(), flat_ids[fresh].tolist(), strict=True))


def _without_row(conn: Connection, ids: set[int], batch: list[int]) -> list[int]:
    """Those of `ids` stored but not yet a member of any story (founders of new groups). A
    story keeps its first article's id after retention removed that article: its other
    members name it, and a row for it would break the foreign key (and the whole batch)."""
    have: set[int] = set()
    stored = set(batch)
    wanted = sorted(ids)
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        have.update(
            conn.execute(
                select(_member.c.article_id).where(_member.c.article_id.in_(chunk))
            ).scalars()
        )
        stored.update(conn.execute(select(_article.c.id).where(_article.c.id.in_(chunk))).scalars())
    return [i for i in wanted if i in stored and i not in have]


def forget(conn: Connection, ids: Sequence[int]) -> None:
    """Take articles out of the stories' tables (their text changed, or they go: retention
    calls this before deleting them, since `story_band` has no foreign key to cascade); a
    group left with one member is no group any more."""
    stories: set[int] = set()
    mark = placeholder(conn)
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        rows = [
            (key, article_id)
            for article_id, sig in conn.execute(
                select(_signature.c.article_id, _signature.c.sig).where(
                    _signature.c.article_id.in_(chunk)
                )
            )
            for key in {
                *S.band_keys(S.decode(sig)[None, :])[0].tolist(),
                *S.decode_events(sig).tolist(),
            }
        ]
        if rows:  # one statement, many rows: a retention run removes thousands
            conn.exec_driver_sql(
                f"DELETE FROM story_band WHERE key = {mark} AND article_id = {mark}", rows
            )
        stories.update(
            conn.execute(
                select(_member.c.story_id).where(_member.c.article_id.in_(chunk))
            ).scalars()
        )
        conn.execute(delete(_signature).where(_signature.c.article_id.in_(chunk)))
        conn.execute(delete(_member).where(_member.c.article_id.in_(chunk)))
    wanted = sorted(stories)
    for start in range(0, len(wanted), CHUNK):
        lonely = [
            story
            for story, count in conn.execute(
                select(_member.c.story_id, func.count())
                .where(_member.c.story_id.in_(wanted[start : start + CHUNK]))
                .group_by(_member.c.story_id)
            )
            if count < 2
        ]
        if lonely:
            conn.execute(delete(_member).where(_member.c.story_id.in_(lonely)))


def rebuild(conn: Connection, start: S.Start | None = None) -> int:
    """Group every article again, in id order, inside the caller's transaction; returns
    how many articles joined another's story. `start` (`Analyser.start`): worker processes
    sign each batch, in halves, while the one before it is grouped."""
    for table in (_member, _band, _signature):
        conn.execute(delete(table))
    joined = 0
    batch = _rebuild_batch(conn, 0, start)
    while batch is not None:
        docs, signed = batch
        batch = _rebuild_batch(conn, docs[-1].id, start)  # its signing starts now
        joined += group_new(conn, docs, signatures=signed())
    return joined


def _rebuild_batch(
    conn: Connection, after: int, start: S.Start | None
) -> tuple[list[StoryDoc], Callable[[], S.Signatures | None]] | None:
    c = _article.c
    rows = conn.execute(
        select(c.id, c.title, c.body, c.sorted_at, c.source)
        .where(c.id > after)
        .order_by(c.id)
        .limit(REBUILD_BATCH)
    ).all()
    if not rows:
        return None
    docs = [StoryDoc(r.id, r.title, r.body, timestamp(r.sorted_at), r.source) for r in rows]
    half = (len(docs) + 1) // 2
    start = start if len(docs) >= PARALLEL_MIN else None  # a small store: no processes
    parts = [
        S.signed_ahead(start, [d.body for d in part], [d.source for d in part])
        for part in (docs[:half], docs[half:])
    ]

    def signed() -> S.Signatures | None:
        got = [part() for part in parts]
        done = [g for g in got if g is not None]
        return S.Signatures.join(done) if len(done) == len(got) else None

    return docs, signed
