"""Keys as data: every binding of the app, with an id and one description.

The footer, the help screen and the palette's hints are all built from these, through the
app's keymap (`App.set_keymap({"mark_read": "x"})`), so one rebinding changes all three.
A binding's `description` is its footer label; its `tooltip` is what help and the palette say.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.keys import _character_to_key, key_to_character

KEY_NAMES = {
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "enter": "Enter",
    "escape": "Esc",
    "space": "Space",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "ctrl+t": "Ctrl+T",
    "ctrl+s": "Ctrl+S",
    "right": "→",
    "left": "←",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}
LINK_HELP = "Open link [n] from its Links: list"

GLOBAL_BINDINGS: list[Binding] = [
    Binding("q", "quit", "Quit", tooltip="Quit newsreader", id="quit"),
    # A priority binding runs as the app takes the key off its queue, before it hands the
    # next keys on: keys typed (or pasted) right after `/` go to the search bar. On a dialog
    # the screen there has no `focus_search`, so `/` is that dialog's.
    Binding(
        "slash",
        "screen.focus_search",
        "Search",
        tooltip="Search: typos are fine",
        priority=True,
        id="search",
    ),
    Binding("question_mark", "help", "Keys", tooltip="This list of keys", id="help"),
]
"""The app's own keys, in every view."""

BACK_BINDINGS: list[Binding] = [
    Binding(
        "escape",
        "step_back",
        "Back",
        show=False,
        tooltip="Clear search, feed/tag/saved",
        id="back",
    ),
]

ARTICLE_BINDINGS: list[Binding] = [
    Binding("m", "toggle_read", "Read", show=False, tooltip="Mark read / unread", id="mark_read"),
    Binding("s", "toggle_star", "Star", show=False, tooltip="Star / unstar", id="star"),
    Binding(
        "o", "open_link", "Open link", show=False, tooltip="Open the article's link", id="open_link"
    ),
    Binding(
        "y", "copy_link", "Copy link", show=False, tooltip="Copy the article's link", id="copy_link"
    ),
]
"""Keys acting on the highlighted article, in the list or while reading it."""

VIEW_BINDINGS: list[Binding] = [
    Binding(
        "u",
        "view('unread')",
        "Unread",
        show=False,
        tooltip="Unread only (again: all)",
        id="unread_view",
    ),
    Binding(
        "S",
        "view('starred')",
        "Starred",
        show=False,
        tooltip="Starred only (again: all)",
        id="starred_view",
    ),
    Binding(
        "O",
        "next_sort",
        "Order",
        show=False,
        tooltip="Order: newest, oldest, source, title",
        id="next_order",
    ),
    Binding(
        "left_square_bracket",
        "narrower_list",
        "Narrower",
        show=False,
        tooltip="Narrower list",
        id="narrower_list",
    ),
    Binding(
        "right_square_bracket",
        "wider_list",
        "Wider",
        show=False,
        tooltip="Wider list",
        id="wider_list",
    ),
    Binding(
        "ctrl+t",
        "stats",
        "Stats",
        show=False,
        tooltip="Statistics: per day, per source",
        id="stats",
    ),
    Binding(
        "r", "refresh_feeds", "Refresh", show=False, tooltip="Fetch every feed now", id="refresh"
    ),
    Binding(
        "F",
        "feeds",
        "Feeds",
        show=False,
        tooltip="Feeds, tags, saved searches: pick",
        id="feeds",
    ),
    Binding(
        "ctrl+s",
        "save_search",
        "Save search",
        show=False,
        tooltip="Save the search shown",
        id="save_search",
    ),
    Binding(
        "A",
        "mark_all_read",
        "All read",
        show=False,
        tooltip="Mark all shown read (asks)",
        id="mark_all_read",
    ),
    Binding(
        "M",
        "mark_story_read",
        "Story read",
        show=False,
        tooltip="Mark every article of the story read",
        id="mark_story_read",
    ),
]
"""Keys choosing what the list shows and how."""

LIST_BINDINGS: list[Binding] = [
    Binding("j,down", "cursor_down", "Down", show=False, tooltip="Next article", id="list_down"),
    Binding("k,up", "cursor_up", "Up", show=False, tooltip="Previous article", id="list_up"),
    Binding("g,home", "first", "First", show=False, tooltip="First article", id="list_first"),
    Binding("G,end", "last", "Last", show=False, tooltip="Last article", id="list_last"),
    Binding(
        "pagedown", "page_down", "Page down", show=False, tooltip="A page down", id="list_page_down"
    ),
    Binding("pageup", "page_up", "Page up", show=False, tooltip="A page up", id="list_page_up"),
    Binding(
        "enter,l",
        "open",
        "Open",
        tooltip="Read the article; open/fold a story",
        id="open",
    ),
]
"""The article list's keys."""

STORY_LIST_BINDINGS: list[Binding] = [
    Binding(
        "right",
        "expand_story",
        "Open story",
        show=False,
        tooltip="Show the story's articles",
        id="expand_story",
    ),
    Binding(
        "left",
        "collapse_story",
        "Close story",
        show=False,
        tooltip="Fold the story to one row",
        id="collapse_story",
    ),
]
"""The list's keys for a story shown as one row (Enter also opens and closes it)."""

LINK_DIGIT_BINDINGS: list[Binding] = [
    Binding(str(n), f"link_digit({n})", f"Link {n}", show=False, tooltip=LINK_HELP, id=f"link_{n}")
    for n in (*range(1, 10), 0)
]

