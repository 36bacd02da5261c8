"""What an index holds, read back through its reader: for comparing indexes written
differently (in other pieces, merged or not) that must hold the same postings."""

from __future__ import annotations

import pytest

from newsreader.store.store import Store


def live_postings(store: Store) -> dict[str, list[tuple[int, int]]]:
    """term -> sorted (article id, field bits) of the documents it is live in."""
    index = store.index
    index.invalidate()
    snap = index._current()
    found = index._read_postings(snap, snap.terms)
    return {
        term: sorted(zip(docs.tolist(), flags.tolist(), strict=True))
        for term, (docs, flags) in found.items()
        if len(docs)
    }


def small_blocks(monkeypatch: pytest.MonkeyPatch, size: int = 3) -> None:
    """Blocks of a few postings, so that terms span several of them."""
    for module in ("tables", "writer"):  # postings reads tables.BLOCK when it runs
        monkeypatch.setattr(f"newsreader.search.{module}.BLOCK", size)
