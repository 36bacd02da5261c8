"""Helpers for the UI tests: fixed decoy articles, waiting for workers, reading the screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget

from newsreader.ingest import ArticleDraft
from newsreader.ui.screens.reader import PANE_DELAY

SEED_TITLE = "Turkey, Russia Get Closer, Discuss Joint Production of Defense Systems"
BASE_DATE = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
SOURCES = ["Harbour Times", "The Ledger", "Valley Courier", "Northern Star"]
TOPICS = [
    "harbour dredging plan",
    "orchard frost losses",
    "tram line extension",
    "library opening hours",
    "river flood defences",
    "school meal prices",
    "bridge repair delay",
    "wind farm vote",
]


def numbered_drafts(count: int) -> list[ArticleDraft]:
    """Decoys with fixed dates, newest last: article n is `Story n: ...`."""
    drafts = []
    for n in range(1, count + 1):
        topic = TOPICS[n % len(TOPICS)]
        body = "\n\n".join(
            f"Paragraph {p} of story {n} about the {topic}. Council members met on Tuesday."
            for p in range(1, 4)
        )
        drafts.append(
            ArticleDraft(
                title=f"Story {n}: {topic}",
                body=body,
                source=SOURCES[n % len(SOURCES)],
                origin=f"test:{n}",
                published_at=BASE_DATE + timedelta(hours=n),
            )
        )
    return drafts


async def settle(pilot: Pilot[None]) -> None:
    """Wait until no worker runs and the messages they posted are handled."""
    app = pilot.app
    reader = getattr(app, "reader", None)
    for _ in range(20):
        if getattr(reader, "pane_pending", False):
            await pilot.pause(PANE_DELAY)
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers) and not getattr(
            reader, "pane_pending", False
        ):
            await pilot.pause()
            return
    raise AssertionError("workers kept running")


def screen_lines(app: App[None]) -> list[str]:
    """The text of every line of the screen, as the terminal would show it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def region_text(app: App[None], widget: Widget) -> str:
    """The text the screen shows inside `widget` (within its border), lines joined."""
    region = widget.scrollable_content_region
    lines = screen_lines(app)[region.y : region.bottom]
    return "\n".join(line[region.x : region.right] for line in lines)


def flat(text: str) -> str:
    """Text with all runs of whitespace (including wrapping) collapsed to one space."""
    return " ".join(text.split())
