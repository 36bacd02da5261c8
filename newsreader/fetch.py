"""Fetching feeds over HTTP the way trusted readers do.

Every fetch ends by one overall deadline, whatever the server does: httpx has only
per-read timeouts, which a server sending a byte a second never trips, so the request runs
on a private event loop under `asyncio.timeout`, which cancels it in any phase (connect,
TLS, headers, redirects, body). The body is capped while streaming, and decoded here a
piece at a time with every stage's output capped, so a 2 KB gzip bomb stops at the cap
instead of filling memory. Plus a redirect limit, a clear User-Agent, conditional GET (an
unchanged feed costs one 304), `Retry-After` kept when a server asks us to wait, the
`Cache-Control: max-age` a server sets (a floor between fetches) and where a permanent
redirect (301/308) says the feed now lives.
"""

from __future__ import annotations

import asyncio
import logging
import re
import ssl
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import cache
from itertools import pairwise

import httpx

from newsreader import __version__
from newsreader.ingest.feed import MAX_FEED_BYTES
from newsreader.store.feeds import header_value

log = logging.getLogger(__name__)

USER_AGENT = f"newsreader/{__version__} (+terminal news reader)"
DEADLINE_SECONDS = 30.0
"""The most a whole fetch may take, redirects and body included."""
MAX_REDIRECTS = 5
MAX_WAIT = timedelta(days=7)
"""The longest `Retry-After` honoured: a server asking for a year gets a week."""
_PIECE = 64 * 1024
_MAX_ENCODINGS = 3


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    """Where the body came from, after redirects."""
    status: int
    body: bytes | None
    """None for 304 Not Modified."""
    etag: str | None
    last_modified: str | None
    max_age: int | None = None
    """Seconds the server says the response stays fresh (`Cache-Control: max-age`)."""
    moved_to: str | None = None
    """Where the feed lives now, when the request began with permanent redirects (301/308):
    the URL after the last of them."""


class FetchError(Exception):
    """One line saying why a feed could not be fetched."""

    def __init__(self, reason: str, *, not_before: datetime | None = None) -> None:
        super().__init__(reason)
        self.not_before = not_before
        """When the server asked not to be fetched again before (429/503 `Retry-After`)."""


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = MAX_FEED_BYTES,
    timeout: float = DEADLINE_SECONDS,
) -> Fetched:
    """GET `url`; returns within `timeout` seconds or raises `FetchError` saying so.

    A loop of its own rather than `asyncio.run`, whose closing waits for the resolver's
    threads: a hung DNS look-up must not hold the caller past the deadline.
    """
    loop = asyncio.new_event_loop()
    log.debug("GET %s (conditional: %s)", url, "yes" if etag or last_modified else "no")
    try:
        got = loop.run_until_complete(
            _fetch_by_deadline(
                url, header_value(etag), header_value(last_modified), max_bytes, timeout
            )
        )
    except FetchError as error:
        log.info("GET %s: %s", url, error)
        raise
    finally:
        loop.close()
    size = "not modified" if got.body is None else f"{len(got.body)} bytes"
    moved = f" (from {got.url})" if got.url != url else ""
    log.info("GET %s: %d, %s%s", url, got.status, size, moved)
    return got


async def _fetch_by_deadline(
    url: str, etag: str | None, last_modified: str | None, max_bytes: int, timeout: float
) -> Fetched:
    try:
        async with asyncio.timeout(timeout):
            return await _fetch(url, etag, last_modified, max_bytes, timeout)
    except (TimeoutError, httpx.TimeoutException):
        raise FetchError(f"timed out after {timeout:g} s") from None
    except httpx.TooManyRedirects:
        raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})") from None
    except httpx.InvalidURL as error:
        raise FetchError(f"invalid URL: {error}") from None
    except httpx.UnsupportedProtocol:
        raise FetchError("only http and https feeds can be fetched") from None
    except httpx.HTTPError as error:
        said = " ".join(str(error).split())[:200]  # one line, whatever the server sent
        raise FetchError(f"network error: {said or 'the connection failed'}") from None


async def _fetch(
    url: str, etag: str | None, last_modified: str | None, max_bytes: int, timeout: float
) -> Fetched:
    headers = {
        "Accept": "application/rss+xml, application/atom+xml, "
        "application/feed+json, application/json, application/xml, text/xml, */*;q=0.5",
        # Only what `_Decoder` undoes; a server sending anything else is refused.
        "Accept-Encoding": "gzip, deflate",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    async with (
        httpx.AsyncClient(
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"User-Agent": USER_AGENT},
            verify=_tls(),
        ) as http,
        http.stream("GET", url, headers=headers) as response,
    ):
        max_age, moved_to = _max_age(response.headers), _moved_to(response)
        if response.status_code == 304:
            return Fetched(str(response.url), 304, None, etag, last_modified, max_age, moved_to)
        if response.status_code >= 400:
            reason = f"HTTP {response.status_code} {response.reason_phrase}".strip()
            wait = None
            if response.status_code in (429, 503):
                wait = retry_after(response.headers.get("retry-after"))
            if wait is not None:
                reason += f": {waiting(wait)}"
            raise FetchError(reason, not_before=wait)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and len(declared) < 20 and int(declared) > max_bytes:
            raise FetchError(_too_large(max_bytes))
        decoder = _Decoder(
            response.headers.get_list("content-encoding", split_commas=True), max_bytes
        )
        wire = 0
        async for raw in response.aiter_raw():
            wire += len(raw)
            if wire > max_bytes:
                raise FetchError(_too_large(max_bytes))
            decoder.feed(raw)
        return Fetched(
            str(response.url),
            response.status_code,
            decoder.finish(),
            header_value(response.headers.get("etag")),
            header_value(response.headers.get("last-modified")),
            max_age,
            moved_to,
        )


