"""A PostgreSQL server that accepts the connection and never answers ends the command with
one line naming the server, instead of hanging it; statements have a server-side limit."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.store import engine
from newsreader.store.engine import StoreError
from newsreader.store.store import Store

HANG_GUARD = 60.0
"""Only to stop a broken build from hanging the suite; never what a test measures."""
ROOT = Path(__file__).parents[2]


class Silent:
    """A TCP listener on 127.0.0.1 that accepts connections, optionally says `opening`, and
    then never answers."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port: int = self.listener.getsockname()[1]
        self.opening = b""
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(conn)
            if self.opening:
                conn.sendall(self.opening)

    def __enter__(self) -> Silent:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.listener.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def silent() -> Iterator[Silent]:
    server = Silent()
    yield server
    server.close()


def opened(url: str) -> BaseException | None:
    """Open a store in a thread: the error it raised, or None; fails if it hangs."""
    box: list[BaseException | None] = []

    def run() -> None:
        try:
            Store(url).close()
            box.append(None)
        except BaseException as error:
            box.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(HANG_GUARD)
    assert not worker.is_alive(), "opening the store hung"
    return box[0]


def test_the_cli_names_a_server_that_never_answers(silent: Silent) -> None:
    url = f"postgresql+psycopg://user@127.0.0.1:{silent.port}/db?connect_timeout=2"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "newsreader", "--db", url, "list"],
        capture_output=True,
        text=True,
        env=env,
        timeout=HANG_GUARD,
    )
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert f"the database server 127.0.0.1:{silent.port} did not answer within 2 s" in lines[0]
    assert "Traceback" not in done.stderr and "Error" not in done.stderr


def test_a_url_without_a_timeout_gets_one(silent: Silent, monkeypatch: pytest.MonkeyPatch) -> None:
    # Before, psycopg waited for ever: the named case hung `newsreader list` for good.
    monkeypatch.setattr(engine, "CONNECT_TIMEOUT_S", 2, raising=False)
    error = opened(f"postgresql+psycopg://user@127.0.0.1:{silent.port}/db")
    assert isinstance(error, StoreError)
    assert f"127.0.0.1:{silent.port} did not answer within 2 s" in str(error)


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(opening=st.sampled_from([b"", b"N", b"S", b"R"]) | st.binary(max_size=12))
def test_a_server_that_stalls_after_any_opening_bytes_ends_in_one_line(
    silent: Silent, opening: bytes
) -> None:
    """Whatever a server says before going quiet, opening the store ends with one line
    (libpq waits at least 2 s whatever it is told: the line says what really happened)."""
    silent.opening = opening
    error = opened(f"postgresql+psycopg://user@127.0.0.1:{silent.port}/db?connect_timeout=1")
    assert isinstance(error, StoreError), error
    assert "\n" not in str(error)
    assert "within 1 s" not in str(error)


def test_statements_have_a_server_side_limit(pg_url: str) -> None:
    store = Store(pg_url)
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "5min"
    finally:
        store.close()


def test_a_statement_timeout_in_the_url_is_kept(pg_url: str) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(pg_url)
    options = f"{url.query.get('options', '')} -cstatement_timeout=7s".strip()
    store = Store(url.update_query_dict({"options": options}).render_as_string(False))
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "7s"
    finally:
        store.close()
