"""The plain record that ingest hands to the store."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import datetime

WORDS_PER_MINUTE = 230


class IngestError(Exception):
    """A document that cannot become an article; the message is one line for the user."""


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
