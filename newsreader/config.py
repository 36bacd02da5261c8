"""The person's config file: `config.toml`, written by them and never by the app.

Every setting is declared once, in `SETTINGS`, with its type, default and meaning: reading
the file, `config show`, `config check` and the README's table all follow that list. A new
setting is one `setting(...)` call. The file is optional; anything in it that is not
understood (bad TOML, an unknown key, a wrong type, a value out of range) is a `Problem`
with its line, and that key keeps its default: a broken file never stops anything.
Core module: no textual (the key bindings are checked by `ui/keymap.py`).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")
MAX_BYTES = 256 * 1024
"""A config file is a page of settings: anything bigger is not one (and is not read)."""
MAX_ARGV = 64
"""Elements of one command: more is no command a person wrote."""


class Invalid(ValueError):
    """Why a value is not one its setting takes: a few words, after the key."""


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    key: str
    """Dotted, as in the file (`refresh.interval`); `keys.*` stands for a table of any keys."""
    kind: str
    """What it takes, for a person (`a duration such as "30m"`)."""
    default: T
    meaning: str
    read: Callable[[object], T]
    """The value the app uses, from the file's; raises `Invalid` saying why not."""
    shown: str = ""
    """The default as it would be written in the file."""


SETTINGS: dict[str, Setting[Any]] = {}


def setting(
    key: str, kind: str, default: T, meaning: str, read: Callable[[object], T], shown: str
) -> Setting[T]:
    """Declare a setting: the one place it is described."""
    declared = Setting(key, kind, default, meaning, read, shown)
    SETTINGS[key] = declared
    return declared


# -- what values may be ------------------------------------------------------------------


def boolean(value: object) -> bool:
    if type(value) is not bool:
        raise Invalid("should be true or false")
    return value


def whole(low: int, high: int) -> Callable[[object], int]:
    """A whole number from `low` to `high`."""

    def read(value: object) -> int:
        if type(value) is not int:
            raise Invalid("should be a whole number")
        if not low <= value <= high:
            raise Invalid(f"{value} is out of range ({low} to {high})")
        return value

    return read


_DURATION = re.compile(r"(?:(\d{1,6})h)?(?:(\d{1,6})m)?(?:(\d{1,8})s)?")


def duration(minimum: int, maximum: int = 7 * 86400) -> Callable[[object], int]:
    """Seconds, from `"30m"`, `"1h30m"`, `"90s"`; `"0"` (or 0) is off. At least `minimum`."""

    def read(value: object) -> int:
        if (value == 0 and type(value) is int) or value == "0":
            return 0
        match = _DURATION.fullmatch(value.strip()) if isinstance(value, str) else None
        if match is None or not any(match.groups()):
            raise Invalid('should be a duration such as "30m", "2h" or "90s" ("0": off)')
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        total = hours * 3600 + minutes * 60 + seconds
        if total and not minimum <= total <= maximum:
            raise Invalid(
                f"{value!r:.20} is out of range ({_span(minimum)} to {_span(maximum)}, or 0)"
            )
        return total

    return read


def _span(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def command(placeholders: tuple[str, ...]) -> Callable[[object], tuple[str, ...]]:
    """A program and its arguments as a list of strings (never a shell line); `{name}`
    stands for a value filled in when it runs, inside one element."""

    def read(value: object) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(arg, str) for arg in value):
            raise Invalid('should be a list of strings, such as ["firefox", "{url}"]')
        if len(value) > MAX_ARGV:
            raise Invalid(f"has more than {MAX_ARGV} elements")
        if value and not value[0].strip():
            raise Invalid("names no program (its first element is empty)")
        for arg in value:
            if "\x00" in arg:
                raise Invalid("contains a NUL character")
            for name in _PLACEHOLDER.findall(arg):
                if name not in placeholders:
                    known = ", ".join(f"{{{p}}}" for p in placeholders)
                    raise Invalid(f"has an unknown placeholder {{{name[:20]}}} (known: {known})")
        return tuple(value)

    return read


def fill(argv: tuple[str, ...], values: Mapping[str, str]) -> list[str]:
    """`argv` with each `{name}` replaced by its value, inside the element it stands in:
    one element stays one element, whatever the value holds (spaces, `;`, `$(...)`)."""
    return [_PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group()), arg) for arg in argv]


@dataclass(frozen=True, slots=True)
class Opener:
    match: re.Pattern[str]
    command: tuple[str, ...]


