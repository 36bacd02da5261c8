"""The real `newsreader` in a pseudo-terminal: signals and a hung store leave the terminal as
it was found, and the process ends.

The app is started as a person starts it (the console script, a temp store and XDG dirs);
the test reads everything it writes to the terminal. Waits are bounded hang guards, never
the thing tested.
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import shutil
import signal
import socket
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import newsreader
from newsreader import preferences
from newsreader.importer import seed
from newsreader.store.store import Store
from tests.ui.helpers import numbered_drafts

SOURCE = str(Path(newsreader.__file__).parents[1])
"""The checkout under test: the child imports this newsreader, not an installed one."""
HANG_GUARD = 60.0
"""Seconds after which a wait is a hang: far beyond what any step takes."""
RESTORE = {
    "alt screen off": b"\x1b[?1049l",
    "mouse reporting off": b"\x1b[?1000l",
    "cursor shown": b"\x1b[?25h",
}

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def newsreader_command() -> str:
    script = Path(sys.executable).with_name("newsreader")
    found = str(script) if script.exists() else shutil.which("newsreader")
    if found is None:
        pytest.skip("the newsreader console script is not installed in this environment")
    return found


class Terminal:
    """`newsreader ARGS` on a pty of its own; `output` is everything it wrote."""

    def __init__(self, args: list[str], home: Path) -> None:
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"),
            "PYTHONPATH": os.pathsep.join(filter(None, [SOURCE, os.environ.get("PYTHONPATH")])),
        }
        env.pop("NEWSREADER_DB", None)
        command = newsreader_command()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become newsreader
            os.execve(command, [command, *args], env)
        self.output = b""
        self.status: int | None = None

    def read_until(self, wanted: bytes) -> bool:
        """Read until `wanted` appears; False if the terminal closed first."""
        deadline = time.monotonic() + HANG_GUARD
        while wanted not in self.output:
            if time.monotonic() > deadline:
                raise AssertionError(f"no {wanted!r} on the screen: {self.output[-500:]!r}")
            if not self._read(0.1):
                return wanted in self.output
        return True

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return False
            if not chunk:
                return False
            self.output += chunk
        return True

    def type(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def wait(self) -> int:
        """Wait for the process to end (reading what it writes meanwhile): its status."""
        deadline = time.monotonic() + HANG_GUARD
        while self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
                break
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
                raise AssertionError(f"still running: {self.output[-500:]!r}")
            if not self._read(0.05):
                time.sleep(0.05)
        while self._read(0):  # what it wrote last
            if not select.select([self.fd], [], [], 0)[0]:
                break
        return self.status

    def close(self) -> None:
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        with contextlib.suppress(OSError):
            os.close(self.fd)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def store_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "store.db"
    store = Store(f"sqlite:///{path}")
    seed(store)
    store.add(numbered_drafts(20))
    store.close()
    yield path


@pytest.fixture
def terminal(home: Path, store_path: Path) -> Iterator[Terminal]:
    term = Terminal(["--db", str(store_path)], home)
    yield term
    term.close()


def assert_intact(store_path: Path, home: Path) -> None:
    with sqlite3.connect(store_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = Store(f"sqlite:///{store_path}")
    try:
        counts = store.counts()
        assert counts.total == 21  # the 20 and the seed
        assert counts.unread in (20, 21)  # the article opened as the signal came: read or not
    finally:
        store.close()
    prefs = home / "state" / "newsreader" / "state.toml"
    assert preferences.read(prefs)[1] is None  # saved whole, or not at all
    leftovers = [p.name for p in prefs.parent.glob(".*")] if prefs.parent.exists() else []
    assert leftovers == []


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_a_signal_ends_the_app_and_gives_the_terminal_back(
    terminal: Terminal, store_path: Path, home: Path, number: int
) -> None:
    assert terminal.read_until(b"articles")  # the list is up
    terminal.type(b"\r")  # open the first article: a write in flight as the signal comes
    os.kill(terminal.pid, number)
    status = terminal.wait()
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    tail = terminal.output[terminal.output.rfind(b"\x1b[?1049h") :]
    for what, sequence in RESTORE.items():
        assert sequence in tail, f"{what} was not written"
    assert_intact(store_path, home)


def test_a_terminal_that_goes_away_ends_the_app(terminal: Terminal) -> None:
    assert terminal.read_until(b"articles")
    os.close(terminal.fd)  # the terminal window closes: the kernel hangs up
    terminal.fd = os.open(os.devnull, os.O_RDONLY)
    status = terminal.wait()
    assert os.WIFSIGNALED(status) or os.WIFEXITED(status)


def test_a_store_server_that_never_answers_offers_a_way_out(home: Path) -> None:
    pytest.importorskip("psycopg")
    with socket.socket() as server:  # takes connections, never answers
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        url = f"postgresql+psycopg://nobody@127.0.0.1:{server.getsockname()[1]}/news"
        term = Terminal(["--db", url], home)
        try:
            assert term.read_until(b"q quits")
            term.type(b"q")
            status = term.wait()  # the process ends, though the server still says nothing
        finally:
            term.close()
    assert os.WIFEXITED(status)
    assert b"\x1b[?1049l" in term.output
