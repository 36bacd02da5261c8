"""Every command, through click's CliRunner and as a real process: output and failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from newsreader import DIST_NAME, __version__
from newsreader.cli import main
from newsreader.ingest import ArticleDraft
from newsreader.store import schema
from newsreader.store.store import Store

COMMANDS = sorted(main.commands)  # type: ignore[attr-defined]


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def proc(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(db.parent / "xdg")}
    return subprocess.run(
        [sys.executable, "-m", "newsreader", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def assert_one_line_error(stderr: str) -> None:
    assert stderr.startswith("newsreader: ")
    assert stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "a.txt").write_text("Harbour reopens\n\nCoast Post — The harbour reopened.\n")
    (folder / "b.md").write_text("# Council budget\n\nThe council approved the budget.\n")
    return folder


def test_every_command_has_help() -> None:
    assert {"import", "list", "show", "search", "doctor"} <= set(COMMANDS)
    assert cli("--help").exit_code == 0
    for command in COMMANDS:
        result = cli(command, "--help")
        assert result.exit_code == 0, command
        assert result.stdout.startswith(f"Usage: main {command}") or "Usage:" in result.stdout


def test_version() -> None:
    result = cli("--version")
    assert (result.exit_code, result.stdout) == (0, f"newsreader ({DIST_NAME}) {__version__}\n")


def test_import_list_show_search_in_process(tmp_path: Path, files: Path) -> None:
    db = str(tmp_path / "s.db")
    imported = cli("--db", db, "import", str(files))
    assert (imported.exit_code, imported.stdout, imported.stderr) == (
        0,
        "2 added, 0 unchanged, 0 skipped\n",
        "",
    )
    assert cli("--db", db, "import", str(files)).stdout == "0 added, 2 unchanged, 0 skipped\n"
    records = [json.loads(line) for line in cli("--db", db, "list", "--json").stdout.splitlines()]
    by_title = {r["title"]: r for r in records}
    assert {"Harbour reopens", "Council budget"} <= set(by_title)
    assert by_title["Harbour reopens"]["source"] == "Coast Post"
    shown = cli("--db", db, "show", str(by_title["Harbour reopens"]["id"]))
    assert shown.stdout.splitlines()[:2] == ["Harbour reopens", "Coast Post · 1 min read"]
    assert "The harbour reopened." in shown.stdout
    hits = [
        json.loads(x) for x in cli("--db", db, "search", "--json", "harbor").stdout.splitlines()
    ]
    assert hits[0]["title"] == "Harbour reopens" and hits[0]["score"] > 0


def test_the_real_program(tmp_path: Path, files: Path) -> None:
    db = tmp_path / "s.db"
    done = proc(db, "import", str(files))
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "2 added, 0 unchanged, 0 skipped\n",
        "",
    )
    listed = proc(db, "list", "--json")
    assert listed.returncode == 0 and listed.stderr == ""
    ids = {json.loads(line)["title"]: json.loads(line)["id"] for line in listed.stdout.splitlines()}
    shown = proc(db, "show", "--json", str(ids["Council budget"]))
    assert json.loads(shown.stdout)["body"] == "The council approved the budget."
    found = proc(db, "search", "--json", "council")
    assert json.loads(found.stdout.splitlines()[0])["id"] == ids["Council budget"]
    assert proc(db, "--version").stdout == f"newsreader ({DIST_NAME}) {__version__}\n"
    assert proc(db, "import", "--help").returncode == 0  # CliRunner covers the rest
    assert proc(db, "doctor").returncode == 0


def test_import_reports_each_skip_continues_and_fails_at_the_end(
    tmp_path: Path, files: Path
) -> None:
    (files / "scan.txt").write_bytes(b"%PDF-1.4\n" + bytes(100))
    done = proc(tmp_path / "s.db", "import", str(files), str(tmp_path / "missing.txt"))
    assert done.returncode == 1
    assert done.stdout == "2 added, 0 unchanged, 2 skipped\n"
    assert sorted(done.stderr.splitlines()) == [
        f"skipped {files / 'scan.txt'}: not text: looks like a PDF document",
        f"skipped {tmp_path / 'missing.txt'}: no such file or folder",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "999"], "no article with id 999"),
        (["--db", "{tmp}/notdb.db", "list"], "is not a newsreader store or is damaged"),
        (["--db", "{tmp}/notdb.db", "doctor"], "doctor --rebuild"),
        (["--db", "{tmp}/dir.db", "list"], "it is a folder"),
        (["--db", "{tmp}/newer.db", "list"], "newer newsreader"),
    ],
)
def test_errors_are_one_line_and_exit_non_zero(
    tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "notdb.db").write_text("hello\n" * 50)
    (tmp_path / "dir.db").mkdir()
    import sqlite3

    Store(f"sqlite:///{tmp_path / 'newer.db'}").close()
    conn = sqlite3.connect(tmp_path / "newer.db")
    newer = str(schema.latest_version() + 1)  # whatever this version's latest is
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (newer,))
    conn.commit()
    conn.close()
    args = [a.format(tmp=tmp_path) for a in args]
    done = proc(tmp_path / "s.db", *args)  # a later --db wins over the first
    assert done.returncode == 1
    assert_one_line_error(done.stderr)
    assert message in done.stderr


def test_usage_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    for args in (["show", "not-a-number"], ["import"], ["nosuchcommand"]):
        done = proc(tmp_path / "s.db", *args)
        assert done.returncode == 2 and "Traceback" not in done.stderr


def test_doctor_rebuild_through_the_cli(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    db.write_bytes(b"\x00garbage" * 100)
    checked = proc(db, "doctor")
    assert checked.returncode == 1
    assert "PROBLEM file:" in checked.stdout
    assert_one_line_error(checked.stderr)
    rebuilt = proc(db, "doctor", "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "moved the damaged store aside to" in rebuilt.stdout
    assert [p.name.startswith("s.db.corrupt-") for p in tmp_path.iterdir()].count(True) == 1
    assert proc(db, "doctor").returncode == 0
    assert proc(db, "list").returncode == 0


def test_a_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    store = Store(f"sqlite:///{db}")  # far more output than a pipe buffer holds
    store.add(ArticleDraft(title=f"T{i}", body=f"B{i}", source="S", origin="") for i in range(3000))
    store.close()
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg")}
    piped = subprocess.run(
        f"{sys.executable} -m newsreader --db {db} list --json | head -c 1",
        shell=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert "Traceback" not in piped.stderr and "Broken pipe" not in piped.stderr
