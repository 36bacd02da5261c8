"""The index's write path, called by the store inside the transaction that writes articles."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from newsreader.search.fields import BODY, SOURCE, TITLE
from newsreader.search.tables import (
    DELETED,
    SearchPosting,
    SearchSegment,
    SearchTombstone,
    table_of,
)
from newsreader.search.tokens import terms

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


def index_documents(conn: Connection, docs: Sequence[IndexDoc], *, replaces: bool = False) -> None:
    """Index `docs` as a new segment. `replaces`: some ids were indexed before (updates)."""
    if not docs:
        return
    ids: dict[str, list[int]] = defaultdict(list)
    flags: dict[str, list[int]] = defaultdict(list)
    for doc in docs:
        fields: dict[str, int] = dict.fromkeys(terms(doc.body), BODY)
        for term in terms(doc.source):
            fields[term] = fields.get(term, 0) | SOURCE
        for term in terms(doc.title):
            fields[term] = fields.get(term, 0) | TITLE
        for term, bits in fields.items():
            ids[term].append(doc.id)
            flags[term].append(bits)
    segment_id = _add_segment(
        conn,
        np.fromiter((d.id for d in docs), dtype="<u4", count=len(docs)),
        np.fromiter((d.date for d in docs), dtype="<f8", count=len(docs)),
    )
    conn.execute(
        insert(_posting),
        [
            {
                "term": term,
                "segment_id": segment_id,
                "n": len(doc_ids),
                "docs": np.asarray(doc_ids, dtype="<u4").tobytes(),
                "flags": bytes(flags[term]),
            }
            for term, doc_ids in ids.items()
        ],
    )
    if replaces:
        _tombstone_docs(conn, [d.id for d in docs], segment_id)
    merge_segments(conn)


def delete_documents(conn: Connection, doc_ids: Iterable[int]) -> None:
    """Hide documents from every segment; the next merge drops their postings."""
    doc_ids = list(doc_ids)
    if doc_ids:
        _tombstone_docs(conn, doc_ids, DELETED)
        # An empty segment marks the index as changed for readers in other processes.
        _add_segment(conn, np.empty(0, "<u4"), np.empty(0, "<f8"))


def _add_segment(conn: Connection, doc_ids: np.ndarray, dates: np.ndarray) -> int:
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
    """Merge a size tier that has `MERGE_FACTOR` segments (or everything, with `force`)."""
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
    rows = conn.execute(
        select(_posting.c.term, _posting.c.segment_id, _posting.c.docs, _posting.c.flags)
        .where(_posting.c.segment_id.in_(segment_ids))
        .order_by(_posting.c.term, _posting.c.segment_id)
    )
    batch: list[dict[str, object]] = []
    for term, group in groupby(rows, key=lambda row: row.term):
        parts = list(group)
        docs = np.concatenate([np.frombuffer(p.docs, dtype="<u4") for p in parts])
        bits = np.concatenate([np.frombuffer(p.flags, dtype=np.uint8) for p in parts])
        if dead:
            keep = np.concatenate(
                [_alive(np.frombuffer(p.docs, dtype="<u4"), dead.get(p.segment_id)) for p in parts]
            )
            docs, bits = docs[keep], bits[keep]
        if len(docs):
            batch.append(
                {
                    "term": term,
                    "segment_id": merged_id,
                    "n": len(docs),
                    "docs": docs.tobytes(),
                    "flags": bits.tobytes(),
                }
            )
        if len(batch) >= 5000:
            conn.execute(insert(_posting), batch)
            batch = []
    if batch:
        conn.execute(insert(_posting), batch)
    conn.execute(delete(_posting).where(_posting.c.segment_id.in_(segment_ids)))
    conn.execute(delete(_segment).where(_segment.c.id.in_(segment_ids)))
    # Tombstones of deleted documents are spent once no older segment remains.
    oldest = conn.execute(select(func.min(_segment.c.id))).scalar_one()
    conn.execute(delete(_tombstone).where(_tombstone.c.before_segment <= oldest))


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
