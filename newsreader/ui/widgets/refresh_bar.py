"""Feed refresh: every feed fetched in a worker, its progress on one line above the footer.

Started by `r`, at launch (`refresh.on_start`) and every `refresh.interval` while the app
runs. After a refresh that added articles, `hooks.new_articles` runs in the same worker; a
hook that fails, or a feed that moved (301/308), is said once per reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from newsreader.config import REFRESH_INTERVAL, REFRESH_ON_START
from newsreader.ui.settings import Settings, Severity
from newsreader.ui.text import literal_line

if TYPE_CHECKING:
    from newsreader.refresh import Outcome
    from newsreader.store.store import Store


class RefreshBar(Static):
    """Runs one refresh at a time and says how far it got; hidden when none runs."""

    _test_interval: float | None = None
    """Seconds between background refreshes in tests (the config's minimum is a minute)."""

    @dataclass
    class Finished(Message):
        """Every feed was tried: one outcome each."""

        outcomes: Sequence[Outcome]
        background: bool = False
        """Started by the interval or at launch, not by a key: said in the header only."""
        at: datetime | None = None

        @property
        def summary(self) -> str:
            added = sum(o.added for o in self.outcomes)
            updated = sum(o.updated for o in self.outcomes)
            failed = sum(o.status == "error" for o in self.outcomes)
            text = f"{len(self.outcomes)} feeds: {added} new, {updated} updated"
            return text + (f", {failed} failed (F shows why)" if failed else "")

        @property
        def header(self) -> str:
            """`refreshed 14:05 · 12 new` (and how many feeds failed)."""
            added = sum(o.added for o in self.outcomes)
            failed = sum(o.status == "error" for o in self.outcomes)
            when = (self.at or datetime.now()).strftime("%H:%M")
            return f"refreshed {when} · {added:,} new" + (f" · {failed} failed" if failed else "")

    @dataclass
    class Said(Message):
        """Something to say once per reason: a hook failed, a feed moved."""

        text: str
        severity: Severity = "warning"

    def __init__(self, settings: Settings | None = None, *, id: str | None = None) -> None:
        super().__init__(Content(""), id=id, markup=False)
        self.settings = settings or Settings()
        self._store: Store | None = None
        self._said: set[str] = set()

    @property
    def running(self) -> bool:
        return any(w.group == "refresh" and w.is_running for w in self.workers)

    @property
    def interval(self) -> float:
        """Seconds between background refreshes; 0: none."""
        return self._test_interval or self.settings.config.get(REFRESH_INTERVAL)

    def begin(self, store: Store) -> None:
        """The store is open: refresh now if asked to, then every `interval`."""
        if self._store is not None:
            return
        self._store = store
        if self.settings.config.get(REFRESH_ON_START):
            self.refresh_feeds(store, background=True)
        if self.interval:
            self.set_interval(self.interval, self._tick)

    def _tick(self) -> None:
        if self._store is not None and not self.running:
            self.refresh_feeds(self._store, background=True)

    def start(self, store: Store) -> None:
        if self.running:
            self.notify("Already refreshing.", timeout=3)
        else:
            self.refresh_feeds(store)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def refresh_feeds(self, store: Store, background: bool = False) -> None:
        from newsreader.hooks import new_articles
        from newsreader.refresh import refresh
        from newsreader.store.feeds import feeds

        targets = feeds(store)
        if not targets:
            if not background:
                self.app.call_from_thread(
                    self.notify,
                    "No feeds yet: newsreader feed add URL subscribes to one.",
                    timeout=5,
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
        keep_days, per_feed = self.settings.config.keep()
        outcomes = refresh(store, targets, on_done=progress, keep_days=keep_days, per_feed=per_feed)
        self.app.call_from_thread(self.set_progress, "")
        self.post_message(self.Finished(outcomes, background, datetime.now()))
        for outcome in outcomes:
            if outcome.note:
                self.post_message(self.Said(f"{outcome.feed.name}: {outcome.note}", "information"))
        if (problem := new_articles(self.settings.config, outcomes)) is not None:
            self.post_message(self.Said(problem))

    @on(Said)
    def _say_once(self, message: Said) -> None:
        if message.text not in self._said:  # said once, not every half hour
            self._said.add(message.text)
            text = literal_line(message.text).plain
            self.notify(text, severity=message.severity, markup=False, timeout=8)

    def set_progress(self, text: str) -> None:
        self.update(Content(text))
        self.display = bool(text)
