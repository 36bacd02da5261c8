"""The index's write path, called by the store inside the transaction that writes articles."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from newsreader.search.analysis import Analysed, analyse
from newsreader.search.tables import (
    DELETED,
    SearchPosting,
    SearchSegment,
    SearchTombstone,
    table_of,
)
from newsreader.store.engine import lock_writers

MERGE_FACTOR = 10
"""Merge when this many segments share a size tier (powers of ten of documents)."""

_segment = table_of(SearchSegment)
_posting = table_of(SearchPosting)
_tombstone = table_of(SearchTombstone)


@dataclass(frozen=True, slots=True)
class IndexDoc:
    id: int
    title: str
    source: str
    body: str
    date: float
    """Sort timestamp (seconds): the tie-breaker that favours recent articles."""


def index_documents(
    conn: Connection,
    docs: Sequence[IndexDoc],
    *,
    replaces: bool = False,
    analysed: Analysed | None = None,
) -> None:
    """Index `docs` as a new segment. `replaces`: some ids were indexed before (updates).

    `analysed`: their terms, worked out already (by worker processes, for a big import).
    """
    if not docs:
        return
    doc_ids = np.fromiter((d.id for d in docs), dtype="<u4", count=len(docs))
    segment_id = _add_segment(
        conn, doc_ids, np.fromiter((d.date for d in docs), dtype="<f8", count=len(docs))
    )
    if analysed is None:
        analysed = analyse([(d.title, d.source, d.body) for d in docs])
    _insert_postings(conn, _postings(analysed, doc_ids, segment_id))
    if replaces:
        _tombstone_docs(conn, [d.id for d in docs], before_segment=segment_id)
    merge_segments(conn)


def _postings(
    analysed: Analysed, doc_ids: np.ndarray, segment_id: int
) -> list[tuple[str, int, int, bytes, bytes]]:
    """One (term, segment, n, doc ids, field bits) row per distinct term: a stable sort
    groups the postings by term with the documents still in order."""
    tids = analysed.term_ids
    order = group_order(tids)
    grouped = tids[order]
    grouped_docs = np.repeat(doc_ids, analysed.counts)[order].astype("<u4")
    grouped_flags = analysed.flags[order]
    bounds = np.flatnonzero(np.diff(grouped)) + 1
    starts = [0, *bounds.tolist()]
    ends = [*bounds.tolist(), len(order)]
    names = analysed.names
    first = grouped[starts].tolist() if len(order) else []
    rows = [
        (
            names[tid],
            segment_id,
            end - start,
            grouped_docs[start:end].tobytes(),
            grouped_flags[start:end].tobytes(),
        )
        for tid, start, end in zip(first, starts, ends, strict=True)
    ]
    # In key order, the inserts walk the (term, segment) index from one end to the other
    # instead of landing on random pages of it.
    rows.sort(key=lambda row: row[0])
    return rows


def group_order(keys: np.ndarray) -> np.ndarray:
    """A stable argsort of uint32 `keys`, as radix sorts of 16-bit halves (numpy sorts 16-bit
    keys by radix, 4x faster than its merge sort of 32-bit ones)."""
    if not len(keys) or int(keys.max()) <= 0xFFFF:
        return np.argsort(keys.astype(np.uint16), kind="stable")
    low = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    high = np.argsort((keys[low] >> 16).astype(np.uint16), kind="stable")
    return low[high]


def _insert_postings(conn: Connection, rows: list[tuple[str, int, int, bytes, bytes]]) -> None:
    """Straight to the driver: SQLAlchemy's per-value processing of blobs costs more than
    the database's own work here."""
    if not rows:
        return
    mark = _mark(conn)
    conn.exec_driver_sql(
        f"INSERT INTO search_posting (term, segment_id, n, docs, flags) "
        f"VALUES ({mark}, {mark}, {mark}, {mark}, {mark})",
        rows,
    )


