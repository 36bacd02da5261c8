"""Every local path is read by one function: regular files only, capped, never blocking.

Import, a subscribed local feed's refresh and the seeds all go through `read_local`, so a
FIFO, a device, a directory or a socket named where a document or feed should be is refused
with one line, and a file swapped for `/dev/zero` cannot grow a read without bound.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.importer import import_paths
from newsreader.ingest import IngestError
from newsreader.ingest.local import read_local
from newsreader.refresh import refresh
from newsreader.store.feeds import add_feed
from newsreader.store.store import Store

T = TypeVar("T")
GUARD = 60.0
"""A hang guard, not a speed assert: a blocking open or an endless read never returns."""

RSS = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>'
    b"<item><title>Local story</title><guid>l1</guid><description>Body.</description></item>"
    b"</channel></rss>"
)


def _within(call: Callable[[], T], unblock: Callable[[], None] = lambda: None) -> T:
    """`call()`'s result, or a failure if it has not returned within `GUARD` seconds (then
    `unblock` frees the stuck thread so the test run itself can end)."""
    box: dict[str, T] = {}
    errors: list[BaseException] = []

    def run() -> None:
        try:
            box["result"] = call()
        except BaseException as error:  # handed back to the test thread
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(GUARD)
    if thread.is_alive():
        unblock()
        pytest.fail(f"still running after {GUARD:.0f} s: it blocked or read without bound")
    if errors:
        raise errors[0]
    return box["result"]


def _unblock_fifo(path: Path) -> Callable[[], None]:
    def unblock() -> None:
        with contextlib.suppress(OSError):
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))

    return unblock


def _refuse(path: Path) -> str:
    try:
        read_local(path, cap=1000)
    except IngestError as error:
        return str(error)
    pytest.fail(f"{path} was read")


def _dev_zero() -> Path:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero on this machine: the endless-device case cannot run")
    return Path("/dev/zero")


def test_read_local_refuses_all_but_regular_files(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.xml"
    os.mkfifo(fifo)
    assert _within(lambda: _refuse(fifo), _unblock_fifo(fifo)) == "not a regular file (a pipe)"
    assert _within(lambda: _refuse(_dev_zero())) == "not a regular file (a device)"
    assert _refuse(tmp_path) == "not a regular file (a folder)"
    swapped = tmp_path / "feed.xml"
    swapped.symlink_to("/dev/zero")
    assert _within(lambda: _refuse(swapped)) == "not a regular file (a device)"
    assert _refuse(tmp_path / "missing.xml") == "no such file"
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 1001)
    assert _refuse(big) == "too large (over the 1000 bytes cap)"


def test_a_socket_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    if len(str(path)) > 100:
        pytest.skip("tmp path too long for a unix socket name: the socket case cannot run")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        assert _refuse(path) == "not a regular file (a socket)"
    finally:
        server.close()


def test_a_symlink_to_a_regular_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_bytes(b"Title\n\nBody.")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    assert read_local(tmp_path / "link.txt", cap=1000) == b"Title\n\nBody."
    exact = tmp_path / "exact.txt"
    exact.write_bytes(b"y" * 1000)
    assert read_local(exact, cap=1000) == b"y" * 1000


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=3000), st.integers(min_value=0, max_value=3000))
def test_read_local_is_the_file_or_a_refusal_at_the_cap(data: bytes, cap: int) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.txt"
        path.write_bytes(data)
        if len(data) <= cap:
            assert read_local(path, cap=cap) == data
        else:
            with pytest.raises(IngestError, match="too large"):
                read_local(path, cap=cap)


def _local_feed(store: Store, path: Path) -> None:
    add_feed(store, str(path))


def test_a_local_feed_swapped_for_dev_zero_is_refused(tmp_path: Path, store: Store) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS)
    _local_feed(store, feed)
    [outcome] = _within(lambda: refresh(store))
    assert (outcome.status, outcome.added) == ("ok", 1)
    feed.unlink()
    feed.symlink_to(_dev_zero())
    [outcome] = _within(lambda: refresh(store))
    assert outcome.status == "error"
    assert outcome.error == f"cannot read {feed}: not a regular file (a device)"


def test_a_local_feed_swapped_for_a_fifo_does_not_block_refresh(
    tmp_path: Path, store: Store
) -> None:
    feed = tmp_path / "feed.xml"
    os.mkfifo(feed)  # nobody writes: a blocking open would never return
    _local_feed(store, feed)
    (tmp_path / "ok.xml").write_bytes(RSS.replace(b"l1", b"l2"))
    _local_feed(store, tmp_path / "ok.xml")
    outcomes = _within(lambda: refresh(store), _unblock_fifo(feed))
    by_url = {o.feed.url: o for o in outcomes}
    assert by_url[str(feed)].error == f"cannot read {feed}: not a regular file (a pipe)"
    assert by_url[str(tmp_path / "ok.xml")].added == 1


def test_a_local_feed_over_the_cap_is_refused(tmp_path: Path, store: Store) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS + b"<!--" + b"x" * 2000 + b"-->")
    _local_feed(store, feed)
    [outcome] = refresh(store, max_bytes=1000)
    assert outcome.error == f"cannot read {feed}: too large (over the 1000 bytes cap)"


def test_import_refuses_devices_fifos_and_sockets_and_goes_on(tmp_path: Path, store: Store) -> None:
    (tmp_path / "a.txt").write_text("Kept\n\nBody.")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to(_dev_zero())
    report = _within(lambda: import_paths(store, [tmp_path]), _unblock_fifo(tmp_path / "pipe.txt"))
    reasons = {Path(p).name: why for p, why in report.skipped}
    assert reasons == {
        "pipe.txt": "not a regular file (a pipe)",
        "zero.txt": "not a regular file (a device)",
    }
    assert report.added == 1


def test_preferences_swapped_for_a_fifo_or_device_give_defaults(tmp_path: Path) -> None:
    from newsreader.preferences import Preferences, load

    fifo = tmp_path / "prefs.toml"
    os.mkfifo(fifo)
    assert _within(lambda: load(fifo), _unblock_fifo(fifo)) == Preferences()
    zero = tmp_path / "zero.toml"
    zero.symlink_to(_dev_zero())
    assert _within(lambda: load(zero)) == Preferences()
