"""The one way a local path is read: import, local feeds and seeds all come through here.

A path a person names (or a feed they subscribed to) may be swapped at any moment for a
FIFO, a device or a folder. So the file is opened non-blocking (a FIFO cannot hang the
open), checked on the open descriptor (nothing can be swapped in between), and read only
up to the cap (a device that never ends cannot grow the read).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from newsreader.ingest.draft import IngestError

_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)


def read_local(path: Path, cap: int) -> bytes:
    """The bytes of the regular file at `path` (symlinks followed), at most `cap` of them;
    otherwise `IngestError` with the reason in a few words."""
    try:
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        raise IngestError("broken symbolic link" if path.is_symlink() else "no such file") from None
    except OSError as error:
        raise IngestError(_os_reason(error, path)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise IngestError(f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > cap:
            raise IngestError(f"too large (over the {_size(cap)} cap)")
        return _read_capped(fd, cap, first=info.st_size + 1)
    except OSError as error:
        raise IngestError(_os_reason(error, path)) from None
    finally:
        os.close(fd)


STDIN_NAMES = frozenset({"-", "/dev/stdin", "/dev/fd/0"})
"""What `import` takes as standard input (read once, whatever it is)."""


def read_stdin(cap: int, fd: int = 0) -> bytes:
    """Standard input (a pipe, a redirected file or device), at most `cap` bytes; otherwise
    `IngestError`. A pipe has no size to check first, so the cap is what bounds the read;
    a terminal is refused rather than waited on."""
    try:
        if os.isatty(fd):
            raise IngestError("standard input is a terminal: pipe a document or a feed into it")
        return _read_capped(fd, cap, first=64 * 1024)
    except OSError as error:
        raise IngestError(
            f"cannot read standard input: {error.strerror or 'system error'}"
        ) from None


def _read_capped(fd: int, cap: int, first: int) -> bytes:
    """At most `cap` bytes from `fd`, asking for `first` at first and then a megabyte at a
    time, never the whole cap at once: a read allocates what it asks for, and most files are
    a few kilobytes. `IngestError` when there is more than `cap`."""
    chunks, left, want = [], cap + 1, first
    while left > 0:
        chunk = os.read(fd, min(want, left))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
        want = 2**20
    if left <= 0:
        raise IngestError(f"too large (over the {_size(cap)} cap)")
    return b"".join(chunks)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def _os_reason(error: OSError, path: Path) -> str:
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, IsADirectoryError):
        return "not a regular file (a folder)"
    if error.errno == errno.ENXIO:  # what opening a socket (or an absent device) gives
        try:
            return f"not a regular file ({_kind(os.stat(path).st_mode)})"
        except OSError:
            pass
    return f"cannot read: {error.strerror or 'system error'}"


def _size(count: int) -> str:
    if count >= 2**20:
        return f"{count / 2**20:g} MB"
    if count >= 2**10:
        return f"{count / 2**10:g} KB"
    return f"{count} bytes"
