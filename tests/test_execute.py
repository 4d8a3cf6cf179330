"""Execution: workers run notebooks with papermill and send back the result and its read-set."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

from briefing.execute import Workers, one_line, source_cell_number
from briefing.params import load_params
from briefing.plan import Job
from briefing.progress import Progress

pytestmark = pytest.mark.slow
MEETING = "2024-02-14"  # one briefing: the cheapest to run


class Advanced(Progress):
    def __init__(self):
        self.lines = []

    def advance(self, name, message):
        self.lines.append((name, message))


def job_of(paths, kind="precept") -> Job:
    parameters = load_params(paths.params_file(MEETING)).notebook_parameters(kind)
    return Job(MEETING, kind, parameters, key="test")


def test_a_worker_runs_a_notebook_and_keeps_its_read_set(paths, tmp_path):
    local = replace(paths, briefings=tmp_path / "briefings", build=tmp_path / "build")
    workers = Workers(local, 1, 1)
    progress = Advanced()
    try:
        results = workers.run([job_of(local)], progress)
    finally:
        workers.close()
    (result,) = results.values()
    assert result["ok"], result
    reads = json.loads(open(result["reads"]).read())
    assert any('"precept_cycle"' in read for read in reads), "the notebook's reads of precept_cycle were not collected"
    assert progress.lines[0][1].startswith(f"{MEETING} precept: executed in ")
    assert not any(process.is_alive() for process in workers.processes)


def test_a_notebook_that_raises_fails_its_job_by_cell(paths, tmp_path):
    import nbformat

    shutil.copytree(paths.notebooks, tmp_path / "notebooks")
    local = replace(paths, notebooks=tmp_path / "notebooks", briefings=tmp_path / "briefings", build=tmp_path / "build")
    notebook = nbformat.read(local.notebook("precept"), as_version=4)
    broken = nbformat.v4.new_code_cell('raise ValueError("no rows")')
    broken["id"] = "broken"
    notebook.cells.insert(4, broken)
    nbformat.write(notebook, local.notebook("precept"))
    workers = Workers(local, 1, 1)
    try:
        (result,) = workers.run([job_of(local)], Progress()).values()
    finally:
        workers.close()
    assert not result["ok"] and result["reason"] == "error"
    assert "in cell 5" in result["message"] and "ValueError: no rows" in result["message"]


def test_messages_are_one_line_and_cells_are_numbered_as_the_analyst_sees_them(tmp_path):
    assert one_line("a\n  b\tc") == "a b c"
    assert source_cell_number(tmp_path / "missing.ipynb", 4) == 5
