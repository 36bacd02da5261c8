"""Documents as the index and the store need them: terms per document, and identities.

This is most of what an import costs, and one process runs it a core at a time. A big import
hands its batches to worker processes (a core each, but the writer's) while the main process
writes the batch before: `Analyser` decides, and a small batch (a feed refresh) stays
in-process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from newsreader.ingest.draft import identity
from newsreader.search.bulk import term_pairs
from newsreader.search.fields import BODY, SOURCE, TITLE
from newsreader.search.postings import Postings

Text = tuple[str, str, str]
"""(title, source, body)"""

A = TypeVar("A")
R = TypeVar("R")

PARALLEL_MIN = 2000
"""Documents in a batch before worker processes pay for their start (~0.3 s, once)."""


@dataclass(frozen=True, slots=True)
class Analysed:
    """Documents `0..n-1` of a batch: their identities, and their postings in pieces (one
    per worker's share, each a segment as written)."""

    identities: list[tuple[str, int]]
    """(fingerprint, word count) per document."""
    pieces: list[Postings]
    """Consecutive runs of the documents, in order."""

    def select(self, positions: Sequence[int]) -> Analysed:
        """Only the documents at `positions` (ascending), renumbered from 0."""
        if len(positions) == len(self.identities):
            return self
        chosen = np.zeros(len(self.identities), dtype=bool)
        chosen[np.asarray(positions, dtype=np.int64)] = True
        pieces, at = [], 0
        for piece in self.pieces:
            kept = piece.select(chosen[at : at + piece.size])
            at += piece.size
            if kept.size:
                pieces.append(kept)
        return Analysed([self.identities[p] for p in positions], pieces)

    @staticmethod
    def join(parts: Sequence[Analysed]) -> Analysed:
        """Consecutive batches as one."""
        return Analysed(
            [i for part in parts for i in part.identities],
            [piece for part in parts for piece in part.pieces],
        )


def analyse(texts: Sequence[Text]) -> Analysed:
    """Terms and identity of each document: the fields' terms found by one call of the
    numpy tokenizer over every title, source and body of the batch."""
    n = len(texts)
    if not n:
        return Analysed([], [])
    pairs = term_pairs([t[0] for t in texts] + [t[1] for t in texts] + [t[2] for t in texts])
    field, doc = np.divmod(pairs.text, max(n, 1))
    bits = np.array([TITLE, SOURCE, BODY], dtype=np.uint8)[field]
    postings = Postings.from_pairs(n, pairs.names, doc, pairs.term, bits)
    return Analysed([identity(title, body) for title, _, body in texts], [postings])


MAX_WORKERS = 4
"""More would not help: beyond two or three, the one process that writes is the limit (and
a container's CPU quota is not in the affinity mask)."""


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers() -> int:
    """How many worker processes a parallel import uses: a core each, but for the one the
    writing process keeps busy. On 2 cores, 100k text files, the writer takes ~20 s of CPU
    and one worker ~44 s; a second worker holds ~110 MB more (over 400 MB in all), so
    instead the writer reads part of the files itself while it would wait
    (`import_work.read_groups`)."""
    return min(max(cores() - 1, 1), MAX_WORKERS)


def _start_worker(parent: int) -> None:
    """In a worker: leave Ctrl+C to the importing process (which stops cleanly and says
    so in one line), and exit when that process is gone. A worker waits on a queue whose
    write end it holds itself, so a parent killed with -9 would leave it waiting forever,
    holding the terminal's or a caller's pipes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


class Analyser:
    """Analyses batches ahead of the writer: `submit` a batch, later call what it returns.

    With `parallel`, a big batch on a machine of several cores goes to worker processes,
    started on the first such batch and stopped when the analyser is closed (pending work
    is dropped if that happens on an error). They are spawned, not forked (the caller may
    run threads, and a fork copies their locks), so they import the caller's main module
    again: a script that asks for this must guard its entry point with
    `if __name__ == "__main__"`.
    """

    def __init__(self, *, parallel: bool = False) -> None:
        self._parallel = parallel and cores() > 1
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Analyser:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.close(cancel=kind is not None)

    def close(self, *, cancel: bool = False) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=not cancel, cancel_futures=cancel)

    def submit(self, texts: Sequence[Text]) -> Callable[[], Analysed]:
        if len(texts) < PARALLEL_MIN:
            return lambda: analyse(texts)
        step = -(-len(texts) // workers())
        futures = [self.start(analyse, texts[at : at + step]) for at in range(0, len(texts), step)]
        if None in futures:
            return lambda: analyse(texts)

        def result() -> Analysed:
            try:
                return Analysed.join([f.result() for f in futures if f is not None])
            except BrokenProcessPool:  # a worker died (killed, out of memory): do it here
                self.broken()
                return analyse(texts)

        return result

    def start(self, work: Callable[[A], R], arg: A) -> Future[R] | None:
        """`work(arg)` on a worker process, or None (then the caller does it itself) when
        not parallel, or when the workers have failed. `work` must be a module-level
        function; its module, and what it imports, are what a worker loads."""
        if not self._parallel:
            return None
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                workers(),
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
        try:
            return self._pool.submit(work, arg)
        except BrokenProcessPool:
            self._parallel = False
            return None

    def broken(self) -> None:
        """A worker died (killed, out of memory): do the rest in this process."""
        self._parallel = False
