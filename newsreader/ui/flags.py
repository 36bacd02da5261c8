"""Read and star writes: in the order they were asked for, each answered with what the store
then holds, so the screen can show what was saved and nothing else.

No Textual here: the app shows a change at once (`ask`), runs `drain` in a worker thread,
and puts on screen each `Saved` it is handed (`settle` says which answer is the last).
"""

from __future__ import annotations

import queue
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from newsreader.store.views import ArticleRow, Counts

if TYPE_CHECKING:
    from newsreader.store.store import Store

Flag = Literal["is_read", "is_starred"]
WORDS = {
    ("is_read", True): "mark it read",
    ("is_read", False): "mark it unread",
    ("is_starred", True): "star it",
    ("is_starred", False): "unstar it",
}


@dataclass(frozen=True, slots=True)
class Saved:
    """One write's answer: the row and counts as stored after it, and why it failed."""

    article_id: int
    flag: Flag
    value: bool
    row: ArticleRow | None
    """None when it could not be read back."""
    counts: Counts | None
    error: str | None

    @property
    def notice(self) -> str | None:
        return f"Could not {WORDS[(self.flag, self.value)]}: {self.error}" if self.error else None

    def shown(self) -> dict[str, bool]:
        """The flags to show: as read back; else, after a failure, what was there before."""
        if self.row is not None:
            return {"is_read": self.row.is_read, "is_starred": self.row.is_starred}
        return {self.flag: not self.value} if self.error else {}


class FlagWriter:
    """A queue of flag writes drained by one thread at a time, in order: two quick presses
    of `m` are saved in the order they were made, and the last answer is the stored state."""

    def __init__(self, describe: Callable[[BaseException], str]) -> None:
        self._describe = describe
        self._asked: queue.SimpleQueue[tuple[int, Flag, bool]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._unsaved: Counter[int] = Counter()
        """Writes per article not yet answered (touched on the event loop only)."""

    def ask(self, article_id: int, flag: Flag, value: bool) -> None:
        self._unsaved[article_id] += 1
        self._asked.put((article_id, flag, value))

    def drain(self, store: Store, answer: Callable[[Saved], object]) -> None:
        """Write everything asked so far (in a worker thread), answering each in turn."""
        with self._lock:
            while True:
                try:
                    article_id, flag, value = self._asked.get_nowait()
                except queue.Empty:
                    return
                error = None
                try:
                    store.set_flag(article_id, flag, value)
                except Exception as failure:
                    error = self._describe(failure)
                try:
                    row = store.rows([article_id]).get(article_id)
                    counts: Counts | None = store.counts()
                except Exception:
                    row = counts = None
                answer(Saved(article_id, flag, value, row, counts, error))

    def settle(self, saved: Saved) -> bool:
        """Count an answer in; True when it is the last one asked for its article (its
        state is then the one to show: earlier answers may be overtaken)."""
        self._unsaved[saved.article_id] -= 1
        if self._unsaved[saved.article_id] > 0:
            return False
        del self._unsaved[saved.article_id]
        return True
