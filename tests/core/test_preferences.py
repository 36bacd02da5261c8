"""Preferences: a TOML file in the config dir that survives a round trip and bad edits."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader import paths
from newsreader.preferences import Preferences, PreferencesError, dumps, load, read, save


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


def test_the_file_lives_in_the_state_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert paths.state_path() == tmp_path / "state" / "newsreader" / "state.toml"
    assert paths.config_path() == tmp_path / "cfg" / "newsreader" / "config.toml"
    assert dumps(Preferences()).startswith("#")


UNREADABLE = {
    "unquoted": (b"sort = oldest\n", "line 1"),
    "bad toml later": (b'theme = "nord"\nlist_width = 40\nsort = ]\n', "line 3"),
    "wrong type": (b'theme = "nord"\nlist_width = "wide"\n', "list_width (line 2)"),
    "unknown key": (b'sort = "oldest"\ncolour = "red"\n', "'colour' (line 2)"),
    "out of range": (b"list_width = 5\n", "list_width (line 1)"),
    "not utf-8": (b'theme = "caf\xe9"\n', "not UTF-8"),
}


@pytest.mark.parametrize("content,reason", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_a_file_that_cannot_be_read_whole_is_never_overwritten(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "preferences.toml"
    path.write_bytes(content)
    prefs, problem = read(path)
    assert problem is not None and str(path) in problem and reason in problem
    with pytest.raises(PreferencesError, match=r"preferences\.toml"):
        save(prefs.with_(sort="title"), path)
    assert path.read_bytes() == content


def test_what_could_be_read_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('theme = "nord"\nlist_width = "wide"\n')
    assert read(path)[0] == Preferences(theme="nord")


def test_a_folder_in_its_place_is_said_and_left(tmp_path: Path) -> None:
    path = tmp_path / "preferences.toml"
    path.mkdir()
    prefs, problem = read(path)
    assert (
        prefs == Preferences()
        and problem == f"{path} cannot be read: not a regular file (a folder)"
    )
    with pytest.raises(PreferencesError):
        save(prefs, path)
    assert path.is_dir()


def test_a_fifo_or_a_huge_file_is_said_and_left(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    # No writer: no wait.
    assert read(fifo) == (Preferences(), f"{fifo} cannot be read: not a regular file (a pipe)")
    with pytest.raises(PreferencesError):
        save(Preferences(), fifo)
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"# " + b"x" * 100_000 + b"\n")
    assert "too large" in (read(huge)[1] or "")


def test_an_unreadable_file_is_said_and_left(tmp_path: Path) -> None:
    path = tmp_path / "preferences.toml"
    path.write_text('sort = "oldest"\n')
    path.chmod(0)
    if os.access(path, os.R_OK):
        pytest.skip("running as root: file permissions do not stop reading here")
    assert "cannot be read" in (read(path)[1] or "")
    with pytest.raises(PreferencesError):
        save(Preferences(), path)


def test_a_missing_or_clean_file_is_written(tmp_path: Path) -> None:
    path = tmp_path / "preferences.toml"
    assert read(path) == (Preferences(), None)
    save(Preferences(sort="title"), path)
    save(Preferences(sort="oldest"), path)  # a file the app wrote reads cleanly
    assert read(path) == (Preferences(sort="oldest"), None)


def test_a_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "preferences.toml"
    save(Preferences(sort="title"), path)
    before = path.read_bytes()

    def crash(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        save(Preferences(sort="oldest"), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["preferences.toml"]  # no temp left


def test_a_symlinked_file_is_written_where_it_points(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "prefs.toml"
    real.parent.mkdir()
    real.write_text("")
    link = tmp_path / "preferences.toml"
    link.symlink_to(real)
    save(Preferences(sort="title"), link)
    assert link.is_symlink() and load(real).sort == "title"


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    content=st.one_of(
        st.binary(max_size=200),
        st.lists(
            st.sampled_from(
                [
                    b"sort = ",
                    b'"oldest"',
                    b"oldest",
                    b"list_width = ",
                    b"40",
                    b"true",
                    b"\n",
                    b"theme",
                    b"=",
                    b'"',
                    b"[",
                    b"]",
                    b"\xff",
                    b"#",
                    b"x = 1",
                    b"last_article",
                ]
            ),
            max_size=12,
        ).map(b"".join),
    )
)
def test_any_bytes_never_raise_and_are_rewritten_only_when_read_cleanly(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(content)
    prefs, problem = read(path)
    try:
        save(prefs.with_(list_width=44), path)
    except PreferencesError as error:
        assert problem is not None and str(error) == problem
        assert path.read_bytes() == content
        assert "\n" not in problem
    else:
        assert problem is None
        assert load(path) == prefs.with_(list_width=44)
