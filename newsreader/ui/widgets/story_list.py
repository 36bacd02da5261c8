"""The article list with stories: a group is one row, `Enter`/`→` opens it to its members.

A group's row is its representative (chosen by `ui.story_rows.collapse`: the earliest in a
list, the best hit in a search) with "+N sources" and the sources' names under its title.
Opened, the group's members follow it, indented, one row each (the representative again
first): `Enter` on one of them reads that article only. The group row and its members are
rows of the same id list, so the cursor, paging and fetching work as for any article.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any, ClassVar

from textual.binding import BindingType
from textual.content import Content

from newsreader.store.views import ArticleRow
from newsreader.stories.groups import StoryGroup
from newsreader.ui.bindings import STORY_LIST_BINDINGS
from newsreader.ui.text import literal_line, short_date
from newsreader.ui.widgets.article_list import ArticleList

INDENT = 2
"""Columns a member row is set in under its group."""


class StoryList(ArticleList):
    """An `ArticleList` whose rows may be groups of articles reporting one story."""

    BINDINGS: ClassVar[list[BindingType]] = [*ArticleList.BINDINGS, *STORY_LIST_BINDINGS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups: Mapping[int, StoryGroup] = {}
        """The groups shown, by representative."""
        self._nested: dict[int, int] = {}
        """Row index of each member row of an opened group -> the group row's index."""

    def show(
        self,
        ids: Sequence[int],
        *,
        groups: Mapping[int, StoryGroup] | None = None,
        **kwargs: Any,
    ) -> None:
        self.groups = groups or {}
        self._nested = {}
        keep = kwargs.get("keep")
        if keep is not None and self.groups and keep not in self.groups:
            # an article folded into a story: the cursor goes to the story's row
            home = next((r for r, g in self.groups.items() if keep in g.members), None)
            kwargs["keep"] = keep if home is None or keep in ids else home
        super().show(ids, **kwargs)

    def is_member_row(self, index: int) -> bool:
        return index in self._nested

    def _group_at(self, index: int) -> tuple[int, StoryGroup] | None:
        """The group row at `index` (or the one above the member row there) and its group."""
        head = self._nested.get(index, index)
        if not 0 <= head < len(self.ids) or head in self._nested:
            return None
        group = self.groups.get(self.ids[head])
        return None if group is None else (head, group)

    def _is_open(self, head: int) -> bool:
        return head + 1 in self._nested and self._nested[head + 1] == head

    def action_open(self) -> None:
        """On a group row: open or close it; on an article or a member row: read it."""
        found = self._group_at(self.cursor) if not self.is_member_row(self.cursor) else None
        if found is None:
            super().action_open()
        elif self._is_open(found[0]):
            self.action_collapse_story()
        else:
            self.action_expand_story()

    def action_expand_story(self) -> None:
        found = self._group_at(self.cursor)
        if found is None or self.is_member_row(self.cursor) or self._is_open(found[0]):
            return
        head, group = found
        self._set_ids(head, group.members, 0)

    def action_collapse_story(self) -> None:
        found = self._group_at(self.cursor)
        if found is None or not self._is_open(found[0]):
            return
        head, group = found
        self._set_ids(head, (), len(group.members))
        self.move_to(head)

    def _set_ids(self, head: int, added: Sequence[int], removed: int) -> None:
        """Put `added` as member rows after row `head`, in place of `removed` rows there."""
        ids = list(self.ids)
        ids[head + 1 : head + 1 + removed] = added
        shift = len(added) - removed
        nested = {}
        for i, h in self._nested.items():  # rows below move; this group's old rows go
            if i <= head:
                nested[i] = h
            elif i > head + removed:
                nested[i + shift] = h + shift
        nested.update((head + 1 + k, head) for k in range(len(added)))
        self._ids = ids
        self._nested = nested
        self._update_virtual_size()
        self.refresh()

    def _row_line(self, row: ArticleRow | None, part: int, width: int, index: int = 0) -> Content:
        if index in self._nested:
            inner = super()._row_line(row, part, max(0, width - INDENT), index)
            return Content(" " * INDENT) + inner
        group = self.groups.get(row.id) if row is not None and part == 1 else None
        if row is None or group is None:
            return super()._row_line(row, part, width, index)
        date = short_date(row.published_at)
        tag = f"+{group.more} source{'s' if group.more > 1 else ''} "
        room = max(0, width - 3 - len(tag) - len(date) - 2)
        sources = dict.fromkeys(s for s in (row.source, *group.sources) if s)  # its own first
        names = literal_line(", ".join(sources)).truncate(room, ellipsis=True, pad=True)
        meta = self._partial("article-list--meta")
        return (
            Content("   ")
            + Content(tag).stylize(self._partial("article-list--unread-marker"))
            + names.stylize(meta)
            + Content("  " + date).stylize(meta)
        )

    def line_extra(self, index: int, part: int) -> Hashable:
        """A member row is indented; a group row's second line names its sources."""
        row = self.row(self.ids[index])
        group = self.groups.get(row.id) if row is not None and part == 1 else None
        return (index in self._nested, group)
