"""Warming the index after the first paint never holds a keystroke's search behind it: the
lock is let go between the warm-up's pieces (at a million articles they took ~1 s in all)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from newsreader.search import index as index_module
from newsreader.store.store import Store
from tests.conftest import draft


def test_a_search_runs_while_the_index_warms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(f"sqlite:///{tmp_path}/warm.db")
    store.add([draft("Harbour dredging plan", "The harbour is dredged."), draft("Tram line")])
    gate, paused = threading.Event(), threading.Event()
    pieces = 0

    def pause() -> None:
        nonlocal pieces
        pieces += 1
        if pieces == 2:  # one piece done, the rest to come
            paused.set()
            assert gate.wait(10)

    monkeypatch.setattr(index_module, "_between_pieces", pause, raising=False)
    warming = threading.Thread(target=store.index.load)
    warming.start()
    try:
        assert paused.wait(10), "the warm-up never let the lock go between pieces"
        found: list[list[int]] = []
        search = threading.Thread(target=lambda: found.append(list(store.search("harbor").ids)))
        search.start()
        search.join(10)
        answered = list(found)
    finally:
        gate.set()
        warming.join()
    assert answered and len(answered[0]) == 1, "the search waited for the whole warm-up"
    assert store.index.vocabulary_size > 0
    store.close()
