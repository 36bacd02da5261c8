"""Stories in the list: the articles of one story shown as one row, and "mark story read".

The rows come from `stories.groups`' rules: in the list a group sits at its first member
in list order and is represented by its *earliest* shown member (the first report is
usually the original, the later ones its copies, and the row does not move as the reader
reads); in a search it sits at its best hit, which represents it (what the query was
about). The grouping itself is done here, on the event loop's worker threads, from a
`StoryMap` read once per list load: a keystroke's search then groups its hits with no SQL
and one dictionary look-up per hit (`collapse`), nothing at all when no story has two
members.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual import work
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import get_current_worker

from newsreader.config import STORIES_GROUP
from newsreader.store.views import ArticleRow, Counts
from newsreader.stories.groups import StoryGroup, list_stories, mark_story_read, story_members
from newsreader.ui.widgets.article_view import ArticlePane

if TYPE_CHECKING:
    from collections.abc import Callable

    from newsreader.store.store import Store
    from newsreader.ui.settings import Settings
    from newsreader.ui.widgets.story_list import StoryList


REST_DELAY = 0.35
"""Seconds of typing pause before a search's whole result is grouped (100k hits in stories:
~0.1-0.3 s of a thread holding the interpreter), as the article pane waits: at 0.15 s it
started just as a typist's next key came (gaps of 0.15-0.25 s) and slowed that key."""


