"""Notebooks are narrative plus one-line calls: clean in git, with documented parameters
whose defaults are the latest meeting that has that briefing."""

from __future__ import annotations

import ast

import nbformat
import pytest

from briefing.kinds import NAMES as BRIEFING_KINDS
from briefing.params import load_all_params


@pytest.fixture(params=BRIEFING_KINDS)
def notebook(request, paths):
    return request.param, nbformat.read(paths.notebook(request.param), as_version=4)


def test_committed_notebooks_carry_no_outputs(notebook):
    kind, nb = notebook
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{kind}.ipynb has outputs: strip them (pre-commit runs nbstripout)"
            assert cell.execution_count is None, f"{kind}.ipynb has execution counts"


def test_notebook_code_defines_no_functions_classes_or_loops(notebook):
    kind, nb = notebook
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(
                node,
                (
                    ast.FunctionDef,
                    ast.AsyncFunctionDef,
                    ast.ClassDef,
                    ast.For,
                    ast.While,
                    ast.Lambda,
                    ast.ListComp,
                    ast.DictComp,
                    ast.GeneratorExp,
                ),
            ), f"{kind}.ipynb: logic belongs in the briefing package, not the notebook:\n{cell.source}"


def test_parameters_cell_holds_typed_literals_with_help(notebook):
    kind, nb = notebook
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{kind}.ipynb needs exactly one cell tagged 'parameters'"
    for line in cells[0].source.splitlines():
        tree = ast.parse(line)
        statement = tree.body[0]
        assert isinstance(statement, ast.AnnAssign) and isinstance(statement.value, ast.Constant), f"not a typed literal: {line}"
        assert "  # " in line, f"no help comment: {line}"


def test_papermill_lists_each_parameter_with_help(notebook, paths):
    import papermill

    kind, _ = notebook
    inspected = papermill.inspect_notebook(str(paths.notebook(kind)))
    assert "meeting_date" in inspected
    for name, details in inspected.items():
        assert details["help"], f"{kind}: parameter {name} has no help text"


def test_defaults_are_the_latest_meeting_with_that_briefing(notebook, paths):
    import papermill

    kind, _ = notebook
    meetings = [d for d, p in load_all_params(paths.params).items() if getattr(p.briefings, kind) is not None]
    inspected = papermill.inspect_notebook(str(paths.notebook(kind)))
    assert inspected["meeting_date"]["default"].strip("'\"") == max(meetings)


def test_notebook_parameters_match_the_params_model(notebook, paths):
    import papermill

    kind, _ = notebook
    day = max(d for d, p in load_all_params(paths.params).items() if getattr(p.briefings, kind) is not None)
    declared = set(papermill.inspect_notebook(str(paths.notebook(kind))))
    passed = set(load_all_params(paths.params)[day].notebook_parameters(kind))
    assert declared == passed, "a build may pass only parameters the notebook declares"
