"""Imports point one way: the core never loads the UI, search never reaches into the store,
no module of search/ or store/ imports one that imports it, and the segment format is read in
one module."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import newsreader

PACKAGE = Path(newsreader.__file__).parent


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (packages by their `__init__.py`)."""
    found = {"newsreader": PACKAGE / "__init__.py"}
    for info in pkgutil.walk_packages([str(PACKAGE)], "newsreader."):
        relative = Path(*info.name.split(".")[1:])
        path = PACKAGE / relative / "__init__.py" if info.ispkg else PACKAGE / f"{relative}.py"
        found[info.name] = path
    return found


def _imports(name: str, path: Path) -> set[str]:
    """The newsreader modules `name` imports anywhere in its file (inside functions and
    TYPE_CHECKING blocks too: a late import still ties the two modules together)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            out.add(base)
            out.update(f"{base}.{alias.name}" for alias in node.names)
    modules = _modules()
    return {module for module in out if module in modules and module != name}


def _is_ui(name: str) -> bool:
    return name == "newsreader.ui" or name.startswith("newsreader.ui.")


def test_importing_every_non_ui_module_loads_no_textual() -> None:
    names = sorted(name for name in _modules() if not _is_ui(name))
    assert "newsreader.store.store" in names and "newsreader.search.index" in names
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('newsreader.ui'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    textual, ui = out.stdout.split("\n")[:2]
    assert textual == "" and ui == ""


def test_search_imports_nothing_from_store_or_ui() -> None:
    modules = _modules()
    found = {
        (name, imported)
        for name, path in modules.items()
        if name.startswith("newsreader.search")
        for imported in _imports(name, path)
        if imported.startswith(("newsreader.store", "newsreader.ui"))
        or imported in ("newsreader.cli", "newsreader.recovery", "newsreader.importer")
    }
    assert found == set()


def test_no_import_circles_in_search_and_store() -> None:
    modules = _modules()
    core = {
        name: _imports(name, path)
        for name, path in modules.items()
        if name.startswith(("newsreader.search", "newsreader.store"))
    }

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            current = todo.pop()
            for nxt in core.get(current, ()):
                if nxt == goal:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    circles = sorted(name for name in core if reaches(name, name))
    assert circles == []


def test_the_segment_format_is_read_in_one_module() -> None:
    """Blocks, term lists and tombstones are read by `search.segments` alone; the writer
    writes them, and only the schema's steps touch the tables otherwise."""
    readers = {"read_blocks", "decode_terms"}
    format_modules = {
        "newsreader.search.segments",
        "newsreader.search.postings",
        "newsreader.search.tables",
    }
    tables = {"SearchSegment", "SearchBlock", "SearchTombstone"}
    allowed_tables = {
        "newsreader.search.tables",
        "newsreader.search.segments",
        "newsreader.search.writer",
        "newsreader.store.schema",
    }
    wrong = set()
    for name, path in _modules().items():
        nodes = list(ast.walk(ast.parse(path.read_text())))
        used = {node.id for node in nodes if isinstance(node, ast.Name)}
        used |= {
            alias.name for node in nodes if isinstance(node, ast.ImportFrom) for alias in node.names
        }
        if used & readers and name not in format_modules:
            wrong.add((name, "reads segments"))
        if used & tables and name not in allowed_tables:
            wrong.add((name, "touches the index's tables"))
    assert wrong == set()


def test_no_module_of_search_or_store_grows_past_500_lines() -> None:
    """A module that grows two jobs becomes two modules."""
    long = {
        name: lines
        for name, path in _modules().items()
        if name.startswith(("newsreader.search", "newsreader.store"))
        and (lines := len(path.read_text().splitlines())) > 500
    }
    assert long == {}
