"""Feed refresh: every feed fetched in a worker, its progress on one line above the footer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

if TYPE_CHECKING:
    from newsreader.refresh import Outcome
    from newsreader.store.store import Store


class RefreshBar(Static):
    """Runs one refresh at a time and says how far it got; hidden when none runs."""

    @dataclass
    class Finished(Message):
        """Every feed was tried: one outcome each."""

        outcomes: Sequence[Outcome]

        @property
        def summary(self) -> str:
            added = sum(o.added for o in self.outcomes)
            updated = sum(o.updated for o in self.outcomes)
            failed = sum(o.status == "error" for o in self.outcomes)
            text = f"{len(self.outcomes)} feeds: {added} new, {updated} updated"
            return text + (f", {failed} failed (F shows why)" if failed else "")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Content(""), id=id, markup=False)

    @property
    def running(self) -> bool:
        return any(w.group == "refresh" and w.is_running for w in self.workers)

    def start(self, store: Store) -> None:
        if self.running:
            self.notify("Already refreshing.", timeout=3)
        else:
            self.refresh_feeds(store)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def refresh_feeds(self, store: Store) -> None:
        from newsreader.refresh import refresh
        from newsreader.store.feeds import feeds

        targets = feeds(store)
        if not targets:
            self.app.call_from_thread(
                self.notify, "No feeds yet: newsreader feed add URL subscribes to one.", timeout=5
            )
            return
        done = added = 0

        def progress(outcome: Outcome) -> None:
            nonlocal done, added
            done += 1
            added += outcome.added
            self.app.call_from_thread(
                self.set_progress, f"Refreshing feeds {done}/{len(targets)} · {added} new"
            )

        self.app.call_from_thread(self.set_progress, f"Refreshing feeds 0/{len(targets)}")
        outcomes = refresh(store, targets, on_done=progress)
        self.app.call_from_thread(self.set_progress, "")
        self.post_message(self.Finished(outcomes))

    def set_progress(self, text: str) -> None:
        self.update(Content(text))
        self.display = bool(text)
