"""The command line under bad input and failing output: every failure is one line on stderr,
`newsreader: ` then the thing and the reason (never an exception's class name, SQL or a
traceback), a non-zero exit, and nothing made or damaged on the way out."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import chdir
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader import paths
from newsreader.cli import main
from newsreader.ingest import ArticleDraft
from newsreader.store.store import Store

FORBIDDEN = ("Error", "Exception", "Traceback", "SELECT", "INSERT", "[SQL")


def cli(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(main, list(args))


def assert_one_line_failure(result: Result, code: int, *needles: str) -> str:
    """`code`, one `newsreader: ` line naming what failed, and nothing of the insides."""
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    stderr = result.stderr
    assert stderr.startswith("newsreader: ") and stderr.count("\n") == 1, stderr
    for word in FORBIDDEN:
        assert word not in stderr, stderr
    for needle in needles:
        assert needle in stderr, (needle, stderr)
    return stderr


def tree(root: Path) -> set[Path]:
    return set(root.rglob("*"))


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A current folder of the test's own, where a mistaken relative store would appear."""
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def store_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "s.db"
    store = Store(f"sqlite:///{path}")
    store.add(
        [
            ArticleDraft(
                title="Harbour reopens",
                body="The harbour reopened.",
                source="Coast Post",
                origin="",
            )
        ]
    )
    store.close()
    yield path


# -- the store named by --db / NEWSREADER_DB -------------------------------------------------

MALFORMED = [
    ("foo://bar", "unsupported database 'foo'"),
    ("mysql://alice@db.example/news", "unsupported database 'mysql'"),
    ("mysql+pymysql://alice:hunter2@db/news", "unsupported database 'mysql+pymysql'"),
    ("SQLITE:///x.db", "unsupported database 'SQLITE'"),
    ("postgresql+asyncpg://h/db", "unsupported database 'postgresql+asyncpg'"),
    ("a://b", "not a database URL"),
    ("my_db://x", "not a database URL"),
    ("sqlite:x.db", '"//" after "sqlite:" (sqlite:///x.db)'),
    ("sqlite:{tmp}/x.db", '"//" after "sqlite:" (sqlite:////'),
    ("sqlite:/{tmp}/x.db", "a SQLite URL has no host"),
    ("sqlite+pysqlite:x.db", '"//" after "sqlite+pysqlite:"'),
    ("postgresql:/host/db", '"//" after "postgresql:" (postgresql://host/db)'),
    ("postgresql:host", '"//" after "postgresql:"'),
    ("notes:2024.db", "for a file of that name write ./notes:2024.db"),
    ("sqlite://x.db", "a SQLite URL has no host"),
    ("sqlite://user@/x.db", "a SQLite URL has no host"),
    ("sqlite:///", "names no file"),
    ("sqlite:///x.db?mode=ro", "takes no ?options"),
    ("postgresql://h:abc/db", "not a valid database URL"),
    ("postgresql://alice:hunter2@[::1/db", "not a valid database URL"),
]


@pytest.mark.parametrize(("value", "reason"), MALFORMED, ids=[m[0] for m in MALFORMED])
@pytest.mark.parametrize("via", ["--db", "NEWSREADER_DB"])
def test_a_malformed_store_url_is_one_line_exit_2_and_creates_nothing(
    here: Path, tmp_path: Path, value: str, reason: str, via: str
) -> None:
    value = value.format(tmp=tmp_path)
    before = tree(tmp_path)
    for command in (["list"], ["search", "harbour"], ["unread-count"], ["doctor", "--rebuild"]):
        if via == "--db":
            result = cli("--db", value, *command)
        else:
            result = cli(*command, env={"NEWSREADER_DB": value})
        stderr = assert_one_line_failure(result, 2, f"{via}", reason)
        assert "hunter2" not in stderr  # a password is not printed back
    if "unsupported" in reason or "not a database" in reason:
        assert "sqlite:///PATH" in stderr and "postgresql" in stderr  # says what is supported
    assert tree(tmp_path) == before  # no store, no folder, in the current folder or anywhere


def test_a_bad_environment_store_does_not_stop_commands_that_need_no_store() -> None:
    result = cli("config", "path", env={"NEWSREADER_DB": "sqlite:x.db"})
    assert result.exit_code == 0 and result.stderr == ""


@pytest.fixture
def not_files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "folder.db"
    folder.mkdir()
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    return {"a character device": Path("/dev/null"), "a folder": folder, "a named pipe": fifo}


