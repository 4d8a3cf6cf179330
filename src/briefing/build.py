"""The pipeline: params → validate → plan → execute → render → publish.

`build()` is the one entry point, and reads top to bottom as the stages run. It checks
every params file and notebook it needs, plans which briefings must be re-executed and
why (`briefing.plan`), validates the data once (`briefing.datacheck`), executes the
planned notebooks in worker processes with warm kernels (`briefing.execute`), renders each
page with the house nbconvert template (`briefing.render`) and puts every page into place
together (`briefing.publish`) under a lock. Library output goes to the build's log
(`briefing.logs`); the stages report through one `briefing.progress.Progress`. Every
kernel, client and worker a build starts is stopped before it returns.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from briefing import plan as staleness
from briefing.config import Paths
from briefing.datacheck import validate_stage
from briefing.errors import BriefingError, KernelDiedError, NotebookError
from briefing.logs import FILE_ONLY, build_log
from briefing.plan import Inputs, Job
from briefing.progress import LogProgress, Progress
from briefing.publish import BuildLock, PageSet, check_writable

log = logging.getLogger("briefing")


@dataclass
class BuildReport:
    """What a build did."""

    built: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str, str, str]] = field(default_factory=list)  # date, kind, message, reason
    pages_written: list[Path] = field(default_factory=list)
    reasons: dict[tuple[str, str], str] = field(default_factory=dict)
    validated: bool = False
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)  # lines for the analyst, e.g. a precept page without its paper

    @property
    def ok(self) -> bool:
        return not self.failed


def build(
    paths: Paths,
    dates: list[str] | None = None,
    force: bool = False,
    jobs: int = 2,
    progress: Progress | None = None,
    verbose: bool = False,
    warm=None,
) -> BuildReport:
    """Build the briefings of `dates` (every meeting in params/ when None).

    Raises, before anything runs: ParamsError, NotebookFileError, OutputNotWritableError or
    DataValidationError; BuildLockedError if another build holds the folder too long;
    DiskFullError or OutputNotWritableError if pages cannot be written (none is replaced);
    and, after the build, NotebookError or KernelDiedError when a briefing failed (the
    others are still written). Library warnings and the worker processes' output go to a
    log file under build/logs/ (to the console as well with `verbose`). `warm` is what a
    long-running process keeps between builds (`briefing.execute.Warm`).
    """
    started = time.perf_counter()
    progress = progress or LogProgress()
    report = BuildReport()
    if warm is not None and warm.paths != paths:
        warm = None  # kept workers write into the folders they were started for

    inputs = Inputs.of(paths)
    whole_key = None if force else staleness.whole_build_key(paths, dates, inputs)
    unchanged = staleness.previous_build(paths, whole_key)
    if unchanged is not None:
        # Every input and every output is as the last successful build left it.
        report.unchanged = unchanged
        progress.done("build", "nothing changed since the last build; no kernel started")
        report.seconds = time.perf_counter() - started
        return report

    # Imported once a build has work to do: pydantic is most of a no-op rebuild's start-up.
    from briefing.params import load_all_params, load_params

    progress.stage("params", "Checking parameters")
    all_params = load_all_params(paths.params)
    selected = dict(all_params) if dates is None else {day: load_params(paths.params_file(day)) for day in dates}
    staleness.check_notebooks(paths, sorted({kind for params in selected.values() for kind in params.briefings.needed()}))
    progress.done("params", f"{len(selected)} meeting(s) to build, params and notebooks checked")

    for folder in (paths.briefings, paths.build):
        check_writable(folder)
    with build_log(paths, verbose) as log_file:
        try:
            with BuildLock(paths, progress):
                planned, report.unchanged = staleness.plan(paths, all_params, selected, force, inputs.data, inputs.code)
                report.reasons = {(job.meeting_date, job.kind): job.reason for job in planned}
                pages = PageSet()
                rendered = execute_and_render(paths, planned, force, jobs, progress, report, pages, log_file, verbose, warm)
                indexes, index_key = write_indexes(paths, all_params, selected, inputs, force, progress, pages)
                publish(paths, pages, rendered, indexes, index_key, inputs, progress, report)
        except Exception as error:
            if not isinstance(error, BriefingError):
                log.error("unexpected error", exc_info=True, extra=FILE_ONLY)
                error.briefing_log = log_file
            raise
    report.seconds = time.perf_counter() - started
    if report.failed:
        error_class = KernelDiedError if report.failed[0][3] == "kernel" else NotebookError
        raise error_class("\n".join(message for _, _, message, _ in report.failed))
    if whole_key is not None:
        staleness.remember_build(paths, whole_key, report.built + report.unchanged)
    return report


def execute_and_render(
    paths: Paths, planned: list[Job], force, jobs, progress, report: BuildReport, pages: PageSet, log_file, verbose, warm
) -> list[tuple[Job, Path, dict]]:
    """Validate the data, execute `planned` and render each page into `pages` as soon as its
    notebook is done; the rendered jobs, in the planned order."""
    # Workers and their first kernels start now and warm up while the data is validated;
    # no notebook runs unless validation passes.
    count = min(jobs, len(planned))
    if not planned:
        workers = None
    elif warm is not None:
        workers = warm.workers(log_file, verbose)
    else:
        # Imported here: a build with nothing to execute never loads the worker machinery.
        from briefing.execute import Workers

        workers = Workers(paths, count, len(planned), log_file, verbose)
    rendered: dict[Job, tuple[Job, Path, dict]] = {}

    def finished(job: Job, result: dict) -> None:
        if not rendered and not report.failed:
            progress.stage("render", "Rendering pages with the house template", total=len(planned))
        if not result["ok"]:
            report.failed.append((job.meeting_date, job.kind, result["message"], result.get("reason", "error")))
            return
        output = paths.briefing_html(job.meeting_date, job.kind)
        pages.add(output, render_page(job, Path(result["executed"])))
        rendered[job] = (job, output, result)
        progress.advance("render", f"{output.relative_to(paths.root) if output.is_relative_to(paths.root) else output}")

    try:
        report.validated = validate_stage(paths, progress, force, log_file, verbose, warm.engine() if warm else None)
        warn_analyst(paths, planned, progress, report)
        if planned:
            progress.stage("execute", f"Executing {len(planned)} notebook(s) with papermill, {count} at a time", total=len(planned))
            workers.run(planned, progress, finished)
            failures = len(report.failed)
            progress.done("execute", f"{len(planned) - failures} notebook(s) executed" + (f", {failures} failed" if failures else ""))
    except BaseException:
        if workers is not None and warm is None:
            workers.stop()
        raise
    if workers is not None and warm is None:
        workers.close()
    if planned:
        progress.done("render", f"{len(rendered)} page(s) rendered")
    else:
        progress.done("execute", "every briefing is up to date; no kernel started")
    return [rendered[job] for job in planned if job in rendered]


def warn_analyst(paths: Paths, planned: list[Job], progress, report: BuildReport) -> None:
    """Print each planned briefing's analyst warnings (kinds.analyst_warnings), one line each."""
    from briefing.kinds import analyst_warnings

    for job in planned:
        for line in analyst_warnings(paths, job.meeting_date, job.kind, job.parameters):
            report.warnings.append(line)
            progress.note(f"briefing: {line}")