PANE_BINDINGS: list[Binding] = [
    Binding("space", "page_down", "Page", show=False, tooltip="Page down", id="pane_page_down"),
    Binding("b", "page_up", "Page up", show=False, tooltip="Page up", id="pane_page_up"),
    Binding("j", "scroll_down", "Down", show=False, tooltip="Scroll down a line", id="pane_down"),
    Binding("k", "scroll_up", "Up", show=False, tooltip="Scroll up a line", id="pane_up"),
    Binding("g", "scroll_home", "Top", show=False, tooltip="Top of the article", id="pane_top"),
    Binding("G", "scroll_end", "Bottom", show=False, tooltip="End of the article", id="pane_end"),
    Binding("n", "screen.next_article", "Next", tooltip="Next article", id="next_article"),
    Binding("p", "screen.previous_article", "Previous", tooltip="Previous article", id="previous"),
    Binding(
        "f",
        "screen.full_text",
        "Full text",
        show=False,
        tooltip="Fetch and show the full text",
        id="full_text",
    ),
    *LINK_DIGIT_BINDINGS,
]
"""The article pane's keys, while reading."""

SEARCH_BINDINGS: list[Binding] = [
    Binding(
        "escape",
        "screen.step_back",
        "Clear",
        tooltip="Clear the search; again to leave",
        id="clear_search",
    ),
    Binding(
        "down",
        "screen.focus_list",
        "To the list",
        show=False,
        tooltip="Go to the list",
        id="to_list",
    ),
]
"""The search bar's keys (printable keys there are text, whatever they are bound to)."""

ALL_BINDINGS: list[Binding] = [
    *GLOBAL_BINDINGS,
    *BACK_BINDINGS,
    *ARTICLE_BINDINGS,
    *VIEW_BINDINGS,
    *LIST_BINDINGS,
    *STORY_LIST_BINDINGS,
    *PANE_BINDINGS,
    *SEARCH_BINDINGS,
]

READER_AND_APP_BINDINGS = [*GLOBAL_BINDINGS, *BACK_BINDINGS, *ARTICLE_BINDINGS, *VIEW_BINDINGS]
"""The bindings of the app and the reading view: while the search bar has focus, those on a
key that types are off (the key is text there)."""

KeyRow = tuple[str, str]
"""(keys as displayed, what they do)"""
Section = tuple[str, Sequence[KeyRow]]


def keys_of(app: App[Any], binding: Binding) -> list[str]:
    """The keys `binding` is on now: its own, or those the app's keymap gives its id."""
    keys = app._keymap.get(binding.id or "") or binding.key
    return [key.strip() for key in keys.split(",")]


_TYPED = {_character_to_key(chr(code)): chr(code) for code in range(32, 127)}
"""Key names of the printable ASCII characters (`slash`: Textual's own lookup misses it)."""


def is_typed(key: str) -> bool:
    """A key that types a character (in the search bar it is text, never a command)."""
    if key in _TYPED:
        return True
    character = key_to_character(key)
    return character is not None and character.isprintable()


def typed_action(app: App[Any], action: str) -> bool:
    """`action` is on a key that types a character, as the keymap has it now."""
    return any(
        is_typed(key)
        for binding in READER_AND_APP_BINDINGS
        if binding.action.removeprefix("screen.") == action
        for key in keys_of(app, binding)
    )


def key_name(app: App[Any], key: str) -> str:
    return KEY_NAMES.get(key) or app.get_key_display(Binding(key, ""))


def shown_keys(app: App[Any], binding: Binding) -> str:
    """`g / Home`: the binding's keys now, as help and the palette show them."""
    return " / ".join(key_name(app, key) for key in keys_of(app, binding))


def rows(app: App[Any], bindings: Iterable[Binding]) -> list[KeyRow]:
    return [
        (shown_keys(app, binding), binding.tooltip or binding.description) for binding in bindings
    ]


BY_ID = {binding.id: binding for binding in ALL_BINDINGS}


def help_sections(app: App[Any]) -> list[Section]:
    """Every key, by where it works, as the keymap has them now."""
    digits = LINK_DIGIT_BINDINGS
    return [
        (
            "Everywhere",
            [
                *rows(app, GLOBAL_BINDINGS + BACK_BINDINGS),
                ("Tab / Shift+Tab", "Next / previous pane"),
                ("Ctrl+P", "Palette: sort, themes, more"),
                ("Ctrl+Q", "Quit"),
            ],
        ),
        (
            "Article list",
            [
                *rows(app, [*LIST_BINDINGS, *STORY_LIST_BINDINGS]),
                ("Click", "Select an article"),
                ("Double-click", "Open it"),
            ],
        ),
        (
            "Reading an article",
            [
                ("↑ / ↓", "Scroll a line"),
                ("PgUp / PgDn", "Scroll a page"),
                *rows(app, (b for b in PANE_BINDINGS if b not in digits)),
                (" / ".join(shown_keys(app, b) for b in digits), LINK_HELP)
                if app._keymap.keys() & {b.id for b in digits}
                else ("1–9 / 0", LINK_HELP),
                ("1 then 2", "Quickly, for link [12]"),
                ("Esc", "Back to the list"),
            ],
        ),
        ("The highlighted article (list or reading)", rows(app, ARTICLE_BINDINGS)),
        ("What the list shows", rows(app, VIEW_BINDINGS)),
        (
            "Search bar",
            [
                ("type", "Narrow the list as you type"),
                ("source:NAME", "Only sources whose name has NAME"),
                ("feed:NAME", "Only feeds whose name has NAME"),
                ("tag:NAME", "Only articles tagged NAME"),
                ("is:unread", "Or is:read, is:starred, is:unstarred"),
                ("after:DATE", "On/after 2019-04-01, 2019-04 or 2019"),
                ("before:DATE", "Before that day"),
                ("-word", "Leave out articles with that word"),
                ("Enter", "Go to the list"),
                *rows(app, SEARCH_BINDINGS),
            ],
        ),
    ]
