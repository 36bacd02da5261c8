"""A batch of hostile files: each refused or repaired with a one-line reason, the rest kept."""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from newsreader import importer
from newsreader.importer import ImportReport, import_paths
from newsreader.store.store import Store

GOOD = "A good title\n\nDESPARDES News Monitor — A good body, with “quotes”.\n"


def _reasons(report: ImportReport) -> dict[str, str]:
    return {Path(path).name: reason for path, reason in report.skipped}


def test_mixed_batch_refuses_some_repairs_others_keeps_the_rest(
    tmp_path: Path, store: Store
) -> None:
    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "utf16-bom.txt").write_bytes(
        codecs.BOM_UTF16_LE + b"U16 bom\n\nBody.".decode().encode("utf-16-le")
    )
    (tmp_path / "utf16-nobom.txt").write_bytes("U16 plain\n\nBody text here.".encode("utf-16-le"))
    (tmp_path / "latin1.txt").write_bytes("Señor Müller\n\nCafé crème.".encode("latin-1"))
    (tmp_path / "cp1252.txt").write_bytes("Smart “quotes”\n\nEuro € sign.".encode("cp1252"))
    (tmp_path / "report.txt").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(200))
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "blank.txt").write_text("   \n\t\n   \n")
    (tmp_path / "ignored.jpg").write_bytes(b"\xff\xd8\xff" + bytes(10))
    report = import_paths(store, [tmp_path])
    reasons = _reasons(report)
    assert set(reasons) == {"report.txt", "binary.txt", "blank.txt"}
    assert "PDF" in reasons["report.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "empty" in reasons["blank.txt"]
    assert all("\n" not in reason and reason for reason in reasons.values())
    assert (report.added, report.unchanged, report.failed) == (5, 0, True)
    titles = {row.title for row in store.rows(store.ids()).values()}
    assert titles == {"A good title", "U16 bom", "U16 plain", "Señor Müller", "Smart “quotes”"}
    assert report.summary() == "5 added, 0 unchanged, 3 skipped"


def test_permission_denied_is_reported_and_the_batch_goes_on(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests run as root, where `chmod 000` does not stop a read; so the refusal is made
    real at the system call: `os.open` raises the PermissionError a locked file would."""
    (tmp_path / "a.txt").write_text(GOOD)
    locked = tmp_path / "locked.txt"
    locked.write_text("Locked\n\nBody.")
    locked.chmod(0)
    real_open = os.open

    def guarded_open(path: str | os.PathLike[str], flags: int, *args: int) -> int:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", guarded_open)
    report = import_paths(store, [tmp_path])
    assert _reasons(report) == {"locked.txt": "permission denied"}
    assert report.added == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads chmod-000 files; covered above")
def test_permission_denied_for_real_when_not_root(tmp_path: Path, store: Store) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("Locked\n\nBody.")
    locked.chmod(0)
    assert _reasons(import_paths(store, [tmp_path])) == {"locked.txt": "permission denied"}


def test_symlink_loops_do_not_trap_the_walk(tmp_path: Path, store: Store) -> None:
    root = tmp_path / "news"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(GOOD)
    (root / "sub" / "b.txt").write_text("Second\n\nAnother body.")
    (root / "sub" / "back").symlink_to(root)  # a folder loop
    (root / "self.txt").symlink_to(root / "self.txt")  # a file loop (ELOOP)
    (root / "dangling.txt").symlink_to(root / "missing.txt")
    report = import_paths(store, [root, root / "sub"])
    assert report.added == 2
    reasons = _reasons(report)
    assert set(reasons) == {"self.txt", "dangling.txt"}
    assert "symbolic links" in reasons["self.txt"]
    assert reasons["dangling.txt"] == "broken symbolic link"


def test_a_file_that_vanishes_mid_import(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"Title {name}\n\nBody of {name}.")
    real_walk = importer.walk

    def walk_then_delete(paths: Iterable[Path], report: ImportReport) -> Iterator[Path]:
        for path in real_walk(paths, report):
            yield path
            if path.name == "a.txt":  # listed already, removed before it is read
                (tmp_path / "b.txt").unlink()

    monkeypatch.setattr(importer, "walk", walk_then_delete)
    report = import_paths(store, [tmp_path])
    assert _reasons(report) == {"b.txt": "no such file"}
    assert report.added == 2


def test_a_fifo_named_txt_cannot_hang_the_import(tmp_path: Path, store: Store) -> None:
    os.mkfifo(tmp_path / "pipe.txt")  # nobody writes: a blocking read would never return
    (tmp_path / "a.txt").write_text(GOOD)
    report = import_paths(store, [tmp_path])
    assert _reasons(report) == {"pipe.txt": "not a regular file (a pipe)"}
    assert report.added == 1


def test_named_paths_that_do_not_exist_or_are_odd(tmp_path: Path, store: Store) -> None:
    report = import_paths(store, [tmp_path / "nope.txt", tmp_path / "nodir"])
    assert _reasons(report) == {
        "nope.txt": "no such file or folder",
        "nodir": "no such file or folder",
    }


def test_hidden_entries_in_folders_are_passed_over(tmp_path: Path, store: Store) -> None:
    (tmp_path / "._a.txt").write_bytes(b"\x00\x05\x16\x07" + bytes(60))  # a macOS fork
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text(GOOD)
    (tmp_path / "a.txt").write_text(GOOD)
    report = import_paths(store, [tmp_path])
    assert (report.added, report.skipped) == (1, [])


def test_too_large_files_are_refused_before_reading(
    tmp_path: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsreader.ingest import document

    monkeypatch.setattr(document, "MAX_BYTES", 1000)
    (tmp_path / "big.txt").write_text("Big\n\n" + "x " * 1000)
    report = import_paths(store, [tmp_path])
    assert "too large" in _reasons(report)["big.txt"]


def test_reimport_adds_nothing_and_keeps_read_and_starred(tmp_path: Path, store: Store) -> None:
    for i in range(5):
        (tmp_path / f"{i}.txt").write_text(f"Story {i}\n\nBody {i}.")
    assert import_paths(store, [tmp_path]).added == 5
    first, second, *_ = store.ids()
    store.set_flag(first, "is_read", True)
    store.set_flag(second, "is_starred", True)
    again = import_paths(store, [tmp_path])
    assert (again.added, again.unchanged, again.failed) == (0, 5, False)
    rows = store.rows(store.ids())
    assert store.count() == 5
    assert rows[first].is_read and not rows[first].is_starred
    assert rows[second].is_starred and not rows[second].is_read
