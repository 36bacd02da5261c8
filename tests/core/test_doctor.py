"""`doctor`: checks that name the problem; `--rebuild` that never overwrites or loses silently."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import delete

from newsreader.importer import import_paths
from newsreader.recovery import rebuild
from newsreader.search.tables import SearchBlock, SearchSegment, table_of
from newsreader.store.engine import StoreError
from newsreader.store.health import check, move_aside
from newsreader.store.store import Store

NOW = datetime(2025, 1, 2, 3, 4, 5)


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


def _problems(path: Path) -> dict[str, str | None]:
    return {f.check: f.repair for f in check(_url(path)) if not f.ok}


def _store_with_files(tmp_path: Path, n: int = 6) -> tuple[Path, Path]:
    folder = tmp_path / "files"
    folder.mkdir()
    for i in range(n):
        (folder / f"{i}.txt").write_text(f"Story number {i}\n\nBody of story {i}.\n")
    db = tmp_path / "store.db"
    store = Store(_url(db))
    import_paths(store, [folder])
    ids = store.ids("oldest")
    store.set_flag(ids[0], "is_read", True)
    store.set_flag(ids[1], "is_starred", True)
    store.close()
    return db, folder


def test_a_healthy_store_passes_every_check(tmp_path: Path) -> None:
    db, _ = _store_with_files(tmp_path)
    assert [(f.check, f.ok) for f in check(_url(db))] == [
        ("file", True),
        ("integrity", True),
        ("schema", True),
        ("index", True),
    ]
    assert rebuild(_url(db)) == ["the store is healthy: nothing to rebuild"]


def test_no_store_yet_is_not_a_problem_and_is_not_created(tmp_path: Path) -> None:
    db = tmp_path / "none.db"
    assert _problems(db) == {}
    assert not db.exists()


def test_an_index_that_lost_articles_is_found_and_rebuilt_in_place(tmp_path: Path) -> None:
    db, _ = _store_with_files(tmp_path)
    store = Store(_url(db))
    with store.writing() as conn:  # an index damaged by a bug: no postings, no segments
        conn.execute(delete(table_of(SearchBlock)))
        conn.execute(delete(table_of(SearchSegment)))
    store.close()
    index = next(f for f in check(_url(db)) if f.check == "index")
    assert (index.repair, index.message) == ("reindex", "6 articles missing from the search index")
    assert rebuild(_url(db)) == ["rebuilt the search index: 6 articles can be found"]
    assert _problems(db) == {}
    store = Store(_url(db))
    try:
        assert len(store.search("story").ids) == 6
        assert sum(r.is_read or r.is_starred for r in store.rows(store.ids()).values()) == 2
    finally:
        store.close()


def test_a_file_that_is_not_a_database_is_moved_aside_never_overwritten(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    db.write_text("my precious notes, not a database\n" * 100)
    original = db.read_bytes()
    assert _problems(db) == {"file": "rebuild"}
    with pytest.raises(StoreError, match=r"not a newsreader store or is damaged.*doctor --rebuild"):
        Store(_url(db))
    assert db.read_bytes() == original  # opening it did not touch it
    lines = rebuild(_url(db), now=NOW)
    moved = tmp_path / "store.db.corrupt-20250102T030405"
    assert lines[0] == f"moved the damaged store aside to {moved}"
    assert moved.read_bytes() == original
    assert "re-import your files" in lines[-1]
    assert _problems(db) == {}
    store = Store(_url(db))
    try:
        assert store.count() == 1  # re-seeded with the bundled article
    finally:
        store.close()


def test_a_damaged_store_is_replaced_and_its_articles_recovered_from_their_files(
    tmp_path: Path,
) -> None:
    db, folder = _store_with_files(tmp_path)
    (folder / "5.txt").unlink()  # one file is gone: that article cannot come back
    conn = sqlite3.connect(db)
    (root,) = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'ix_article_source'"
    ).fetchone()
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    with db.open("r+b") as file:  # scribble over one index page: the table stays readable
        file.seek((root - 1) * page_size)
        file.write(b"\xa5" * page_size)
    damaged = db.read_bytes()
    assert _problems(db) == {"integrity": "rebuild"}
    lines = rebuild(_url(db), now=NOW)
    assert (tmp_path / "store.db.corrupt-20250102T030405").read_bytes() == damaged
    assert (
        lines[2] == "re-imported 5 of 6 articles from their files; read/starred state restored on 2"
    )
    assert lines[3].startswith("1 files are gone or unreadable")
    assert _problems(db) == {}
    store = Store(_url(db))
    try:
        rows = store.rows(store.ids()).values()
        assert len(rows) == 5 + 1
        assert {r.title for r in rows if r.is_read} == {"Story number 0"}
        assert {r.title for r in rows if r.is_starred} == {"Story number 1"}
    finally:
        store.close()


def test_a_store_from_a_newer_version_is_never_rebuilt(tmp_path: Path) -> None:
    db, _ = _store_with_files(tmp_path)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    assert _problems(db) == {"schema": "upgrade-newsreader"}
    with pytest.raises(StoreError, match="upgrade newsreader"):
        rebuild(_url(db))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["files", "store.db"]


def test_move_aside_numbers_rather_than_overwrites(tmp_path: Path) -> None:
    for n in range(3):
        path = tmp_path / "store.db"
        path.write_text(str(n))
        (tmp_path / "store.db-wal").write_text(f"wal{n}")
        move_aside(path, NOW)
    stamp = "store.db.corrupt-20250102T030405"
    assert (tmp_path / stamp).read_text() == "0"
    assert (tmp_path / f"{stamp}-2").read_text() == "1"
    assert (tmp_path / f"{stamp}-3").read_text() == "2"
    assert (tmp_path / f"{stamp}-3-wal").read_text() == "wal2"


def test_an_index_missing_blocks_is_found_and_rebuilt(tmp_path: Path) -> None:
    db, _ = _store_with_files(tmp_path)
    store = Store(_url(db))
    with store.writing() as conn:  # postings lost, the segment row still there
        conn.execute(delete(table_of(SearchBlock)))
    store.close()
    index = next(f for f in check(_url(db)) if f.check == "index")
    assert (index.repair, index.message) == ("reindex", "6 articles missing from the search index")
    assert rebuild(_url(db)) == ["rebuilt the search index: 6 articles can be found"]
    assert _problems(db) == {}
