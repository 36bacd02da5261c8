"""Files and folders into the store: walk, parse, add in batches, report each refusal."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from newsreader import paths
from newsreader.ingest import ArticleDraft, IngestError
from newsreader.ingest.document import DOCUMENT_SUFFIXES, parse_document
from newsreader.ingest.opml import Subscription
from newsreader.store.store import BATCH, Store

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from newsreader.newsboat import Kind


@dataclass
class ImportReport:
    added: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(path, one-line reason) for every document refused, and every feed entry left out
    (its reason then starts `entry N:`)."""
    subscriptions: list[Subscription] = field(default_factory=list)
    """Feeds named by OPML files among the documents."""
    subscribed: int = 0
    newsboat: list[tuple[Kind, Path]] = field(default_factory=list)
    """newsboat's files among the paths (kind, path): imported after the documents."""
    done: list[tuple[str, str]] = field(default_factory=list)
    """(path, what importing it did), for files that say more than the summary."""
    notes: list[tuple[str, str]] = field(default_factory=list)
    """(path, reason) for parts of a file left out while the rest was imported."""

    @property
    def failed(self) -> bool:
        return bool(self.skipped)

    def summary(self) -> str:
        line = f"{self.added} added, {self.unchanged} unchanged, {len(self.skipped)} skipped"
        if self.subscriptions or self.subscribed:
            line += f"; {self.subscribed} feeds subscribed (`newsreader refresh` fetches them)"
        return line


def walk(paths_: Iterable[Path], report: ImportReport) -> Iterator[Path]:
    """Files named directly, and supported files found (at any depth) in folders named.

    Symlinked folders are followed once each, so a symlink loop cannot trap the walk (and a
    folder reached twice is not an error: its files are imported once). Hidden entries in
    folders (`.git`, macOS `._name.txt` resource forks) are passed over; name them to import.
    """
    seen: set[tuple[int, int]] = set()
    for path in paths_:
        try:
            is_dir, exists = path.is_dir(), path.exists() or path.is_symlink()
        except OSError as error:
            report.skipped.append((str(path), f"cannot read: {_strerror(error)}"))
            continue
        if is_dir:
            yield from _walk_dir(path, seen, report)
        elif exists:
            yield path
        else:
            report.skipped.append((str(path), "no such file or folder"))


def _walk_dir(root: Path, seen: set[tuple[int, int]], report: ImportReport) -> Iterator[Path]:
    """Depth first, in name order, with a stack rather than recursion: how deep folders go
    is the input's choice, and no depth may exhaust ours."""
    stack: list[Iterator[tuple[Path, bool]]] = [iter([(root, True)])]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif item[1]:
            stack.append(iter(_listing(item[0], seen, report)))
        elif item[0].suffix.lower() in DOCUMENT_SUFFIXES:
            yield item[0]


def _listing(
    folder: Path, seen: set[tuple[int, int]], report: ImportReport
) -> list[tuple[Path, bool]]:
    """(path, is a folder) for the folder's visible entries, in name order; none when it was
    listed already, or cannot be listed: that is this folder's reported error, no one else's."""
    try:
        st = folder.stat()
        if (st.st_dev, st.st_ino) in seen:
            return []
        seen.add((st.st_dev, st.st_ino))
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not e.name.startswith(".")), key=_name)
        return [(Path(entry.path), _is_dir(entry)) for entry in entries]
    except OSError as error:
        report.skipped.append((str(folder), f"cannot read folder: {_strerror(error)}"))
        return []


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _strerror(error: OSError) -> str:
    return error.strerror or "system error"


def documents(files: Iterable[Path], report: ImportReport) -> Iterator[Path]:
    """The files that are documents; newsboat's files are set aside in the report, to be
    imported after the documents (they need the store)."""
    from newsreader.newsboat import newsboat_kind

    for path in files:
        if (kind := newsboat_kind(path)) is not None:
            report.newsboat.append((kind, path))
        else:
            yield path


def drafts_from(files: Iterable[Path], report: ImportReport) -> Iterator[ArticleDraft]:
    for path in files:
        try:
            document = parse_document(path)
        except IngestError as error:
            report.skipped.append((str(path), str(error)))
            continue
        report.skipped.extend((str(path), reason) for reason in document.skipped)
        report.subscriptions.extend(document.subscriptions)
        yield from document.drafts


STDIN = "-"
"""How a report names standard input (as `import -` is typed)."""


