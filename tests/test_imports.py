"""The package's import graph has no cycle, and imports no module of its own only to hide one."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import briefing

PACKAGE = Path(briefing.__file__).resolve().parent


def imported_modules(path: Path, top_level_only: bool) -> set[str]:
    """The `briefing.*` modules a file imports (at the top of the file, or anywhere)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("briefing.")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "briefing":
                found |= {f"briefing.{alias.name}" for alias in node.names if (PACKAGE / f"{alias.name}.py").exists()}
            elif node.module.startswith("briefing."):
                found.add(node.module)
    return found


def import_graph(top_level_only: bool) -> dict[str, set[str]]:
    """Each module of the package -> the modules of the package it imports."""
    return {f"briefing.{path.stem}": imported_modules(path, top_level_only) for path in sorted(PACKAGE.glob("*.py"))}


def cycle_in(graph: dict[str, set[str]]) -> list[str] | None:
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        return error.args[1]
    return None


def test_top_level_imports_form_no_cycle():
    assert cycle_in(import_graph(top_level_only=True)) is None


def test_imports_inside_functions_hide_no_cycle():
    """With every import counted, wherever it is written, the graph is still acyclic: an
    import inside a function is there to put off a slow library, never to hide a cycle."""
    assert cycle_in(import_graph(top_level_only=False)) is None


def test_the_check_sees_a_cycle(tmp_path):
    assert cycle_in({"briefing.a": {"briefing.b"}, "briefing.b": {"briefing.a"}}) is not None
