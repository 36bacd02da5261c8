"""Where newsreader keeps its data, and where its shipped resources live.

The wheel carries `styles/` and `seeds/` under `newsreader/_shipped/`; a source checkout
(editable install, running from the repo) has them at the top level instead.
"""

from __future__ import annotations

import os
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


def db_url(value: str | None = None) -> str:
    """Turn `--db` / `NEWSREADER_DB` (a path or a SQLAlchemy URL) into a URL."""
    value = value or os.environ.get(DB_ENV) or None
    if value and "://" in value:
        return value
    path = Path(value).expanduser() if value else default_db_path()
    return f"sqlite:///{path.resolve()}"


def config_dir() -> Path:
    """Where preferences live (honours XDG_CONFIG_HOME)."""
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def preferences_path() -> Path:
    return config_dir() / "preferences.toml"
