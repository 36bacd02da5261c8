"""The store under faults: concurrent writers, kill -9, full disks, read-only folders."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from newsreader.ingest import ArticleDraft
from newsreader.store.engine import StoreError
from newsreader.store.health import check
from newsreader.store.store import Store


def newsreader(db: Path, *args: str, **kwargs: object) -> subprocess.Popen[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(db.parent / "xdg")}
    return subprocess.Popen(
        [sys.executable, "-m", "newsreader", "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **kwargs,  # type: ignore[call-overload]
    )


def only_progress(err: str) -> bool:
    """Standard error holds nothing but the plain progress lines of a large import."""
    return all(re.fullmatch(r"read \d+/\d+ files", line) for line in err.splitlines())


def write_articles(folder: Path, prefix: str, n: int, start: int = 0) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        (folder / f"{prefix}{i:06d}.txt").write_text(
            f"{prefix} story {i}\n\nThe {prefix} body of story {i} mentions tok{prefix}{i}.\n"
        )


def assert_healthy(db: Path) -> None:
    findings = check(f"sqlite:///{db}")
    assert all(f.ok for f in findings), findings
    assert [f.check for f in findings] == ["file", "integrity", "schema", "index"]


def article_count(db: Path) -> int:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return int(conn.execute("SELECT count(*) FROM article").fetchone()[0])
    finally:
        conn.close()


def test_two_imports_at_once_both_finish_without_duplicates(tmp_path: Path) -> None:
    db = tmp_path / "store.db"  # fresh: the two also race to create and seed it
    write_articles(tmp_path / "a", "shared", 2500)
    write_articles(tmp_path / "b", "shared", 2500)
    write_articles(tmp_path / "a", "onlya", 1500)
    write_articles(tmp_path / "b", "onlyb", 1500)
    procs = [newsreader(db, "import", str(tmp_path / d)) for d in ("a", "b")]
    outcomes = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outcomes, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err.lower() and only_progress(err)
        assert out.endswith(" unchanged, 0 skipped\n")
    added = sum(int(out.split()[0]) for out, _ in outcomes)
    assert added == 2500 + 1500 + 1500
    conn = sqlite3.connect(db)
    titles = [t for (t,) in conn.execute("SELECT title FROM article")]
    conn.close()
    assert len(titles) == len(set(titles)) == 5500 + 1  # + the bundled seed article
    assert_healthy(db)


def test_kill_9_mid_import_leaves_a_consistent_store_and_reimport_completes(
    tmp_path: Path,
) -> None:
    db = tmp_path / "store.db"
    total = 20_000
    write_articles(tmp_path / "in", "bulk", total)
    proc = newsreader(db, "import", str(tmp_path / "in"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if article_count(db) > 2000:  # the seed and at least one batch committed
                break
        except sqlite3.Error:
            pass  # not created yet
        time.sleep(0.01)
    assert proc.poll() is None, "the import finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)  # its worker processes must not outlive it (they hold its pipes)
    assert proc.returncode == -signal.SIGKILL
    partial = article_count(db) - 1
    assert 0 < partial < total, "the kill did not land mid-import"
    assert_healthy(db)  # integrity ok, and every stored article is in the index

    again = newsreader(db, "import", str(tmp_path / "in"))
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0 and only_progress(err), err
    assert out == f"{total - partial} added, {partial} unchanged, 0 skipped\n"
    assert article_count(db) == total + 1
    assert_healthy(db)
    store = Store(f"sqlite:///{db}")
    try:
        for i in (0, partial - 1, partial, total - 1):  # either side of the kill
            hits = store.search(f"tokbulk{i}").ids  # prefix matches too: tokbulk1 finds 10...
            assert f"bulk story {i}" in {row.title for row in store.rows(hits).values()}
    finally:
        store.close()


def _big_drafts(n: int, start: int = 0) -> list[ArticleDraft]:
    return [
        ArticleDraft(
            title=f"Big {i}", body=f"word{i} " + "filler text " * 400, source="S", origin=""
        )
        for i in range(start, start + n)
    ]


def test_a_full_disk_rolls_back_the_batch_and_says_so(tmp_path: Path) -> None:
    """Portable stand-in for a full disk: SQLite's `max_page_count` caps the file."""
    db = tmp_path / "store.db"
    store = Store(f"sqlite:///{db}")
    store.add(_big_drafts(50), batch=50)
    store.engine.dispose()
    pages = sqlite3.connect(db).execute("PRAGMA page_count").fetchone()[0]

    @event.listens_for(store.engine, "connect")
    def _cap(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 150}")

    with pytest.raises(StoreError) as caught:
        store.add(_big_drafts(3000, start=50), batch=100)
    message = str(caught.value)
    assert "\n" not in message
    assert "full" in message and "rolled back" in message and str(db) in message
    saved = store.count()
    assert saved > 50 and (saved - 50) % 100 == 0  # whole batches only, never half of one
    assert f"{saved - 50} new articles were saved" in message
    store.close()
    assert_healthy(db)


@pytest.fixture
def tiny_mount(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs: a real full disk, and (remounted) a real read-only file system.

    Needs root with mount rights, as in the CI container; elsewhere the portable tests
    above and below still run.
    """
    where = tmp_path / "mnt"
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(where)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"SKIPPED LOUDLY: cannot mount a tmpfs here ({done.stderr.decode().strip()})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_real_full_disk(tiny_mount: Path, tmp_path: Path) -> None:
    db = tiny_mount / "store.db"
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(400):  # ~2.4 MB of text for a 1 MB disk
        (folder / f"{i}.txt").write_text(f"Story {i}\n\nword{i} " + "filler text " * 500)
    proc = newsreader(db, "import", str(folder))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "full" in err and str(db) in err
    assert_healthy(db)


def test_a_read_only_store_refuses_writes_in_one_line(tiny_mount: Path, tmp_path: Path) -> None:
    db = tiny_mount / "store.db"
    proc = newsreader(db, "list")
    assert proc.communicate(timeout=60)[1] == ""
    before = db.read_bytes()
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_mount)], check=True)
    write_articles(tmp_path / "in", "ro", 3)
    for args in (["import", str(tmp_path / "in")], ["list"]):
        proc = newsreader(db, *args)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 1 and out == ""
        assert err.count("\n") == 1 and "Traceback" not in err
        assert "read-only" in err and str(db) in err
    new = newsreader(tiny_mount / "new.db", "list")
    assert "read-only" in new.communicate(timeout=60)[1]
    assert db.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions: see tmpfs test")
def test_a_read_only_folder_without_root(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o555)
    with pytest.raises(StoreError, match="read-only"):
        Store(f"sqlite:///{folder / 'store.db'}")
