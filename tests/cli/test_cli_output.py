"""Hostile articles through `list`, `show`, `search` and `--json`: literal text, inert bytes.

CliRunner is invoked with `color=True`: otherwise click strips CSI colour codes from output
that is not a terminal, and would hide a sanitising bug instead of exposing it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from newsreader.cli import main
from newsreader.ingest import ArticleDraft
from newsreader.store.store import Store
from tests.core.hostile import (
    CONTROL_CASES,
    MARKUP_CASES,
    assert_bytes_safe,
    assert_terminal_safe,
)


def run(db: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["--db", str(db), *args], color=True)
    assert_terminal_safe(result.stdout)
    assert_terminal_safe(result.stderr)
    return result


@pytest.fixture
def hostile_files(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    for i, (raw, _) in enumerate(CONTROL_CASES):
        text = f"Ctl{i} {raw} title\n\nBody{i} {raw} and\rmore text.\n"
        (folder / f"c{i:02d}.txt").write_text(text, encoding="utf-8", newline="")
    for i, markup in enumerate(MARKUP_CASES):
        (folder / f"m{i:02d}.txt").write_text(f"Markup{i} {markup}\n\nBody {markup} end.\n")
    return folder


@pytest.fixture
def db(tmp_path: Path, hostile_files: Path) -> Path:
    path = tmp_path / "store.db"
    result = run(path, "import", str(hostile_files))
    assert result.exit_code == 0, result.stderr
    return path


def test_list_shows_titles_literally(db: Path) -> None:
    out = run(db, "list").stdout
    for i, (_, seen) in enumerate(CONTROL_CASES):
        assert f"Ctl{i} {seen} title" in out
    for i, markup in enumerate(MARKUP_CASES):
        assert f"Markup{i} {markup}" in out


def test_list_json_is_valid_and_literal(db: Path) -> None:
    records = [json.loads(line) for line in run(db, "list", "--json").stdout.splitlines()]
    titles = {r["title"] for r in records}
    assert {f"Markup{i} {m}" for i, m in enumerate(MARKUP_CASES)} <= titles
    assert {f"Ctl{i} {seen} title" for i, (_, seen) in enumerate(CONTROL_CASES)} <= titles


def test_show_prints_body_literally_and_cr_cannot_overwrite(db: Path) -> None:
    ids = {
        r["title"]: r["id"] for r in map(json.loads, run(db, "list", "--json").stdout.splitlines())
    }
    for i, (_, seen) in enumerate(CONTROL_CASES):
        result = run(db, "show", str(ids[f"Ctl{i} {seen} title"]))
        assert f"Body{i} {seen} and more text." in result.stdout
    for i, markup in enumerate(MARKUP_CASES):
        result = run(db, "show", str(ids[f"Markup{i} {markup}"]))
        assert f"Body {markup} end." in result.stdout
        assert (
            json.loads(run(db, "show", "--json", str(ids[f"Markup{i} {markup}"])).stdout)["body"]
            == f"Body {markup} end."
        )


def test_search_shows_hostile_titles_literally(db: Path) -> None:
    out = run(db, "search", "markup1").stdout
    assert f"Markup1 {MARKUP_CASES[1]}" in out
    records = [json.loads(line) for line in run(db, "search", "--json", "ctl3").stdout.splitlines()]
    assert records[0]["title"] == f"Ctl3 {CONTROL_CASES[3][1]} title"


RAW = "Raw \x1b[2J\x1b]52;c;cHduZWQ=\x07\x9b31m\u202eevil\x07\rX\x85\u2028"


@pytest.fixture
def raw_db(tmp_path: Path) -> Path:
    """A store holding unsanitised text (written by something other than our importer): the
    CLI must still be safe on its own."""
    path = tmp_path / "raw.db"
    store = Store(f"sqlite:///{path}")
    store.add([ArticleDraft(title=RAW, body=f"{RAW}\nline two", source=RAW, origin=RAW)])
    store.close()
    return path


def test_output_is_safe_even_for_unsanitised_stored_text(raw_db: Path) -> None:
    assert "Raw evil X" in run(raw_db, "list").stdout
    shown = run(raw_db, "show", "1").stdout
    assert "Raw evil\nX\n\nline two" in shown  # CR and U+2028 are line breaks; NEL gone
    for args in (["list", "--json"], ["show", "--json", "1"], ["search", "--json", "raw"]):
        records = [json.loads(line) for line in run(raw_db, *args).stdout.splitlines()]
        assert RAW in {r["title"] for r in records}  # the data survives, exactly, as escapes


def _subprocess(db: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "XDG_DATA_HOME": str(db.parent / "xdg")}
    return subprocess.run(
        [sys.executable, "-m", "newsreader", "--db", str(db), *args],
        capture_output=True,
        env=env,
        timeout=60,
    )


@pytest.mark.parametrize(
    "args",
    [["list"], ["list", "--json"], ["show", "1"], ["show", "--json", "1"], ["search", "raw"]],
)
def test_the_bytes_a_real_process_writes_are_inert(raw_db: Path, args: list[str]) -> None:
    done = _subprocess(raw_db, *args)
    assert done.returncode == 0, done.stderr
    assert_bytes_safe(done.stdout)
    assert_bytes_safe(done.stderr)
    assert b"Raw" in done.stdout


def test_hostile_file_names_in_skip_messages_are_inert(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil\x1b]0;pwned\x07\u202e.txt").write_bytes(b"%PDF-1.4 nope")
    result = run(tmp_path / "s.db", "import", str(folder))
    assert result.exit_code == 1
    assert "skipped" in result.stderr and "evil" in result.stderr and "PDF" in result.stderr
