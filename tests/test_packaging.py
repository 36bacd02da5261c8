"""The wheel carries the stylesheet and the seeds, and an installed copy finds them."""

from __future__ import annotations

import email
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from newsreader import DIST_NAME, __version__

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("newsreader_tui-*.whl")
    return built


def test_wheel_holds_styles_and_seeds(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "newsreader/_shipped/styles/newsreader.tcss" in names
    seeds = {n for n in names if n.startswith("newsreader/_shipped/seeds/")}
    assert {f"newsreader/_shipped/seeds/{p.name}" for p in (ROOT / "seeds").glob("*.txt")} <= seeds


def test_wheel_is_named_for_pypi_and_installs_the_newsreader_command(wheel: Path) -> None:
    """`newsreader` on PyPI is another project: ours goes by its own name, while the command
    (and the package) keep theirs."""
    archive = zipfile.ZipFile(wheel)
    info = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    metadata = email.message_from_bytes(archive.read(info))
    assert metadata["Name"] == DIST_NAME == "newsreader-tui"
    assert metadata["Version"] == __version__
    assert metadata["Requires-Python"] == ">=3.11"
    points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
    scripts = points.split("[console_scripts]", 1)[1].split("[", 1)[0]
    assert [line.split() for line in scripts.strip().splitlines()] == [
        ["newsreader", "=", "newsreader.cli:main"]
    ]


def test_readme_installs_only_this_project() -> None:
    """Every install line names the checkout (`.`, `'.[extra]'`), never a PyPI name: the one
    that reads `newsreader` there installs someone else's program."""
    text = (ROOT / "README.md").read_text()
    code = "\n".join(re.findall(r"^```\w*\n(.*?)^```", text, re.S | re.M))
    installs = re.findall(r"(?:pip|pipx|uv tool) install ([^&#\n]*)", code)
    assert len(installs) >= 4, installs
    for arguments in installs:
        targets = [a for a in arguments.split() if not a.startswith("-")]
        assert targets and all(t.strip("'\"").startswith(".") for t in targets), arguments
    assert text.index("3.11") < text.index("pip install")


def test_installed_copy_finds_its_resources_from_any_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "XDG_DATA_HOME": str(tmp_path / "data")}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import newsreader.paths as p; print(p.stylesheet()); print(p.seeds_dir())",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    stylesheet, seeds = probe.stdout.split()
    assert Path(stylesheet).is_file() and Path(stylesheet).is_relative_to(target)
    assert Path(seeds).is_relative_to(target)
    listing = subprocess.run(
        [sys.executable, "-m", "newsreader", "list"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Turkey, Russia Get Closer" in listing.stdout


def test_core_never_imports_textual() -> None:
    code = (
        "import sys\n"
        "import newsreader.cli, newsreader.store, newsreader.search, newsreader.ingest, "
        "newsreader.importer, newsreader.preferences, newsreader.quick, newsreader.cli.reading, "
        "newsreader.store.store, newsreader.search.query\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'rich'})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
