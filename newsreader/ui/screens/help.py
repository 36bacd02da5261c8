"""The help screen: every key binding, grouped by where it works."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from newsreader.ui.bindings import KeyRow, Section


class HelpScreen(ModalScreen[None]):
    """A modal list of key bindings, built from the bindings (and the keymap) so it cannot drift."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", show=True),
    ]

    def __init__(self, sections: Sequence[Section]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog") as dialog:
            dialog.border_title = "Keys"
            dialog.border_subtitle = "Esc closes"
            with VerticalScroll(id="help-body"), Horizontal(id="help-columns"):
                for column in self._columns():
                    with Vertical(classes="help-column"):
                        for title, rows in column:
                            width = max((len(k) for k, _ in rows), default=0)
                            yield Static(Content(title), classes="help-section")
                            yield Static(self._table(rows, width + 2), classes="help-table")

    def _columns(self) -> list[list[Section]]:
        """The sections in two columns, in order, the longer column as short as can be."""
        sizes = [len(rows) + 2 for _, rows in self.sections]
        split = min(range(len(sizes) + 1), key=lambda i: max(sum(sizes[:i]), sum(sizes[i:])))
        return [list(self.sections[:split]), list(self.sections[split:])]

    @staticmethod
    def _table(rows: Sequence[KeyRow], width: int) -> Content:
        lines = [
            Content(keys.ljust(width)).stylize("bold", 0, len(keys)) + Content(what)
            for keys, what in rows
        ]
        return Content("\n").join(lines)
