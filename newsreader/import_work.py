"""An import's work on files, done by worker processes: read, parse and analyse a group.

Reading a feed costs about what tokenizing it does (a 1,000-item feed: ~0.06 s parsing on
the fast path, ~0.05 s turning entries of bare paragraphs into text, where lxml and
inscriptis take ~0.3 s for other HTML, ~0.15 s tokenizing; ~0.5 s parsing when it falls
back to feedparser), so a big import hands whole groups of files to the workers, which
parse them and work out their terms; the importing process writes what comes back, in
order, and reads half a group itself whenever it would otherwise wait. Imports no
SQLAlchemy: this module and what it imports are what a worker loads (~40 MB a process with
the store).
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.ingest.document import parse_document
from newsreader.ingest.draft import ArticleDraft, IngestError, storable
from newsreader.ingest.opml import Subscription
from newsreader.search.analysis import Analysed, Analyser, analyse, workers
from newsreader.stories.signature import Signatures, signatures

GROUP_BYTES = 6 * 2**20
"""File bytes a worker takes at once: half a dozen 1,000-item feeds. Each group is an index
segment or two (fewer, bigger segments are fewer merges); a bigger one holds more memory in
the worker (~110 MB at this size, tokenizing) and in the writer, which holds a few."""
GROUP_FILES = 1250
"""Files a worker takes at once: half a write batch of short articles, so that batches
take whole groups (cutting one costs a copy of its postings)."""
SIGN_AT_ONCE = 250
"""Articles whose story signatures are made in one numpy pass."""


@dataclass(frozen=True, slots=True)
class FileRead:
    path: str
    error: str | None = None
    """Why the file was refused as a whole."""
    skipped: list[str] = field(default_factory=list)
    """`entry N: reason` for each entry left out."""
    subscriptions: list[Subscription] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Group:
    """What a group of files holds: each file's outcome, in order, and the articles of all
    of them (storable, see `storable`) with their analysis and story signatures."""

    files: list[FileRead]
    drafts: list[ArticleDraft]
    analysed: Analysed
    signatures: Signatures


def read_group(paths: Sequence[str | Path]) -> Group:
    """Parse each file and analyse the articles found: one bad file is its own refusal."""
    files: list[FileRead] = []
    drafts: list[ArticleDraft] = []
    for path in map(Path, paths):
        try:
            document = parse_document(path)
        except IngestError as error:
            files.append(FileRead(str(path), str(error)))
            continue
        files.append(FileRead(str(path), None, document.skipped, document.subscriptions))
        drafts.extend(map(storable, document.drafts))
    analysed = analyse([(d.title, d.source, d.body) for d in drafts])
    # Signed a slice at a time (each body's signature is its own): signing a whole group at
    # once held ~50 MB of temporaries, the largest part of a worker's peak.
    signed = Signatures.join(
        [
            signatures([d.body for d in part], [d.source for d in part])
            for part in (
                drafts[at : at + SIGN_AT_ONCE] for at in range(0, len(drafts), SIGN_AT_ONCE)
            )
        ]
    )
    return Group(files, drafts, analysed, signed)


def groups(files: Iterable[str | Path]) -> Iterator[list[str | Path]]:
    """Consecutive files in groups of about `GROUP_BYTES` (by their size on disk now; one
    that cannot be looked at counts as empty, and its reader reports why)."""
    group: list[str | Path] = []
    size = 0
    for path in files:
        with contextlib.suppress(OSError):
            size += os.stat(path).st_size
        group.append(path)
        if size >= GROUP_BYTES or len(group) >= GROUP_FILES:
            yield group
            group, size = [], 0
    if group:
        yield group


def read_groups(files: Iterable[str | Path]) -> Iterator[Group]:
    """Each group of `files`, read, in order. When there is more than one group and more
    than one core, worker processes read them, a few groups ahead of the caller (so they
    keep working while it writes, and memory stays bounded)."""
    ahead = groups(files)
    first = next(ahead, None)
    if first is None:
        return
    second = next(ahead, None)
    if second is None:
        yield read_group(first)
        return
    with Analyser(parallel=True) as pool:
        pending: deque[tuple[list[str | Path], Future[Group] | Group | None]] = deque()
        rest = itertools.chain([first, second], ahead)

        def top_up() -> bool:
            """A group for each worker; False once there are no more."""
            while sum(not isinstance(f, Group) for _, f in pending) < workers():
                if (group := next(rest, None)) is None:
                    return False
                pending.append((group, pool.start(read_group, group)))
            return True

        def result(paths: list[str | Path], future: Future[Group] | Group | None) -> Group:
            if isinstance(future, Group):
                return future
            if future is not None:
                try:
                    return future.result()
                except BrokenProcessPool:  # a worker died (killed, out of memory)
                    pool.broken()
            return read_group(paths)

        left = top_up()
        while pending:
            head = pending[0][1]
            # The caller would wait: it reads half the next group itself meanwhile (one
            # half at most, and the workers read the other half). On 2 cores a worker
            # reads an article in about twice the time the caller takes to write it.
            busy = isinstance(head, Future) and not head.done()
            if left and busy and not any(isinstance(f, Group) for _, f in pending):
                if (group := next(rest, None)) is None:
                    left = False
                else:
                    mine, theirs = group[: len(group) // 2], group[len(group) // 2 :]
                    pending.append((theirs, pool.start(read_group, theirs)))
                    if mine:
                        pending.insert(len(pending) - 1, (mine, read_group(mine)))
            done = result(*pending.popleft())
            left = left and top_up()  # the workers read on while the caller writes
            yield done


Prepared = tuple[list[ArticleDraft], Analysed, Signatures]
"""Drafts with their analysis and story signatures, row for row."""


def rebatch(parts: Iterable[Prepared], size: int) -> Iterator[Prepared]:
    """The drafts of `parts` (with their analysis and signatures) cut into batches of
    `size`, as `Store.add` cuts them: each batch is a transaction, and its articles share
    one import time (the recency that orders equal hits), so an import's batches do not
    depend on how the files were grouped for the workers."""
    drafts: list[ArticleDraft] = []
    analysed: list[Analysed] = []
    signed: list[Signatures] = []
    for more, analysis, sigs in parts:
        drafts += more
        analysed.append(analysis)
        signed.append(sigs)
        while len(drafts) >= size:
            joined, sigs = Analysed.join(analysed), Signatures.join(signed)
            yield drafts[:size], joined.select(range(size)), sigs.select(range(size))
            rest = range(size, len(drafts))
            drafts = drafts[size:]
            analysed = [joined.select(rest)] if rest else []
            signed = [sigs.select(rest)] if rest else []
    if drafts:
        yield drafts, Analysed.join(analysed), Signatures.join(signed)
