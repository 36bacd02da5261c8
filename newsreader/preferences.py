"""What the app remembers between runs: a small TOML file the app owns (`paths.state_path`).

Theme, order, list width, where the reader was: changed by keys and the palette, saved at
once. The person's own settings are `config.toml` (`newsreader.config`), which the app never
writes. Anything missing or not understood in the file falls back to its default (a hand-edited
file never stops the app from opening), and the reason is kept: a file that could not be
read whole is a person's work in progress, so `save` leaves it untouched. Written with a
tiny TOML writer: the values are only strings, booleans and integers.
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
MAX_BYTES: Final = 64 * 1024
"""A preferences file is a few lines: anything bigger is not one (and is not read whole)."""


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


class PreferencesError(Exception):
    """The file could not be read whole, so it is not written: one line naming it and why."""


_TYPE_NAMES = {bool: "true or false", int: "a whole number", str: "a quoted string"}


def read(path: Path) -> tuple[Preferences, str | None]:
    """The preferences in `path`, and why the file could not be read whole (None when it is
    missing or was read cleanly). What could not be read falls back to its default."""
    from newsreader.ingest.draft import IngestError
    from newsreader.ingest.local import read_local  # regular files only, capped, never blocks

    if not os.path.lexists(path):
        return Preferences(), None
    try:
        text = read_local(path, cap=MAX_BYTES).decode("utf-8")
    except IngestError as error:
        return Preferences(), f"{path} cannot be read: {error}"
    except UnicodeDecodeError as error:
        return Preferences(), f"{path} is not UTF-8 text (byte {error.start + 1})"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return Preferences(), f"{path} is not valid TOML: {' '.join(str(error).split())}"
    default = Preferences()
    values: dict[str, Any] = {}
    problems: list[str] = []
    known = {field.name for field in fields(Preferences)}
    problems += [
        f"unknown setting {key!r:.40}{_line(text, key)}" for key in data if key not in known
    ]
    for name in known & data.keys():
        value, wanted = data[name], type(getattr(default, name))
        # bool is an int: compare exact types, so `list_width = true` is not 1.
        if type(value) is not wanted:
            problems.append(f"{name}{_line(text, name)} should be {_TYPE_NAMES[wanted]}")
            continue
        values[name] = value
    prefs = validated(Preferences(**values))
    problems += [
        f"{name}{_line(text, name)} = {values[name]!r:.40} is out of range"
        for name in values
        if getattr(prefs, name) != values[name]
    ]
    return prefs, f"{path}: {'; '.join(sorted(problems))}" if problems else None


def _line(text: str, key: str) -> str:
    """` (line n)` where `key` is set, for a message; empty when it cannot be found."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.split("=", 1)[0].strip().strip("\"'") == key:
            return f" (line {number})"
    return ""


def load(path: Path) -> Preferences:
    """The preferences in `path`; defaults for a missing or unreadable file or value."""
    return read(path)[0]


def dumps(prefs: Preferences) -> str:
    lines = [
        "# What newsreader remembers: rewritten by the app whenever one changes.",
        "# Your settings go in config.toml (`newsreader config path`).",
    ]
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
    """Write atomically: a crash mid-write leaves the old file, never half of one.

    The file is read again first: one that cannot be read whole (a person's edit in
    progress, made before the app started or while it ran) raises `PreferencesError` and is
    left as it is. A symlinked file is written where the link points.
    """
    if (problem := read(path)[1]) is not None:
        raise PreferencesError(problem)
    target = path.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("w", encoding="utf-8") as file:
            file.write(dumps(prefs))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def migrate(old: Path, new: Path) -> str | None:
    """Move the values of a preferences file from before the state file (`old`) to `new`,
    once: only while `new` does not exist. A file read whole is removed (its values live on);
    one that could not be read whole is the person's and stays. Returns what to say, if
    anything."""
    if os.path.lexists(new) or not os.path.lexists(old):
        return None
    prefs, problem = read(old)
    try:
        save(prefs, new)
    except (OSError, PreferencesError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        return f"{old} could not be moved to {new}: {reason}"
    if problem is None:
        old.unlink(missing_ok=True)
        return None
    return f"{problem}; what could be read was moved to {new}, and the file is left as it is"
