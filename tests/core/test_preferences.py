"""Preferences: a TOML file in the config dir that survives a round trip and bad edits."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from newsreader import paths
from newsreader.preferences import Preferences, dumps, load, save


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "preferences.toml"
    prefs = Preferences(
        theme='odd "name" \\ é\x01',
        sort="title",
        read_on_open=False,
        list_width=50,
        last_article=42,
    )
    save(prefs, path)
    assert load(path) == prefs
    assert tomllib.loads(path.read_text())["sort"] == "title"  # valid TOML for other tools
    assert not list(path.parent.glob(".*tmp"))  # the temporary file is gone


def test_missing_or_broken_files_give_defaults(tmp_path: Path) -> None:
    assert load(tmp_path / "none.toml") == Preferences()
    broken = tmp_path / "broken.toml"
    broken.write_text("sort = [unclosed")
    assert load(broken) == Preferences()
    broken.write_bytes(b"\xff\xfe")
    assert load(broken) == Preferences()


def test_bad_values_fall_back_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        'sort = "sideways"\nread_on_open = "yes"\nlist_width = true\n'
        'theme = "nord"\nlast_article = -3\nunknown = 1\n'
    )
    prefs = load(path)
    assert prefs == Preferences(theme="nord")
    path.write_text("list_width = 5\n")  # too narrow to read
    assert load(path).list_width == 0
    path.write_text("list_width = 48\n")
    assert load(path).list_width == 48


def test_with_validates() -> None:
    assert Preferences().with_(sort="bogus").sort == "newest"
    assert Preferences().with_(sort="oldest").sort == "oldest"


def test_the_file_lives_in_the_config_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert paths.preferences_path() == tmp_path / "cfg" / "newsreader" / "preferences.toml"
    assert dumps(Preferences()).startswith("#")
