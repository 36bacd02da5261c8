"""The log: `-v` on stderr, a rotating file always, tracebacks in the file and one line on
the screen, and a log that cannot be written never stopping a command."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.cli import logs, main

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Times</title>
<item><title>Ferry resumes</title><guid>a1</guid><description>Boats sail.</description></item>
</channel></rss>"""


def log_file() -> Path:
    return Path(os.environ["XDG_STATE_HOME"]) / "newsreader" / "log" / "newsreader.log"


def invoke(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def note(tmp_path: Path) -> Path:
    path = tmp_path / "note.txt"
    path.write_text("Harbour reopens\n\nThe harbour reopened.\n")
    return path


def test_quiet_by_default_and_verbose_with_v_before_or_after_the_command(
    tmp_path: Path, note: Path
) -> None:
    db = str(tmp_path / "s.db")
    quiet = invoke("--db", db, "import", str(note))
    assert (quiet.exit_code, quiet.stderr) == (0, "")
    for args in (["-v", "--db", db, "import", str(note)], ["--db", db, "import", "-v", str(note)]):
        told = invoke(*args)
        assert told.exit_code == 0
        assert "newsreader: info: import: 0 added, 1 unchanged, 0 skipped\n" in told.stderr
        assert told.stdout == "0 added, 1 unchanged, 0 skipped\n"  # stdout is the same
    debug = invoke("-vv", "--db", db, "list")
    assert "newsreader: debug: " not in invoke("-v", "--db", db, "list").stderr
    assert debug.exit_code == 0


def test_every_command_takes_verbose() -> None:
    def walk(group: click.Group) -> list[click.Command]:
        found: list[click.Command] = [group]
        for command in group.commands.values():
            found.extend(walk(command) if isinstance(command, click.Group) else [command])
        return found

    for command in walk(main):
        options = [o for p in command.params if isinstance(p, click.Option) for o in p.opts]
        assert "--verbose" in options, command.name
        if command.name != "tag":  # `feed tag FEED -v` removes the tag `v`
            assert "-v" in options, command.name


def test_the_log_file_tells_imports_schema_and_cleanup(tmp_path: Path, note: Path) -> None:
    db = str(tmp_path / "s.db")
    feed = tmp_path / "harbour.xml"
    feed.write_bytes(RSS)
    assert invoke("--db", db, "import", str(note)).exit_code == 0
    assert invoke("--db", db, "feed", "add", str(feed)).exit_code == 0
    assert invoke("--db", db, "feed", "remove", "Harbour Times").exit_code == 0
    text = log_file().read_text()
    assert "INFO newsreader.store.schema: store schema: created at version" in text
    assert "INFO newsreader.importer: import: 1 added, 0 unchanged, 0 skipped" in text
    assert f"INFO newsreader.refresh: feed 1 ({feed}): 1 new, 0 updated" in text
    assert "INFO newsreader.store.feeds: feed 1 removed: 1 articles deleted, 0 starred kept" in text


def test_a_failing_feed_has_its_traceback_in_the_log_and_one_line_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "s.db")
    feed = tmp_path / "harbour.xml"
    feed.write_bytes(RSS)
    assert invoke("--db", db, "feed", "add", str(feed)).exit_code == 0

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom in the parser\nsecond line")

    monkeypatch.setattr("newsreader.refresh.parse_feed", boom)
    for verbosity in ([], ["-v"]):
        done = invoke(*verbosity, "--db", db, "refresh")
        assert done.exit_code == 1
        failed = [line for line in done.stderr.splitlines() if "boom" in line]
        reason = "could not be fetched or read: boom in the parser second line"
        assert failed[0] == f"Harbour Times: failed: {reason}" or verbosity
        assert len(failed) == (3 if verbosity else 1)  # -v: what the log says, a line each
        assert "Traceback" not in done.stderr and "RuntimeError" not in done.stderr
    text = log_file().read_text()
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: boom in the parser" in text


def test_a_fault_in_a_command_is_one_line_and_its_traceback_is_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object) -> None:
        raise ZeroDivisionError("the feed table divided by zero")

    monkeypatch.setattr("newsreader.store.feeds.feeds", boom)
    done = invoke("--db", str(tmp_path / "s.db"), "feed", "list")
    assert done.exit_code == 1
    assert done.stderr.count("\n") == 1 and "ZeroDivisionError" not in done.stderr
    text = log_file().read_text()
    assert "ERROR newsreader.cli.common: stopped by a fault in newsreader itself" in text
    assert "ZeroDivisionError: the feed table divided by zero" in text


def test_an_unwritable_log_folder_never_stops_a_command(
    tmp_path: Path, note: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the log folder should be\n")  # unwritable, even as root
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    db = str(tmp_path / "s.db")
    quiet = invoke("--db", db, "import", str(note))
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (
        0,
        "1 added, 0 unchanged, 0 skipped\n",
        "",
    )
    told = invoke("-v", "--db", db, "import", str(note))
    assert told.exit_code == 0 and told.stdout == "0 added, 1 unchanged, 0 skipped\n"
    said = [line for line in told.stderr.splitlines() if "cannot write the log" in line]
    assert len(said) == 1, told.stderr  # once, however many records follow
    assert said[0].startswith(f"newsreader: cannot write the log in {blocker}/newsreader/log: ")
    assert said[0].endswith("; going on without it")
    doctor = invoke("--db", db, "doctor")
    assert doctor.exit_code == 0
    assert f"PROBLEM log: {blocker}/newsreader/log/newsreader.log: " in doctor.stdout


def test_doctor_says_where_the_log_is(tmp_path: Path) -> None:
    done = invoke("--db", str(tmp_path / "s.db"), "doctor")
    assert done.exit_code == 0
    assert f"ok      log: {log_file()}\n" in done.stdout


def test_the_log_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 4000)
    logs.configure(0, where=lambda: tmp_path / "log" / "n.log")
    for i in range(400):
        logging.getLogger("newsreader.test").info("line %d %s", i, "x" * 60)
    logs.detach()
    files = sorted((tmp_path / "log").iterdir())
    assert [f.name for f in files] == ["n.log", "n.log.1", "n.log.2", "n.log.3"]
    assert all(f.stat().st_size <= 4000 for f in files)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=80))
def test_outside_text_reaches_neither_file_nor_terminal_raw(said: str) -> None:
    """A feed's name or a server's error, logged: no escape or control byte in the file
    (someone will `cat` it), one line on stderr."""
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder) / "fuzz.log"
        logs.configure(1, where=lambda: where)
        with CliRunner().isolation() as (_, err, _):
            logging.getLogger("newsreader.test").warning("feed %s failed", said)
            shown = err.getvalue().decode()
        logs.detach()
        written = where.read_text(encoding="utf-8")
    assert not any(c in written for c in "\x1b\r\x07\x00\x9b\x7f")
    assert shown.count("\n") == 1 and "\x1b" not in shown


def test_unread_count_neither_opens_the_log_nor_imports_its_handlers(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from newsreader.cli import main\n"
        f"sys.argv = ['newsreader', '--db', {str(tmp_path / 's.db')!r}, 'unread-count']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('logging.handlers' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "False"
    assert not log_file().exists()
