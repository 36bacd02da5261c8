"""An import read by worker processes, in groups, is the import read in one go: the same
articles with the same ids, the same refusals in the same order, the same search results."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader import import_work, importer
from newsreader.import_work import read_group, rebatch
from newsreader.importer import ImportReport, import_paths
from newsreader.search.analysis import Analysed, analyse, cores
from newsreader.store.store import Store
from newsreader.stories.signature import Signatures, signatures

COLUMNS = (
    "id, fingerprint, title, source, author, url, published_at, body, summary, word_count, "
    "origin, feed_id, guid, length(imported_at), "
    "id IN (SELECT article_id FROM article_read), id IN (SELECT article_id FROM article_starred)"
)
RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>Feed one</title><link>https://example.com/1</link><description>&lt;p&gt;First
 entry body&lt;/p&gt;</description><pubDate>Mon, 02 Jan 2023 10:00:00 GMT</pubDate></item>
<item><title>Feed two</title><guid>g-2</guid><description>Second entry</description></item>
<item><title>Feed one</title><link>https://example.com/1</link><description>&lt;p&gt;First
 entry body&lt;/p&gt;</description></item>
</channel></rss>"""


def _folder(root: Path) -> Path:
    """Texts (one a duplicate of another), a feed, files that are refused, in folders."""
    for i in range(9):
        folder = root / f"part{i % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:02d}.txt").write_text(f"Title {i}\n\nWire Desk — Body number {i} here.\n")
    (root / "part0" / "10.txt").write_text("Title 3\n\nWire Desk — Body number 3 here.\n")
    (root / "part1" / "feed.xml").write_text(RSS)
    (root / "part1" / "report.txt").write_bytes(b"%PDF-1.4\n" + bytes(100))
    (root / "part2" / "blank.md").write_text("  \n\n  \n")
    (root / "part2" / "bomb.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss><channel/></rss>'
    )
    return root


def _import(url: str, folder: Path) -> tuple[ImportReport, list[tuple[object, ...]]]:
    store = Store(url)
    try:
        report = import_paths(store, [folder], on_progress=lambda done, total: None)
        # As sets: equal hits of batches written within a millisecond tie on recency too.
        hits = [sorted(store.search(q).ids) for q in ("title", "body number", "feed", "entr")]
    finally:
        store.close()
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        rows = db.execute(f"SELECT {COLUMNS} FROM article ORDER BY id").fetchall()
    return report, [*rows, *map(tuple, hits)]


def test_groups_read_by_workers_make_the_store_one_group_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if cores() < 2:
        pytest.skip("one core: imports never start worker processes here")
    folder = _folder(tmp_path / "in")
    # Write batches of 3: a duplicate in another batch meets the one stored (as with
    # `Store.add`), and batches split a group's articles.
    monkeypatch.setattr(importer, "BATCH", 3)
    one_go = _import(f"sqlite:///{tmp_path / 'one.db'}", folder)
    # Two files a group: worker processes, groups with no article at all.
    monkeypatch.setattr(import_work, "GROUP_FILES", 2)
    grouped = _import(f"sqlite:///{tmp_path / 'grouped.db'}", folder)
    assert grouped[0].skipped == one_go[0].skipped
    assert (grouped[0].added, grouped[0].unchanged) == (one_go[0].added, one_go[0].unchanged)
    assert grouped[1] == one_go[1]
    assert (one_go[0].added, one_go[0].unchanged, len(one_go[0].skipped)) == (11, 2, 3)


def test_a_group_reports_each_file_in_order(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    files = sorted(folder.rglob("*.*"))
    group = read_group(files)
    assert [f.path for f in group.files] == [str(p) for p in files]
    refused = {Path(f.path).name for f in group.files if f.error}
    assert refused == {"report.txt", "blank.md", "bomb.xml"}
    assert len(group.analysed.identities) == len(group.drafts) == 13


def _parts(sizes: list[int]) -> list[tuple[list[str], Analysed, Signatures]]:
    parts, at = [], 0
    for size in sizes:
        # Every other text long enough to sign (story signatures travel with the batch).
        texts = [
            f"t{at + i} common" + "".join(f" w{at + i}x{k}" for k in range(12 * (i % 2)))
            for i in range(size)
        ]
        parts.append((texts, analyse([(t, "s", t) for t in texts]), signatures(texts)))
        at += size
    return parts


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 7), max_size=8), st.integers(1, 6))
def test_rebatch_keeps_order_and_cuts_at_the_size(sizes: list[int], size: int) -> None:
    parts = _parts(sizes)
    batches = list(rebatch(parts, size))  # type: ignore[arg-type]
    assert [d for b, _, _ in batches for d in b] == [d for part, _, _ in parts for d in part]
    assert all(len(batch) == size for batch, _, _ in batches[:-1])
    assert all(0 < len(batch) <= size for batch, _, _ in batches)
    for batch, analysed, signed in batches:
        alike = signatures(batch)
        assert np.array_equal(signed.sigs, alike.sigs)
        assert np.array_equal(signed.signed, alike.signed)
        alone = analyse([(t, "s", t) for t in batch])
        assert analysed.identities == alone.identities
        assert sum(p.size for p in analysed.pieces) == len(batch)
        names = sorted({n for p in analysed.pieces for n in p.names})
        assert names == sorted({n for p in alone.pieces for n in p.names})


