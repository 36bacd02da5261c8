"""The search bar: an Input whose every keystroke narrows the list (the reader searches)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.widgets import Input

from newsreader.ui.bindings import SEARCH_BINDINGS


class SearchBar(Input):
    """Typo-tolerant search over titles, sources and bodies; Down or Enter go to the list."""

    BINDINGS: ClassVar[list[BindingType]] = list(SEARCH_BINDINGS)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            placeholder="Search articles — typos are fine   ( / )",
            id=id,
            select_on_focus=False,
        )