def import_paths(
    store: Store,
    paths_: Iterable[Path],
    on_skip: Callable[[str, str], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    stdin: bytes | None = None,
) -> ImportReport:
    """Import files and folders, and `stdin` (standard input's bytes, one document or
    feed) when given. `on_progress(done, total)` hears of each file read; with it the
    folders are walked first, so that the total is known."""
    from newsreader.import_work import Prepared, read_groups, rebatch

    report = ImportReport()
    if stdin is not None:
        _import_data(store, stdin, report)
    files: Iterable[str | Path] = documents(walk(paths_, report), report)
    total = 0
    if on_progress is not None:
        files = list(map(str, files))  # a third of the memory of the paths (100k: 40 MB)
        total = len(files)

    def read() -> Iterator[Prepared]:
        done = 0
        for group in read_groups(files):
            for file in group.files:
                done += 1
                if on_progress is not None:
                    on_progress(done, total)
                if file.error is not None:
                    report.skipped.append((file.path, file.error))
                report.skipped.extend((file.path, reason) for reason in file.skipped)
                report.subscriptions.extend(file.subscriptions)
            yield group.drafts, group.analysed, group.signatures

    batches = (
        (drafts, functools.partial(_given, a), functools.partial(_given, s))
        for drafts, a, s in _released(rebatch(read(), BATCH))
    )
    result = store.add_analysed(batches)
    report.added += result.added
    report.unchanged += result.unchanged
    if report.subscriptions:
        report.subscribed = subscribe(store, report.subscriptions)
    _import_newsboat(store, report)
    for path, reason in report.notes:
        log.info("import: %s: %s", path, reason)
    for path, reason in report.skipped:
        log.warning("import: skipped %s: %s", path, reason)
    log.info("import: %s", report.summary())
    if on_skip:
        for path, reason in report.notes + report.skipped:
            on_skip(path, reason)
    return report


def _import_data(store: Store, data: bytes, report: ImportReport) -> None:
    """Standard input's document, sniffed as a file's is: too small a job for the workers."""
    from newsreader.ingest.document import parse_data

    try:
        document = parse_data(data, "stdin")
    except IngestError as error:
        report.skipped.append((STDIN, str(error)))
        return
    report.skipped.extend((STDIN, reason) for reason in document.skipped)
    report.subscriptions.extend(document.subscriptions)
    result = store.add(document.drafts)
    report.added += result.added
    report.unchanged += result.unchanged


def _import_newsboat(store: Store, report: ImportReport) -> None:
    """newsboat's urls files first (names, tags), then caches (articles, state)."""
    from newsreader.newsboat import import_newsboat

    for kind, path in sorted(report.newsboat, key=lambda item: item[0] != "urls"):
        moved = import_newsboat(store, path, kind)
        report.added += moved.added
        report.unchanged += moved.unchanged
        report.subscribed += moved.subscribed
        report.notes.extend((str(path), note) for note in moved.notes)
        if moved.done:
            report.done.append((str(path), moved.done))
        report.skipped.extend((str(path), failure) for failure in moved.failures)


_T = TypeVar("_T")


def _released(batches: Iterable[_T]) -> Iterator[_T]:
    """Each batch, and once it is written, the memory it freed handed back to the system:
    the C allocator keeps freed memory for reuse, and a batch's texts, strewn among what
    lives on, left ~100 MB held at 100k articles that no later batch reused."""
    trim = _malloc_trim()
    for batch in batches:
        yield batch
        trim()


def _malloc_trim() -> Callable[[], object]:
    """glibc's `malloc_trim(0)`, or nothing where the C library has none."""
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library's, as loaded already
    except (OSError, AttributeError):
        return lambda: None
    return lambda: trim(0)


def _given(made: _T) -> _T:
    """What a worker made already, asked for as `add_analysed` asks for it."""
    return made


def subscribe(store: Store, subscriptions: Iterable[Subscription]) -> int:
    """Add the feeds not subscribed to yet; returns how many were new."""
    from newsreader.store.feed_tags import tag_feed_by_url
    from newsreader.store.feeds import AlreadySubscribed, add_feed

    added = 0
    for sub in subscriptions:
        try:
            add_feed(store, sub.url, sub.title if sub.title != sub.url else "")
            added += 1
            log.info("import: subscribed to %s", sub.url)
        except AlreadySubscribed:
            pass
        tag_feed_by_url(store, sub.url, sub.tags)  # its OPML folders (an old feed's too)
    return added


def seed(store: Store) -> None:
    """Load the bundled seed documents into a store that has never had them."""
    report = ImportReport()
    files = sorted(paths.seeds_dir().glob("*.txt"))
    store.seed_once(drafts_from(files, report))
