"""The stats screen: articles per day as a sparkline, and counts per source.

The store is asked in a thread worker; until it answers the screen says it is counting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Sparkline, Static

from newsreader.ingest.sanitize import clean_line
from newsreader.store.views import Counts, DayCount, SourceStats
from newsreader.ui.text import DASH

if TYPE_CHECKING:
    from newsreader.store.store import Store


@dataclass(frozen=True, slots=True)
class Stats:
    counts: Counts
    days: list[DayCount]
    sources: list[SourceStats]


class StatsScreen(ModalScreen[None]):
    """Counts for the whole store; Esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,ctrl+t", "dismiss", "Close", show=True),
    ]

    @dataclass
    class Loaded(Message):
        stats: Stats

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.stats: Stats | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="stats-dialog") as dialog:
            dialog.border_title = "Statistics"
            dialog.border_subtitle = "Esc closes"
            yield Static(Content("Counting…"), id="stats-summary", markup=False)
            yield Static(Content(""), id="stats-chart-label", markup=False)
            yield Sparkline([], summary_function=max, id="stats-chart")
            with Horizontal(id="stats-chart-range"):
                yield Static(Content(""), id="stats-first-day", markup=False)
                yield Static(Content(""), id="stats-last-day", markup=False)
            yield DataTable(id="stats-sources", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#stats-sources", DataTable)
        table.add_column("Source", key="source")
        table.add_column(Text("Articles", justify="right"), key="total")
        table.add_column(Text("Unread", justify="right"), key="unread")
        table.add_column(Text("Starred", justify="right"), key="starred")
        self.count()

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def count(self) -> None:
        store = self.store
        self.post_message(self.Loaded(Stats(store.counts(), store.per_day(), store.source_stats())))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        stats = self.stats = message.stats
        counts = stats.counts
        self.query_one("#stats-summary", Static).update(
            Content(
                f"{counts.total:,} articles · {counts.unread:,} unread · "
                f"{counts.starred:,} starred · {len(stats.sources):,} sources"
            )
        )
        days = stats.days
        if days:
            peak = max(days, key=lambda d: d.count)
            label = f"Articles per day, {len(days)} days · busiest {peak.day}: {peak.count:,}"
            first, last = str(days[0].day), str(days[-1].day)
        else:
            label, first, last = "Articles per day: none yet", "", ""
        self.query_one("#stats-chart-label", Static).update(Content(label))
        self.query_one("#stats-chart", Sparkline).data = [d.count for d in days]
        self.query_one("#stats-first-day", Static).update(Content(first))
        self.query_one("#stats-last-day", Static).update(Content(last))
        table = self.query_one("#stats-sources", DataTable)
        table.clear()
        for row in stats.sources:
            table.add_row(
                Text(clean_line(row.source) or DASH),
                Text(f"{row.total:,}", justify="right"),
                Text(f"{row.unread:,}", justify="right"),
                Text(f"{row.starred:,}", justify="right"),
            )
