"""The index's write path, called by the store inside the transaction that writes articles."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from newsreader.search.analysis import Analysed, analyse
from newsreader.search.postings import Postings, group_order, opens_block
from newsreader.search.segments import open_segments
from newsreader.search.tables import (
    BLOCK,
    DELETED,
    SearchBlock,
    SearchSegment,
    SearchTombstone,
    encode_terms,
    local_dtype,
    placeholder,
    table_of,
)
from newsreader.writer_lock import lock_writers

MERGE_FACTOR = 10
"""Merge when this many segments share a size tier (powers of ten of documents)."""
COMPACT_SHARE = 0.25
"""`compact` merges everything once this share of the stored documents are dead."""
MERGE_POSTINGS = 1 << 18
"""Postings a merge holds at once (a term's are never split): ~5 MB of arrays. A merge is
an import's peak memory; 1 << 20 made it ~20 MB higher, for no less CPU."""

_segment = table_of(SearchSegment)
_block = table_of(SearchBlock)
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
    """Index `docs` as new segments. `replaces`: some ids were indexed before (updates).

    `analysed`: their terms, worked out already (by worker processes, for a big import).
    """
    if not docs:
        return
    if analysed is None:
        analysed = analyse([(d.title, d.source, d.body) for d in docs])
    ids = np.fromiter((d.id for d in docs), dtype="<u4", count=len(docs))
    dates = np.fromiter((d.date for d in docs), dtype="<f8", count=len(docs))
    first, at = None, 0
    for piece in analysed.pieces:
        segment_id = _write_segment(
            conn, piece, ids[at : at + piece.size], dates[at : at + piece.size]
        )
        first = first or segment_id
        at += piece.size
    if replaces and first is not None:
        _tombstone_docs(conn, ids.tolist(), before_segment=first)
    merge_segments(conn)


def _write_segment(conn: Connection, postings: Postings, ids: np.ndarray, dates: np.ndarray) -> int:
    segment_id = _add_segment(conn, ids, dates, postings.names, postings.counts)
    blocks = _Blocks(conn, segment_id, postings.size)
    blocks.add(postings.docs, postings.flags, postings.counts)
    blocks.close()
    return segment_id


class _Blocks:
    """Writes a segment's postings as they come, a slice of terms at a time, cut into the
    blocks `Layout.of` all the counts would give."""

    def __init__(self, conn: Connection, segment_id: int, doc_count: int) -> None:
        self._conn, self._segment_id = conn, segment_id
        self._dtype = local_dtype(doc_count)
        self._open: list[tuple[np.ndarray, np.ndarray]] = []
        """The postings of the block still open."""
        self._offset = 0
        self._last: tuple[int, bool] | None = None
        """(window, big) of the last term added."""
        self._written = 0

    def add(self, docs: np.ndarray, flags: np.ndarray, counts: np.ndarray) -> None:
        """The postings of the next terms, `counts` (each above zero) of them per term."""
        if not len(counts):
            return
        counts = np.asarray(counts, dtype=np.int64)
        starts = np.cumsum(counts) - counts
        new = opens_block(counts, self._offset, self._last)
        self._last = (int((self._offset + starts[-1]) // BLOCK), bool(counts[-1] > BLOCK))
        self._offset += int(counts.sum())
        docs = docs.astype(self._dtype)
        rows = []
        at = 0
        for cut in starts[new].tolist():
            if self._open or cut > at:
                self._open.append((docs[at:cut], flags[at:cut]))
                rows.append(self._row())
            at = cut
        self._open.append((docs[at:], flags[at:]))
        self._write(rows)

    def close(self) -> None:
        if self._open:
            self._write([self._row()])

    def _row(self) -> tuple[int, int, bytes, bytes]:
        row = (
            self._segment_id,
            self._written,
            b"".join(d.tobytes() for d, _ in self._open),
            b"".join(f.tobytes() for _, f in self._open),
        )
        self._open = []
        self._written += 1
        return row

    def _write(self, rows: list[tuple[int, int, bytes, bytes]]) -> None:
        if not rows:
            return
        # Straight to the driver: SQLAlchemy's per-value processing of blobs costs more than
        # the database's own work here.
        mark = placeholder(self._conn)
        self._conn.exec_driver_sql(
            f"INSERT INTO search_block (segment_id, block, docs, flags) "
            f"VALUES ({mark}, {mark}, {mark}, {mark})",
            rows,
        )


def delete_documents(conn: Connection, doc_ids: Iterable[int]) -> None:
    """Hide documents from every segment; the next merge drops their postings."""
    doc_ids = list(doc_ids)
    if doc_ids:
        _tombstone_docs(conn, doc_ids, before_segment=DELETED)
        # An empty segment marks the index as changed for readers in other processes.
        _add_segment(conn, np.empty(0, "<u4"), np.empty(0, "<f8"), [], np.empty(0, np.int64))


def clear_index(conn: Connection) -> None:
    """Drop every segment (the first step of a rebuild). Their ids are not reused (see
    `SearchSegment`), so a reader's old snapshot finds them gone."""
    lock_writers(conn)
    for table in (_block, _tombstone, _segment):
        conn.execute(delete(table))


def _add_segment(
    conn: Connection, ids: np.ndarray, dates: np.ndarray, names: Sequence[str], counts: np.ndarray
) -> int:
    lock_writers(conn)  # every index write starts here (the store's writers hold it already)
    result = conn.execute(
        insert(_segment).values(
            doc_count=len(ids),
            docs=ids.astype("<u4").tobytes(),
            dates=dates.astype("<f8").tobytes(),
            terms=encode_terms(names),
            counts=counts.astype("<u4").tobytes(),
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


def compact(conn: Connection, *, live: int) -> None:
    """Merge every segment once only `live` of the documents they store are alive and the
    dead are `COMPACT_SHARE` of them or more (a big cleanup): their postings go, and the
    index shrinks with the store. Tombstones alone hide them until then."""
    stored = conn.execute(select(func.coalesce(func.sum(_segment.c.doc_count), 0))).scalar_one()
    if stored and live <= stored * (1 - COMPACT_SHARE):
        merge_segments(conn, force=True)


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
    """Rewrite segments as one, a slice of terms at a time: documents keep their order
    (segment by segment), so each term's postings are its segments' runs end to end."""
    sources = open_segments(conn, ids=segment_ids)
    # Each source's term strings are decoded twice rather than all held at once: with the
    # index of the merged list, they were most of a merge's peak memory (the import's too).
    merged = sorted(set().union(*(source.names() for source in sources)))
    index = {name: i for i, name in enumerate(merged)}
    terms_of: list[np.ndarray] = []
    """Each source's terms as numbers of the merged list."""
    numbers: list[np.ndarray] = []
    """The merged number of each source's documents (-1: dropped)."""
    doc_parts, date_parts, alive_count = [], [], 0
    for source in sources:
        seg_names = source.names()
        terms_of.append(np.fromiter(map(index.__getitem__, seg_names), np.int64, len(seg_names)))
        numbers.append(source.numbered_from(alive_count))
        live = source.live
        alive_count += int(live.sum())
        doc_parts.append(source.ids[live])
        date_parts.append(source.dates[live])
    del index
    merged_id = _add_segment(
        conn, np.concatenate(doc_parts), np.concatenate(date_parts), [], np.empty(0, np.int64)
    )
    blocks = _Blocks(conn, merged_id, alive_count)
    totals = np.zeros(len(merged), dtype=np.int64)
    for source, source_terms in zip(sources, terms_of, strict=True):
        totals[source_terms] += source.counts
    kept = np.zeros(len(merged), dtype=np.int64)
    for lo, hi in _slices(totals):
        terms: list[np.ndarray] = []
        docs: list[np.ndarray] = []
        flags: list[np.ndarray] = []
        for source, source_terms, number in zip(sources, terms_of, numbers, strict=True):
            first, last = np.searchsorted(source_terms, [lo, hi])
            if first == last:
                continue
            labels = (source_terms[first:last] - lo).astype(np.uint32)
            term, doc, bits = source.run(conn, int(first), int(last), number, labels)
            terms.append(term)
            docs.append(doc)
            flags.append(bits)
        if not terms:
            continue
        term = np.concatenate(terms)
        order = group_order(term)
        kept[lo:hi] = np.bincount(term, minlength=hi - lo)
        counts = kept[lo:hi]
        blocks.add(np.concatenate(docs)[order], np.concatenate(flags)[order], counts[counts > 0])
    blocks.close()
    used = np.flatnonzero(kept)
    conn.execute(
        update(_segment)
        .where(_segment.c.id == merged_id)
        .values(
            terms=encode_terms([merged[i] for i in used.tolist()]),
            counts=kept[used].astype("<u4").tobytes(),
        )
    )
    conn.execute(delete(_block).where(_block.c.segment_id.in_(segment_ids)))
    conn.execute(delete(_segment).where(_segment.c.id.in_(segment_ids)))
    # Tombstones of updated documents are spent once no older segment remains.
    oldest = conn.execute(select(func.min(_segment.c.id))).scalar_one()
    conn.execute(delete(_tombstone).where(_tombstone.c.before_segment <= oldest))
    _drop_spent_deletions(conn)


def _drop_spent_deletions(conn: Connection) -> None:
    """Tombstones of deleted documents are spent once no segment holds them (ids are never
    reused): without this, every deletion ever made would be read with each segment."""
    dead = conn.execute(
        select(_tombstone.c.doc_id).where(_tombstone.c.before_segment == DELETED)
    ).scalars()
    doomed = np.fromiter(dead, dtype=np.int64)
    if not len(doomed):
        return
    held = [np.frombuffer(d, "<u4") for d in conn.execute(select(_segment.c.docs)).scalars()]
    if held:
        doomed = doomed[~np.isin(doomed, np.concatenate(held))]
    spent = doomed.tolist()
    for start in range(0, len(spent), 500):
        chunk = spent[start : start + 500]
        conn.execute(delete(_tombstone).where(_tombstone.c.doc_id.in_(chunk)))


def _slices(totals: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive term ranges holding about `MERGE_POSTINGS` postings each."""
    ends = np.cumsum(totals)
    cuts = np.searchsorted(
        ends,
        np.arange(MERGE_POSTINGS, int(ends[-1]) if len(ends) else 0, MERGE_POSTINGS),
        side="right",
    )
    bounds = np.unique(np.concatenate(([0], cuts, [len(totals)])))
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