def test_a_group_signed_in_slices_is_signed_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signing a slice at a time (to bound a worker's memory) changes no signature."""
    monkeypatch.setattr(import_work, "SIGN_AT_ONCE", 3)
    files = []
    for i in range(8):
        words = " ".join(f"w{i % 3}x{k}" for k in range(20 + i))
        files.append(tmp_path / f"{i}.txt")
        files[-1].write_text(f"Title {i}\n\nWire Desk — {words}. Vote 2024 in Paris {i}.\n")
    group = read_group(files)
    whole = signatures([d.body for d in group.drafts], [d.source for d in group.drafts])
    assert len(group.drafts) == 8 and whole.signed.any()
    for name in ("sigs", "signed", "events"):
        assert np.array_equal(getattr(group.signatures, name), getattr(whole, name)), name


def test_memory_is_handed_back_after_each_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import trims the C allocator once a batch is written, every batch."""
    trims: list[int] = []
    monkeypatch.setattr(importer, "_malloc_trim", lambda: lambda: trims.append(1))
    monkeypatch.setattr(importer, "BATCH", 3)
    for i in range(7):
        (tmp_path / f"{i}.txt").write_text(f"Title {i}\n\nBody number {i}.\n")
    store = Store(f"sqlite:///{tmp_path / 'a.db'}")
    assert import_paths(store, [tmp_path]).added == 7
    assert len(trims) == 3  # batches of 3, 3 and 1


def test_the_allocator_trim_can_be_called() -> None:
    """Where the C library has `malloc_trim` it is called; elsewhere it is a no-op."""
    importer._malloc_trim()()


@pytest.mark.parametrize(("count", "expected"), [(1, 1), (2, 1), (3, 2), (16, 4)])
def test_workers_leave_a_core_to_the_writer(
    monkeypatch: pytest.MonkeyPatch, count: int, expected: int
) -> None:
    """The writing process needs a core of its own: on 2 cores one worker, not two."""
    from newsreader.search import analysis

    monkeypatch.setattr(analysis.os, "sched_getaffinity", lambda _: set(range(count)), False)
    assert analysis.workers() == expected
    assert analysis.Analyser(parallel=True)._parallel is (count > 1)


class _Lazy(Future[import_work.Group]):
    """A worker's result, made only when asked for (until then the worker is busy)."""

    def __init__(self, paths: list[str | Path], done: bool) -> None:
        super().__init__()
        self._paths = paths
        if done:
            self.result()

    def result(self, timeout: float | None = None) -> import_work.Group:
        if not self.done():
            self.set_result(import_work.read_group(self._paths))
        return super().result(timeout)


@settings(max_examples=80, deadline=None)
@given(
    st.integers(0, 14), st.lists(st.booleans(), min_size=1), st.integers(1, 3), st.integers(1, 3)
)
def test_the_caller_reads_a_group_while_workers_are_busy(
    files: int, done: list[bool], count: int, size: int
) -> None:
    """Whoever reads each group (workers finished or busy, the caller meanwhile), the
    files come in order, each read once; the caller holds at most one group it read, and
    the workers have a group each (and the one being handed on) at most."""
    started: set[str] = set()
    firsts: list[str] = []
    read: list[str] = []
    shown: list[str] = []
    answers = itertools.cycle(done)

    def fake_read(paths: Sequence[str | Path]) -> import_work.Group:
        read.extend(map(str, paths))
        return import_work.Group([import_work.FileRead(str(p)) for p in paths], [],
                                 Analysed([], []), signatures([]))  # fmt: skip

    class Pool:
        def __init__(self, *, parallel: bool) -> None:
            pass

        def __enter__(self) -> Pool:
            return self

        def __exit__(self, *_: object) -> None:
            pass

        def start(self, work: object, paths: list[str | Path]) -> Future[import_work.Group]:
            assert len(set(firsts) - set(shown)) <= count
            firsts.append(str(paths[0]))
            started.update(map(str, paths))
            return _Lazy(paths, next(answers))

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(import_work, "read_group", fake_read)
        patched.setattr(import_work, "Analyser", Pool)
        patched.setattr(import_work, "workers", lambda: count)
        patched.setattr(import_work, "GROUP_FILES", size)
        for group in import_work.read_groups([f"f{n}" for n in range(files)]):
            shown.extend(f.path for f in group.files)
            held = [p for p in read if p not in shown and p not in started]
            assert len(held) <= size
    assert shown == [f"f{n}" for n in range(files)]
    assert sorted(read) == sorted(shown)  # each file read once
    if files > (count + 2) * size and size > 1 and not any(done):
        assert set(shown) - started  # the caller read some itself
