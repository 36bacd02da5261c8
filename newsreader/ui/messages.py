"""The reading view's messages: each carries data from a worker back to the event loop."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.message import Message

from newsreader.store.views import ArticleRow, ArticleView, Counts
from newsreader.ui.flags import Saved
from newsreader.ui.keystroke import Answer
from newsreader.ui.story_rows import Grouped, StoryMap


@dataclass
class IdsLoaded(Message):
    """The ids of the view in list order, with the first page of rows and the counts."""

    ids: list[int]
    rows: Mapping[int, ArticleRow]
    counts: Counts
    key: tuple[str, ...]
    """(view, sort, scope) it was loaded for: a stale answer is dropped."""
    keep: int | None
    shown: Grouped | None = None
    """The list's rows, one per story (None: `ids`)."""
    stories: StoryMap | None = None
    head: bool = False
    """Only the list's first screen (`ui.first_screen`): the whole list follows."""


@dataclass
class SearchFinished(Message):
    """A search that answered after its keystroke's frame (see `ui.keystroke`)."""

    answer: Answer


@dataclass
class SearchFailed(Message):
    """A search that failed after its keystroke's frame: said in one line."""

    error: BaseException


@dataclass
class ArticleLoaded(Message):
    """An article fetched for the pane (`None` if it left the store meanwhile)."""

    article_id: int
    article: ArticleView | None


@dataclass
class FlagSaved(Message):
    saved: Saved


@dataclass
class Unusable(Message):
    """The first list could not be loaded: there is nothing to show, and why."""

    reason: str
