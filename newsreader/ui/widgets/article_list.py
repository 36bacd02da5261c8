"""The article list: a Line-API virtual list, so 100k articles cost what a screenful costs.

It holds the ordered ids (all, or a search result) and renders only the rows on screen;
their data comes a page at a time, in a thread, as they scroll in (a placeholder until then).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from textual import events, on
from textual.binding import BindingType
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style
from textual.worker import Worker, WorkerState

from newsreader import preferences
from newsreader.store.views import ArticleRow
from newsreader.ui.bindings import LIST_BINDINGS
from newsreader.ui.text import DASH, highlighted, literal_line, short_date
from newsreader.ui.widgets.list_repaint import ROW_HEIGHT, Painted, repaint
from newsreader.ui.widgets.list_upkeep import Ahead, set_length

"""Each article takes two lines: marker and title, then source and date."""
PAGE_SIZE = 200
"""Rows fetched from the store per query."""
PREFETCH = 60
"""Rows beyond the visible ones that are fetched ahead of the scroll."""
MAX_CACHED_ROWS = 20_000
"""Rows kept in memory; the oldest fetched are dropped first (they are re-fetched if needed)."""

_ROWS_GROUP = "article-list-rows"

RowFetcher = Callable[[Sequence[int]], Mapping[int, ArticleRow]]


class ArticleList(ScrollView, can_focus=True):
    """Articles, one two-line row each, with a cursor; any number of them."""

    BINDINGS: ClassVar[list[BindingType]] = list(LIST_BINDINGS)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--row",
        "article-list--cursor",
        "article-list--title",
        "article-list--read",
        "article-list--meta",
        "article-list--unread-marker",
        "article-list--star",
        "article-list--match",
        "article-list--placeholder",
        "article-list--empty",
    }

    DEFAULT_CSS = """
    ArticleList {
        overflow-x: hidden;
        overflow-y: auto;
        & > .article-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .article-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
        & > .article-list--title { text-style: bold; }
        & > .article-list--read { color: $text-muted; }
        & > .article-list--meta { color: $text-muted; }
        & > .article-list--unread-marker { color: $accent; }
        & > .article-list--star { color: $warning; }
        & > .article-list--match { color: $text-accent; text-style: bold underline; }
        & > .article-list--placeholder { color: $text-disabled; }
        & > .article-list--empty { color: $text-muted; }
    }
    """

    @dataclass
    class Updated(Message):
        """A new list of ids is on screen (all articles, or the result for `query`)."""

        article_list: ArticleList
        query: str
        count: int

        @property
        def control(self) -> ArticleList:
            return self.article_list

    @dataclass
    class Highlighted(Message):
        """The cursor is on a new article (`None` when the list is empty)."""

        article_list: ArticleList
        article_id: int | None

        @property
        def control(self) -> ArticleList:
            return self.article_list

    @dataclass
    class Opened(Message):
        """The user asked to read the article under the cursor."""

        article_list: ArticleList
        article_id: int

        @property
        def control(self) -> ArticleList:
            return self.article_list

    @dataclass
    class _PageLoaded(Message):
        """Rows fetched by a worker; `generation` says which id list asked for them."""

        generation: int
        page: int
        rows: Mapping[int, ArticleRow]

    def __init__(
        self,
        fetch_rows: RowFetcher,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._fetch_rows = fetch_rows
        self._ids: Sequence[int] = ()
        self._rows: dict[int, ArticleRow] = {}
        self._pending: set[int] = set()
        self._ahead = Ahead(self, self._want)
        self._generation = 0
        self._cursor = 0
        self._title: str | None = None
        self._pass: tuple[dict[tuple[tuple[str, ...], bool], Style], int, int] | None = None
        """While a repaint runs: its styles, the content width and the scroll offset."""
        self.painted: Painted | None = None  # what the lines on screen were drawn from
        self.loaded = False
        """False until the first id list is shown (the list says it is loading)."""
        self.search_query = ""
        """The search query whose result is shown; empty for all articles."""
        self.terms: frozenset[str] = frozenset()
        self.empty_lines: tuple[str, ...] = (
            "No articles yet.",
            "Add some:",
            "newsreader import PATH",
        )
        """What an empty list says when it is not a search (a view: `No unread articles`)."""

    # -- state -------------------------------------------------------------------------

    @property
    def ids(self) -> Sequence[int]:
        return self._ids

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def highlighted_id(self) -> int | None:
        return self._ids[self._cursor] if self._ids else None

    def row(self, article_id: int) -> ArticleRow | None:
        """The cached row for an article, if its page has been fetched."""
        return self._rows.get(article_id)

    def show(
        self,
        ids: Sequence[int],
        *,
        query: str = "",
        terms: Collection[str] = (),
        rows: Mapping[int, ArticleRow] | None = None,
        keep: int | None = None,
    ) -> None:
        """Show a new ordered id list; `rows` may carry its first page, fetched already.

        The cursor goes to the top, or stays on article `keep` (by default the highlighted
        one when the search is the same) if it is in the new list, on the same line of the
        screen: a refresh adding articles above does not move it.
        """
        if keep is None and query and query == self.search_query:
            keep = self.highlighted_id  # the same search again (after a refresh): stay put
        on_screen = self._cursor * ROW_HEIGHT - round(self.scroll_y)
        self._generation += 1
        self._pending.clear()
        self._ahead.clear()
        self._ids = ids
        self.search_query = query
        self.terms = frozenset(terms)
        self.loaded = True
        if rows:
            self._cache(rows)
        self._cursor = 0
        if keep is not None:
            try:
                self._cursor = list(ids).index(keep)
            except ValueError:
                self._cursor = 0
        self._update_virtual_size()
        top = max(0, self._cursor * ROW_HEIGHT - on_screen) if self._cursor else 0
        self.scroll_to(y=top, animate=False, immediate=True)
        self._scroll_cursor_into_view()
        repaint(self)
        self.post_message(self.Updated(self, query, len(ids)))
        self.post_message(self.Highlighted(self, self.highlighted_id))

    def set_title(self, title: str) -> None:
        """Setting `border_title` repaints the list, even to the title it has. Content, not
        str: a title may name a feed or saved search, which a str would parse as markup."""
        if title != self._title:
            self._title = title
            self.border_title = Content(title)

    def set_flags(
        self, article_id: int, *, is_read: bool | None = None, is_starred: bool | None = None
    ) -> ArticleRow | None:
        """Show a read or starred state: at once when asked, then as the store saved it (the
        app writes the store and calls this again with what it read back)."""
        row = self._rows.get(article_id)
        if row is None:
            return None
        changed = replace(
            row,
            is_read=row.is_read if is_read is None else is_read,
            is_starred=row.is_starred if is_starred is None else is_starred,
        )
        if changed != row:
            self._rows[article_id] = changed
            self.refresh()
        return changed

    def _cache(self, rows: Mapping[int, ArticleRow]) -> None:
        self._rows.update(rows)
        excess = len(self._rows) - MAX_CACHED_ROWS
        if excess > 0:
            for stale in list(self._rows)[:excess]:
                del self._rows[stale]

    # -- cursor ------------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        """Put the cursor on row `index` (clamped), scroll it into view, announce it."""
        if not self._ids:
            return
        index = max(0, min(index, len(self._ids) - 1))
        if index == self._cursor:
            self._scroll_cursor_into_view()
            return
        self._cursor = index
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self, self.highlighted_id))

    def _scroll_cursor_into_view(self) -> None:
        height = self.scrollable_content_region.height
        if not height:
            return
        top = self._cursor * ROW_HEIGHT
        scroll_y = round(self.scroll_y)
        if top < scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif top + ROW_HEIGHT > scroll_y + height:
            self.scroll_to(y=top + ROW_HEIGHT - height, animate=False, immediate=True)

    @property
    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height // ROW_HEIGHT)

    @property
    def screenful(self) -> int:
        """Rows that fill the list (a generous guess before the first layout): what a new
        search fetches with its ids, so it paints without a page fetch in between."""
        height = self.scrollable_content_region.height
        return height // ROW_HEIGHT + 2 if height else 40

    def action_cursor_down(self) -> None:
        self.move_to(self._cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self._cursor - 1)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self._ids) - 1)

    def action_page_down(self) -> None:
        self.move_to(self._cursor + self._page_rows)

    def action_page_up(self) -> None:
        self.move_to(self._cursor - self._page_rows)

    def action_open(self) -> None:
        if (article_id := self.highlighted_id) is not None:
            self.post_message(self.Opened(self, article_id))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (offset.y + round(self.scroll_y)) // ROW_HEIGHT
        if 0 <= index < len(self._ids):
            if event.chain > 1 and index == self._cursor:
                self.action_open()
            else:
                self.move_to(index)

    # -- sizing and fetching -----------------------------------------------------------

    def set_width(self, width: int | None) -> None:
        """A width chosen by the reader, or (None) the stylesheet's."""
        if width:
            self.styles.width = width
            self.styles.max_width = preferences.MAX_LIST_WIDTH
        else:
            self.styles.clear_rule("width")
            self.styles.clear_rule("max_width")

    def resized(self, width: int | None, delta: int) -> int:
        """The width `delta` columns on from `width` (or from now), within the limits."""
        current = width or self.outer_size.width
        return max(preferences.MIN_LIST_WIDTH, min(preferences.MAX_LIST_WIDTH, current + delta))

    def _update_virtual_size(self) -> None:
        """A new length moves only the scrollbar's thumb, unless the scrollbar comes or goes:
        setting `virtual_size` lays out the whole screen, twice the cost of a keystroke's
        repaint of the list."""
        size = Size(self.scrollable_content_region.width, len(self._ids) * ROW_HEIGHT)
        same_bars = (
            self.is_mounted
            and bool(self.container_size)
            and size.width == self.virtual_size.width
            and (size.height > self.container_size.height) == self.show_vertical_scrollbar
        )
        if not same_bars:
            self.virtual_size = size
            return
        self.set_reactive(ArticleList.virtual_size, size)
        if self.show_vertical_scrollbar:
            set_length(self.vertical_scrollbar, size.height)

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    def _want(self, index: int) -> None:
        """Make sure the page holding row `index` is cached or on its way."""
        page = index // PAGE_SIZE
        if page in self._pending:
            return
        start = page * PAGE_SIZE
        # Only the rows not cached yet: a search brings its first screenful already.
        ids = [i for i in self._ids[start : start + PAGE_SIZE] if i not in self._rows]
        if not ids:
            return
        self._pending.add(page)
        generation, fetch = self._generation, self._fetch_rows

        def fetch_page() -> None:
            self.post_message(self._PageLoaded(generation, page, fetch(ids)))

        self.run_worker(fetch_page, thread=True, group=_ROWS_GROUP, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed page fetch is reported; its rows keep their placeholder (no retry loop)
        until the next id list is shown."""
        if event.state == WorkerState.ERROR and event.worker.group == _ROWS_GROUP:
            error = event.worker.error
            self.notify(
                f"cannot load articles: {type(error).__name__}: {error}",
                severity="error",
                markup=False,
            )

    @on(_PageLoaded)
    def _page_loaded(self, message: _PageLoaded) -> None:
        """Repaint only when a row on screen was waiting: most pages are fetched ahead of
        the scroll, and a repaint for them would cost every keystroke a second frame."""
        message.stop()
        top = round(self.scroll_y) // ROW_HEIGHT
        shown = self._ids[top : top + self._page_rows + 1]
        waiting = any(i in message.rows and i not in self._rows for i in shown)
        self._cache(message.rows)
        if message.generation == self._generation:
            self._pending.discard(message.page)
        if waiting:
            self.refresh()

    # -- rendering ---------------------------------------------------------------------

    def _set_dirty(self, *regions: Region) -> None:
        """Textual repaints the whole list through here (no regions): forget what is drawn."""
        if not regions:
            self.painted = None
        super()._set_dirty(*regions)

    def line_extra(self, index: int, part: int) -> Hashable:
        """What else row `index`'s line `part` is drawn from (a subclass's own state)."""
        return None

    def render_lines(self, crop: Region) -> list[Strip]:
        """One pass paints the rows on screen: styles, width and scroll are read once for all
        of them (read per line, they were a third of a keystroke's repaint)."""
        self._pass = {}, self.scrollable_content_region.width, round(self.scroll_y)
        try:
            return super().render_lines(crop)
        finally:
            self._pass = None

    def _style(self, *names: str, partial: bool = False) -> Style:
        if self._pass is None:
            return self.get_visual_style(*names, partial=partial)
        styles = self._pass[0]
        if (style := styles.get((names, partial))) is None:
            style = styles[names, partial] = self.get_visual_style(*names, partial=partial)
        return style

    def render_line(self, y: int) -> Strip:
        if self._pass is None:
            width, top = self.scrollable_content_region.width, round(self.scroll_y)
        else:
            _, width, top = self._pass
        index, part = divmod(top + y, ROW_HEIGHT)
        row_style = self._style("article-list--row")
        if not self._ids:
            return self._render_empty(y, width, row_style)
        if index >= len(self._ids):
            return Strip.blank(width, row_style.rich_style)
        article_id = self._ids[index]
        row = self._rows.get(article_id)
        if row is None:
            self._want(index)
        elif part == 0 and index + PREFETCH < len(self._ids):
            ahead = self._ids[index + PREFETCH]
            if ahead not in self._rows:
                self._ahead.want(index + PREFETCH)
        style = (
            self._style("article-list--row", "article-list--cursor")
            if index == self._cursor
            else row_style
        )
        inner = max(0, width - 1)  # one blank column before the border
        content = self._row_line(row, part, inner, index).truncate(inner, ellipsis=True, pad=True)
        content = content.truncate(width, pad=True)
        return Strip(content.render_segments(style), width)

    def _partial(self, name: str) -> Style:
        return self._style(name, partial=True)

    def _row_line(self, row: ArticleRow | None, part: int, width: int, index: int = 0) -> Content:
        if row is None:
            text = " " * 3 + ("Loading…" if part == 0 else "")
            return Content(text).stylize(self._partial("article-list--placeholder"))
        if part == 0:
            marker = Content(" ● " if not row.is_read else "   ").stylize(
                self._partial("article-list--unread-marker")
            )
            title = literal_line(row.title) or Content("(untitled)")
            title = title.stylize(
                self._partial("article-list--read" if row.is_read else "article-list--title")
            )
            title = highlighted(title, self.terms, self._partial("article-list--match"))
            return marker + title
        date = short_date(row.published_at)
        star = "★ " if row.is_starred else ""
        room = max(0, width - 3 - len(date) - len(star) - 2)
        source = literal_line(row.source) or Content(DASH)
        source = highlighted(source, self.terms, self._partial("article-list--match"))
        source = source.truncate(room, ellipsis=True, pad=True)
        meta = Content("   ") + source + Content("  ")
        meta = meta.stylize(self._partial("article-list--meta"))
        if star:
            meta += Content(star).stylize(self._partial("article-list--star"))
        return meta + Content(date).stylize(self._partial("article-list--meta"))

    def _render_empty(self, y: int, width: int, style: Style) -> Strip:
        if not self.loaded:
            lines = ["", "Loading articles…"]
        elif self.search_query:
            lines = [
                "",
                f"No articles match “{' '.join(self.search_query.split())}”",
                "Esc clears the search",
            ]
        else:
            lines = ["", *self.empty_lines]
        text = lines[y] if y < len(lines) else ""
        content = Content(text).truncate(width, ellipsis=True)
        content = content.pad_left((width - content.cell_length) // 2)
        content = content.stylize(self._partial("article-list--empty"))
        content = content.truncate(width, pad=True)
        return Strip(content.render_segments(style), width)
