"""The search bar: an Input whose every keystroke narrows the list (the app runs the search)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input


class SearchBar(Input):
    """Typo-tolerant search over titles, sources and bodies; Down or Enter go to the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.step_back", "Clear", tooltip="Clear the search; again to leave"),
        Binding("down", "app.focus_list", "To the list", show=False, tooltip="Go to the list"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            placeholder="Search articles — typos are fine   ( / )",
            id=id,
            select_on_focus=False,
        )
