"""The `briefing` command: help, exit codes and the messages an analyst sees.

Commands that read the project run as real subprocesses against a temporary copy of it
(BRIEFING_ROOT), so nothing here writes into the checkout; date selection for
`build --next` is checked in-process with the build itself stubbed out.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from workbook_edits import append_row

from briefing import build as build_module
from briefing.build import BuildReport
from briefing.cli import main
from briefing.schema import load_dictionary

COMMANDS = {
    "validate": "dictionary.yaml",
    "build": "DATES",
    "new-meeting": "forward plan",
    "preview": "localhost",
}


def briefing_command() -> list[str]:
    """The installed `briefing` script of this environment (or the module, if not installed)."""
    script = Path(sys.executable).with_name("briefing")
    return [str(script)] if script.exists() else [sys.executable, "-m", "briefing.cli"]


def run(args, root: Path, data: Path | None = None, timeout=300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("BRIEFING_ROOT", "BRIEFING_DATA_DIR")}
    env["BRIEFING_ROOT"] = str(root)
    if data is not None:
        env["BRIEFING_DATA_DIR"] = str(data)
    return subprocess.run(briefing_command() + list(args), env=env, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture
def project(tmp_path, paths) -> Path:
    """A writable copy of the project's params, data and notebooks under a temporary root."""
    for name in ("params", "data", "notebooks"):
        shutil.copytree(getattr(paths, name), tmp_path / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(paths.panel, tmp_path / "panel.yaml")
    for path in tmp_path.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return tmp_path


# ----- help --------------------------------------------------------------------------------


def test_top_level_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    assert "briefing packs" in result.output
    for command in COMMANDS:
        assert command in result.output


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_each_command_has_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: main {command}" in result.output or f"{command} [OPTIONS]" in result.output
    assert COMMANDS[command] in result.output, f"'{command} --help' does not describe the command"


# ----- validate ----------------------------------------------------------------------------


@pytest.mark.slow
def test_validate_shipped_data_prints_one_ok_line_per_dataset(paths, tmp_path):
    shutil.copy(paths.panel, tmp_path / "panel.yaml")
    result = run(["validate"], root=tmp_path, data=paths.data)
    assert result.returncode == 0, result.stderr
    ok_lines = [line for line in result.stdout.splitlines() if line.startswith("ok ")]
    datasets = load_dictionary(paths.dictionary).datasets
    assert len(ok_lines) == len(datasets)
    for name in datasets:
        assert any(f"data/{name}.csv" in line for line in ok_lines), f"no ok line for {name}"


@pytest.mark.slow
def test_validate_broken_copy_exits_3_naming_file_column_and_line(project):
    figures = project / "data" / "figures.csv"
    rows = list(csv.reader(figures.open(newline="", encoding="utf-8")))
    rows[3][rows[0].index("value")] = "62 officers"  # CSV line 4
    with figures.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    result = run(["validate"], root=project)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Data validation failed" in result.stderr
    failure = next(line for line in result.stderr.splitlines() if "data/figures.csv" in line)
    assert "column 'value'" in failure and "'62 officers'" in failure and "Line(s) 4" in failure
    assert not any(line.startswith("ok ") for line in result.stdout.splitlines())


# ----- build -------------------------------------------------------------------------------


def test_build_without_dates_is_a_usage_error():
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 2
    assert "give one or more DATES, or --all, or --next" in result.output


def test_build_with_a_badly_written_date_is_a_usage_error():
    result = CliRunner().invoke(main, ["build", "15/03/2023"])
    assert result.exit_code == 2
    assert "is not a date written YYYY-MM-DD" in result.output


@pytest.fixture
def stubbed_build(monkeypatch):
    """Replace the pipeline with a recorder: the CLI's choices are what is under test."""
    calls = []

    def fake_build(paths, dates, force=False, jobs=2, progress=None, verbose=False):
        calls.append({"paths": paths, "dates": dates, "force": force, "jobs": jobs})
        return BuildReport()

    monkeypatch.setattr(build_module, "build", fake_build)
    return calls


def test_build_next_selects_the_first_meeting_after_today(stubbed_build, tmp_path):
    result = CliRunner().invoke(main, ["build", "--next", "--today", "2023-03-01", "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert [call["dates"] for call in stubbed_build] == [["2023-03-15"]]
    assert stubbed_build[0]["paths"].briefings == (tmp_path / "out").resolve()


def test_build_next_on_a_meeting_day_selects_the_following_meeting(stubbed_build):
    result = CliRunner().invoke(main, ["build", "--next", "--today", "2023-03-15"])
    assert result.exit_code == 0, result.output
    assert stubbed_build[0]["dates"] == ["2023-07-19"]


def test_build_next_with_no_meeting_left_says_how_to_add_one(stubbed_build):
    result = CliRunner().invoke(main, ["build", "--next", "--today", "2030-01-01"])
    assert result.exit_code == 0
    assert stubbed_build == []
    assert "briefing new-meeting DATE" in result.output


def test_build_passes_dates_force_and_jobs(stubbed_build):
    result = CliRunner().invoke(main, ["build", "2023-02-01", "2023-03-15", "--force", "--jobs", "3"])
    assert result.exit_code == 0, result.output
    assert stubbed_build == [{"paths": stubbed_build[0]["paths"], "dates": ["2023-02-01", "2023-03-15"], "force": True, "jobs": 3}]


def test_build_with_a_bad_params_file_exits_2_naming_file_and_key(project):
    params = project / "params" / "2024-02-14.yaml"
    params.write_text(params.read_text().replace("agenda_item:", "agenda_itme:"))
    result = run(["build", "2024-02-14", "--output", str(project / "out")], root=project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "params/2024-02-14.yaml, key 'briefings.precept.agenda_itme': unknown key" in result.stderr
    assert "known keys here: agenda_item, precept_year, reserve_meeting" in result.stderr


# ----- new-meeting -------------------------------------------------------------------------


def test_new_meeting_not_in_the_forward_plan_exits_2_naming_meetings_csv(project):
    result = run(["new-meeting", "2024-04-17"], root=project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "2024-04-17 is not a meeting in data/meetings.csv" in result.stderr
    assert "data/agenda_items.csv" in result.stderr
    assert not (project / "params" / "2024-04-17.yaml").exists()


def test_new_meeting_refuses_to_replace_a_params_file_without_overwrite(project):
    params = project / "params" / "2024-02-14.yaml"
    params.write_text(params.read_text() + "# edited by hand\n")
    edited = params.read_text()
    result = run(["new-meeting", "2024-02-14"], root=project)
    assert result.returncode == 2
    assert "params/2024-02-14.yaml already exists; use --overwrite to replace it" in result.stderr
    assert params.read_text() == edited

    result = run(["new-meeting", "2024-02-14", "--overwrite"], root=project)
    assert result.returncode == 0, result.stderr
    assert "Wrote params/2024-02-14.yaml: briefings precept" in result.stdout
    assert "# edited by hand" not in params.read_text()


def test_new_meeting_writes_params_from_the_forward_plan(project):
    data = project / "data"
    provenance = {"source_id": "pcp-2023-03-15-pack", "section": "item 10 (forward plan)", "public_date": "2023-03-15"}
    append_row(data / "meetings.csv", {"meeting_date": "2024-06-19", "body": "panel", "kind": "ordinary", **provenance})
    append_row(
        data / "agenda_items.csv",
        {"meeting_date": "2024-06-19", "item_order": "1", "item_number": "5", "title": "Communications", "briefing": "comms", **provenance},
    )
    result = run(["new-meeting", "2024-06-19"], root=project)
    assert result.returncode == 0, result.stderr
    assert "Wrote params/2024-06-19.yaml: briefings comms" in result.stdout
    written = (project / "params" / "2024-06-19.yaml").read_text()
    assert "meeting_date: '2024-06-19'" in written and "agenda_item: '5'" in written

    from briefing.params import load_params

    assert load_params(project / "params" / "2024-06-19.yaml").briefings.needed().keys() == {"comms"}


def test_new_meeting_with_a_badly_written_date_is_a_usage_error(project):
    result = run(["new-meeting", "19/06/2024"], root=project)
    assert result.returncode == 2
    assert "is not a date written YYYY-MM-DD" in result.stderr


# ----- logs ----------------------------------------------------------------------------------


def test_library_warnings_go_to_the_build_log_and_verbose_shows_them(project, monkeypatch):
    """Python warnings and other libraries' log records are kept in build/logs/, out of the
    user's output; --verbose shows them too. The pipeline is replaced by one that warns
    inside the build's log (`briefing.logs.build_log`), as the real stages do."""
    import logging
    import warnings

    from briefing.logs import build_log

    monkeypatch.setenv("BRIEFING_ROOT", str(project))
    runs = iter(range(1, 10))

    def noisy_build(paths, dates, force=False, jobs=2, progress=None, verbose=False):
        with build_log(paths, verbose):
            number = next(runs)
            warnings.warn(f"altair: a deprecated channel option ({number})", UserWarning, stacklevel=1)
            logging.getLogger("great_expectations").warning("great_expectations: a metric took long (%d)", number)
            logging.getLogger("jupyter_client").warning("jupyter_client: a message arrived late (%d)", number)
            progress.advance("execute", "2024-02-14 precept: executed in 1.0 s")
        return BuildReport()

    monkeypatch.setattr(build_module, "build", noisy_build)

    quiet = CliRunner().invoke(main, ["build", "2024-02-14", "--force"])
    assert quiet.exit_code == 0, quiet.output
    assert "[execute] 2024-02-14 precept: executed in 1.0 s" in quiet.stderr
    for library in ("altair", "great_expectations", "jupyter_client"):
        assert library not in quiet.output, f"{library}'s warning reached the user's output: {quiet.output}"
    (log_file,) = (project / "build" / "logs").glob("build-*.log")
    kept = log_file.read_text()
    for expected in (
        "altair: a deprecated channel option (1)",
        "great_expectations: a metric took long (1)",
        "jupyter_client: a message arrived late (1)",
    ):
        assert expected in kept

    loud = CliRunner().invoke(main, ["--verbose", "build", "2024-02-14", "--force"])
    assert loud.exit_code == 0, loud.output
    for expected in (
        "altair: a deprecated channel option (2)",
        "great_expectations: a metric took long (2)",
        "jupyter_client: a message arrived late (2)",
    ):
        assert expected in loud.stderr, f"--verbose did not show {expected!r}: {loud.stderr}"
