"""End-to-end builds: reproducible, incremental, as-of, and safe when a notebook fails."""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import replace
from html.parser import HTMLParser

import nbformat
import pytest

from briefing.build import build
from briefing.errors import DataValidationError, NotebookError, ParamsError
from briefing.execute import Warm
from briefing.plan import plan

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def rebuilt(fresh_build):
    """Every meeting in params/ built from scratch into a fresh folder (see conftest)."""
    return fresh_build


def test_rebuild_of_every_meeting_reproduces_the_committed_pack(paths, rebuilt):
    fresh, report = rebuilt
    assert report.ok and report.built
    committed = sorted(p.relative_to(paths.briefings) for p in paths.briefings.rglob("*.html"))
    produced = sorted(p.relative_to(fresh.briefings) for p in fresh.briefings.rglob("*.html"))
    assert produced == committed, "the committed pack has different pages: run 'make briefings' and commit briefings/"
    different = [str(p) for p in committed if (paths.briefings / p).read_bytes() != (fresh.briefings / p).read_bytes()]
    assert not different, f"committed pages differ from a fresh build: {different}; run 'briefing build --all' and commit"


def test_every_meeting_has_an_index_and_its_briefings(paths, rebuilt):
    fresh, _ = rebuilt
    from briefing.params import load_all_params

    for day, params in load_all_params(paths.params).items():
        assert (fresh.briefings / day / "index.html").exists()
        for kind in params.briefings.needed():
            assert (fresh.briefings / day / f"{kind}.html").exists()
    site = (fresh.briefings / "index.html").read_text()
    assert site.index("2024-03-13/index.html") < site.index("2023-02-01/index.html"), "meetings are listed newest first"


def test_meeting_index_links_agenda_items_to_briefings(rebuilt):
    fresh, _ = rebuilt
    page = (fresh.briefings / "2023-03-15" / "index.html").read_text()
    for kind in ("comms", "communities", "culture"):
        assert f'href="{kind}.html"' in page
    assert "Item 9" in page  # on the agenda, but needs no briefing


def test_noop_rebuild_starts_no_kernel(rebuilt, stages):
    fresh, _ = rebuilt
    before = {p: p.read_bytes() for p in fresh.briefings.rglob("*.html")}
    report = build(fresh, None, force=False, jobs=2, progress=stages)
    assert report.built == [] and len(report.unchanged) >= 6
    assert report.pages_written == []
    assert "execute" not in stages.started, "a kernel was started for an unchanged briefing"
    # Without the whole-build record, the plan itself finds every briefing up to date.
    (fresh.cache / "last-build.json").unlink()
    report = build(fresh, None, force=False, jobs=2, progress=stages)
    assert report.built == [] and report.pages_written == []
    assert stages.finished["execute"] == "every briefing is up to date; no kernel started"
    assert "execute" not in stages.started
    assert {p: p.read_bytes() for p in fresh.briefings.rglob("*.html")} == before


def test_a_changed_params_file_replans_only_its_meeting(rebuilt, tmp_path):
    from briefing import fingerprints
    from briefing.params import load_all_params

    fresh, _ = rebuilt
    shutil.copytree(fresh.params, tmp_path / "params")
    changed = tmp_path / "params" / "2024-02-14.yaml"
    changed.write_text(changed.read_text().replace("agenda_item: ''", "agenda_item: '3'"))
    local = replace(fresh, params=tmp_path / "params")
    all_params = load_all_params(local.params)
    data_key, code_key = fingerprints.data_fingerprint(local.data), fingerprints.code_fingerprint()
    planned, unchanged = plan(local, all_params, all_params, False, data_key, code_key)
    assert [(j.meeting_date, j.kind) for j in planned] == [("2024-02-14", "precept")]
    assert ("2024-01-31", "precept") in unchanged and ("2023-03-15", "comms") in unchanged


