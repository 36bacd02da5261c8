"""`[keys]` of config.toml: the person's keys, checked, as the app's keymap.

A rebinding names a binding by its id (`ui/bindings.py`) and gives it keys; the app hands
the result to `App.set_keymap`, so the key, the footer, help and the palette all follow.
Refused, with its line, and left at the default: an id no binding has, a key no terminal
sends, and two actions on one key in the same place (where the defaults do not already
share it: the search bar's Esc is meant to shadow the screen's).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from textual.binding import Binding
from textual.keys import Keys, _character_to_key

from newsreader.config import Config, Problem
from newsreader.ui.bindings import (
    _TYPED,
    ARTICLE_BINDINGS,
    BACK_BINDINGS,
    BY_ID,
    GLOBAL_BINDINGS,
    LIST_BINDINGS,
    PANE_BINDINGS,
    SEARCH_BINDINGS,
    STORY_LIST_BINDINGS,
    VIEW_BINDINGS,
    is_typed,
)

_SCREEN = [*GLOBAL_BINDINGS, *BACK_BINDINGS, *ARTICLE_BINDINGS, *VIEW_BINDINGS]
PLACES: Final = {
    "the article list": [*_SCREEN, *LIST_BINDINGS, *STORY_LIST_BINDINGS],
    "an article being read": [*_SCREEN, *PANE_BINDINGS],
    "the search bar": [*_SCREEN, *SEARCH_BINDINGS],
}
"""The bindings in force together, by where the focus is."""
RESERVED: Final = {
    "ctrl+p": "the palette",
    "ctrl+q": "quitting",
    "tab": "the next pane",
    "shift+tab": "the previous pane",
    "ctrl+c": "copying",
}
"""Keys Textual keeps for itself in every place."""
_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
_NAMED = {key.value for key in Keys if "+" not in key.value and not key.value.startswith("<")}


def normalised(keys: str) -> list[str]:
    """`"x, Ctrl+X"` as the keymap reads it: `["x", "ctrl+x"]` (one character as its name)."""
    out = []
    for key in keys.split(","):
        key = key.strip()
        if len(key) == 1:
            out.append(_character_to_key(key))
        else:
            *mods, base = key.split("+")
            out.append(
                "+".join([*(m.lower() for m in mods), base if len(base) == 1 else base.lower()])
            )
    return out


def key_problem(key: str) -> str | None:
    """Why `key` (normalised) is no key a terminal sends, or None."""
    *mods, base = key.split("+")
    if not base or any(m not in _MODIFIERS for m in mods) or len(set(mods)) != len(mods):
        return f"{key[:30]!r} is not a key (such as x, ctrl+x, f5, pagedown)"
    if (len(base) == 1 and base.isprintable()) or base in _NAMED or base in _TYPED:
        return None
    return f"{key[:30]!r} is not a key (such as x, ctrl+x, f5, pagedown)"


def _keys(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    return normalised(keymap.get(binding.id or "") or binding.key)


def _clashes(keymap: Mapping[str, str]) -> dict[tuple[str, str], set[str]]:
    """(place, key) → the ids on it, where more than one action is."""
    found: dict[tuple[str, str], set[str]] = {}
    for place, bindings in PLACES.items():
        on: dict[str, set[str]] = {}
        for binding in bindings:
            for key in _keys(binding, keymap):
                if place == "the search bar" and is_typed(key) and not binding.priority:
                    continue  # a key that types is text there
                on.setdefault(key, set()).add(binding.id or "")
        for key, ids in on.items():
            actions = {BY_ID[i].action.removeprefix("screen.") for i in ids}
            if len(actions) > 1:
                found[(place, key)] = ids
    return found


_DEFAULT_CLASHES = _clashes({})


def _new_clashes(keymap: Mapping[str, str]) -> dict[tuple[str, str], tuple[set[str], set[str]]]:
    """(place, key) → (the ids on it, those the keymap put there), for each key where the
    keymap put a second action (only rebound ids are added: removing them ends it)."""
    found = {}
    for where, ids in _clashes(keymap).items():
        added = ids - _DEFAULT_CLASHES.get(where, set())
        if added & keymap.keys():
            found[where] = (ids, added)
    return found


def checked(config: Config) -> tuple[dict[str, str], Config]:
    """The keymap for `App.set_keymap` from `config`'s `[keys]`, and `config` with the
    rebindings it refused (each as a problem with its line) back at their defaults."""
    problems: list[Problem] = []
    keymap: dict[str, str] = {}
    for ident, value in config.table("keys").items():
        key = f"keys.{ident}"
        where = config.line_of(key)
        if ident not in BY_ID:
            problems.append(Problem(where, key[:60], "no key has that id (see config show)"))
            continue
        keys = normalised(value)
        bad = next((p for k in keys if (p := key_problem(k)) is not None), None)
        if bad is None:
            bad = next((f"{k} is kept for {RESERVED[k]}" for k in keys if k in RESERVED), None)
        if bad is not None:
            problems.append(Problem(where, key, bad))
        else:
            keymap[ident] = ",".join(dict.fromkeys(keys))
    while clashes := _new_clashes(keymap):  # one at a time: a refusal may end others
        (place, key), (ids, added) = min(clashes.items())
        rebound = sorted(added & keymap.keys(), key=lambda i: config.line_of(f"keys.{i}") or 0)
        if set(rebound) == ids:  # all put there by the file: the first one written stays
            rebound = rebound[1:]
        for ident in rebound:
            del keymap[ident]
            others = ", ".join(sorted(ids - {ident}))
            reason = f"{key} is also {others}'s key in {place}"
            problems.append(Problem(config.line_of(f"keys.{ident}"), f"keys.{ident}", reason))
    refused = {p.key for p in problems}
    return keymap, config.with_problems(problems, frozenset(refused))


def binding_ids() -> Iterable[tuple[str, str, str]]:
    """(id, default keys, what it does) of every binding, for `config show`."""
    for ident, binding in BY_ID.items():
        yield ident or "", binding.key, binding.tooltip or binding.description
