"""The search bar: an Input whose every keystroke narrows the list (the reader searches)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import ClassVar

from textual.binding import BindingType
from textual.geometry import Size
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from newsreader.ui.bindings import SEARCH_BINDINGS

ECHO_HOLD = 0.03
"""Seconds a keystroke's echo may wait for its search, to be drawn in the list's frame."""


class SearchBar(Input):
    """Typo-tolerant search over titles, sources and bodies; Down or Enter go to the list."""

    BINDINGS: ClassVar[list[BindingType]] = list(SEARCH_BINDINGS)

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), repaint=True)
    """The typed text's width, which Input sets on every keystroke: declared with layout, it
    laid out the whole screen per key (article pane and all), the keystroke's dearest part.
    The bar's own size is fixed by the stylesheet; scrolling reads this directly."""

    def __init__(self, *, id: str | None = None, on_edit: Callable[[], None] | None = None) -> None:
        super().__init__(
            placeholder="Search articles — typos are fine   ( / )",
            id=id,
            select_on_focus=False,
        )
        self._on_edit = on_edit

    def _watch_value(self, value: str) -> None:
        """`on_edit` runs before `Changed` is posted: a hold of the screen's repaints taken
        only when the screen handles `Changed` came too late if the screen idled first,
        and the echo went out alone, a frame before its list."""
        if self._on_edit is not None:
            self._on_edit()
        super()._watch_value(value)


class EchoHold:
    """Repaints held while a keystroke's search runs (at most `ECHO_HOLD`), so the typed key,
    the list and the header are drawn in one frame. Drawn alone, the echo took the first
    frame, the list waited one or two more (Textual paces frames), and the echo's render
    slowed the search thread."""

    def __init__(self, screen: Screen[None]) -> None:
        self._screen = screen
        self._held: tuple[AbstractContextManager[None], Timer] | None = None

    def hold(self) -> None:
        if self._held is None:
            batch = self._screen.app.batch_update()
            batch.__enter__()
            self._held = (batch, self._screen.set_timer(ECHO_HOLD, self.release))

    async def release_soon(self) -> None:
        """Release after one turn of the loop, in which the widgets just changed tell the
        screen what they repaint: the next frame draws them with the echo."""
        await asyncio.sleep(0)
        self.release()

    def release(self) -> None:
        """The result is shown (or the hold timed out, or the screen went): draw at once."""
        if self._held is not None:
            (batch, timer), self._held = self._held, None
            timer.stop()
            batch.__exit__(None, None, None)
            self._screen.check_idle()
