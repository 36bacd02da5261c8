"""Small dialogs of the reading view: a yes/no question, and the name of a search to save."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from newsreader.ingest.sanitize import clean_line

if TYPE_CHECKING:
    from newsreader.store.saved import SavedInfo
    from newsreader.store.store import Store


class ConfirmScreen(ModalScreen[bool]):
    """`question? y/n`: dismissed with True for y, False for n or Esc."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "dismiss(True)", "Yes"),
        Binding("n,escape", "dismiss(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="small-dialog"):
            yield Static(Content(self.question), id="confirm-question", markup=False)


class SaveSearchScreen(ModalScreen["SavedInfo | None"]):
    """Asks a name for `query` and saves it; a refusal is said in one line and the dialog
    stays, so the name can be changed. Dismissed with what was saved, or None (Esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    @dataclass
    class Done(Message):
        saved: SavedInfo | None
        problem: str | None = None

    def __init__(self, store: Store, query: str, describe: Callable[[BaseException], str]) -> None:
        super().__init__()
        self.store = store
        self.query_text = query
        self._describe_error = describe

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog", classes="small-dialog") as dialog:
            dialog.border_title = "Save this search"
            dialog.border_subtitle = "Enter saves · Esc cancels"
            yield Static(Content(clean_line(self.query_text)), id="save-query", markup=False)
            yield Input(placeholder="Its name", id="save-name", max_length=100)
            yield Static(Content(""), id="save-problem", markup=False)

    @on(Input.Submitted, "#save-name")
    def _submitted(self, event: Input.Submitted) -> None:
        self.save(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def save(self, name: str) -> None:
        from newsreader.store.saved import save_search

        try:
            self.post_message(self.Done(save_search(self.store, name, self.query_text)))
        except Exception as error:  # refused (name taken, empty, store busy): said in words
            self.post_message(self.Done(None, f"Not saved: {self._describe_error(error)}"))

    @on(Done)
    def _done(self, message: Done) -> None:
        if message.saved is not None:
            self.dismiss(message.saved)
        else:
            problem = clean_line(message.problem or "")
            self.query_one("#save-problem", Static).update(Content(problem))
