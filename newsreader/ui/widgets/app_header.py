"""A one-line header: the app's name on the left, its status (`k of N`) on the right, and
when the last refresh finished (`refreshed 14:05 · 12 new`) once there was one.

The status changes on every keystroke of a search. Textual's Header shows `App.sub_title`,
and setting that repaints the whole screen and lays it out again; this header repaints
only its status box, which is `1fr` wide whatever it holds.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static


class AppHeader(Horizontal):
    DEFAULT_CSS = """
    AppHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
        & > #app-title { width: auto; padding: 0 1; text-style: bold; color: $accent; }
        & > #app-status { width: 1fr; padding: 0 1; text-align: right; color: $text-muted; }
        & > #app-refreshed { width: auto; padding: 0 1; color: $text-muted; display: none; }
    }
    """

    def __init__(self, status: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._status = status
        self._shown = ""
        self._refreshed = ""

    def compose(self) -> ComposeResult:
        yield Static(Content(self.app.title), id="app-title", markup=False)
        yield Static(Content(self._status), id="app-status", markup=False)
        yield Static(Content(""), id="app-refreshed", markup=False)

    @property
    def refreshed(self) -> str:
        """When the last refresh finished and what it brought; "" before the first."""
        return self._refreshed

    @refreshed.setter
    def refreshed(self, text: str) -> None:
        self._refreshed = text
        shown = self.query_one("#app-refreshed", Static)
        shown.update(Content(text))
        shown.display = bool(text)

    @property
    def shown(self) -> str:
        """What the list shows, after the app's name (`Tag: rust`); "" for nothing."""
        return self._shown

    @shown.setter
    def shown(self, text: str) -> None:
        if text != self._shown:
            self._shown = text
            title = f"{self.app.title} · {text}" if text else self.app.title
            self.query_one("#app-title", Static).update(Content(title))

    @property
    def status(self) -> str:
        return self._status

    @status.setter
    def status(self, text: str) -> None:
        if text != self._status:
            self._status = text
            if self.is_mounted:
                self.query_one("#app-status", Static).update(Content(text), layout=False)
