"""The plain record that ingest hands to the store."""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import ParamSpec, TypeVar

WORDS_PER_MINUTE = 230
UNEXPECTED = "unreadable: the parser failed on something in it"
"""The reason given when a parser fails in a way no check foresaw. The fuzz tests hold that
no input they make reaches it: every refusal they see has its own reason."""

P = ParamSpec("P")
R = TypeVar("R")


class IngestError(Exception):
    """A document that cannot become an article; the message is one line for the user."""


def refusing(parse: Callable[P, R]) -> Callable[P, R]:
    """A parser's promise, kept even where its checks or a library miss something: it
    returns, or raises `IngestError`, and one bad document never aborts a batch."""

    @functools.wraps(parse)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return parse(*args, **kwargs)
        except IngestError:
            raise
        except Exception:  # a library's bug or our own, met on hostile input (or too deep)
            raise IngestError(UNEXPECTED) from None

    return guarded


def utc(moment: datetime) -> datetime | None:
    """The moment in UTC (naive means UTC), or None where it cannot be placed: so far out
    that the shift to UTC or to a reader's own zone would leave the calendar."""
    try:
        moment = moment.replace(tzinfo=UTC) if moment.utcoffset() is None else moment
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return moment if 1 < moment.year < 9999 else None


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    title: str
    body: str
    source: str
    origin: str
    author: str = ""
    url: str | None = None
    published_at: datetime | None = None
    summary: str = field(default="")
    guid: str | None = None
    """A feed entry's own identity (guid, else link): an updated entry keeps its article."""
    tags: tuple[str, ...] = ()
    """The entry's categories (RSS `<category>`, Atom `category`, JSON Feed `tags`)."""

    @property
    def word_count(self) -> int:
        return self.identity()[1]

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(self.word_count)

    @property
    def fingerprint(self) -> str:
        return self.identity()[0]

    def identity(self) -> tuple[str, int]:
        return identity(self.title, self.body)

    def __reduce__(self) -> tuple[type[ArticleDraft], tuple[object, ...]]:
        """Pickled as its fields, rebuilt by `__init__`: an import's workers send every
        draft to the writer, and the generated per-field state costs ~2x as much."""
        return ArticleDraft, (
            self.title,
            self.body,
            self.source,
            self.origin,
            self.author,
            self.url,
            self.published_at,
            self.summary,
            self.guid,
            self.tags,
        )


def identity(title: str, body: str) -> tuple[str, int]:
    """(fingerprint, word count) from one pass over the body: the import hot path.

    The fingerprint identifies the content whatever its spacing, so re-importing the same
    text adds nothing.
    """
    words = body.split()
    digest = hashlib.blake2b(digest_size=16)
    digest.update(" ".join(title.split()).casefold().encode())
    digest.update(b"\x00")
    digest.update(" ".join(words).encode())
    return digest.hexdigest(), len(words)


def reading_minutes(word_count: int) -> int:
    return max(1, math.ceil(word_count / WORDS_PER_MINUTE)) if word_count else 0


_DRAFT_TEXT = ("title", "body", "source", "origin", "author", "url", "summary", "guid")
SHORT_TEXT = 512
"""`source` and `author` are VARCHAR(512): PostgreSQL enforces it (SQLite does not)."""
GUID_BYTES = 2000
"""A guid is a unique-index key: PostgreSQL's btree keys must stay under ~2700 bytes."""


def storable(d: ArticleDraft) -> ArticleDraft:
    """`d` as every backend can store it, cut the same way on each (so a draft is the same
    article, fingerprint and feed entry wherever it is stored): no NUL characters, which
    PostgreSQL text cannot hold; `source` and `author` within their columns; a guid within
    an index key."""
    if (
        len(d.source) <= SHORT_TEXT
        and len(d.author) <= SHORT_TEXT
        and (not d.guid or len(d.guid) * 4 <= GUID_BYTES)
        and not any(v and "\x00" in v for v in (d.title, d.body, d.source, d.origin))
        and not any(v and "\x00" in v for v in (d.author, d.url, d.summary, d.guid))
    ):
        return d  # the common case, at the cost of a few searches for one byte
    fields = {name: getattr(d, name) for name in _DRAFT_TEXT}
    fixed = {k: v.replace("\x00", "") for k, v in fields.items() if v and "\x00" in v}
    for name in ("source", "author"):
        value = fixed.get(name, fields[name])
        if len(value) > SHORT_TEXT:
            fixed[name] = value[:SHORT_TEXT].rstrip()
    guid = fixed.get("guid", d.guid)
    if guid and len(guid) * 4 > GUID_BYTES and len(guid.encode()) > GUID_BYTES:
        fixed["guid"] = guid.encode()[:GUID_BYTES].decode(errors="ignore")
    return replace(d, **fixed) if fixed else d
