"""Settings as the app runs with them: the person's config (read-only) and what the app
remembers (preferences: each change saved at once, a problem said once).

No Textual here: the app hands over how to say a problem (`say`), and both the app (theme)
and the reading view (order, widths, where the reader was) change preferences through this.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from newsreader import preferences
from newsreader.config import Config
from newsreader.preferences import SORTS, Preferences
from newsreader.ui.text import literal_line

if TYPE_CHECKING:
    from newsreader.store.store import Order

Severity = Literal["information", "warning", "error"]
Say = Callable[[str, Severity, float], object]


class Settings:
    """The config and preferences in force, where preferences are saved, and why they could
    not be read."""

    def __init__(
        self,
        prefs: Preferences | None = None,
        path: Path | None = None,
        problem: str | None = None,
        config: Config | None = None,
    ) -> None:
        self.config = config or Config()
        """The person's config.toml: read at start, never written."""
        self.prefs = prefs or Preferences()
        self.path = path
        """Where preferences are saved when they change (None: not saved)."""
        self.problem = problem
        """Why the preferences file could not be read whole: said once, and it is not saved."""
        self.say: Say = lambda text, severity, timeout: None

    @property
    def sort(self) -> Order:
        sort = self.prefs.sort
        return sort if sort in SORTS else "newest"  # type: ignore[return-value]

    def change(self, **changes: object) -> None:
        self.prefs = self.prefs.with_(**changes)
        if self.path is None:
            return
        try:
            preferences.save(self.prefs, self.path)
        except preferences.PreferencesError as error:
            if str(error) != self.problem:  # said once per reason
                self.not_saved(str(error))
        except OSError as error:
            self.say(
                f"Cannot save preferences to {self.path}: {error.strerror or error}", "error", 5
            )

    def not_saved(self, problem: str) -> None:
        self.problem = problem
        self.say(
            f"Remembered state: {literal_line(problem).plain}. Using defaults for that; the "
            "file is left as it is (changes are not saved until it is fixed).",
            "warning",
            10,
        )