def openers(value: object) -> tuple[Opener, ...]:
    """`[[openers]]` tables: `match` (a regular expression, searched in the link) and
    `command` (argv)."""
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise Invalid("should be tables: [[openers]] with match and command")
    found = []
    for number, entry in enumerate(value, 1):
        unknown = sorted(set(entry) - {"match", "command"})
        if unknown:
            raise Invalid(f"entry {number}: unknown key {unknown[0][:40]!r}")
        pattern = entry.get("match")
        if not isinstance(pattern, str):
            raise Invalid(f"entry {number}: match should be a regular expression string")
        try:
            compiled = re.compile(pattern)
        except re.error as error:
            reason = f"match is not a valid regular expression ({error})"
            raise Invalid(f"entry {number}: {reason}") from None
        try:
            argv = command(("url",))(entry.get("command"))
        except Invalid as error:
            raise Invalid(f"entry {number}: command {error}") from None
        if not argv:
            raise Invalid(f"entry {number}: command is empty")
        found.append(Opener(compiled, argv))
    return tuple(found)


def key_names(value: object) -> str:
    """`"x"`, `"ctrl+x"`, several separated by commas (checked against the app's keys by
    `ui/keymap.py`)."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid('should be a key such as "x" or "ctrl+x" (several: "x,f5")')
    return value


# -- the settings ------------------------------------------------------------------------

OPENER = setting(
    "opener",
    "command (list of strings)",
    cast(tuple[str, ...], ()),
    "Opens links (`o`, link digits); `{url}` is the link (added last when absent). "
    "Empty: the system browser",
    command(("url",)),
    "[]",
)
OPENERS = setting(
    "openers",
    "[[openers]] tables: match, command",
    cast(tuple[Opener, ...], ()),
    "Per-link openers: the first whose `match` (a regular expression) is found in the link "
    "runs its `command` instead of `opener`",
    openers,
    "[]",
)
REFRESH_INTERVAL = setting(
    "refresh.interval",
    'duration ("30m", "2h"; "0" off)',
    1800,
    "Refresh every feed this often while the app runs (at least 1m)",
    duration(60),
    '"30m"',
)
REFRESH_ON_START = setting(
    "refresh.on_start",
    "true / false",
    False,
    "Refresh every feed when the app starts",
    boolean,
    "false",
)
HOOK_NEW_ARTICLES = setting(
    "hooks.new_articles",
    "command (list of strings)",
    cast(tuple[str, ...], ()),
    "Run after a refresh that added articles (app and `newsreader refresh`): {count} new "
    "articles, {feeds} feeds that brought them, {names} their names. 10 s at most",
    command(("count", "feeds", "names")),
    "[]",
)
KEEP_DAYS = setting(
    "keep.days",
    "whole number of days (0: off)",
    0,
    "After each refresh (and for `cleanup`), remove feed articles older than this; starred "
    "ones and imported files always stay",
    whole(0, 36500),
    "0",
)
KEEP_PER_FEED = setting(
    "keep.per_feed",
    "whole number (0: off)",
    0,
    "After each refresh (and for `cleanup`), keep only each feed's newest this many articles; "
    "starred ones always stay",
    whole(0, 10**7),
    "0",
)
STORIES_GROUP = setting(
    "stories.group",
    "true / false",
    True,
    "The list shows the articles of one story as one row (+N sources); false: every article",
    boolean,
    "true",
)
KEYS = setting(
    "keys.*",
    'key names ("x", "ctrl+x", several: "x,f5")',
    "",
    'Rebind a key by its id (`newsreader config show` lists them), e.g. mark_read = "x"',
    key_names,
    "",
)


# -- reading the file --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in the file not understood: where, which key, why."""

    line: int | None
    key: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.key}: {self.reason}" if self.key else f"{where}{self.reason}"


