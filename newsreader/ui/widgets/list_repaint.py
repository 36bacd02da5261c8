"""A new result repaints only the list's lines that now show something else.

Typing narrows a search a letter at a time and the top rows often stay. Refreshing the whole
list re-rendered every line, and Textual then cut and wrote each of them again, on every key.
Each screen line has a key made of everything it is drawn from; `repaint` compares the keys
with those of what is on screen and refreshes the lines that differ. Anything that repaints
the whole list (a style, focus, width or scroll change) forgets the keys (`ArticleList.
_set_dirty`), so the next result repaints it all.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Protocol

from textual.app import App
from textual.geometry import Region

from newsreader.ingest.sanitize import clean_line
from newsreader.search.tokens import highlight_spans
from newsreader.store.views import ArticleRow
from newsreader.ui.text import DASH

Painted = tuple[Hashable, list[Hashable]]
"""The list's frame (scroll, size, focus, theme) and the key of each screen line."""


class ArticleList(Protocol):
    """What the list (`widgets.article_list.ArticleList`) is drawn from, as seen here."""

    loaded: bool
    search_query: str
    empty_lines: tuple[str, ...]
    terms: frozenset[str]
    painted: Painted | None

    @property
    def ids(self) -> Sequence[int]: ...
    @property
    def cursor(self) -> int: ...
    @property
    def scrollable_content_region(self) -> Region: ...
    @property
    def scroll_y(self) -> float: ...
    @property
    def has_focus(self) -> bool: ...
    @property
    def is_mounted(self) -> bool: ...
    @property
    def app(self) -> App[object]: ...
    def row(self, article_id: int) -> ArticleRow | None: ...
    def line_extra(self, index: int, part: int) -> Hashable: ...
    def refresh(self, *regions: Region) -> object: ...


ROW_HEIGHT = 2


def line_key(widget: ArticleList, line: int) -> Hashable:
    """What line `line` of the whole list (not of the screen) is drawn from. A row still
    loading gets a key equal to no other, so its line is drawn and asks for its row."""
    ids = widget.ids
    if not ids:
        return ("empty", widget.loaded, widget.search_query, widget.empty_lines, line)
    index, part = divmod(line, ROW_HEIGHT)
    if index >= len(ids):
        return None
    row = widget.row(ids[index])
    if row is None:
        return object()
    text = (clean_line(row.title) or "(untitled)") if part == 0 else clean_line(row.source) or DASH
    spans = tuple(highlight_spans(text, widget.terms))
    return (row, part, index == widget.cursor, widget.line_extra(index, part), spans)


def repaint(widget: ArticleList) -> None:
    """Refresh the lines whose key changed since they were drawn (all of them when the
    list's frame changed or nothing is known of what is on screen)."""
    region = widget.scrollable_content_region
    top = round(widget.scroll_y)
    frame = (top, region.size, widget.has_focus, widget.app.theme)
    keys = [line_key(widget, top + y) for y in range(region.height)]
    painted = widget.painted
    if not widget.is_mounted or painted is None or painted[0] != frame:
        widget.refresh()
    else:
        runs: list[Region] = []  # one region per run of changed lines
        for y, (old, new) in enumerate(zip(painted[1], keys, strict=True)):
            if old == new:
                continue
            if runs and runs[-1].bottom == y:
                runs[-1] = runs[-1].grow((0, 0, 1, 0))
            else:
                runs.append(Region(0, y, region.width, 1))
        if runs:
            widget.refresh(*runs)
    widget.painted = (frame, keys)
