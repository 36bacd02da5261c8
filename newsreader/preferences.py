"""The reader's preferences: a small TOML file in the config dir, read at start.

Anything missing or not understood in the file falls back to its default (a hand-edited
file never stops the app from opening). Written with a tiny TOML writer: the values are
only strings, booleans and integers.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Final

SORTS: Final = ("newest", "oldest", "source", "title")
"""The list orders, in the order the sort key steps through them."""
MIN_LIST_WIDTH: Final = 30
MAX_LIST_WIDTH: Final = 100


@dataclass(frozen=True, slots=True)
class Preferences:
    theme: str = ""
    """A Textual theme name; empty for the default."""
    sort: str = "newest"
    """The list order when not searching: one of `SORTS`."""
    read_on_open: bool = True
    """Opening an article marks it read."""
    list_width: int = 0
    """Width of the article list in cells; 0 for the default (a share of the screen)."""
    last_article: int = 0
    """The article highlighted when the app last closed (0: none)."""

    def with_(self, **changes: Any) -> Preferences:
        return validated(replace(self, **changes))


def validated(prefs: Preferences) -> Preferences:
    """Out-of-range values replaced by their defaults."""
    default = Preferences()
    width = prefs.list_width
    return replace(
        prefs,
        sort=prefs.sort if prefs.sort in SORTS else default.sort,
        list_width=width if width == 0 or MIN_LIST_WIDTH <= width <= MAX_LIST_WIDTH else 0,
        last_article=max(0, prefs.last_article),
    )


def load(path: Path) -> Preferences:
    """The preferences in `path`; defaults for a missing or unreadable file or value."""
    from newsreader.ingest.draft import IngestError
    from newsreader.ingest.local import read_local  # regular files only, capped

    try:
        data = tomllib.loads(read_local(path, cap=2**20).decode("utf-8"))
    except (IngestError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return Preferences()
    values: dict[str, Any] = {}
    for field in fields(Preferences):
        value = data.get(field.name)
        default = getattr(Preferences(), field.name)
        # bool is an int: compare exact types, so `list_width = true` is not 1.
        if value is not None and type(value) is type(default):
            values[field.name] = value
    return validated(Preferences(**values))


def dumps(prefs: Preferences) -> str:
    lines = ["# newsreader preferences: rewritten by the app whenever one changes"]
    for key, value in asdict(prefs).items():
        lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    escaped = "".join(
        {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch)
        or (f"\\u{ord(ch):04x}" if ord(ch) < 0x20 or ord(ch) == 0x7F else ch)
        for ch in text
    )
    return f'"{escaped}"'


def save(prefs: Preferences, path: Path) -> None:
    """Write atomically: a crash mid-write leaves the old file, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(dumps(prefs), encoding="utf-8")
    os.replace(temporary, path)