def _mark(conn: Connection) -> str:
    """The driver's placeholder, for statements sent to it directly."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def delete_documents(conn: Connection, doc_ids: Iterable[int]) -> None:
    """Hide documents from every segment; the next merge drops their postings."""
    doc_ids = list(doc_ids)
    if doc_ids:
        _tombstone_docs(conn, doc_ids, before_segment=DELETED)
        # An empty segment marks the index as changed for readers in other processes.
        _add_segment(conn, np.empty(0, "<u4"), np.empty(0, "<f8"))


def _add_segment(conn: Connection, doc_ids: np.ndarray, dates: np.ndarray) -> int:
    lock_writers(conn)  # every index write starts here (the store's writers hold it already)
    result = conn.execute(
        insert(_segment).values(
            doc_count=len(doc_ids), docs=doc_ids.tobytes(), dates=dates.tobytes()
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _tombstone_docs(conn: Connection, doc_ids: list[int], before_segment: int) -> None:
    rows = [{"doc_id": d, "before_segment": before_segment} for d in doc_ids]
    stmt = sqlite_insert(_tombstone) if conn.dialect.name == "sqlite" else pg_insert(_tombstone)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["doc_id"], set_={"before_segment": stmt.excluded.before_segment}
        ),
        rows,
    )


def merge_segments(conn: Connection, *, force: bool = False) -> None:
    """Merge a size tier that has `MERGE_FACTOR` segments (or everything, with `force`).

    Under the writer lock: two writers must never both merge the same segments.
    """
    lock_writers(conn)
    segments = conn.execute(
        select(_segment.c.id, _segment.c.doc_count).order_by(_segment.c.id)
    ).all()
    if force:
        chosen = [s.id for s in segments]
        if len(chosen) < 2:
            return
    else:
        tiers: dict[int, list[int]] = defaultdict(list)
        for seg in segments:
            tiers[int(math.log10(max(1, seg.doc_count)))].append(seg.id)
        full = [ids for ids in tiers.values() if len(ids) >= MERGE_FACTOR]
        if not full:
            return
        chosen = full[0]
    _merge(conn, chosen)


def _merge(conn: Connection, segment_ids: list[int]) -> None:
    dead = _dead_docs(conn, segment_ids)
    segs = conn.execute(
        select(_segment.c.id, _segment.c.docs, _segment.c.dates)
        .where(_segment.c.id.in_(segment_ids))
        .order_by(_segment.c.id)
    ).all()
    doc_parts, date_parts = [], []
    for seg in segs:
        docs = np.frombuffer(seg.docs, dtype="<u4")
        keep = _alive(docs, dead.get(seg.id))
        doc_parts.append(docs[keep])
        date_parts.append(np.frombuffer(seg.dates, dtype="<f8")[keep])
    merged_id = _add_segment(conn, np.concatenate(doc_parts), np.concatenate(date_parts))
    cursor = conn.exec_driver_sql(
        "SELECT term, segment_id, docs, flags FROM search_posting "
        f"WHERE segment_id IN ({', '.join([_mark(conn)] * len(segment_ids))}) "
        "ORDER BY term, segment_id",
        tuple(segment_ids),
    )
    for rows in _whole_terms(cursor):
        _insert_postings(conn, _merged_rows(rows, merged_id, dead))
    conn.execute(delete(_posting).where(_posting.c.segment_id.in_(segment_ids)))
    conn.execute(delete(_segment).where(_segment.c.id.in_(segment_ids)))
    # Tombstones of deleted documents are spent once no older segment remains.
    oldest = conn.execute(select(func.min(_segment.c.id))).scalar_one()
    conn.execute(delete(_tombstone).where(_tombstone.c.before_segment <= oldest))


MERGE_ROWS = 20_000
"""Posting rows a merge holds at once (a whole term's rows are kept together)."""


def _whole_terms(cursor: Any) -> Iterator[list[Any]]:
    """Rows ordered by term, `MERGE_ROWS` or so at a time, never splitting a term's rows."""
    held: list[Any] = []
    while fetched := cursor.fetchmany(MERGE_ROWS):
        held.extend(fetched)
        last, cut = held[-1][0], len(held)
        while cut and held[cut - 1][0] == last:
            cut -= 1
        if cut:
            yield held[:cut]
            held = held[cut:]
    if held:
        yield held


def _merged_rows(
    rows: list[Any], merged_id: int, dead: dict[int, np.ndarray]
) -> list[tuple[str, int, int, bytes, bytes]]:
    """Rows ordered by (term, segment) as one row per term, without a loop per term: the
    postings are joined end to end, dead ones dropped, and cut at the term boundaries."""
    terms = [row[0] for row in rows]
    lengths = np.fromiter((len(row[3]) for row in rows), dtype=np.int64, count=len(rows))
    docs = np.frombuffer(b"".join(bytes(row[2]) for row in rows), dtype="<u4")
    flags = np.frombuffer(b"".join(bytes(row[3]) for row in rows), dtype=np.uint8)
    if dead:
        segments = np.repeat(np.fromiter((row[1] for row in rows), np.int64, len(rows)), lengths)
        keep = np.ones(len(docs), dtype=bool)
        for segment, gone in dead.items():
            here = np.flatnonzero(segments == segment)
            keep[here[np.isin(docs[here], gone)]] = False
        docs, flags = docs[keep], flags[keep]
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        lengths = np.add.reduceat(keep.astype(np.int64), starts) if len(keep) else lengths
    firsts = [0, *(i for i in range(1, len(terms)) if terms[i] != terms[i - 1])]
    counts = np.add.reduceat(lengths, firsts).tolist()
    ends = np.cumsum(counts).tolist()
    return [
        (terms[i], merged_id, n, docs[end - n : end].tobytes(), flags[end - n : end].tobytes())
        for i, n, end in zip(firsts, counts, ends, strict=True)
        if n
    ]


def _dead_docs(conn: Connection, segment_ids: list[int]) -> dict[int, np.ndarray]:
    """For each segment, the documents tombstoned out of it."""
    stones = conn.execute(select(_tombstone.c.doc_id, _tombstone.c.before_segment)).all()
    if not stones:
        return {}
    doc_ids = np.array([s.doc_id for s in stones], dtype=np.int64)
    before = np.array([s.before_segment for s in stones], dtype=np.int64)
    return {seg: doc_ids[before > seg] for seg in segment_ids if (before > seg).any()}


def _alive(docs: np.ndarray, dead: np.ndarray | None) -> np.ndarray:
    if dead is None or not len(dead):
        return np.ones(len(docs), dtype=bool)
    return ~np.isin(docs, dead)
