"""Feeds · Tags · Saved: every subscription with its health, every feed tag and every saved
search, each with its articles and unread count; Enter shows one in the reading view.

What is chosen comes back with its query (`feed:NAME`, `tag:NAME`, or the saved search's
own) and becomes the reading view's scope (ui/scope.py), not search bar text: the words
typed there search within it, and `A` or `Ctrl+S` act on exactly what is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from newsreader.ingest.sanitize import clean_line

if TYPE_CHECKING:
    from newsreader.store.store import Store

_COLUMNS = ("Name", "Articles", "Unread", "Last fetch", "Status")
Kind = Literal["feed", "tag", "saved"]
_LABELS: dict[Kind, str] = {"feed": "Feed", "tag": "Tag", "saved": "Saved"}


@dataclass(frozen=True, slots=True)
class Chosen:
    """What to show: `query` finds its articles; `label` says it in the header."""

    kind: Kind
    name: str
    query: str

    @property
    def label(self) -> str:
        return f"{_LABELS[self.kind]}: {clean_line(self.name)}"


@dataclass(frozen=True, slots=True)
class Entry:
    """One row: a feed, a tag or a saved search, with its counts (None: not counted)."""

    chosen: Chosen
    articles: int | None
    unread: int | None
    fetched: str = ""
    status: str = ""
    detail: str = ""


def qualifier(key: str, value: str) -> str:
    """`key:value`, quoted when it has spaces. A quote cannot be said inside a quoted
    value: for `feed:` (a name *containing*) its longest quote-free piece is used."""
    if '"' in value:
        value = max(value.split('"'), key=lambda piece: len(piece.strip())).strip()
    return f'{key}:"{value}"' if any(c.isspace() for c in value) else f"{key}:{value}"


def entries(store: Store, describe: Callable[[BaseException], str]) -> list[Entry]:
    """Feeds, then their tags, then saved searches: one that cannot be counted says why in
    its detail line and the others are listed all the same."""
    from newsreader.store.feeds import feeds
    from newsreader.store.saved import saved_counts, saved_searches

    found: list[Entry] = []
    tags: dict[str, str] = {}
    for feed in feeds(store):
        fetched = feed.fetched_at.strftime("%Y-%m-%d %H:%M") if feed.fetched_at else "never"
        lines = [feed.url]
        if feed.tags:
            lines.append("Tags: " + ", ".join(feed.tags))
        if feed.error:
            lines.append(f"Last error: {feed.error}")
        chosen = Chosen("feed", feed.name, qualifier("feed", feed.name))
        found.append(
            Entry(chosen, feed.articles, feed.unread, fetched, feed.status, "\n".join(lines))
        )
        for tag in feed.tags:
            tags.setdefault(tag.casefold(), tag)
    named = [Chosen("tag", tag, qualifier("tag", tag)) for _, tag in sorted(tags.items())]
    named += [Chosen("saved", s.name, s.query) for s in saved_searches(store)]
    for chosen in named:
        detail = (
            f"Articles tagged {chosen.name} (by their feed or their own)"
            if chosen.kind == "tag"
            else f"Query: {chosen.query}"
        )
        try:
            counts = saved_counts(store, chosen.query)
        except Exception as error:  # one saved search that cannot run spoils no other row
            found.append(
                Entry(chosen, None, None, detail=f"{detail}\nCannot run: {describe(error)}")
            )
        else:
            found.append(Entry(chosen, counts.total, counts.unread, detail=detail))
    return found


def _number(value: int | None) -> Text:
    return Text("?" if value is None else f"{value:,}", justify="right")


class FeedsScreen(ModalScreen[Chosen | None]):
    """Dismissed with what to show, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(None)", "Close"),
        Binding("enter", "choose", "Show its articles"),
    ]

    @dataclass
    class Loaded(Message):
        entries: Sequence[Entry]
        problem: str | None = None

    def __init__(self, store: Store, describe: Callable[[BaseException], str]) -> None:
        super().__init__()
        self.store = store
        self._describe_error = describe
        self.entries: Sequence[Entry] = ()

    def compose(self) -> ComposeResult:
        with Vertical(id="feeds-dialog"):
            yield DataTable(id="feeds-table", cursor_type="row", zebra_stripes=True)
            yield Static(Content("Loading feeds…"), id="feeds-detail", markup=False)

    def on_mount(self) -> None:
        dialog = self.query_one("#feeds-dialog")
        dialog.border_title = "Feeds · Tags · Saved"
        dialog.border_subtitle = "Enter shows its articles · Esc closes"
        table = self.query_one(DataTable)
        table.add_columns(*_COLUMNS)
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        try:
            found = entries(self.store, self._describe_error)
        except Exception as error:  # said on the screen, in words
            self.post_message(
                self.Loaded((), f"Could not list feeds: {self._describe_error(error)}")
            )
        else:
            self.post_message(self.Loaded(found))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.entries = message.entries
        table = self.query_one(DataTable)
        table.clear()
        for n, entry in enumerate(self.entries):
            status = Text(entry.status, style="red" if entry.status == "error" else "")
            # Cells are Text, never str: DataTable would parse a str as markup.
            table.add_row(
                Text(clean_line(entry.chosen.name)),
                _number(entry.articles),
                _number(entry.unread),
                Text(entry.fetched),
                status,
                key=str(n),
                label=Text(_LABELS[entry.chosen.kind], style="dim"),
            )
        detail = self.query_one("#feeds-detail", Static)
        if message.problem:
            detail.update(Content(clean_line(message.problem)))
        elif not self.entries:
            detail.update(Content("No feeds yet. Subscribe with: newsreader feed add URL"))
        else:
            self._describe(0)
        table.focus()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.cursor_row)

    def _describe(self, row: int) -> None:
        if 0 <= row < len(self.entries):
            lines = self.entries[row].detail.splitlines()
            text = "\n".join(clean_line(line) for line in lines)
            self.query_one("#feeds-detail", Static).update(Content(text))

    def action_choose(self) -> None:
        row = self.query_one(DataTable).cursor_row
        if 0 <= row < len(self.entries):
            self.dismiss(self.entries[row].chosen)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.action_choose()
