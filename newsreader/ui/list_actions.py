"""The list's order, width and the read-on-open switch: remembered in the state file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from newsreader.preferences import SORTS
from newsreader.ui.status import SORT_LABELS

if TYPE_CHECKING:
    from newsreader.store.store import Order
    from newsreader.ui.settings import Settings
    from newsreader.ui.widgets.article_list import ArticleList

WIDTH_STEP = 4
"""Cells the list grows or shrinks by per key."""


class ListActions(Screen[None]):
    """Sorting and sizing the list; `ReaderScreen` provides what is declared here."""

    if TYPE_CHECKING:
        settings: Settings

        @property
        def sort(self) -> Order: ...
        @property
        def article_list(self) -> ArticleList: ...
        def _reload(self) -> None: ...

    def action_sort(self, sort: str) -> None:
        if sort in SORTS and sort != self.sort:
            self.settings.change(sort=sort)
            self._reload()
            self.notify(f"Order: {SORT_LABELS[sort]}", timeout=2)

    def action_next_sort(self) -> None:
        self.action_sort(SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)])

    def action_toggle_read_on_open(self) -> None:
        on = not self.settings.prefs.read_on_open
        self.settings.change(read_on_open=on)
        self.notify(f"Opening an article marks it read: {'on' if on else 'off'}", timeout=3)

    def _apply_width(self) -> None:
        self.article_list.set_width(self.settings.prefs.list_width)

    def _resize_list(self, delta: int) -> None:
        width = self.article_list.resized(self.settings.prefs.list_width, delta)
        if width == self.settings.prefs.list_width:
            self.app.bell()
        else:
            self.settings.change(list_width=width)
            self._apply_width()

    def action_narrower_list(self) -> None:
        self._resize_list(-WIDTH_STEP)

    def action_wider_list(self) -> None:
        self._resize_list(+WIDTH_STEP)
