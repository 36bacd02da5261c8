"""The list's first screen, ahead of the whole list: start-up paints in O(screen), not O(store).

Every id in list order (and every story, to group them) is ~1 s of a worker at a million
articles, and the person sees only the first forty rows. So the reading view first shows the
head of the list, read with `ORDER BY ... LIMIT` on the `sorted_at` index, grouped as the
whole list will be; the whole list follows from the same worker and replaces it in place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import Worker

from newsreader.search.query import Filters
from newsreader.stories.groups import StoryGroup, stories_holding
from newsreader.ui.messages import IdsLoaded
from newsreader.ui.scope import listed
from newsreader.ui.status import VIEW_FILTERS, View
from newsreader.ui.story_rows import Grouped, Stories, collapse
from newsreader.ui.widgets.article_list import PAGE_SIZE

if TYPE_CHECKING:
    from newsreader.store.store import Order, Store
    from newsreader.ui.screens.feeds import Chosen


def load_list(
    store: Store,
    stories: Stories,
    what: tuple[Chosen | None, View, Order],
    key: tuple[str, ...],
    keep: int | None,
    post: Callable[[Message], object],
    worker: Worker[None],
    *,
    first: bool,
) -> None:
    """Post the list of `what` (scope, view, order) as `IdsLoaded`: every article's first
    screen at once, then the whole list (blocking: the reading view's ids worker).

    After the `first` list, a first screen is shown only if it holds `keep`: a reload (a
    refresh added articles) must not take the cursor of a reader far down to the top."""
    chosen, view, sort = what
    counts = store.counts()
    head = None
    if chosen is None and not VIEW_FILTERS[view]:
        head = first_screen(store, sort, stories.on, PAGE_SIZE, None if first else keep)
    if head is not None:
        post(IdsLoaded(list(head.ids), store.rows(head.ids), counts, key, keep, head, head=True))
        if worker.is_cancelled:
            return
    ids = listed(store, chosen, view, sort)
    story_map = stories.load(store)
    shown = collapse(ids, story_map)
    rows = {} if head is not None else store.rows(shown.ids[:PAGE_SIZE])
    post(IdsLoaded(ids, rows, counts, key, keep, shown, story_map))


def first_screen(
    store: Store, sort: Order, grouped: bool, size: int, keep: int | None = None
) -> Grouped | None:
    """The first `size` ids of every article in list order, one row per story as `collapse`
    makes them of the whole list; None when that is every article (the whole list is then
    as cheap), or when `keep` is given and not among them."""
    head = store.filtered_ids(Filters(), sort, limit=size + 1)
    if len(head) <= size or (keep is not None and keep not in head[:size]):
        return None
    del head[size:]
    return head_rows(head, stories_holding(store, head) if grouped else [])


def head_rows(head: Sequence[int], stories: Sequence[StoryGroup]) -> Grouped:
    """The rows of a list's first ids when every article is in the list: a story sits at
    its first member there and its earliest member represents it, with all its members
    (as `collapse` groups the whole list, where every member is listed)."""
    story_of = {i: group for group in stories for i in group.members}
    rows: list[int] = []
    groups: dict[int, StoryGroup] = {}
    for i in head:
        group = story_of.get(i)
        if group is None:
            rows.append(i)
        elif group.representative not in groups:
            rows.append(group.representative)
            groups[group.representative] = group
    return Grouped(rows, groups)
