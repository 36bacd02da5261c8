"""The segment reader: search, merges and `doctor` see the same live documents through it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from newsreader.search.segments import findable_documents, open_segments
from newsreader.search.tables import SearchBlock, table_of
from newsreader.search.writer import (
    IndexDoc,
    clear_index,
    delete_documents,
    index_documents,
    merge_segments,
)
from newsreader.store.store import Store
from tests.search.indexed import live_postings, small_blocks

Op = tuple[str, int]
OPS = st.lists(
    st.tuples(st.sampled_from(["add", "replace", "delete", "merge"]), st.integers(0, 6)),
    max_size=12,
)


def _doc(i: int, version: int) -> IndexDoc:
    return IndexDoc(i, f"title{i} v{version}", "Wire", f"body shared b{i % 3}", float(i))


def _apply(store: Store, ops: list[Op]) -> set[int]:
    """Index, replace and delete documents as `ops` say; the ids left live."""
    live: set[int] = set()
    written = 0
    with store.writing() as conn:
        clear_index(conn)
    for op, n in ops:
        with store.writing() as conn:
            if op == "add":
                index_documents(conn, [_doc(i, 0) for i in range(written + 1, written + n + 1)])
                live |= set(range(written + 1, written + n + 1))
                written += n
            elif op == "replace":
                chosen = sorted(live)[:n]
                index_documents(conn, [_doc(i, 1) for i in chosen], replaces=True)
            elif op == "delete":
                chosen = sorted(live)[-n:] if n else []
                delete_documents(conn, chosen)
                live -= set(chosen)
            else:
                merge_segments(conn, force=True)
    return live


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_search_merge_and_doctor_agree_on_the_live_documents(
    store: Store, monkeypatch: pytest.MonkeyPatch, ops: list[Op]
) -> None:
    small_blocks(monkeypatch)
    live = _apply(store, ops)
    with store.engine.connect() as conn:
        assert findable_documents(conn).tolist() == sorted(live)
    before = live_postings(store)
    assert {doc for postings in before.values() for doc, _ in postings} == live
    with store.writing() as conn:
        merge_segments(conn, force=True)
    assert live_postings(store) == before
    with store.engine.connect() as conn:
        assert findable_documents(conn).tolist() == sorted(live)
        readers = open_segments(conn)
    assert len(readers) <= 1 and all(r.complete for r in readers)  # merged: dead ones dropped


def test_a_segment_that_lost_blocks_finds_none_of_its_documents(store: Store) -> None:
    with store.writing() as conn:
        index_documents(conn, [_doc(i, 0) for i in (1, 2)])
        index_documents(conn, [_doc(i, 0) for i in (3, 4)])
    with store.engine.connect() as conn:
        first = open_segments(conn)[0]
    block = table_of(SearchBlock)
    with store.writing() as conn:
        conn.execute(delete(block).where(block.c.segment_id == first.id))
    with store.engine.connect() as conn:
        assert findable_documents(conn).tolist() == [3, 4]
        assert first.postings(conn, np.array([0])) is None  # as if merged away


def test_tombstones_hide_only_the_segments_before_them(store: Store) -> None:
    with store.writing() as conn:
        index_documents(conn, [_doc(i, 0) for i in (1, 2, 3)])
        index_documents(conn, [_doc(2, 1)], replaces=True)
        delete_documents(conn, [3])
    with store.engine.connect() as conn:
        old, new, _ = open_segments(conn)
    assert old.ids.tolist() == [1, -1, -1] and not old.complete
    assert new.ids.tolist() == [2] and new.complete
