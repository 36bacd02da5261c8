"""Imports point one way: the core never loads the UI, search never reaches into the store,
no module of newsreader imports one that imports it, the CLI's imports point down, and the
segment format is read in one module."""

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


def _cycles(graph: dict[str, set[str]]) -> set[frozenset[str]]:
    """The import circles of `graph`: its strongly connected components of more than one
    module (Tarjan's algorithm, iterative so a deep chain cannot hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.add(frozenset(component))
    return found


# Circles that other branches are still untangling; the lead removes an entry when its fix
# lands. A new circle fails the test, and so does a listed one that is gone (strike it).
KNOWN_CYCLES: set[frozenset[str]] = set()


def test_no_import_cycle_anywhere_in_newsreader() -> None:
    """Every import counts, at module level, inside functions and under TYPE_CHECKING: a late
    import hides a circle from Python, not from a reader. (A submodule's implicit load of
    its own package is not an edge: the package's `__init__` runs first either way.)"""
    graph = {name: _imports(name, path) for name, path in _modules().items()}
    assert sum(map(len, graph.values())) > len(graph)  # the graph sees the imports
    found = _cycles(graph)
    described = sorted(" <-> ".join(sorted(cycle)) for cycle in found - KNOWN_CYCLES)
    assert described == [], "new import circles"
    assert found == KNOWN_CYCLES, "a listed circle is gone: strike it from KNOWN_CYCLES"


def test_cycle_finder_finds_circles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"f"}, "f": {"e"}}
    assert _cycles(graph) == {frozenset("abc"), frozenset("ef")}
    assert _cycles({"a": {"b"}, "b": set()}) == set()


def test_cli_imports_point_down() -> None:
    """`newsreader.cli` registers the command modules; command modules import only the
    shared helpers; the helpers (`common`, `output`, `records`, `logs`) import no other CLI
    module."""
    helpers = {f"newsreader.cli.{name}" for name in ("common", "output", "records", "logs")}
    cli = {name: path for name, path in _modules().items() if name.startswith("newsreader.cli")}
    assert helpers < set(cli) and "newsreader.cli.reading" in cli
    wrong = set()
    for name, path in cli.items():
        inside = {m for m in _imports(name, path) if m.startswith("newsreader.cli")}
        if name in helpers:
            allowed: set[str] = set()
        elif name == "newsreader.cli":
            allowed = set(cli) - {name}
        else:
            allowed = helpers
        wrong |= {(name, imported) for imported in inside - allowed}
    assert wrong == set()
    outside = {
        (name, imported)
        for name, path in _modules().items()
        if not name.startswith("newsreader.cli") and name != "newsreader.__main__"
        for imported in _imports(name, path)
        if imported.startswith("newsreader.cli")
    }
    assert outside == set()  # nothing but `python -m newsreader` reaches up into it


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


def test_no_module_of_the_package_grows_past_500_lines() -> None:
    """A module that grows two jobs becomes two modules (the UI's app included)."""
    modules = _modules()
    assert "newsreader.ui.app" in modules and "newsreader.ui.screens.reader" in modules
    long = {
        name: lines
        for name, path in modules.items()
        if (lines := len(path.read_text().splitlines())) > 500
    }
    assert long == {}


def test_the_ui_app_keeps_app_wide_things_only() -> None:
    """The reading view is a Screen of its own: the app has no reading actions."""
    from newsreader.ui.app import NewsReaderApp
    from newsreader.ui.screens.reader import ReaderScreen

    reading = {name for name in vars(ReaderScreen) if name.startswith("action_")}
    assert "action_toggle_read" in reading
    assert not reading & set(vars(NewsReaderApp))
