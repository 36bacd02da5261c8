"""The person's programs (openers, hooks) under hostile input: argv only, never a shell; a
link or feed name is exactly one element; only web links reach an opener; a hook that hangs
is stopped; nothing reaches the terminal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader import programs
from newsreader.config import Config, parse, toml_value
from newsreader.hooks import new_articles
from newsreader.links import is_web_link
from newsreader.refresh import Outcome
from newsreader.store.feeds import FeedInfo
from newsreader.ui import browser

HOSTILE = "http://x/$(touch${IFS}pwned);id"


def _opener_config(argv: list[str]) -> Config:
    return parse(f"opener = {toml_value(argv)}\n")


@given(
    url=st.text(max_size=60)
    | st.sampled_from([HOSTILE, "http://x/`id`", "https://a.example/;rm -rf ~", "file:///etc/x"])
    | st.text(alphabet="$(){};|&`'\" \\/:.ahtpsx", max_size=40).map(lambda t: "http://x/" + t),
    template=st.sampled_from([["prog", "{url}"], ["prog", "--url={url}"], ["prog"]]),
)
@settings(max_examples=300, deadline=None)
def test_a_link_is_one_argv_element_or_never_opened(url: str, template: list[str]) -> None:
    started: list[list[str]] = []

    def start(argv: list[str]) -> None:
        started.append(argv)

    original = programs.start_detached
    browser.start_detached = start  # type: ignore[assignment]
    try:
        browser.open_detached(url, _opener_config(template))
    finally:
        browser.start_detached = original
    if not is_web_link(url):
        assert started == []
        return
    expected = {
        "{url}": ["prog", url],
        "--url={url}": ["prog", f"--url={url}"],
    }.get(template[-1], ["prog", url])
    assert started == [expected]


def test_the_hostile_link_runs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "argv.json"
    script = tmp_path / "record.py"
    script.write_text(
        f"import json, sys\nopen({str(out)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    config = _opener_config([sys.executable, str(script), "{url}"])
    for url in (HOSTILE, "http://x/;touch pwned2", "http://x/$(touch pwned);id"):
        out.unlink(missing_ok=True)
        problem = browser.open_detached(url, config)
        if is_web_link(url):
            assert problem is None
            assert json.loads(out.read_text()) == [url]
        else:  # a space: not a web link, never handed on
            assert problem is not None and not out.exists()
    assert not list(tmp_path.glob("pwned*"))


def test_an_opener_that_writes_to_the_terminal_is_silenced(
    capfd: pytest.CaptureFixture[str],
) -> None:
    problem = programs.start_detached(
        [sys.executable, "-c", "import sys; print('LEAK'); print('LEAK', file=sys.stderr)"]
    )
    assert problem is None
    captured = capfd.readouterr()
    assert "LEAK" not in captured.out and "LEAK" not in captured.err


def test_a_hook_that_hangs_is_stopped_within_its_bound() -> None:
    problem = programs.run_bounded(
        [sys.executable, "-c", "import time; time.sleep(60)"], seconds=0.5
    )
    assert problem is not None and "stopped after 0.5 s" in problem


def test_a_hook_that_is_missing_is_one_line() -> None:
    problem = programs.run_bounded(["/no/such/program-here"])
    assert problem is not None and "could not be started" in problem and "\n" not in problem


def _outcome(name: str, added: int) -> Outcome:
    feed = FeedInfo(1, "http://f.example/", name, None, None, None, None, "ok", None, 0, 0)
    return Outcome(feed, "ok", added)


@given(name=st.text(max_size=80))
@settings(max_examples=60, deadline=None)
def test_feed_names_reach_a_hook_as_text_inside_one_element(name: str) -> None:
    seen: list[list[str]] = []

    def run(argv: list[str], seconds: float) -> None:
        seen.append(argv)

    config = parse('[hooks]\nnew_articles = ["prog", "{count} new", "from {names}"]\n')
    original = subprocess.Popen
    import newsreader.hooks as hooks

    hooks.run_bounded = run  # type: ignore[assignment]
    try:
        new_articles(config, [_outcome(name, 2), _outcome("Other", 0)])
    finally:
        hooks.run_bounded = programs.run_bounded
    assert subprocess.Popen is original
    (argv,) = seen
    assert len(argv) == 3 and argv[:2] == ["prog", "2 new"]
    assert argv[2].startswith("from ") and "\n" not in argv[2] and "\x1b" not in argv[2]


def test_no_hook_without_new_articles() -> None:
    config = parse('[hooks]\nnew_articles = ["/no/such/program"]\n')
    assert new_articles(config, [_outcome("A", 0)]) is None
    assert new_articles(config, [_outcome("A", 1)]) is not None