@pytest.mark.parametrize("kind", ["a character device", "a folder", "a named pipe"])
@pytest.mark.parametrize("form", ["{path}", "sqlite:///{path}"])
def test_a_store_path_that_is_not_a_regular_file_is_refused_without_opening_it(
    here: Path, tmp_path: Path, not_files: dict[str, Path], kind: str, form: str
) -> None:
    """Refused before SQLite opens it: /dev/null gave "disk I/O error", a FIFO blocked."""
    target = not_files[kind]
    value = form.format(path=target)
    before = tree(tmp_path)
    for command in (["list"], ["show", "1"], ["unread-count"], ["doctor", "--rebuild"]):
        if kind == "a named pipe" and command == ["list"]:
            # A real process, with a timeout: a FIFO opened by mistake blocks forever.
            done = subprocess.run(
                [sys.executable, "-m", "newsreader", "--db", value, *command],
                capture_output=True,
                text=True,
                timeout=60,
                env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
            )
            assert (done.returncode, done.stderr) == (
                1,
                f"newsreader: --db {value}: it is {kind}, not a file\n",
            )
        elif kind != "a named pipe":
            result = cli("--db", value, *command)
            assert_one_line_failure(result, 1, f"--db {value}: it is {kind}, not a file")
    assert tree(tmp_path) == before
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=40),
        st.tuples(
            st.sampled_from(["sqlite", "postgresql", "mysql", "sqlite+pysqlite", "x", "SQLite"]),
            st.sampled_from([":", ":/", "://", ":///", ":////", "//", ""]),
            st.text(st.characters(codec="utf-8"), max_size=20),
        ).map("".join),
    )
)
def test_any_store_value_gives_a_url_or_one_line_without_touching_anything(value: str) -> None:
    """db_url only looks (stat); it never creates. What it accepts, SQLAlchemy can parse."""
    from sqlalchemy.engine import make_url

    try:
        url = paths.db_url(value)
    except paths.StoreUrlError as error:
        message = str(error)
        assert message and "\n" not in message and error.exit_code in (1, 2)
        return
    parsed = make_url(url)
    assert parsed.get_backend_name() in ("sqlite", "postgresql")
    if parsed.get_backend_name() == "sqlite":
        assert parsed.host is None and not parsed.query


# -- integers ---------------------------------------------------------------------------------

HUGE = str(2**80)


@pytest.mark.parametrize(
    "args",
    [
        ["show", HUGE],
        ["show", "0"],
        ["show", "--", "-1"],
        ["show", "2**80"],
        ["list", "--limit", HUGE],
        ["list", "--limit", "0"],
        ["list", "--limit=-5"],
        ["search", "--limit", HUGE, "harbour"],
        ["search", "--limit", "0", "harbour"],
        ["refresh", "--workers", HUGE],
        ["refresh", "--workers", "0"],
    ],
    ids=lambda args: " ".join(args)[:30],
)
def test_every_integer_is_bounded_with_a_line(store_path: Path, args: list[str]) -> None:
    """`show 2**80` reached SQLite ("Python int too large"): an exception's name on screen."""
    stderr = assert_one_line_failure(cli("--db", str(store_path), *args), 2, args[0])
    assert "invalid value" in stderr or "no such option" in stderr


def test_bounds_still_let_real_values_through(store_path: Path) -> None:
    assert cli("--db", str(store_path), "list", "--limit", "1000000").exit_code == 0
    assert cli("--db", str(store_path), "show", str(2**63 - 1)).exit_code == 1  # no such id


# -- queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        (" ".join(f"source:s{i}" for i in range(1000)), "characters long; at most 1,000"),
        (" ".join(f"is:read after:2024-0{i % 9 + 1}" for i in range(9)), "over 16 qualifiers"),
        (" ".join(f"w{i}" for i in range(40)), "40 search terms; at most 32"),
        ("harbour after:2019-13-45", "after:2019-13-45: not a date"),
        ("before:yesterday", "before:yesterday: not a date"),
        ("is:bogus", "is:bogus: not a state"),
        ("source: harbour", "source: needs a value"),
    ],
    ids=lambda value: value[:24],
)
def test_a_query_that_cannot_run_is_one_line_exit_2(
    tmp_path: Path, query: str, reason: str
) -> None:
    db = tmp_path / "never.db"
    assert_one_line_failure(cli("--db", str(db), "search", query), 2, reason)
    assert not db.exists()  # refused before a store is made


def test_an_open_quote_runs_to_the_end_of_the_query(store_path: Path) -> None:
    result = cli("--db", str(store_path), "search", '"the harbour reopened')
    assert result.exit_code == 0 and "Harbour reopens" in result.stdout


# -- export to a full disk --------------------------------------------------------------------


def test_export_to_dev_full_says_so_and_leaves_the_device_alone(store_path: Path) -> None:
    result = cli("--db", str(store_path), "export", "--opml", "/dev/full")
    assert_one_line_failure(result, 1, "cannot write /dev/full: No space left on device")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_export_to_a_full_standard_output_says_so(store_path: Path) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "newsreader", "--db", str(store_path), "export", "--opml"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
        )
    assert done.returncode == 1
    assert done.stderr == "newsreader: cannot write the output: No space left on device\n"


def test_export_keeps_the_old_file_when_the_store_cannot_open(tmp_path: Path) -> None:
    """A guard for the atomic writer: OUTPUT is not touched before there is something to
    write (`click.File("w")` was lazy; a writer opening early would empty it)."""
    out = tmp_path / "feeds.opml"
    out.write_text("my edited list\n")
    assert_one_line_failure(cli("--db", "/dev/null", "export", "--opml", str(out)), 1)
    assert out.read_text() == "my edited list\n"


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs, filled to the last byte; skipped loudly where mounting is refused."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"SKIPPED LOUDLY: cannot mount a tmpfs here ({done.stderr.strip()})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def fill(folder: Path) -> None:
    with open(folder / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"x" * 512)
        except OSError:
            pass