_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d{1,12})\"?\s*(?:,|$)", re.IGNORECASE)


def _max_age(headers: httpx.Headers) -> int | None:
    """`Cache-Control: max-age=N` in seconds; None without one, or with `no-store`/`no-cache`
    (which ask for nothing to be kept, so set no floor)."""
    value = ",".join(headers.get_list("cache-control"))[:1000]
    lowered = value.lower()
    if "no-store" in lowered or "no-cache" in lowered:
        return None
    match = _MAX_AGE.search(value)
    return int(match.group(1)) if match else None


def _moved_to(response: httpx.Response) -> str | None:
    """The URL after the run of permanent redirects the request began with, if any: a
    temporary redirect (302/307) after them says nothing about where the feed lives."""
    hops = [*response.history, response]
    moved = None
    for hop, following in pairwise(hops):
        if hop.status_code not in (301, 308):
            break
        moved = str(following.request.url)
    return moved


@cache
def _tls() -> ssl.SSLContext:
    """One context for every fetch: loading the CA bundle costs more than a small fetch."""
    return httpx.create_ssl_context()


class _Decoder:
    """Undoes `Content-Encoding` a piece at a time. No stage emits more than `_PIECE` bytes
    per call and every stage's total output is capped, so memory stays near the cap and the
    work stays linear in it, however the encodings are stacked."""

    def __init__(self, encodings: list[str], cap: int) -> None:
        names = [e.strip().lower() for e in encodings if e.strip().lower() not in ("", "identity")]
        if len(names) > _MAX_ENCODINGS:
            raise FetchError(f"too many content encodings ({len(names)})")
        self.stages = [_stage(name) for name in reversed(names)]
        self.sizes = [0] * (len(self.stages) + 1)
        self.cap = cap
        self.pieces: list[bytes] = []

    def feed(self, data: bytes, level: int = 0) -> None:
        self.sizes[level] += len(data)
        if self.sizes[level] > self.cap:
            raise FetchError(_too_large(self.cap))
        if level == len(self.stages):
            self.pieces.append(data)
            return
        stage = self.stages[level]
        while not stage.inflate.eof:
            try:
                piece = stage.decompress(data)
            except zlib.error:
                raise FetchError("the server sent a damaged compressed body") from None
            data = stage.inflate.unconsumed_tail
            if piece:
                self.feed(piece, level + 1)
            if not data and len(piece) < _PIECE:
                break

    def finish(self) -> bytes:
        for level in range(len(self.stages)):
            self.feed(b"", level)  # drain what each stage still holds
        return b"".join(self.pieces)


class _Stage:
    def __init__(self, wbits: int | None) -> None:
        """`wbits` None: `deflate`, zlib-wrapped by the standard but raw from some servers;
        its first two bytes say which."""
        self.inflate = zlib.decompressobj(wbits or zlib.MAX_WBITS)
        self.head: bytes | None = None if wbits else b""

    def decompress(self, data: bytes) -> bytes:
        """At most `_PIECE` bytes; the rest of `data` waits in `inflate.unconsumed_tail`."""
        if self.head is not None:
            self.head += data
            if len(self.head) < 2:
                return b""
            wrapped = self.head[0] & 0x0F == 8 and int.from_bytes(self.head[:2]) % 31 == 0
            self.inflate = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
            data, self.head = self.head, None
        return self.inflate.decompress(data, _PIECE)


def _stage(name: str) -> _Stage:
    if name in ("gzip", "x-gzip"):
        return _Stage(16 + zlib.MAX_WBITS)
    if name == "deflate":
        return _Stage(None)
    raise FetchError(f"unsupported content encoding {name[:20]!r}")


def retry_after(value: str | None, now: datetime | None = None) -> datetime | None:
    """When a `Retry-After` (seconds or an HTTP date) allows the next fetch, at most
    `MAX_WAIT` from now; None for a missing, past or unreadable value."""
    now = now or datetime.now(UTC)
    value = (value or "").strip()
    if value.isdigit() and value.isascii():
        wait = timedelta(seconds=int(value[:9])) if len(value) <= 9 else MAX_WAIT
        when = now + min(wait, MAX_WAIT)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        # An HTTP date without a zone (`-0000`) is UTC; one with an offset is converted,
        # never relabelled: the store and the notice (`waiting`) get the same instant.
        when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
        when = min(when, now + MAX_WAIT)
    return when if when > now else None


def waiting(when: datetime, why: str = "server asked to wait") -> str:
    """One line saying until when a feed rests: the time alone today, the date otherwise."""
    when = when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
    today = when.date() == datetime.now(UTC).date()
    return f"not before {when:{'%H:%M' if today else '%Y-%m-%d %H:%M'}} UTC ({why})"


def _too_large(cap: int) -> str:
    return f"response too large (over the {cap / 2**20:g} MB cap)"
