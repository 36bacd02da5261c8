"""`keep.*` in config.toml: the limits `newsreader refresh` applies after fetching, and the
ones `cleanup` uses when given none."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsreader import paths
from newsreader.cli import main


def _feed(path: Path, items: int) -> None:
    entries = "".join(
        f"<item><title>Entry {n}</title><link>https://example.org/{n}</link>"
        f"<guid>g{n}</guid><pubDate>Mon, 0{n} Jun 2026 10:00:00 +0000</pubDate>"
        f"<description>Body of entry {n}.</description></item>"
        for n in range(1, items + 1)
    )
    path.write_text(f'<rss version="2.0"><channel><title>F</title>{entries}</channel></rss>')


def _config(text: str) -> None:
    paths.config_path().parent.mkdir(parents=True, exist_ok=True)
    paths.config_path().write_text(text)


def _titles(db: str) -> list[str]:
    """The feed's articles' titles, newest first (the seed article is no feed's)."""
    out = CliRunner().invoke(main, ["--db", db, "list", "--json"]).output
    rows = [json.loads(line) for line in out.splitlines()]
    return [row["title"] for row in rows if row["feed_id"] is not None]


def test_refresh_keeps_per_feed_as_configured(tmp_path: Path) -> None:
    db, feed = str(tmp_path / "s.db"), tmp_path / "feed.xml"
    _feed(feed, 3)
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "feed", "add", str(feed)]).exit_code == 0
    assert len(_titles(db)) == 3  # no limit set yet: all kept
    _config("[keep]\nper_feed = 1\n")
    result = runner.invoke(main, ["--db", db, "refresh"])
    assert result.exit_code == 0, result.output
    assert _titles(db) == ["Entry 3"]  # the newest
    runner.invoke(main, ["--db", db, "refresh"])
    assert _titles(db) == ["Entry 3"]  # the removed did not come back


def test_cleanup_without_options_uses_the_config(tmp_path: Path) -> None:
    db, feed = str(tmp_path / "s.db"), tmp_path / "feed.xml"
    _feed(feed, 4)
    runner = CliRunner()
    runner.invoke(main, ["--db", db, "feed", "add", str(feed)])
    result = runner.invoke(main, ["--db", db, "cleanup", "--dry-run"])
    assert "no limit given" in result.output
    _config("[keep]\nper_feed = 2\n")
    result = runner.invoke(main, ["--db", db, "cleanup"])
    assert result.exit_code == 0, result.output
    assert "2 articles removed" in result.output
    assert sorted(_titles(db)) == ["Entry 3", "Entry 4"]