def test_failing_notebook_keeps_last_good_page_and_names_cell(paths, tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(paths.notebooks, notebooks)
    local = replace(paths, notebooks=notebooks, briefings=tmp_path / "briefings", build=tmp_path / "build")
    good = paths.briefings / "2024-02-14" / "precept.html"
    target = local.briefings / "2024-02-14" / "precept.html"
    target.parent.mkdir(parents=True)
    shutil.copy(good, target)
    before = target.read_bytes()

    notebook = nbformat.read(notebooks / "precept.ipynb", as_version=4)
    broken = nbformat.v4.new_code_cell('raise ValueError("figure table has no rows for this meeting")')
    broken["id"] = "broken-cell"
    notebook.cells.insert(4, broken)
    nbformat.write(notebook, notebooks / "precept.ipynb")

    with pytest.raises(NotebookError) as error:
        build(local, ["2024-02-14"], force=True, jobs=1)
    message = str(error.value)
    assert "notebooks/precept.ipynb" in message
    assert "cell 5" in message
    assert "ValueError: figure table has no rows for this meeting" in message
    assert target.read_bytes() == before, "the last good page was changed by a failed build"
    kept = local.failed / "2024-02-14" / "precept.ipynb"
    assert kept.exists() and "figure table has no rows" in kept.read_text()


def test_invalid_params_stop_the_build_before_anything_runs(paths, tmp_path, stages):
    shutil.copytree(paths.params, tmp_path / "params")
    (tmp_path / "params" / "2023-03-15.yaml").write_text("meeting_date: 2023-03-15\nbriefings:\n  comms:\n    agenda_itme: '6'\n")
    local = replace(paths, params=tmp_path / "params", briefings=tmp_path / "briefings", build=tmp_path / "build")
    with pytest.raises(ParamsError, match=r"params/2023-03-15.yaml, key 'briefings.comms.agenda_itme': unknown key"):
        build(local, ["2023-03-15"], progress=stages)
    assert stages.started == ["params"], "a stage after the params check ran"
    assert not (tmp_path / "briefings").exists() and not (tmp_path / "build").exists()


def test_invalid_data_stops_the_build_before_any_notebook(data_copy, tmp_path, stages):
    path = data_copy.data / "deliverables.csv"
    path.write_text(path.read_text().replace(",ongoing,", ",nearly done,", 1))
    local = replace(data_copy, briefings=tmp_path / "out")
    with pytest.raises(DataValidationError, match="data/deliverables.csv, column 'status'"):
        build(local, ["2023-03-15"], progress=stages)
    assert "execute" not in stages.started, "a notebook ran on invalid data"
    assert not local.executed.exists()


def test_as_of_build_excludes_later_rows(paths):
    from briefing.context import open_briefing

    early = open_briefing("precept", "2023-02-01", paths=paths, precept_year="2023/24", agenda_item="", reserve_meeting=False)
    assert early.data.table("questions").empty, "the 1 Feb 2023 minutes were public only on 15 Mar 2023"
    assert early.latest("precept_survey_responses", "precept-2023-24") is None, "640 responses were first printed on 15 Mar 2023"
    assert early.latest("precept_illustration_band_d_monthly_pence") is not None
    later = open_briefing("precept", "2024-01-31", paths=paths, precept_year="2024/25", agenda_item="", reserve_meeting=False)
    assert len(later.data.table("questions")) == 24
    assert later.latest("precept_survey_responses", "precept-2023-24")["value"] == 640


def test_as_of_page_shows_nothing_published_after_the_meeting(pack):
    page = (pack.briefings / "2023-02-01" / "precept.html").read_text()
    assert "640" not in page
    assert "1,732" not in page
    assert "37p a month" in page


def test_executed_notebooks_are_kept_for_audit_not_circulated(rebuilt):
    fresh, _ = rebuilt
    executed = list((fresh.build / "executed").rglob("*.ipynb"))
    assert executed
    assert not list(fresh.briefings.rglob("*.ipynb"))
    assert json.loads(executed[0].read_text())["metadata"]["papermill"]["parameters"]["meeting_date"]


class _VisibleText(HTMLParser):
    """The text a reader sees: text nodes, not inside style or script."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def test_no_page_shows_markup_as_text(pack):
    for page in sorted(pack.briefings.rglob("*.html")):
        reader = _VisibleText()
        reader.feed(page.read_text(encoding="utf-8"))
        text = " ".join(reader.parts)
        assert not re.search(r"</?[a-z]+[ >/]|&lt;|&gt;|&amp;", text), f"{page}: markup shown as text"


def test_notebooks_show_analysts_frames_and_charts_that_never_circulate(rebuilt):
    from briefing.charts import VEGA_LITE_IN_JUPYTERLAB

    fresh, _ = rebuilt
    for executed in sorted((fresh.build / "executed").rglob("*.ipynb")):
        notebook = json.loads(executed.read_text())
        analyst = [c for c in notebook["cells"] if "analyst" in c["metadata"].get("tags", []) and c["cell_type"] == "code"]
        outputs = [o.get("data", {}) for c in analyst for o in c.get("outputs", [])]
        assert any("<table" in "".join(data.get("text/html", "")) for data in outputs), f"{executed}: no frame shown"
        page = (fresh.briefings / executed.parent.name / f"{executed.stem}.html").read_text()
        assert "dataframe" not in page and "vegalite" not in page
        if executed.stem == "comms" and executed.parent.name == "2023-03-15":
            assert any(VEGA_LITE_IN_JUPYTERLAB in data for data in outputs), "the outputs chart is not shown live"


def test_no_page_gives_a_date_more_precisely_than_its_paper(paths, pack):
    from briefing.datasets import load_data
    from briefing.words import date_text

    data = load_data(paths)
    too_precise = set()
    sources = data.unfiltered("sources")
    for day in sources[sources["date_estimated"].fillna(False).astype(bool)]["date"]:
        too_precise |= {date_text(day, "day"), date_text(day, "short")}
    figures = data.unfiltered("figures")
    coarse = figures[figures["date_precision"].isin(["month", "year"])]
    for column in ("as_at", "period_end"):
        for day in coarse[column].dropna():
            too_precise |= {date_text(day, "day"), date_text(day, "short")}
    assert too_precise
    for page in sorted(pack.briefings.rglob("*.html")):
        reader = _VisibleText()
        reader.feed(page.read_text(encoding="utf-8"))
        text = " ".join(" ".join(reader.parts).split())
        shown = sorted(d for d in too_precise if re.search(rf"(?<!\d){re.escape(d)}", text))
        assert not shown, f"{page}: {shown} is more precise than the paper"


# ----- a clean first run -------------------------------------------------------------------

COLD_BUILDS = 3
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[(?P<stage>[a-z]+)\] (?P<message>.*)$")
ANALYST_WARNING = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d briefing: (?P<meeting>\d{4}-\d\d-\d\d) precept: no paper public by the meeting holds the"
    r" \d{4}/\d\d proposal \(.*\); the page is marked DRAFT$"
)


@pytest.fixture(scope="module")
def cold_builds(paths, tmp_path_factory):
    """`briefing build --all --force` run COLD_BUILDS times as commands in one fresh copy of
    the project; each run's output, build logs, and the processes of the copy still alive
    once it has ended."""
    from test_cli import run
    from test_faults import processes_of

    root = tmp_path_factory.mktemp("cold")
    for name in ("params", "data", "notebooks"):
        shutil.copytree(getattr(paths, name), root / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(paths.panel, root / "panel.yaml")
    runs = []
    for _ in range(COLD_BUILDS):
        seen = {p.name for p in (root / "build" / "logs").glob("build-*.log")}
        result = run(["build", "--all", "--force"], root=root, timeout=900)
        logs = "".join(p.read_text() for p in (root / "build" / "logs").glob("build-*.log") if p.name not in seen)
        runs.append({"result": result, "logs": logs, "left": processes_of(root)})
    return root, runs


def test_cold_builds_print_no_traceback_and_leave_no_process(cold_builds):
    root, runs = cold_builds
    for number, outcome in enumerate(runs, start=1):
        result = outcome["result"]
        assert result.returncode == 0, f"build {number}: {result.stdout}{result.stderr}"
        for where, text in (("stdout", result.stdout), ("stderr", result.stderr), ("build/logs", outcome["logs"])):
            assert "Traceback" not in text, f"build {number} printed a traceback on {where}:\n{text}"
            assert "Exception in thread" not in text, f"build {number} printed a thread's exception on {where}:\n{text}"
        assert not outcome["left"], f"build {number} left processes behind (kernels, workers or forkserver): {outcome['left']}"


def test_off_a_terminal_the_log_has_one_line_per_stage_and_per_briefing(cold_builds, paths):
    from briefing.params import load_all_params

    _, runs = cold_builds
    result = runs[0]["result"]
    needed = [(day, kind) for day, params in load_all_params(paths.params).items() for kind in params.briefings.needed()]
    assert result.stdout.splitlines() == [
        line for line in result.stdout.splitlines() if line.startswith(f"Built {len(needed)} briefing(s), 0 unchanged, ")
    ]
    assert len(result.stdout.splitlines()) == 1
    lines = result.stderr.splitlines()
    # The one line per precept page built without its proposal paper (a draft), for the analyst.
    drafts = [line for line in lines if ANALYST_WARNING.match(line)]
    assert [ANALYST_WARNING.match(line)["meeting"] for line in drafts] == ["2023-02-01", "2024-01-31"], drafts
    lines = [line for line in lines if line not in drafts]
    parsed = [LOG_LINE.match(line) for line in lines]
    assert all(parsed), (
        f"lines that are not '<time> [stage] message': {[line for line, match in zip(lines, parsed, strict=True) if not match]}"
    )
    stages = [m["stage"] for m in parsed if m["message"].endswith(" s)")]
    assert stages == ["params", "validate", "execute", "render", "index"], lines
    executed = [m["message"] for m in parsed if m["stage"] == "execute" and not m["message"].endswith(" s)")]
    assert len(executed) == len(needed), lines
    for day, kind in needed:
        assert sum(bool(re.fullmatch(rf"{day} {kind}: executed in \d+\.\d s", message)) for message in executed) == 1, lines
    assert len(lines) == 5 + len(needed), "one line per stage and one per briefing, nothing else"


def test_open_files_do_not_grow_across_builds_in_one_process(paths, tmp_path, capfd):
    """As `preview` does: several builds in one process, each executing a briefing."""
    local = replace(paths, briefings=tmp_path / "briefings", build=tmp_path / "build")
    page = local.briefing_html("2024-02-14", "precept")
    open_files = []
    for _ in range(COLD_BUILDS):
        page.unlink(missing_ok=True)  # the next build must execute it again
        report = build(local, ["2024-02-14"], force=False, jobs=1)
        assert report.built == [("2024-02-14", "precept")]
        open_files.append(len(os.listdir("/proc/self/fd")))
    assert open_files[-1] <= open_files[0], f"open files after each build: {open_files}"
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out and "Exception in thread" not in captured.err + captured.out


# ----- incremental builds: a briefing is re-executed exactly when what it read changed ------

INCREMENTAL_MEETING = "2024-02-14"  # one briefing (the reserve meeting's precept): the cheapest


def revise_one_value(data_dir, dataset, meeting_date: str) -> None:
    """Append ' (revised)' to a free-text cell of the first row public by `meeting_date`.

    The column is one no rule constrains beyond being text (its `section` where it has one),
    so the data stays valid; which columns exist is read from the dictionary.
    """
    import csv

    traced = set((dataset.trace or {}).values())
    free = [
        c.name
        for c in dataset.columns.values()
        if c.type == "string" and c.name not in dataset.key and not c.allowed and not c.references and c.name not in traced
        if c.name != "file_name"
    ]
    column = "section" if "section" in free else free[0]
    path = data_dir / dataset.file
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    visible = [r for r in rows[1:] if "public_date" not in header or r[header.index("public_date")] <= meeting_date]
    row = (visible or rows[1:])[0]
    row[header.index(column)] = (row[header.index(column)] or "text") + " (revised)"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_incremental_build_after_each_dataset_edit_matches_a_forced_build(paths, tmp_path):
    """Edit each dataset in turn; after each edit an incremental build (which re-executes only
    the briefings whose read-set changed) gives the same pages, byte for byte, as --force."""
    from briefing.schema import load_dictionary

    for name in ("notebooks", "params", "data"):
        shutil.copytree(getattr(paths, name), tmp_path / name)
    shutil.copy(paths.panel, tmp_path / "panel.yaml")
    for path in tmp_path.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    shared = dict(root=tmp_path, notebooks=tmp_path / "notebooks", params=tmp_path / "params", data=tmp_path / "data")
    incremental = replace(paths, **shared, briefings=tmp_path / "incremental", build=tmp_path / "incremental-build")
    forced = replace(paths, **shared, briefings=tmp_path / "forced", build=tmp_path / "forced-build")
    # Kept workers and Great Expectations, as in preview, so the 2 x 19 builds stay cheap.
    warm_incremental, warm_forced = Warm(incremental, jobs=1), Warm(forced, jobs=1)
    re_executed = {}
    try:
        build(incremental, [INCREMENTAL_MEETING], jobs=1, warm=warm_incremental)
        for dataset in load_dictionary(incremental.dictionary).datasets.values():
            if dataset.may_be_empty and len((incremental.data / dataset.file).read_text(encoding="utf-8").splitlines()) < 2:
                continue  # an empty dataset (the officer's note lines) has no value to revise
            revise_one_value(incremental.data, dataset, INCREMENTAL_MEETING)
            report = build(incremental, [INCREMENTAL_MEETING], jobs=1, warm=warm_incremental)
            re_executed[dataset.name] = bool(report.built)
            build(forced, [INCREMENTAL_MEETING], force=True, jobs=1, warm=warm_forced)
            pages = sorted(p.relative_to(forced.briefings) for p in forced.briefings.rglob("*.html"))
            assert pages == sorted(p.relative_to(incremental.briefings) for p in incremental.briefings.rglob("*.html"))
            different = [str(p) for p in pages if (forced.briefings / p).read_bytes() != (incremental.briefings / p).read_bytes()]
            assert not different, f"after editing {dataset.file}, the incremental build differs from --force: {different}"
    finally:
        warm_incremental.close()
        warm_forced.close()
    # Both paths were taken: some edits re-executed the briefing, others (to data it never reads) did not.
    assert any(re_executed.values()) and not all(re_executed.values()), re_executed
    assert re_executed["culture_words"] is False and re_executed["precept_cycle"] is True


def test_the_first_meetings_index_shows_nothing_published_after_it(pack):
    page = (pack.briefings / "2023-02-01" / "index.html").read_text(encoding="utf-8")
    # Its time, venue note, closing time and minute numbers come from minutes published in March.
    for later in ("1:30pm", "3:50pm", "Minute 45", "minute", "Venue not printed in the minutes"):
        assert later not in page
    assert "No paper available by the meeting gives its agenda" in page
