"""What the article list does around a keystroke's frame, kept out of it: the rows ahead of
the scroll are fetched after the frame, and the scrollbar is repainted only when its drawing
changes."""

from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from textual.scrollbar import ScrollBar
from textual.timer import Timer
from textual.widget import Widget

AHEAD_DELAY = 0.05
"""Seconds after a frame before the rows ahead of it are fetched."""


class Ahead:
    """Rows ahead of the scroll, fetched `AHEAD_DELAY` after the frame that wanted them:
    fetched at once, the page's thread took the GIL from the frame's write to the terminal."""

    def __init__(self, widget: Widget, want: Callable[[int], None]) -> None:
        self._widget = widget
        self._want = want
        self._rows: set[int] = set()
        self._timer: Timer | None = None

    def want(self, index: int) -> None:
        self._rows.add(index)
        if self._timer is None:
            self._timer = self._widget.set_timer(AHEAD_DELAY, self._fetch)

    def clear(self) -> None:
        """A new list is shown: what the old one wanted ahead is no longer ahead."""
        self._rows.clear()

    def _fetch(self) -> None:
        self._timer = None
        rows, self._rows = self._rows, set()
        for index in sorted(rows):
            self._want(index)


def set_length(bar: ScrollBar, lines: int) -> None:
    """Give `bar` a new length, repainting it only if that moves its thumb: most results are
    too long to (the smallest thumb, at the top), and the repaint cost ~1 ms of a keystroke."""
    if _drawing(bar, lines) == _drawing(bar, bar.window_virtual_size):
        bar.set_reactive(ScrollBar.window_virtual_size, lines)
    else:
        bar.window_virtual_size = lines


def _drawing(bar: ScrollBar, lines: int) -> list[Segment]:
    """What `bar` draws for `lines`, by its own renderer's arithmetic (colours aside)."""
    drawn = bar.renderer.render_bar(
        size=bar.size.height,
        virtual_size=lines,
        window_size=bar.window_size if bar.window_size < lines else 0,
        position=bar.position,
        thickness=bar.thickness,
    )
    return list(drawn.segments)
