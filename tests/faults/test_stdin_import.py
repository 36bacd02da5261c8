"""`import -` and `import /dev/stdin`: one document or feed from a pipe, sniffed as a file
is, read through the same cap; junk and oversize are one line and a non-zero exit."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.ingest import IngestError
from newsreader.ingest.local import read_stdin
from newsreader.ingest.text import MAX_BYTES

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Piped Times</title>
<item><title>Ferry resumes</title><guid>a1</guid><description>Boats sail.</description></item>
<item><title>Storm warning</title><guid>a2</guid><description>Wind.</description></item>
</channel></rss>"""


def run(db: Path, *args: str, data: bytes) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "newsreader", "--db", str(db), *args],
        input=data,
        capture_output=True,
        env={**os.environ, "XDG_STATE_HOME": str(db.parent / "state")},
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def titles(db: Path) -> list[str]:
    listed = run(db, "list", "--json", data=b"")
    return sorted(json.loads(line)["title"] for line in listed.stdout.splitlines())


@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
def test_a_pipe_of_text_is_one_article(tmp_path: Path, name: str) -> None:
    db = tmp_path / "s.db"
    text = b"Piped headline\n\nThe body came down a pipe.\n"
    done = run(db, "import", name, data=text)
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "1 added, 0 unchanged, 0 skipped\n",
        "",
    )
    assert "Piped headline" in titles(db)
    again = run(db, "import", name, data=text)
    assert again.stdout == "0 added, 1 unchanged, 0 skipped\n"


def test_a_pipe_of_a_feed_is_its_entries(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    done = run(db, "import", "-", data=RSS)
    assert (done.returncode, done.stdout) == (0, "2 added, 0 unchanged, 0 skipped\n"), done.stderr
    assert {"Ferry resumes", "Storm warning"} <= set(titles(db))


def test_stdin_and_files_together(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    note = tmp_path / "note.txt"
    note.write_text("File headline\n\nFrom a file.\n")
    done = run(db, "import", str(note), "-", data=RSS)
    assert (done.returncode, done.stdout) == (0, "3 added, 0 unchanged, 0 skipped\n"), done.stderr


def test_binary_junk_is_refused_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    done = run(db, "import", "-", data=bytes(range(256)) * 40)
    assert done.returncode == 1
    assert done.stdout == "0 added, 0 unchanged, 1 skipped\n"
    assert done.stderr.startswith("skipped -: ") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_an_oversized_pipe_stops_at_the_cap(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    done = run(db, "import", "-", data=b"a" * (MAX_BYTES + 1))
    assert done.returncode == 1
    assert done.stderr == "newsreader: -: too large (over the 64 MB cap)\n"
    assert not db.exists()  # refused before any store was made


def test_a_terminal_is_refused_rather_than_waited_on() -> None:
    leader, follower = pty.openpty()
    try:
        with pytest.raises(IngestError, match="is a terminal"):
            read_stdin(100, fd=follower)
    finally:
        os.close(leader)
        os.close(follower)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000), st.integers(0, 3000))
def test_a_pipe_is_read_whole_up_to_the_cap_and_refused_beyond(data: bytes, cap: int) -> None:
    reader, writer = os.pipe()
    try:
        os.write(writer, data)  # within the pipe's buffer: no second thread needed
        os.close(writer)
        writer = -1
        if len(data) <= cap:
            assert read_stdin(cap, fd=reader) == data
        else:
            with pytest.raises(IngestError, match="too large"):
                read_stdin(cap, fd=reader)
    finally:
        os.close(reader)
        if writer != -1:
            os.close(writer)
