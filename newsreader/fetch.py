"""Fetching feeds over HTTP the way trusted readers do.

Timeouts, a size cap enforced while streaming (a 40 MB body is cut off at the cap, not
read), a redirect limit, a clear User-Agent, and conditional GET so an unchanged feed costs
one 304.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from newsreader import __version__
from newsreader.ingest.feed import MAX_FEED_BYTES

USER_AGENT = f"newsreader/{__version__} (+terminal news reader)"
TIMEOUT_SECONDS = 15.0
MAX_REDIRECTS = 5


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    """Where the body came from, after redirects."""
    status: int
    body: bytes | None
    """None for 304 Not Modified."""
    etag: str | None
    last_modified: str | None


class FetchError(Exception):
    """One line saying why a feed could not be fetched."""


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = MAX_FEED_BYTES,
    timeout: float = TIMEOUT_SECONDS,
    client: httpx.Client | None = None,
) -> Fetched:
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, "
        "application/feed+json, application/json, application/xml, text/xml, */*;q=0.5",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own = client is None
    http = client or make_client(timeout)
    try:
        with http.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return Fetched(str(response.url), 304, None, etag, last_modified)
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(_too_large(int(declared), max_bytes))
            chunks: list[bytes] = []
            size = 0
            deadline = time.monotonic() + timeout  # a server that drips bytes still ends
            for chunk in response.iter_bytes():
                if time.monotonic() > deadline:
                    raise FetchError(f"timed out after {timeout:g} s")
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(_too_large(size, max_bytes))
                chunks.append(chunk)
            return Fetched(
                str(response.url),
                response.status_code,
                b"".join(chunks),
                response.headers.get("etag"),
                response.headers.get("last-modified"),
            )
    except httpx.TooManyRedirects:
        raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})") from None
    except httpx.TimeoutException:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except httpx.InvalidURL as error:
        raise FetchError(f"invalid URL: {error}") from None
    except httpx.UnsupportedProtocol:
        raise FetchError("only http and https feeds can be fetched") from None
    except httpx.HTTPError as error:
        raise FetchError(f"network error: {error or type(error).__name__}") from None
    finally:
        if own:
            http.close()


def make_client(timeout: float = TIMEOUT_SECONDS) -> httpx.Client:
    return httpx.Client(
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        headers={"User-Agent": USER_AGENT},
    )


def _too_large(size: int, cap: int) -> str:
    return f"response too large (over {cap // 2**20} MB cap; got {size // 2**20}+ MB)"
