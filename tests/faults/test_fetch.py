"""Fetching under hostile servers: every fetch ends by its deadline, decoding is capped in
total output, odd header values never break a later refresh, one feed's failure is its own.
(A server asking us to wait: test_retry_after.py.)

All against a real HTTP server on 127.0.0.1 (tests/feeds/server.py), never the internet.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from newsreader.fetch import FetchError, fetch
from newsreader.refresh import Outcome, refresh
from newsreader.store.feeds import add_feed, feeds, find_feed
from newsreader.store.store import Store
from tests.feeds.server import FeedServer, Response, serving
from tests.feeds.test_refresh import rss

FEED = rss(("a1", "Ferry resumes", "Boats are back."))
DEADLINE = 0.5
HANG_GUARD = 30.0
"""Only to stop a broken build from hanging the suite; never what a test measures."""


@pytest.fixture
def server() -> Iterator[FeedServer]:
    yield from serving()


@pytest.fixture
def lite(tmp_path: Path) -> Iterator[Store]:
    """A SQLite store: these tests are about fetching; `store` covers both backends."""
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    yield store
    store.close()


def ended(call: Callable[[], object]) -> object:
    """Run `call` in a thread; fail (rather than hang) if it is still running at the guard."""
    box: list[object] = []

    def run() -> None:
        try:
            box.append(call())
        except Exception as error:
            box.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(HANG_GUARD)
    assert not worker.is_alive(), "the fetch did not end"
    return box[0]


def drip(head: bytes, then: bytes = b"", *, pause: float, forever: bytes = b"") -> Response:
    """A server writing `head` a byte at a time, then `then`, then `forever` for ever."""

    def write(out: BinaryIO) -> None:
        for byte in head:
            out.write(bytes([byte]))
            out.flush()
            time.sleep(pause)
        out.write(then)
        out.flush()
        while forever:
            out.write(forever)
            out.flush()
            time.sleep(pause)

    return Response(raw=write)


def one_line_error(result: object, *words: str) -> str:
    assert isinstance(result, FetchError), result
    message = str(result)
    assert "\n" not in message and "Error" not in message and "Traceback" not in message
    for word in words:
        assert word in message
    return message


# -- 1. an overall deadline ------------------------------------------------------------


def test_headers_sent_a_byte_at_a_time_end_at_the_deadline(server: FeedServer) -> None:
    # Each byte comes well within the read timeout, so only an overall deadline stops it:
    # before, this ran for as long as the server dripped (here 6 s), then succeeded.
    head = b"HTTP/1.0 200 OK\r\nX-Slow: " + b"a" * 60
    tail = f"\r\nContent-Length: {len(FEED)}\r\n\r\n".encode() + FEED
    server.routes["/slow"] = lambda _: drip(head, tail, pause=0.1)
    result = ended(lambda: fetch(server.url("/slow"), timeout=DEADLINE))
    one_line_error(result, f"timed out after {DEADLINE:g} s")


def test_slow_redirects_end_at_the_deadline(server: FeedServer) -> None:
    # Four hops of 0.4 s: no read waits long, but the whole chain takes longer than allowed.
    for hop in range(4):
        server.routes[f"/hop{hop}"] = lambda _, n=hop: Response(  # type: ignore[misc]
            302, b"", {"Location": f"/hop{n + 1}"}, delay=0.4
        )
    server.serve("/hop4", FEED)
    result = ended(lambda: fetch(server.url("/hop0"), timeout=DEADLINE))
    one_line_error(result, "timed out")


@pytest.mark.parametrize(
    "response",
    [
        pytest.param(
            lambda: drip(b"HTTP/1.0 200 OK\r\n\r\n", pause=0.01, forever=b"<x/>" * 25),
            id="endless-slow-body",
        ),
        pytest.param(
            lambda: drip(b"HTTP/1.0 200 OK\r\nContent-Length: 100000\r\n\r\n" + FEED, pause=0.05),
            id="dripped-body",
        ),
        pytest.param(lambda: Response(200, FEED, delay=3.0), id="silent-server"),
    ],
)
def test_every_phase_ends_at_the_deadline(
    server: FeedServer, response: Callable[[], Response]
) -> None:
    server.routes["/feed"] = lambda _: response()
    result = ended(lambda: fetch(server.url("/feed"), timeout=DEADLINE))
    one_line_error(result, "timed out")


def test_a_tls_handshake_that_never_completes_ends_at_the_deadline() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        port = listener.getsockname()[1]
        result = ended(lambda: fetch(f"https://127.0.0.1:{port}/feed", timeout=DEADLINE))
    one_line_error(result, "timed out")


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pieces=st.lists(st.integers(1, 40), min_size=1, max_size=6),
    pause=st.floats(0.005, 0.05),
    stall_in_headers=st.booleans(),
)
def test_any_drip_schedule_ends_at_the_deadline(
    server: FeedServer, pieces: list[int], pause: float, stall_in_headers: bool
) -> None:
    """However a never-finishing response is cut into writes and pauses, the fetch ends
    (by the deadline: nothing else can end it) with a one-line reason."""
    head = b"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\n"
    if not stall_in_headers:
        head += b"\r\n" + FEED[:100]

    def write(out: BinaryIO) -> None:
        data, cuts = head, iter(pieces * 1000)
        while data:
            size = next(cuts, 1)
            out.write(data[:size])
            out.flush()
            data = data[size:]
            time.sleep(pause)
        while True:  # then for ever: a header line, or body bytes, that never end
            out.write(b"X" if stall_in_headers else b" ")
            out.flush()
            time.sleep(pause)

    server.routes["/drip"] = lambda _: Response(raw=write)
    result = ended(lambda: fetch(server.url("/drip"), timeout=0.3))
    one_line_error(result)


# -- 2. decompression capped in total output ---------------------------------------------


def gzip_of_zeros(mib: int) -> bytes:
    """A gzip member of `mib` MiB of zeros, built without compressing them all: with a full
    flush, every further MiB compresses to the same bytes."""
    zero = bytes(2**20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = deflate.compress(zero) + deflate.flush(zlib.Z_FULL_FLUSH)
    again = deflate.compress(zero) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(zero, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (mib << 20) & 0xFFFFFFFF)
    return header + first + again * (mib - 1) + b"\x03\x00" + trailer


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """`Content-Encoding: gzip, gzip` of 1 GiB of zeros: 2.5 KB on the wire."""
    return gzip.compress(gzip_of_zeros(1024), 9)


def peak_while(call: Callable[[], object]) -> tuple[object, int]:
    tracemalloc.start()
    try:
        try:
            result: object = call()
        except FetchError as error:
            result = error
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_stacked_gzip_bomb_is_refused_with_memory_bounded(
    server: FeedServer, bomb: bytes
) -> None:
    assert len(bomb) < 4096
    server.serve("/bomb", bomb, **{"Content-Encoding": "gzip, gzip"})
    cap = 2**20
    result, peak = peak_while(lambda: fetch(server.url("/bomb"), max_bytes=cap, timeout=20))
    one_line_error(result, "too large")
    # Before, the second gzip layer was undone in one call: 1 GiB in memory before the
    # cap was looked at. Now: the cap, plus a few pieces in flight.
    assert peak < 8 * cap, f"peak {peak / 2**20:.0f} MiB while decoding"


def test_the_bomb_is_refused_by_refresh_at_the_default_cap(
    lite: Store, server: FeedServer, bomb: bytes
) -> None:
    server.serve("/bomb", bomb, **{"Content-Encoding": "gzip, gzip"})
    server.serve("/good", FEED)
    add_feed(lite, server.url("/bomb"))
    add_feed(lite, server.url("/good"))
    outcomes = {o.feed.url.rsplit("/", 1)[1]: o for o in refresh(lite, timeout=20)}
    assert outcomes["good"].status == "ok"
    assert outcomes["bomb"].status == "error"
    assert "too large" in (outcomes["bomb"].error or "")


def _encode(payload: bytes, encodings: list[str]) -> bytes:
    for name in encodings:  # in the order applied; the header lists them the same way
        if name == "gzip":
            payload = gzip.compress(payload, 6)
        elif name == "deflate":
            payload = zlib.compress(payload, 6)
        elif name == "raw-deflate":
            packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            payload = packer.compress(payload) + packer.flush()
    return payload


@settings(max_examples=40, deadline=None)
@given(
    encodings=st.lists(st.sampled_from(["gzip", "deflate", "raw-deflate", "identity"]), max_size=3),
    size=st.integers(0, 300_000),
    seed=st.binary(min_size=1, max_size=64),
    cap=st.sampled_from([1_000, 100_000, 1_000_000]),
    cut=st.integers(1, 5000),
)
def test_any_stack_of_encodings_decodes_exactly_or_stops_at_the_cap(
    encodings: list[str], size: int, seed: bytes, cap: int, cut: int
) -> None:
    from newsreader.fetch import _Decoder

    payload = (seed * (size // len(seed) + 1))[:size]
    wire = _encode(payload, encodings)
    header = [("deflate" if e == "raw-deflate" else e) for e in encodings]
    decoder = _Decoder(header, cap)
    biggest = 0
    seen = decoder.feed

    def feed(data: bytes, level: int = 0) -> None:
        nonlocal biggest
        biggest = max(biggest, len(data) if level else 0)
        seen(data, level)

    decoder.feed = feed  # type: ignore[method-assign]
    try:
        for start in range(0, len(wire), cut):
            decoder.feed(wire[start : start + cut])
        body = decoder.finish()
    except FetchError as error:
        assert size > cap and "too large" in str(error)
    else:
        assert size <= cap and body == payload
    assert biggest <= 64 * 1024  # no stage ever hands on more than a piece at once


@pytest.mark.parametrize(
    ("encoding", "reason"),
    [("br", "unsupported content encoding"), ("gzip, gzip, gzip, gzip", "too many")],
)
def test_unknown_or_piled_encodings_are_refused(
    server: FeedServer, encoding: str, reason: str
) -> None:
    server.serve("/odd", FEED, **{"Content-Encoding": encoding})
    one_line_error(ended(lambda: fetch(server.url("/odd"), timeout=5)), reason)


def test_a_damaged_gzip_body_is_one_line(server: FeedServer) -> None:
    server.serve("/bad", b"\x1f\x8b\x08\x00garbage" * 10, **{"Content-Encoding": "gzip"})
    one_line_error(ended(lambda: fetch(server.url("/bad"), timeout=5)), "damaged")


# -- 3. stored headers validated; each feed's failure its own -------------------------


def statuses(outcomes: list[Outcome]) -> dict[str, tuple[str, str]]:
    return {o.feed.url.rsplit("/", 1)[1]: (o.status, o.error or "") for o in outcomes}


def test_a_non_ascii_etag_never_breaks_a_later_refresh(lite: Store, server: FeedServer) -> None:
    # The server sends byte 0xE9 in the ETag; before, it was stored as "é" and sending it
    # back raised an encoding error that ended every later refresh, for every feed.
    server.routes["/odd"] = lambda _: Response(200, FEED, {"ETag": '"caf\xe9"'})
    server.serve("/good", rss(("g1", "Good news", "Fine.")), ETag='"g1"')
    add_feed(lite, server.url("/odd"))
    add_feed(lite, server.url("/good"))
    first = statuses(refresh(lite))
    second = statuses(refresh(lite))
    assert first["odd"][0] == first["good"][0] == "ok"
    assert second["odd"][0] == "ok" and second["good"][0] in ("ok", "not modified")
    assert find_feed(lite, server.url("/odd")).etag is None  # not kept
    assert "if-none-match" not in server.hits("/odd")[-1]


def test_validators_already_stored_badly_are_not_sent(lite: Store, server: FeedServer) -> None:
    server.serve("/a", FEED)
    feed_id = add_feed(lite, server.url("/a"))
    with lite.engine.begin() as conn:  # as an older newsreader may have stored them
        conn.execute(
            text("UPDATE feed SET etag = :e, last_modified = :m WHERE id = :i"),
            {"e": "caf\xe9\x00", "m": "x" * 5000, "i": feed_id},
        )
    assert statuses(refresh(lite))["a"][0] == "ok"
    hit = server.hits("/a")[-1]
    assert "if-none-match" not in hit and "if-modified-since" not in hit


def test_an_over_long_etag_is_not_kept(lite: Store, server: FeedServer) -> None:
    server.serve("/long", FEED, ETag='"' + "x" * 4000 + '"')
    add_feed(lite, server.url("/long"))
    refresh(lite)
    assert find_feed(lite, server.url("/long")).etag is None


@pytest.mark.parametrize("where", ["parse", "save"])
def test_anything_failing_for_one_feed_is_its_own_one_line_error(
    lite: Store, server: FeedServer, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    import newsreader.refresh as refreshing

    server.serve("/good", rss(("g1", "Good news", "Fine.")))
    server.serve("/bad", rss(("b1", "Bad news", "Boom.")))
    add_feed(lite, server.url("/good"))
    bad = add_feed(lite, server.url("/bad"))
    if where == "parse":
        real_parse = refreshing.parse_feed

        def parse(body: bytes, url: str, **kw: object) -> object:
            if url.endswith("/bad"):
                raise RuntimeError("parser blew up\non two lines")
            return real_parse(body, url, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(refreshing, "parse_feed", parse)
    else:
        real_add = lite.add

        def add(entries: object, feed_id: int | None = None) -> object:
            if feed_id == bad:
                raise ValueError("cannot save this one")
            return real_add(entries, feed_id=feed_id)  # type: ignore[arg-type]

        monkeypatch.setattr(lite, "add", add)
    got = statuses(refresh(lite))
    assert got["good"][0] == "ok"
    status, error = got["bad"]
    assert status == "error" and error and "\n" not in error and "Error" not in error
    assert find_feed(lite, str(bad)).status == "error"
    assert lite.search("good news").ids


printable = st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f")


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    stored=st.tuples(st.none() | st.text(max_size=600), st.none() | st.text(max_size=600)),
    served=st.tuples(st.text(printable, max_size=600), st.text(printable, max_size=40)),
)
@example(stored=(None, " "), served=("", ""))  # a value of spaces alone: refused when sent
@example(stored=(' "e1" ', None), served=("", ""))
def test_any_header_values_never_break_a_later_refresh(
    lite: Store,
    server: FeedServer,
    stored: tuple[str | None, str | None],
    served: tuple[str, str],
) -> None:
    server.routes["/odd"] = lambda _: Response(
        200, FEED, {"ETag": served[0], "Last-Modified": served[1]}
    )
    server.serve("/good", rss(("g1", "Good news", "Fine.")))
    if not feeds(lite):
        add_feed(lite, server.url("/odd"))
        add_feed(lite, server.url("/good"))
    with lite.engine.begin() as conn:
        conn.execute(
            text("UPDATE feed SET etag = :e, last_modified = :m"),
            {"e": stored[0], "m": stored[1]},
        )
    for _ in range(2):
        got = statuses(refresh(lite))
        assert got["good"][0] in ("ok", "not modified")
        assert got["odd"][0] in ("ok", "not modified", "error")
    for info in feeds(lite):
        for value in (info.etag, info.last_modified):
            assert value is None or (value.isascii() and value.isprintable() and len(value) <= 512)