def test_export_to_a_full_disk_leaves_the_old_file_whole(store_path: Path, full_disk: Path) -> None:
    out = full_disk / "feeds.opml"
    out.write_text("my edited list\n")
    fill(full_disk)
    result = cli("--db", str(store_path), "export", "--opml", str(out))
    assert_one_line_failure(result, 1, f"cannot write {out}: No space left on device")
    assert out.read_text() == "my edited list\n"
    assert sorted(p.name for p in full_disk.iterdir()) == ["feeds.opml", "filler"]  # no temp
    (full_disk / "filler").unlink()
    assert cli("--db", str(store_path), "export", "--opml", str(out)).exit_code == 0
    assert out.read_text().startswith("<?xml")
    assert sorted(p.name for p in full_disk.iterdir()) == ["feeds.opml"]


def test_export_replaces_in_place_keeping_the_mode_and_the_link(
    store_path: Path, tmp_path: Path
) -> None:
    real = tmp_path / "real.opml"
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "link.opml"
    link.symlink_to(real)
    assert cli("--db", str(store_path), "export", "--opml", str(link)).exit_code == 0
    assert link.is_symlink() and real.read_text().startswith("<?xml")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


# -- the last resort --------------------------------------------------------------------------


def test_an_unforeseen_fault_is_one_honest_line(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_store: object) -> None:
        raise RuntimeError("boom\n[SQL: SELECT secret FROM feed]\n(Background on this error)")

    monkeypatch.setattr("newsreader.store.feeds.feeds", broken)
    stderr = assert_one_line_failure(cli("--db", str(store_path), "feed", "list"), 1, "boom")
    assert "RuntimeError" not in stderr and "secret" not in stderr
    assert "NEWSREADER_DEBUG=1" in stderr


# -- any input at all -------------------------------------------------------------------------

DB_VALUES = st.one_of(
    st.just("GOOD"),
    st.sampled_from(["foo://bar", "sqlite:x", "sqlite://h/x", "/dev/null", ".", "sqlite:///"]),
    st.tuples(
        st.sampled_from(["sqlite", "postgresql", "mysql", "x"]),
        st.sampled_from([":", "://", ":/"]),
        st.text("ab:/?@%", max_size=8),
    ).map("".join),
)
QUERIES = st.one_of(
    st.text(max_size=40),
    st.lists(
        st.sampled_from(
            ["is:", "after:", "before:", "source:", "feed:", '"', "-", " ", "2019-13", "x", "é"]
        ),
        max_size=12,
    ).map("".join),
)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["", "2**80", "1e3", "０", "٣", " 1"]),
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    db=DB_VALUES,
    command=st.sampled_from(["search", "list", "show", "feed"]),
    query=QUERIES,
    number=NUMBERS,
)
def test_any_command_line_fails_in_one_clean_line_or_not_at_all(
    store_path: Path, db: str, command: str, query: str, number: str
) -> None:
    db = str(store_path) if db == "GOOD" else db
    args = {
        "search": ["search", "--limit", number, "--", query],
        "list": ["list", "--limit", number],
        "show": ["show", "--", number],
        "feed": ["feed", "remove", "--", query or number],
    }[command]
    with TemporaryDirectory() as folder, chdir(folder):  # a relative store lands here
        result = CliRunner().invoke(main, ["--db", db, *args])
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    stderr = result.stderr
    assert stderr.count("\n") <= 1 and (not stderr or stderr.startswith("newsreader: "))
    typed = " ".join([db, *args])
    for word in (*FORBIDDEN, "fault in newsreader itself"):
        assert word not in stderr or word in typed, stderr


def test_a_database_message_is_its_first_line_without_sql() -> None:
    """psycopg's message goes on with `LINE 1: SELECT ...`: only the first line is shown."""
    from sqlalchemy.exc import ProgrammingError

    from newsreader.store.errors import describe_error

    orig = Exception('relation "article" does not exist\nLINE 1: SELECT id FROM article\n ^')
    error = ProgrammingError("SELECT id FROM article", {}, orig)
    line = describe_error("postgresql+psycopg://alice:pw@db/news", error)
    assert (
        line
        == 'store error on postgresql+psycopg://alice:***@db/news: relation "article" does not exist'
    )


@pytest.mark.parametrize("key", ["²", "9" * 5000, "-1", "1.0"])
def test_a_feed_key_that_is_no_id_is_looked_up_as_a_name(store_path: Path, key: str) -> None:
    """`"²".isdigit()` is true but `int("²")` fails; 5,000 digits exceed int()'s limit."""
    from newsreader.store.feeds import add_feed

    store = Store(f"sqlite:///{store_path}")
    add_feed(store, "https://example.com/feed.xml", "Example")
    store.close()
    result = cli("--db", str(store_path), "feed", "remove", "--", key)
    assert_one_line_failure(result, 1, "no feed")