def render_page(job: Job, executed: Path) -> str:
    """The HTML page of one executed notebook."""
    import nbformat

    from briefing.labels import briefing_page
    from briefing.render import page_facts, render_notebook

    notebook = nbformat.read(str(executed), as_version=4)
    draft = bool(page_facts(notebook).get("draft"))
    return render_notebook(notebook, briefing_page(job.meeting_date, job.kind, draft))


def write_indexes(paths: Paths, all_params, selected, inputs: Inputs, force, progress, pages: PageSet) -> tuple[dict[str, Path], str]:
    """Queue the stale index pages in `pages`; return them (name -> path) and their key."""
    stale, key = staleness.stale_indexes(paths, selected, inputs, force)
    if not stale:
        progress.done("index", "index pages up to date")
        return {}, key
    progress.stage("index", "Writing index pages")
    from briefing.datasets import load_data
    from briefing.pages import meeting_index, site_index

    data = load_data(paths)
    for name, path in stale.items():
        pages.add(path, site_index(all_params, data) if name == "index" else meeting_index(all_params[name.split("/")[0]], data))
    progress.done("index", f"{len(stale)} index page(s) written")
    return stale, key


def publish(paths: Paths, pages: PageSet, rendered, indexes: dict[str, Path], index_key: str, inputs: Inputs, progress, report) -> None:
    """Put every page of this build into place together (or none), then record each as built."""
    report.pages_written.extend(pages.commit())
    progress.written(list(report.pages_written))
    for job, output, result in rendered:
        reads = staleness.read_set(result.get("reads"))
        staleness.remember(paths, f"{job.meeting_date}/{job.kind}", output, job.key, inputs.data, reads, job.parts)
        report.built.append((job.meeting_date, job.kind))
    for name, path in indexes.items():
        staleness.remember(paths, name, path, index_key)
