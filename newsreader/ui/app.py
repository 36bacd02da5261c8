"""The app: opens the store, holds theme and preferences, the global keys and the signals.

The reading view (search, list, article pane and all that serves them) is a Screen of its
own, `ReaderScreen`, the first on the stack (`get_default_screen`); the app hands it the
store once open, and ends, in words, when the store cannot be used.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from newsreader import config as config_file
from newsreader import paths, preferences
from newsreader.config import Config
from newsreader.preferences import Preferences
from newsreader.ui import messages
from newsreader.ui.bindings import GLOBAL_BINDINGS, help_sections
from newsreader.ui.browser import open_detached
from newsreader.ui.commands import ReaderCommands
from newsreader.ui.keymap import checked
from newsreader.ui.lifecycle import describe, end_on_signals
from newsreader.ui.screens.help import HelpScreen
from newsreader.ui.screens.reader import PANE_DELAY, ReaderScreen
from newsreader.ui.settings import Settings, Severity
from newsreader.ui.text import literal_line

if TYPE_CHECKING:
    from newsreader.store.store import Store

OPEN_PATIENCE = 3.0
"""Seconds the store may take to open before the app says it is still waiting."""


class NewsReaderApp(App[None]):
    """App-wide things only: the store's opening, theme, preferences, global keys, signals."""

    CSS_PATH = paths.stylesheet()
    TITLE = "newsreader"
    COMMANDS = App.COMMANDS | {ReaderCommands}
    BINDINGS: ClassVar[list[BindingType]] = list(GLOBAL_BINDINGS)

    @dataclass
    class StoreSlow(Message):
        """The store is slow to open: being upgraded, or not answering (`name`)."""

        name: str
        upgrading: bool = False

    @dataclass
    class StoreOpened(Message):
        """The store is open (and seeded): the list can be filled."""

        store: Store

    @dataclass
    class LinkOpened(Message):
        url: str
        problem: str | None

    def __init__(
        self,
        store: Store | None = None,
        *,
        db_url: str | None = None,
        prefs: Preferences | None = None,
        prefs_path: Path | None = None,
        prefs_problem: str | None = None,
        config: Config | None = None,
        notices: Sequence[str] = (),
    ) -> None:
        super().__init__()
        keymap, config = checked(config or Config())
        self._keys = keymap
        """The person's `[keys]`, as checked: applied on mount."""
        self._notices = [n for n in (config.summary(), *notices) if n]
        """Said once on mount: what in config.toml was not understood, a state file moved."""
        self.settings = Settings(prefs, prefs_path, prefs_problem, config)
        self.settings.say = self._say
        self._upgrading_said = False
        self._restore_signals: Callable[[], None] = lambda: None
        self._store = store
        self.db_url = db_url
        """Where to open the store, when none was given: opened in a worker after the first
        frame, so the window appears before SQLAlchemy has even been imported."""
        self.error: str | None = None
        """Why the app gave up (the store could not be opened), for the CLI to report."""
        self.reader = ReaderScreen(self.settings, self._describe, store)
        """The reading view: the first screen, for as long as the app runs."""

    def get_default_screen(self) -> Screen[None]:
        return self.reader

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the store is not open yet")
        return self._store

    @property
    def prefs(self) -> Preferences:
        return self.settings.prefs

    @property
    def config(self) -> Config:
        return self.settings.config

    def _say(self, text: str, severity: Severity, timeout: float) -> None:
        self.notify(text, severity=severity, timeout=timeout, markup=False)

    def on_mount(self) -> None:
        prefs = self.settings.prefs
        if prefs.theme and prefs.theme in self.available_themes:
            self.theme = prefs.theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if self._keys:
            self.set_keymap(self._keys)
        for notice in self._notices:
            self.notify(literal_line(notice).plain, severity="warning", markup=False, timeout=10)
        if self.settings.problem:
            self.settings.not_saved(self.settings.problem)
        self._exit_on_signals()
        if self._store is None:
            self.open_store()

    def _theme_changed(self, theme: object) -> None:
        if self.theme != self.settings.prefs.theme:
            self.settings.change(theme=self.theme)

    # -- the store ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="store", exit_on_error=False)
    def open_store(self) -> None:
        """Open (and seed) the store in a daemon thread, and wait for it here.

        A server that never answers would hold a worker thread forever, and Python waits for
        those at exit: `q` cleared the screen, then the process hung. Waiting here instead,
        the worker ends when the app does (the daemon thread is dropped), and says once when
        the store is slow to answer, so "loading…" never stands alone with no way out.
        """
        from newsreader.store.errors import store_name

        url = self.db_url = self.db_url or paths.db_url()
        worker = get_current_worker()
        outcome: list[Store | BaseException] = []
        opener = threading.Thread(target=self._open, args=(url, outcome), daemon=True)
        opener.start()
        patience: float | None = time.monotonic() + OPEN_PATIENCE
        while opener.is_alive() and not worker.is_cancelled:
            opener.join(0.1)
            if patience is not None and time.monotonic() > patience and opener.is_alive():
                self.post_message(self.StoreSlow(store_name(url)))
                patience = None
        if worker.is_cancelled or not outcome:
            return
        if isinstance(outcome[0], BaseException):
            self.call_from_thread(self._give_up, self._describe(outcome[0]))
        else:
            self.post_message(self.StoreOpened(outcome[0]))

    def _open(self, url: str, outcome: list[Store | BaseException]) -> None:
        from newsreader.importer import seed
        from newsreader.store.store import Store

        def upgrading() -> None:
            self.post_message(self.StoreSlow("", upgrading=True))

        try:
            store = Store(url, on_upgrade=upgrading)
            seed(store)
        except Exception as error:  # whatever it is, the app must not sit on "loading…"
            outcome.append(error)
        else:
            outcome.append(store)

    @on(StoreSlow)
    def _store_slow(self, message: StoreSlow) -> None:
        if message.upgrading:
            self.notify("Upgrading the store to this version, once…", timeout=30)
        elif self._store is None and not self._upgrading_said:
            self.reader.status = "opening the store… · q quits"
            self.notify(
                f"The store {message.name} has not answered for {OPEN_PATIENCE:g} s; "
                "still trying (q quits).",
                severity="warning",
                markup=False,
                timeout=30,
            )
        self._upgrading_said = self._upgrading_said or message.upgrading

    @on(StoreOpened)
    def _store_opened(self, message: StoreOpened) -> None:
        self._store = message.store
        self.reader.store_opened(message.store)

    @on(messages.Unusable)
    def _unusable(self, message: messages.Unusable) -> None:
        self._give_up(message.reason)

    def _give_up(self, error: str) -> None:
        self.error = error
        self.exit(return_code=1)

    def _describe(self, error: BaseException) -> str:
        return describe(error, self._store.url if self._store is not None else self.db_url or "")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The store that cannot be opened ends the app, in words; other app workers that
        fail are said (the reading view says its own)."""
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        reason = self._describe(event.worker.error)
        if event.worker.group == "store":
            self._give_up(reason)
        else:
            self.notify(f"{event.worker.group} failed: {reason}", severity="error", markup=False)

    # -- the world around --------------------------------------------------------------

    def _exit_on_signals(self) -> None:
        """SIGTERM and SIGHUP end the app as `q` does: the terminal is put back as it was
        (alt screen off, cursor shown, mouse reporting off), nothing is left half-done."""
        if not self.is_headless:  # tests run in the test runner's process: not its signals
            loop = asyncio.get_running_loop()
            self._restore_signals = end_on_signals(
                lambda: loop.call_soon_threadsafe(self.call_later, self.action_quit)
            )

    def on_unmount(self) -> None:
        self._restore_signals()  # once the app is gone, signals act as they did before

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """In a browser started detached, from a worker: the app never waits for it."""
        self.launch_browser(url)

    @work(thread=True, group="browser", exit_on_error=False)
    def launch_browser(self, url: str) -> None:
        self.post_message(self.LinkOpened(url, open_detached(url, self.config)))

    @on(LinkOpened)
    def _link_opened(self, message: LinkOpened) -> None:
        url = literal_line(message.url).plain
        if message.problem is None:
            self.notify(f"Opening {url}", markup=False, timeout=3)
        else:
            self.notify(f"Not opened: {message.problem}.", severity="warning", markup=False)

    # -- global keys -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """On the reading view, keys that type into the search bar are text there."""
        stack = self.screen_stack  # empty as the app ends: no reading view to ask
        return (
            not stack
            or stack[-1] is not self.reader
            or self.reader.check_action(action, parameters)
        )

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(help_sections(self)))

    async def action_quit(self) -> None:
        """Remember where the reader was, then quit."""
        if self.reader.restored:
            self.settings.change(last_article=self.reader.article_list.highlighted_id or 0)
        await super().action_quit()


def make_app(
    store: Store | None = None,
    *,
    db_url: str | None = None,
    prefs_path: Path | None = None,
    config_path: Path | None = None,
) -> NewsReaderApp:
    """The one app factory, used by the CLI and by every UI test.

    Give it an open `store`, or a `db_url` for the app to open (and seed) itself in a worker
    after its first frame. The person's settings are read from `config_path` (config.toml in
    the config dir by default). What the app remembers is read from `prefs_path` (the state
    file by default, moved there once from an older preferences.toml) and saved back there.
    """
    notices = []
    if prefs_path is None:
        prefs_path = paths.state_path()
        moved = preferences.migrate(paths.old_preferences_path(), prefs_path)
        notices += [moved] if moved else []
    prefs, problem = preferences.read(prefs_path)
    config = config_file.load(config_path or paths.config_path())
    return NewsReaderApp(
        store,
        db_url=db_url,
        prefs=prefs,
        prefs_path=prefs_path,
        prefs_problem=problem,
        config=config,
        notices=notices,
    )


__all__: Sequence[str] = ["PANE_DELAY", "NewsReaderApp", "make_app"]
