"""Where newsreader keeps its data, and where its shipped resources live.

The wheel carries `styles/` and `seeds/` under `newsreader/_shipped/`; a source checkout
(editable install, running from the repo) has them at the top level instead.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

APP_NAME = "newsreader"
DB_ENV = "NEWSREADER_DB"
_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    for candidate in (_PACKAGE / "_shipped" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"newsreader is missing its {name}/ folder (reinstall it)")


def styles_dir() -> Path:
    return _shipped("styles")


def stylesheet() -> Path:
    return styles_dir() / "newsreader.tcss"


def seeds_dir() -> Path:
    return _shipped("seeds")


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    return data_dir() / "newsreader.db"


class StoreUrlError(ValueError):
    """`--db` / `NEWSREADER_DB` names no store newsreader can use; one line saying why."""

    exit_code = 2  # a value mistyped: a usage error


class StoreFileError(StoreUrlError):
    """The store's path is there but is not a regular file (a folder, a device, a pipe)."""

    exit_code = 1


SUPPORTED = "a file path, sqlite:///PATH or postgresql+psycopg://USER@HOST/DATABASE"
_DRIVERS = {
    "sqlite": "sqlite3",
    "sqlite+pysqlite": "sqlite3",
    "postgresql": "psycopg",
    "postgresql+psycopg": "psycopg",
    "postgresql+psycopg2": "psycopg2",
    "postgresql+pg8000": "pg8000",
}
"""The URL schemes newsreader opens, and the module each needs (SQLAlchemy 2.1's default
PostgreSQL driver is psycopg)."""
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]+):(//)?")


def db_url(value: str | None = None) -> str:
    """Turn `--db` / `NEWSREADER_DB` (a path or a SQLAlchemy URL) into a URL.

    Checked before anything is opened, so a mistyped value creates no file anywhere:
    `StoreUrlError` for an unsupported database, a URL missing its `//` (`sqlite:x.db`
    would otherwise be a file named so in the current folder), a SQLite URL with a host
    (`sqlite://x.db`: an in-memory store that keeps nothing), and a path that is not a
    regular file (a folder, /dev/null, a FIFO that would block). Standard library only:
    `unread-count` calls this on every status-bar refresh.
    """
    value = value or os.environ.get(DB_ENV) or None
    if not value:
        return f"sqlite:///{_regular_file(default_db_path()).resolve()}"
    if not value.isprintable():  # a line break, a tab, NUL, a bidi control: a mistake
        raise StoreUrlError("contains a control or invisible character")
    scheme = _SCHEME.match(value)
    if scheme is None:
        if "://" in value:
            raise StoreUrlError(f"not a database URL; use {SUPPORTED}")
        return f"sqlite:///{_regular_file(_expanded(value)).resolve()}"
    name, rest = scheme.group(1), value[scheme.end() :]
    if scheme.group(2) is None:
        as_file = "" if "/" in value else f"; for a file of that name write ./{value}"
        if name not in _DRIVERS:
            raise StoreUrlError(f"unsupported database {name!r}{as_file or '; use ' + SUPPORTED}")
        fix = f"{name}:///{rest}" if name.startswith("sqlite") else f"{name}://{rest.lstrip('/')}"
        raise StoreUrlError(f'a URL needs "//" after "{name}:" ({fix}){as_file}')
    module = _DRIVERS.get(name)
    if module is None:
        raise StoreUrlError(f"unsupported database {name!r}; use {SUPPORTED}")
    if name.startswith("sqlite"):
        _sqlite_location(rest)
    else:
        _server_location(value)
    _installed(name, module)
    return value


def _sqlite_location(rest: str) -> None:
    """After `sqlite://`: nothing (in memory) or `/PATH`, and no options."""
    if not rest:
        return
    if not rest.startswith("/"):
        raise StoreUrlError(
            f"a SQLite URL has no host: sqlite:///{rest} (relative) or sqlite:////PATH (absolute)"
        )
    if "?" in rest:
        raise StoreUrlError("a SQLite URL takes no ?options (newsreader sets them itself)")
    path = rest[1:]
    if not path:
        raise StoreUrlError("names no file: sqlite:///PATH, or sqlite:// for a store in memory")
    if path != ":memory:":
        from urllib.parse import unquote

        _regular_file(_expanded(unquote(path)))


def _server_location(url: str) -> None:
    """A server URL SQLAlchemy can parse (it is imported here only: no SQLite store needs it)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(url)
    except (ArgumentError, ValueError):
        raise StoreUrlError(f"not a valid database URL; use {SUPPORTED}") from None


def _installed(name: str, module: str) -> None:
    from importlib.util import find_spec

    if find_spec(module) is None:
        extra = (
            " (install newsreader with its postgres extra: '.[postgres]')"
            if module == "psycopg"
            else ""
        )
        raise StoreUrlError(f"{name} needs the {module} package, which is not installed{extra}")


def _expanded(text: str) -> Path:
    try:
        return Path(text).expanduser()
    except RuntimeError:  # `~nobody-here/x.db`
        raise StoreUrlError(f"{text.split('/')[0]} names no home folder") from None


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
)


def _regular_file(path: Path) -> Path:
    """A store is a regular file, or none yet: never opened if it is anything else."""
    try:
        mode = path.stat().st_mode
    except OSError:  # not there yet (created on open), or unreachable (reported on open)
        return path
    for test, kind in _KINDS:
        if test(mode):
            raise StoreFileError(f"it is {kind}, not a file")
    return path


def config_dir() -> Path:
    """Where the person's config file lives (honours XDG_CONFIG_HOME)."""
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def config_path() -> Path:
    """The person's settings: written by them, never by the app (`newsreader.config`)."""
    return config_dir() / "config.toml"


def state_path() -> Path:
    """What the app remembers (theme, order, list width, last article): the app's own file
    (`newsreader.preferences`), in the platform state dir (honours XDG_STATE_HOME)."""
    from platformdirs import user_state_path

    return user_state_path(APP_NAME, appauthor=False) / "state.toml"


def old_preferences_path() -> Path:
    """Where that state was kept before it had a file of its own: moved once, see
    `preferences.migrate`."""
    return config_dir() / "preferences.toml"


def log_dir() -> Path:
    """Where the log is written (the platform's log folder; honours XDG_STATE_HOME)."""
    from platformdirs import user_log_path

    return user_log_path(APP_NAME, appauthor=False)


def log_path() -> Path:
    return log_dir() / "newsreader.log"