@dataclass(frozen=True)
class Config:
    """The settings in force: the file's where it could be read, defaults elsewhere."""

    path: Path | None = None
    values: Mapping[str, object] = field(default_factory=dict)
    """What the file set and the app uses, by dotted key (`keys.mark_read` for a key)."""
    problems: tuple[Problem, ...] = ()
    text: str = ""
    raw: Mapping[str, object] = field(default_factory=dict)
    """The file's values as written (TOML types), for `config show`."""

    def get(self, wanted: Setting[T]) -> T:
        return cast(T, self.values.get(wanted.key, wanted.default))

    def keep(self) -> tuple[int | None, int | None]:
        """Retention's limits (`keep.days`, `keep.per_feed`), None where off."""
        return self.get(KEEP_DAYS) or None, self.get(KEEP_PER_FEED) or None

    def table(self, prefix: str) -> dict[str, str]:
        """`keys.*`: the file's entries under `prefix`, by their own name."""
        start = f"{prefix}."
        return {k[len(start) :]: str(v) for k, v in self.values.items() if k.startswith(start)}

    def source(self, key: str) -> str:
        return "file" if key in self.values else "default"

    def line_of(self, key: str) -> int | None:
        return line_of(self.text, key)

    def with_problems(self, more: list[Problem], dropped: frozenset[str] = frozenset()) -> Config:
        """Problems found by a later check (the keys), the keys it refused back to default."""
        values = {k: v for k, v in self.values.items() if k not in dropped}
        return Config(self.path, values, (*self.problems, *more), self.text, self.raw)

    def summary(self) -> str | None:
        """One line for a person, naming the file and its first problem; None when clean."""
        if not self.problems:
            return None
        more = len(self.problems) - 1
        rest = f" (and {more} more: `newsreader config check` lists them)" if more else ""
        return f"{self.path}: {self.problems[0]}{rest}; using the defaults for those"


def load(path: Path) -> Config:
    """The settings in `path` (a missing file: all defaults). Never raises for the file's
    content; what cannot be read is in `problems`."""
    from newsreader.ingest.draft import IngestError
    from newsreader.ingest.local import read_local  # regular files only, capped, never blocks

    if not os.path.lexists(path):
        return Config(path)
    try:
        text = read_local(path, cap=MAX_BYTES).decode("utf-8")
    except IngestError as error:
        return Config(path, problems=(Problem(None, "", f"cannot be read: {error}"),))
    except UnicodeDecodeError as error:
        reason = f"is not UTF-8 text (byte {error.start + 1})"
        return Config(path, problems=(Problem(None, "", reason),))
    return parse(text, path)


_TOML_LINE = re.compile(r"\(at line (\d+)")


def parse(text: str, path: Path | None = None) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        said = " ".join(str(error).split())
        at = _TOML_LINE.search(said)
        line = int(at.group(1)) if at else len(text.splitlines()) or None  # at its end
        reason = f"not valid TOML: {_TOML_LINE.split(said)[0].strip()}"
        return Config(path, problems=(Problem(line, "", reason),))
    values: dict[str, object] = {}
    raw: dict[str, object] = {}
    problems: list[Problem] = []
    for key, value in _flatten(data):
        declared = SETTINGS.get(key) or SETTINGS.get(f"{key.rpartition('.')[0]}.*")
        if value is _NOT_A_TABLE:
            problems.append(
                Problem(line_of(text, key), _shown_key(key), f"should be a table ([{key}])")
            )
            continue
        if declared is None:
            problems.append(Problem(line_of(text, key), _shown_key(key), "unknown setting"))
            continue
        try:
            values[key] = declared.read(value)
        except Invalid as error:
            problems.append(Problem(line_of(text, key), _shown_key(key), str(error)))
        else:
            raw[key] = value
    return Config(path, values, tuple(problems), text, raw)


def toml_value(value: object) -> str:
    """`value` (as `tomllib` reads it) written as TOML, on one line."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{json.dumps(k, ensure_ascii=False)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + ", ".join(pairs) + " }"
    return str(value)


def _shown_key(key: str) -> str:
    return key if key.isprintable() and len(key) <= 60 else repr(key)[:60]


_NOT_A_TABLE = object()


def _flatten(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, object]]:
    """(dotted key, value): a table is walked into where settings live under its name."""
    for name, value in data.items():
        key = f"{prefix}{name}"
        if key in SETTINGS or not any(k.startswith(f"{key}.") for k in SETTINGS):
            yield key, value
        elif isinstance(value, dict):
            yield from _flatten(value, f"{key}.")
        else:
            yield key, _NOT_A_TABLE  # `refresh = 5`


def line_of(text: str, key: str) -> int | None:
    """The line that sets dotted `key` (under its `[table]`, or dotted, or inline); None
    when it cannot be told."""
    table = ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("["):
            table = _dotted(line.strip("[]").split("]")[0])
            if table == key:
                return number
        elif "=" in line and not line.startswith("#"):
            name = _dotted(line.split("=", 1)[0])
            full = f"{table}.{name}" if table else name
            if full == key or key.startswith(f"{full}."):
                return number
    return None


def _dotted(name: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in name.split("."))