@dataclass(frozen=True, slots=True)
class StoryMap:
    """Every story of two or more articles: what `collapse` needs, read in one query."""

    story_of: Mapping[int, int] = field(default_factory=dict)
    members: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    """Each story's articles, earliest first."""
    sources: Mapping[int, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Grouped:
    """The list's rows: `ids` one per story, and the groups among them by representative."""

    ids: Sequence[int]
    groups: Mapping[int, StoryGroup] = field(default_factory=dict)
    complete: bool = True
    """False when only a head of the rows is grouped and the rest of the ids follow as they
    came (a keystroke's screenful: `StoryActions` groups the whole result after it)."""


def load_stories(store: Store) -> StoryMap:
    """The store's stories (blocking: from a worker)."""
    story_of: dict[int, int] = {}
    members: dict[int, tuple[int, ...]] = {}
    sources: dict[int, tuple[str, ...]] = {}
    for group in list_stories(store):
        members[group.story] = group.members
        sources[group.story] = group.sources
        story_of.update((i, group.story) for i in group.members)
    return StoryMap(story_of, members, sources)


def collapse(
    ids: Sequence[int], stories: StoryMap, ranked: bool = False, head: int | None = None
) -> Grouped:
    """One row per story among `ids`, at its first member's place. In a list (`ranked`
    false) a group holds only its members among `ids` and the earliest represents it; in
    a search the first (best) hit represents it, then the other hits, then the rest of the
    story. Linear in `len(ids)`; `ids` itself when no story has two members.

    With `head` (a search), only the first `head` rows are grouped, the rest of `ids`
    follows as it came (a keystroke's screenful: grouping the 100k hits of a one-letter
    query takes ~80 ms where a key has 1-2 ms to spare); their groups hold the hits among
    those rows, then the rest of the story."""
    story_of = stories.story_of
    if not story_of:
        return Grouped(ids)
    found: dict[int, list[int]] = {}
    rows: list[int] = []
    stop = len(ids) if head is None else head
    for at, i in enumerate(ids):
        if len(rows) >= stop:
            return _grouped(rows, found, stories, ranked, ids[at:])
        story = story_of.get(i)
        if story is None:
            rows.append(i)
        elif (hits := found.get(story)) is None:
            found[story] = [i]
            rows.append(-story)  # filled in below, once the group is known
        else:
            hits.append(i)
    return _grouped(rows, found, stories, ranked) if found else Grouped(ids)


def _grouped(
    rows: list[int],
    found: dict[int, list[int]],
    stories: StoryMap,
    ranked: bool,
    rest: Sequence[int] = (),
) -> Grouped:
    """The rows with each story's place (`-story`) filled by its group's representative."""
    shown: dict[int, int] = {}
    groups: dict[int, StoryGroup] = {}
    for story, hits in found.items():
        every = stories.members[story]
        if ranked:
            seen = set(hits)
            members = (*hits, *(i for i in every if i not in seen))
        else:
            seen = set(hits)
            members = tuple(i for i in every if i in seen)
        shown[story] = members[0]
        if len(members) > 1:
            groups[members[0]] = StoryGroup(story, members, stories.sources[story])
    out = [i if i > 0 else shown[-i] for i in rows]
    if rest:
        out += rest
    return Grouped(out, groups, complete=not rest)


class Stories:
    """The reading view's grouping: on unless `stories.group = false` or toggled off."""

    def __init__(self, settings: Settings) -> None:
        self.on = settings.config.get(STORIES_GROUP)
        self.map = StoryMap()
        self.all = Grouped(())
        """The rows of the whole view (no search)."""

    def load(self, store: Store) -> StoryMap:
        return load_stories(store) if self.on else StoryMap()

    def searched(self, screenful: int) -> Callable[[Sequence[int]], Grouped]:
        """How a keystroke's search groups its ranked hits (read on the event loop): a
        screenful now, the rest by `StoryActions.group_rest` after it is shown."""
        stories = self.map
        return lambda ids: collapse(ids, stories, ranked=True, head=screenful)


class StoryActions(Screen[None]):
    """ "Mark story read" and the grouping switch; `ReaderScreen` provides what is declared
    here. The store is written in a worker and the screen shows what it then holds."""

    if TYPE_CHECKING:
        stories: Stories
        counts: Counts | None
        _describe: Callable[[BaseException], str]

        @property
        def store(self) -> Store: ...
        @property
        def article_list(self) -> StoryList: ...
        def _refresh_status(self) -> None: ...
        def _reload(self) -> None: ...

    def action_mark_story_read(self) -> None:
        article_id = self.article_list.highlighted_id
        if article_id is None:
            self.app.bell()
            return
        self._write_story(article_id)

    @work(thread=True, group="flags", exit_on_error=False)
    def _write_story(self, article_id: int) -> None:
        store, error = self.store, None
        try:
            mark_story_read(store, article_id)
        except Exception as failed:  # said in one line; the rows show what is stored
            error = self._describe(failed)
        try:
            rows, counts = store.rows(story_members(store, article_id)), store.counts()
        except Exception:
            rows, counts = {}, None
        self.app.call_from_thread(self._story_saved, rows, counts, error)

    def _story_saved(
        self, rows: Mapping[int, ArticleRow], counts: Counts | None, error: str | None
    ) -> None:
        if error is not None:
            self.notify(f"Could not mark the story read: {error}", severity="error", markup=False)
        pane = self.query_one("#article", ArticlePane)
        for row in rows.values():
            self.article_list.set_flags(row.id, is_read=row.is_read)
            pane.set_flags(row.id, is_read=row.is_read)
        if counts is not None:
            self.counts = counts
            self._refresh_status()

    _rest: Timer | None = None

    def group_rest(self, query: str, ids: Sequence[int], shown: Grouped) -> None:
        """After a keystroke showed its screenful grouped: group the whole result once the
        typing pauses (a timer, not a thread started and put to sleep on every key)."""
        if self._rest is not None:
            self._rest.stop()
            self._rest = None
        if not shown.complete:
            stories = self.stories.map
            self._rest = self.set_timer(
                REST_DELAY, lambda: self._group_rest(query, ids, shown, stories)
            )

    @work(thread=True, exclusive=True, group="stories", exit_on_error=False)
    def _group_rest(
        self, query: str, ids: Sequence[int], shown: Grouped, stories: StoryMap
    ) -> None:
        whole = collapse(ids, stories, ranked=True)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._rest_grouped, query, shown, whole)

    def _rest_grouped(self, query: str, shown: Grouped, whole: Grouped) -> None:
        """Shown unless a newer list replaced the head meanwhile; the cursor stays put."""
        articles = self.article_list
        if articles.ids is shown.ids and articles.search_query == query:
            keep = articles.highlighted_id
            articles.show(
                whole.ids, groups=whole.groups, query=query, terms=articles.terms, keep=keep
            )

    def action_toggle_stories(self) -> None:
        self.stories.on = not self.stories.on
        self.notify(f"Stories as one row: {'on' if self.stories.on else 'off'}", timeout=3)
        self._reload()
