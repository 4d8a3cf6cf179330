"""`briefing new-panel DIR`: a new Panel's workbook, made with copier from the package's
template, validates and builds with no change to any .py file or template."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from briefing.new_panel import TEMPLATE_DIR, NewPanelError, new_panel
from briefing.panel import load_panel
from briefing.schema import load_dictionary

ANSWERS = {
    "panel_name": "Dyffryn Police and Crime Panel",
    "police_area": "Dyffryn",
    "force": "Heddlu Dyffryn",
    "commissioner_title": "Police and Crime Commissioner",
    "nation": "Wales",
    "host_authority": "Cyngor Dyffryn",
    "support_contact": "Swyddog Cefnogi, Cyngor Dyffryn",
}


def briefing(args, cwd: Path) -> subprocess.CompletedProcess:
    """The installed `briefing` command run from inside a workbook, with no BRIEFING_* set."""
    script = Path(sys.executable).with_name("briefing")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")}
    return subprocess.run([str(script), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture
def workbook(tmp_path) -> Path:
    result = briefing(["new-panel", str(tmp_path / "dyffryn"), *_options(ANSWERS)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "dyffryn"


def _options(answers: dict) -> list[str]:
    names = {"panel_name": "--name", "force": "--force", "commissioner_title": "--title"}
    return [part for key, value in answers.items() for part in (names.get(key, "--" + key.replace("_", "-")), value)]


def test_the_new_workbook_holds_its_own_identity_data_notebooks_and_guides(workbook):
    panel = load_panel(workbook / "panel.yaml")
    assert (panel.name, panel.police_area, panel.force, panel.nation) == (
        "Dyffryn Police and Crime Panel",
        "Dyffryn",
        "Heddlu Dyffryn",
        "Wales",
    )
    assert panel.holiday_subdivision == "WLS"
    assert panel.membership == [] and panel.body_ids == ["panel"]
    assert sorted(p.name for p in (workbook / "notebooks").glob("*.ipynb")) == [
        "comms.ipynb",
        "communities.ipynb",
        "culture.ipynb",
        "precept.ipynb",
    ]
    assert (workbook / "params").is_dir() and not list((workbook / "params").glob("*.yaml"))
    assert "Dyffryn Police and Crime Panel" in (workbook / "README.md").read_text(encoding="utf-8")
    assert (workbook / "CONTRIBUTING.md").is_file()
    dictionary = load_dictionary(workbook / "data" / "dictionary.yaml")
    for dataset in dictionary.datasets.values():
        lines = (workbook / "data" / dataset.file).read_text(encoding="utf-8").splitlines()
        assert lines == [",".join(dataset.column_names)], dataset.file
    assert (workbook / "data" / "raw" / "papers").is_dir()


def test_the_new_workbook_validates_and_builds_with_no_meetings_then_one_with_no_briefings(workbook):
    result = briefing(["validate"], cwd=workbook)
    assert result.returncode == 0, result.stderr
    result = briefing(["build", "--all"], cwd=workbook)
    assert result.returncode == 0, result.stderr
    index = (workbook / "briefings" / "index.html").read_text(encoding="utf-8")
    assert "Dyffryn Police and Crime Panel" in index and "Cambridgeshire" not in index

    (workbook / "params" / "2025-06-10.yaml").write_text("meeting_date: 2025-06-10\nbriefings: {}\n", encoding="utf-8")
    result = briefing(["build", "--all"], cwd=workbook)
    assert result.returncode == 0, result.stderr
    page = (workbook / "briefings" / "2025-06-10" / "index.html").read_text(encoding="utf-8")
    assert "Dyffryn Police and Crime Panel" in page and "Cambridgeshire" not in page


def test_before_any_paper_is_entered_every_kind_of_briefing_builds_and_says_the_papers_are_silent(workbook):
    (workbook / "params" / "2025-01-29.yaml").write_text(
        "meeting_date: 2025-01-29\nbriefings:\n  precept: {agenda_item: '4', precept_year: 2025/26}\n", encoding="utf-8"
    )
    (workbook / "params" / "2025-03-12.yaml").write_text(
        "meeting_date: 2025-03-12\nbriefings:\n  comms: {agenda_item: '5'}\n  communities: {agenda_item: '6'}\n  culture: {agenda_item: '7'}\n",
        encoding="utf-8",
    )
    result = briefing(["build", "--all"], cwd=workbook)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    for day, kind in (("2025-01-29", "precept"), ("2025-03-12", "comms"), ("2025-03-12", "communities"), ("2025-03-12", "culture")):
        page = (workbook / "briefings" / day / f"{kind}.html").read_text(encoding="utf-8")
        assert "Dyffryn Police and Crime Panel" in page and "Cambridgeshire" not in page
        assert "No figures from the papers are cited in this briefing." in page, kind
        assert "the paper stresses" not in page and "report says" not in page, f"{kind} claims a paper says something, with no paper"


def test_a_bad_panel_yaml_stops_validate_and_build_with_exit_2(workbook):
    path = workbook / "panel.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("nation: Wales", "nation: Scotland"), encoding="utf-8")
    for args in (["validate"], ["build", "--all"]):
        result = briefing(args, cwd=workbook)
        assert result.returncode == 2, result.stderr
        assert "panel.yaml, key 'nation'" in result.stderr


def test_a_folder_that_is_not_empty_is_refused(tmp_path):
    (tmp_path / "something.txt").write_text("x")
    with pytest.raises(NewPanelError, match="not empty"):
        new_panel(tmp_path, ANSWERS)


def test_a_refused_title_is_reported(tmp_path):
    with pytest.raises(NewPanelError):
        new_panel(tmp_path / "wb", {**ANSWERS, "commissioner_title": "Sheriff"})


def test_the_templates_dictionary_declares_the_same_datasets_as_this_workbooks(paths):
    """The new workbook's dictionary differs from this one's only in the Panel's own
    vocabularies, descriptions and may_be_empty (a new workbook starts with no rows)."""

    def shape(path):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        datasets = {}
        for name, spec in raw["datasets"].items():
            columns = {column: {k: v for k, v in declared.items() if k != "description"} for column, declared in spec["columns"].items()}
            datasets[name] = {**{k: v for k, v in spec.items() if k not in ("description", "columns", "may_be_empty")}, "columns": columns}
        vocabularies = {k: v for k, v in raw["vocabularies"].items() if k not in ("body", "plan_theme", "csp_area")}
        return vocabularies, datasets

    assert shape(TEMPLATE_DIR / "data" / "dictionary.yaml") == shape(paths.dictionary)
