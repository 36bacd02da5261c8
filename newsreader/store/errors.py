"""Database failures worded for the user: one line that names the store and the way out."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError

from newsreader.store.engine import StoreError

DOCTOR_HINT = (
    "run `newsreader doctor` to check it, or `newsreader doctor --rebuild` to move it aside "
    "and start a fresh store"
)


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL; None for other databases and in-memory stores."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def store_name(url: str) -> str:
    path = sqlite_path(url)
    return str(path) if path is not None else make_url(url).render_as_string(hide_password=True)


def describe_error(url: str, error: BaseException, *, done: str = "") -> str:
    """One line for a database error. `done`: what was already saved, if anything."""
    # The driver's own message, first line only: PostgreSQL's next lines quote the SQL.
    lines = str(getattr(error, "orig", None) or error).split("[SQL", 1)[0].strip().splitlines()
    text = " ".join(lines[0].split()) if lines else "no details"
    lowered = text.lower()
    name = store_name(url)
    saved = f"; {done}" if done else ""
    if "readonly" in lowered.replace(" ", "") or "read-only" in lowered:
        return f"the store {name} is read-only (its file or folder cannot be written){saved}"
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return (
            f"the disk holding {name} is full (or the store hit its size limit): the write was "
            f"rolled back{saved}; free some space and try again"
        )
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return f"{name} is not a newsreader store or is damaged ({text}): {DOCTOR_HINT}"
    if "unable to open database file" in lowered:
        return f"cannot open the store {name}: {_why_unopenable(sqlite_path(url))}"
    if "locked" in lowered or "busy" in lowered:
        return f"the store {name} stayed busy (another newsreader is writing to it); try again"
    return f"store error on {name}: {text}"


def _why_unopenable(path: Path | None) -> str:
    if path is None:
        return "the database refused the connection"
    if path.is_dir():
        return "it is a folder, not a file"
    if not path.parent.is_dir():
        return f"the folder {path.parent} does not exist"
    if not os.access(path.parent, os.W_OK):
        return (
            f"the folder {path.parent} is read-only (the store needs to write beside its "
            "file, even to be read)"
        )
    return "the file or its folder cannot be read or written"


@contextmanager
def translated(url: str) -> Iterator[None]:
    """Turn a driver error inside the block into a `StoreError` the user can read."""
    try:
        yield
    except DatabaseError as error:
        raise StoreError(describe_error(url, error)) from error
