"""config.toml: the person's file, read never written; every broken case is one line per
problem with its line and key (`config check`, exit 1), and defaults for the rest."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader import config, paths, preferences
from newsreader.cli import main
from newsreader.config import (
    HOOK_NEW_ARTICLES,
    OPENER,
    OPENERS,
    REFRESH_INTERVAL,
    REFRESH_ON_START,
    SETTINGS,
    Config,
    fill,
    parse,
)
from newsreader.preferences import Preferences
from newsreader.ui.keymap import checked

README = Path(__file__).resolve().parents[2] / "README.md"


def check(text: str | bytes) -> tuple[int, list[str]]:
    path = paths.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    result = CliRunner().invoke(main, ["config", "check"])
    return result.exit_code, result.stdout.splitlines()


def test_no_file_is_every_default_and_check_is_happy() -> None:
    loaded = config.load(paths.config_path())
    assert loaded.problems == () and loaded.get(REFRESH_INTERVAL) == 1800
    assert loaded.get(OPENER) == () and loaded.get(HOOK_NEW_ARTICLES) == ()
    result = CliRunner().invoke(main, ["config", "check"])
    assert result.exit_code == 0 and "no file" in result.stdout


def test_a_whole_file_is_read() -> None:
    loaded = parse(
        'opener = ["firefox", "--new-tab", "{url}"]\n'
        "[refresh]\n"
        'interval = "1h30m"\n'
        "on_start = true\n"
        "[hooks]\n"
        'new_articles = ["notify-send", "newsreader", "{count} new articles"]\n'
        "[keys]\n"
        'mark_read = "x, f5"\n'
        "[[openers]]\n"
        'match = "youtube\\\\.com"\n'
        'command = ["mpv", "{url}"]\n'
    )
    assert loaded.problems == ()
    assert loaded.get(REFRESH_INTERVAL) == 5400 and loaded.get(REFRESH_ON_START) is True
    assert loaded.get(OPENER) == ("firefox", "--new-tab", "{url}")
    (opener,) = loaded.get(OPENERS)
    assert opener.match.search("https://www.youtube.com/watch") and opener.command[0] == "mpv"
    assert loaded.table("keys") == {"mark_read": "x, f5"}
    assert checked(loaded)[0] == {"mark_read": "x,f5"}
    assert loaded.source("refresh.interval") == "file" and loaded.source("opener") == "file"


BROKEN = {
    "bad toml": ('[refresh]\ninterval = "30m"\non_start = yes\n', 3, ""),
    "unknown key": ('colour = "red"\n', 1, "colour"),
    "unknown in a table": ("[refresh]\nintervals = 5\n", 2, "refresh.intervals"),
    "wrong type": ("[refresh]\non_start = 1\n", 2, "refresh.on_start"),
    "duration words": ('refresh.interval = "soon"\n', 1, "refresh.interval"),
    "below the minimum": ('[refresh]\ninterval = "30s"\n', 2, "refresh.interval"),
    "above the maximum": ('[refresh]\ninterval = "999h"\n', 2, "refresh.interval"),
    "not a table": ("\n\nrefresh = 5\n", 3, "refresh"),
    "opener not a list": ('opener = "firefox %s"\n', 1, "opener"),
    "opener placeholder": ('opener = ["firefox", "{link}"]\n', 1, "opener"),
    "hook not strings": ("[hooks]\nnew_articles = [1, 2]\n", 2, "hooks.new_articles"),
    "openers regex": ('[[openers]]\nmatch = "("\ncommand = ["mpv"]\n', 1, "openers"),
    "openers no command": ('[[openers]]\nmatch = "x"\n', 1, "openers"),
    "key id": ('[keys]\nno_such_thing = "x"\n', 2, "keys.no_such_thing"),
    "key name": ('[keys]\nmark_read = "ctrl+nope"\n', 2, "keys.mark_read"),
    "key type": ("[keys]\nmark_read = 5\n", 2, "keys.mark_read"),
    "reserved key": ('[keys]\nstar = "ctrl+p"\n', 2, "keys.star"),
    "two actions one key": ('[keys]\nmark_read = "s"\n', 2, "keys.mark_read"),
}


@pytest.mark.parametrize(("text", "line", "key"), BROKEN.values(), ids=BROKEN.keys())
def test_config_check_names_the_line_and_key_and_exits_1(text: str, line: int, key: str) -> None:
    code, out = check(text)
    assert code == 1 and len(out) == 1, out
    path = str(paths.config_path())
    assert out[0].startswith(f"{path}:{line}:"), out
    if key:
        assert out[0].startswith(f"{path}:{line}: {key}:"), out
    assert "Traceback" not in out[0] and "Error" not in out[0]


def test_several_problems_are_one_line_each_and_the_rest_is_used() -> None:
    text = (
        '[refresh]\ninterval = "2h"\non_start = "yes"\n[keys]\nmark_read = "x"\nstar = "x"\n'
        "bogus = 1\n"
    )
    code, out = check(text)
    assert code == 1 and len(out) == 3, out
    assert [re.match(r".*?:(\d+):", line).group(1) for line in out] == ["3", "6", "7"]  # type: ignore[union-attr]
    keymap, loaded = checked(config.load(paths.config_path()))
    assert loaded.get(REFRESH_INTERVAL) == 7200  # good values are used
    assert loaded.get(REFRESH_ON_START) is False  # bad ones are defaults
    assert keymap == {"mark_read": "x"}  # the first on `x` stays, the second is refused
    assert loaded.summary() is not None and "line 3" in loaded.summary()  # type: ignore[operator]


def test_unreadable_files_are_one_problem_and_every_default(tmp_path: Path) -> None:
    code, out = check(b'refresh.interval = "caf\xe9"\n')
    assert code == 1 and "not UTF-8" in out[0]
    folder = paths.config_path()
    folder.unlink()
    folder.mkdir()
    loaded = config.load(folder)
    assert loaded.get(REFRESH_INTERVAL) == 1800 and len(loaded.problems) == 1


def test_the_app_never_writes_the_config_file() -> None:
    from newsreader.ui.app import make_app

    text = '# mine\n[refresh]\ninterval = "10s"  # too short\n'
    path = paths.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    app = make_app(db_url="sqlite://")
    assert app.config.get(REFRESH_INTERVAL) == 1800
    assert app._notices and "refresh.interval" in app._notices[0]
    app.settings.change(sort="oldest")
    assert path.read_text() == text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_give_defaults_and_problems_never_a_crash(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    _keymap, loaded = checked(parse(text))
    for problem in loaded.problems:
        said = str(problem)
        assert "\n" not in said and "Traceback" not in said
        assert problem.line is None or 1 <= problem.line <= max(1, len(text.splitlines()) + 1)
    for key in loaded.values:
        assert key in SETTINGS or key.startswith("keys.")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=200))
def test_config_check_over_arbitrary_bytes_exits_0_or_1_with_one_line_each(data: bytes) -> None:
    code, out = check(data)
    assert code in (0, 1)
    path = str(paths.config_path())
    assert out and all(line.startswith(path) for line in out)
    assert (code == 0) == (len(out) == 1 and out[0].endswith(("ok", "default)")))


@given(
    value=st.text(max_size=80),
    template=st.lists(st.sampled_from(["{url}", "a{url}b", "x", "{count}", "--"]), max_size=5),
)
def test_a_placeholder_fills_one_element_whatever_the_value(
    value: str, template: list[str]
) -> None:
    filled = fill(tuple(template), {"url": value, "count": "3"})
    assert len(filled) == len(template)
    for before, after in zip(template, filled, strict=True):
        assert after == before.replace("{url}", value).replace("{count}", "3")


def test_durations() -> None:
    read = config.duration(60)
    assert [read(v) for v in ("0", 0, "1m", "90m", "1h30m", "3600s")] == [
        0,
        0,
        60,
        5400,
        5400,
        3600,
    ]
    for bad in ("59s", "1", 30, "1d", "-5m", True, "", "m"):
        with pytest.raises(config.Invalid):
            read(bad)


def test_config_show_gives_each_setting_and_its_source() -> None:
    path = paths.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[refresh]\ninterval = "45m"\n[keys]\nmark_read = "x"\n')
    result = CliRunner().invoke(main, ["config", "show"])
    assert result.exit_code == 0
    rows = {line.split(" = ")[0]: line for line in result.stdout.splitlines() if " = " in line}
    assert rows["refresh.interval"].endswith("# file") and '"45m"' in rows["refresh.interval"]
    assert rows["refresh.on_start"].endswith("# default")
    assert rows["keys.mark_read"].endswith("# file") and '"x"' in rows["keys.mark_read"]
    assert rows["keys.star"].endswith("# default")
    assert str(paths.state_path()) in result.stdout


def test_every_setting_is_in_the_readme_table() -> None:
    text = README.read_text()
    for key, declared in SETTINGS.items():
        shown = "keys.ID" if key == "keys.*" else key
        assert f"| `{shown}` |" in text, key
        assert declared.meaning


def test_a_setting_is_one_declaration(monkeypatch: pytest.MonkeyPatch) -> None:
    """How `keep.days` joins: one `setting(...)`; reading, show and check follow."""
    monkeypatch.setattr(config, "SETTINGS", dict(SETTINGS))
    days = config.setting(
        "keep.days", "whole number (0: off)", 0, "Days kept", config.whole(0, 36500), "0"
    )
    assert parse("[keep]\ndays = 90\n").get(days) == 90
    (problem,) = parse("[keep]\ndays = -1\n").problems
    assert problem.line == 2 and problem.key == "keep.days"


# -- the state file the app owns -------------------------------------------------------


def test_old_preferences_move_to_the_state_file_once() -> None:
    old, new = paths.old_preferences_path(), paths.state_path()
    preferences.save(Preferences(theme="nord", list_width=40, last_article=7), old)
    assert preferences.migrate(old, new) is None
    assert preferences.load(new) == Preferences(theme="nord", list_width=40, last_article=7)
    assert not old.exists()
    preferences.save(Preferences(theme="gruvbox"), old)  # a later one is not moved again
    assert preferences.migrate(old, new) is None
    assert preferences.load(new).theme == "nord"


def test_an_unreadable_old_file_is_kept_and_what_could_be_read_moves() -> None:
    old, new = paths.old_preferences_path(), paths.state_path()
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_text('theme = "nord"\nlist_width = "wide"\n')
    said = preferences.migrate(old, new)
    assert said is not None and "list_width" in said and "left as it is" in said
    assert old.read_text() == 'theme = "nord"\nlist_width = "wide"\n'
    assert preferences.load(new).theme == "nord"


def test_the_app_migrates_on_start_and_saves_state_in_the_state_dir() -> None:
    from newsreader.ui.app import make_app

    old = paths.old_preferences_path()
    preferences.save(Preferences(sort="title"), old)
    app = make_app(db_url="sqlite://")
    assert app.settings.path == paths.state_path() and app.prefs.sort == "title"
    app.settings.change(sort="oldest")
    assert preferences.load(paths.state_path()).sort == "oldest"
    assert not old.exists() and not paths.config_path().exists()


def test_an_empty_config_is_clean() -> None:
    assert parse("") == Config(None, {}, (), "", {})
    assert os.path.basename(str(paths.config_path())) == "config.toml"
