"""The pipeline: params → validate → execute (papermill, in parallel) → render → index.

`build()` is the one entry point. It checks every params file it needs, validates the
data once, executes only the briefings whose inputs changed (or all with `force`) in
worker processes, renders each with the house nbconvert template, and writes the pages
aside before renaming them into place, so a failure never leaves a half-written or
missing page where the last good one was. The output folder is locked for the whole
build, so a scheduled run and an analyst cannot interleave.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from briefing import fingerprints
from briefing.config import Paths
from briefing.errors import BuildLockedError, NotebookError

log = logging.getLogger("briefing")

LOCK_TIMEOUT_SECONDS = 30 * 60
FOOTER = (
    "Prepared for members of the Cambridgeshire Police and Crime Panel from the public papers listed under Sources. "
    "Figures are as the papers print them; where a paper is silent, this briefing says so."
)


@dataclass(frozen=True, eq=False)
class Job:
    """One briefing to execute and render."""

    meeting_date: str
    kind: str
    parameters: dict
    key: str


@dataclass(frozen=True)
class Inputs:
    """Fingerprints of a build's inputs, computed once per build."""

    data: str
    code: str
    params: str
    notebooks: str

    @classmethod
    def of(cls, paths: Paths) -> Inputs:
        return cls(
            data=fingerprints.data_fingerprint(paths.data),
            code=fingerprints.code_fingerprint(),
            params=fingerprints.fingerprint(sorted(paths.params.glob("*.yaml"))),
            notebooks=fingerprints.fingerprint(sorted(paths.notebooks.glob("*.ipynb"))),
        )


@dataclass
class BuildReport:
    """What a build did."""

    built: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    pages_written: list[Path] = field(default_factory=list)
    validated: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


def atomic_write(path: Path, content: str) -> bool:
    """Write `content` beside `path` and rename it into place; False when unchanged."""
    data = content.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return True


def _record_path(paths: Paths, name: str) -> Path:
    return paths.cache / "pages" / f"{name}.json"


def _up_to_date(paths: Paths, name: str, output: Path, key: str) -> bool:
    record = _record_path(paths, name)
    if not (record.exists() and output.exists()):
        return False
    try:
        saved = json.loads(record.read_text())
    except ValueError:
        return False
    return saved.get("key") == key and saved.get("sha256") == fingerprints.fingerprint([output])


def _remember(paths: Paths, name: str, output: Path, key: str) -> None:
    record = _record_path(paths, name)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"key": key, "sha256": fingerprints.fingerprint([output])}))


def briefing_key(paths: Paths, notebook: Path, parameters: dict, topic_dates: list[str], data_key: str, code_key: str) -> str:
    """Fingerprint of everything one briefing page depends on."""
    return fingerprints.combine(
        fingerprints.fingerprint([notebook]),
        json.dumps(parameters, sort_keys=True),
        ",".join(topic_dates),  # "since the last meeting" depends on the other meetings on this topic
        data_key,
        code_key,
    )


# Imported into each kernel before it is handed a notebook: the libraries every briefing
# uses, and one tiny chart so vl-convert's JavaScript engine is running. No notebook code
# runs and no data is read, so a kernel may warm up while the data is being validated.
WARM_UP = """
import briefing
import altair, pandas, vl_convert
import briefing.charts, briefing.comms, briefing.communities, briefing.context, briefing.culture, briefing.precept
vl_convert.vegalite_to_svg({"data": {"values": [{"a": 1}]}, "mark": "bar", "encoding": {"x": {"field": "a", "type": "quantitative"}}})
"""

_warm = {"kernel": None}
_jobs_waiting = None
_kernels_idle = None


def _worker_start(paths: Paths, waiting, idle) -> None:
    """Worker process start: set the kernels' environment and warm the first kernel."""
    global _jobs_waiting, _kernels_idle
    _jobs_waiting, _kernels_idle = waiting, idle
    os.environ["BRIEFING_ROOT"] = str(paths.root)
    os.environ["BRIEFING_DATA_DIR"] = str(paths.data)
    # Take the kernel from this environment, not a user-wide 'python3' kernel spec.
    os.environ["JUPYTER_PREFER_ENV_PATH"] = "1"
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    from multiprocessing.util import Finalize

    # Shut down a warmed kernel no job used when the worker exits.
    Finalize(None, _shutdown_warm_kernel, exitpriority=10)
    _warm_next(paths)


def _warm_next(paths: Paths) -> None:
    """Warm a kernel for a later job, unless idle warm kernels already cover the jobs waiting."""
    with _jobs_waiting.get_lock():
        if _jobs_waiting.value <= _kernels_idle.value:
            return
        _kernels_idle.value += 1
    _warm["kernel"] = _start_kernel(paths)


def _start_kernel(paths: Paths):
    """Start a fresh kernel for one notebook and send it the warm-up imports."""
    from jupyter_client.manager import KernelManager

    paths.logs.mkdir(parents=True, exist_ok=True)
    manager = KernelManager(kernel_name="python3")
    with open(paths.logs / "kernels.log", "ab") as kernel_log:
        manager.start_kernel(cwd=str(paths.notebooks), stderr=kernel_log, stdout=kernel_log)
    client = manager.client()
    client.start_channels()
    client.execute(WARM_UP, silent=True, store_history=False)
    client.stop_channels()
    return manager


def _take_kernel(paths: Paths):
    kernel, _warm["kernel"] = _warm["kernel"], None
    if kernel is not None:
        with _jobs_waiting.get_lock():
            _kernels_idle.value -= 1
        if kernel.is_alive():
            return kernel
    return _start_kernel(paths)


def execute_job(job: Job, paths: Paths) -> dict:
    """Run one notebook with papermill in a fresh kernel, in a worker process. Never raises.

    Each notebook gets a kernel of its own, used once and shut down, so no state passes
    between briefings. While it runs, the next kernel warms up if any job is still waiting.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with _jobs_waiting.get_lock():
        _jobs_waiting.value -= 1
    kernel = _take_kernel(paths)
    _warm_next(paths)
    executed = paths.executed / job.meeting_date / f"{job.kind}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(paths.notebook(job.kind)),
            str(executed),
            parameters=job.parameters,
            kernel_name="python3",
            language="python",
            progress_bar=False,
            log_output=False,
            cwd=str(paths.notebooks),
            km=kernel,
        )
    except PapermillExecutionError as error:
        failed = paths.failed / job.meeting_date / f"{job.kind}.ipynb"
        failed.parent.mkdir(parents=True, exist_ok=True)
        if executed.exists():
            os.replace(executed, failed)
        first_line = (error.source or "").strip().splitlines()[0] if error.source else ""
        message = (
            f"notebooks/{job.kind}.ipynb failed for the meeting of {job.meeting_date} in cell {_source_cell_number(failed, error.cell_index)} "
            f"(`{first_line}`): {error.ename}: {error.evalue}. The executed notebook is kept at {_relative(failed, paths)}; "
            f"the last good page is unchanged."
        )
        return {"ok": False, "message": message}
    except Exception as error:  # the kernel died, or the notebook could not be read
        return {"ok": False, "message": f"notebooks/{job.kind}.ipynb could not run for {job.meeting_date}: {type(error).__name__}: {error}"}
    finally:
        kernel.shutdown_kernel(now=True)
    return {"ok": True, "executed": str(executed), "seconds": time.perf_counter() - started}


def _source_cell_number(executed: Path, cell_index: int) -> int:
    """The failing cell's number as the analyst sees it in notebooks/ (1 = first cell):
    papermill inserts an injected-parameters cell that the source notebook does not have."""
    import nbformat

    try:
        cells = nbformat.read(str(executed), as_version=4).cells
    except (OSError, ValueError):
        return cell_index + 1
    injected = [i for i, c in enumerate(cells) if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    return cell_index if injected and cell_index > injected[0] else cell_index + 1


def _shutdown_warm_kernel() -> None:
    kernel, _warm["kernel"] = _warm["kernel"], None
    if kernel is not None:
        with _jobs_waiting.get_lock():
            _kernels_idle.value -= 1
        kernel.shutdown_kernel(now=True)


def _relative(path: Path, paths: Paths) -> str:
    try:
        return str(path.relative_to(paths.root))
    except ValueError:
        return str(path)


def _page_info(job: Job) -> dict:
    from briefing.context import BODY, BRIEFING_TITLES
    from briefing.formatting import long_date

    day = long_date(job.meeting_date)
    return {
        "title": f"{BRIEFING_TITLES[job.kind]}: {day} — {BODY}",
        "meeting_label": f"Meeting of {day}",
        "footer": FOOTER,
    }


def build(
    paths: Paths,
    dates: list[str] | None = None,
    force: bool = False,
    jobs: int = 2,
    progress=None,
) -> BuildReport:
    """Build the briefings of `dates` (every meeting in params/ when None).

    Raises ParamsError or DataValidationError before anything runs, BuildLockedError if
    another build holds the folder too long, and NotebookError after the build when any
    briefing failed (the others are still written).
    """
    started = time.perf_counter()
    progress = progress or _LogProgress()
    report = BuildReport()

    inputs = Inputs.of(paths)
    whole_key = None if force else _whole_build_key(paths, dates, inputs)
    previous = _previous_build(paths, whole_key)
    if previous is not None:
        # Every input (params, notebooks, data, code, libraries) and every output is as the
        # last successful build left it: nothing to check, execute or write.
        report.unchanged = [tuple(item) for item in previous["unchanged"]]
        progress.done("build", "nothing changed since the last build; no kernel started")
        report.seconds = time.perf_counter() - started
        return report

    from filelock import FileLock, Timeout

    from briefing.params import load_all_params, load_params

    progress.stage("params", "Checking parameters")
    all_params = load_all_params(paths.params)
    if dates is None:
        selected = dict(all_params)
    else:
        selected = {day: load_params(paths.params_file(day)) for day in dates}
    progress.done("params", f"{len(selected)} meeting(s) to build, params checked")

    # Two locks, always taken in this order: build/ (executed notebooks, records) and the
    # output folder. Builds into different output folders still share build/.
    paths.briefings.mkdir(parents=True, exist_ok=True)
    paths.build.mkdir(parents=True, exist_ok=True)
    locks = [FileLock(str(paths.build / ".lock")), FileLock(str(paths.briefings / ".lock"))]
    held = []
    try:
        for lock in locks:
            try:
                lock.acquire(timeout=0)
            except Timeout:
                progress.note("Another build is running; waiting for it to finish")
                try:
                    lock.acquire(timeout=LOCK_TIMEOUT_SECONDS)
                except Timeout:
                    raise BuildLockedError("another build held the workbook for over 30 minutes; check for a stuck process") from None
            held.append(lock)
        _build_locked(paths, all_params, selected, force, jobs, progress, report, inputs)
    finally:
        for lock in reversed(held):
            lock.release()
    report.seconds = time.perf_counter() - started
    if report.failed:
        raise NotebookError("\n".join(message for _, _, message in report.failed))
    if whole_key is not None:
        _remember_build(paths, whole_key, report)
    return report


def _whole_build_key(paths: Paths, dates: list[str] | None, inputs: Inputs) -> str:
    """Fingerprint of every input of a build of `dates` into `paths.briefings`."""
    return fingerprints.combine(
        inputs.params,
        inputs.notebooks,
        inputs.data,
        inputs.code,
        json.dumps(dates),
        str(paths.briefings.resolve()),
    )


def _outputs(paths: Paths) -> dict[str, str]:
    return {str(p.relative_to(paths.briefings)): fingerprints.fingerprint([p]) for p in sorted(paths.briefings.rglob("*.html"))}


def _previous_build(paths: Paths, key: str | None) -> dict | None:
    """The record of the last successful build if it had exactly these inputs and outputs."""
    record = paths.cache / "last-build.json"
    if key is None or not record.exists():
        return None
    try:
        saved = json.loads(record.read_text())
    except ValueError:
        return None
    if saved.get("key") != key or saved.get("outputs") != _outputs(paths):
        return None
    return saved


def _remember_build(paths: Paths, key: str, report: BuildReport) -> None:
    record = paths.cache / "last-build.json"
    record.parent.mkdir(parents=True, exist_ok=True)
    unchanged = sorted(set(report.built) | set(report.unchanged))
    record.write_text(json.dumps({"key": key, "outputs": _outputs(paths), "unchanged": unchanged}))


def _validate(paths: Paths, progress, force: bool = False) -> bool:
    stamp = fingerprints.validation_stamp(paths.cache, paths.data)
    if stamp.exists() and not force:
        progress.done("validate", "data unchanged since it last passed validation")
        return False
    progress.stage("validate", "Validating data with Great Expectations")
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # A short-lived process validates, so this one never holds Great Expectations in
    # memory while the kernels run (it is the largest import of the build).
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as child:
        outcome = child.submit(_validate_in_child, paths, not force).result()
    if outcome["failures"]:
        from briefing.errors import DataValidationError
        from briefing.validation import Failure

        raise DataValidationError([Failure(**failure) for failure in outcome["failures"]])
    progress.done("validate", _validated_words(outcome))
    return True


def _validated_words(outcome: dict) -> str:
    checked, total = len(outcome["checked"]), len(outcome["rows"])
    if checked == total:
        return f"{total} datasets valid"
    return (
        f"{total} datasets valid ({checked} checked: {', '.join(outcome['checked']) or 'none'}; the others are unchanged since they passed)"
    )


def _validate_in_child(paths: Paths, reuse: bool = True, engine=None) -> dict:
    """Validate the datasets (reusing each unchanged dataset's earlier pass when `reuse`)
    and remember a success (run in a child process, or in a long-running one with its
    kept `engine`)."""
    from dataclasses import asdict

    from briefing.validation import remember, run_validation

    report = run_validation(paths, reuse=reuse, engine=engine)
    if report.ok:
        remember(paths, report)
    return {"rows": report.rows, "checked": report.checked, "failures": [asdict(failure) for failure in report.failures]}


def _build_locked(paths, all_params, selected, force, jobs, progress, report, inputs: Inputs) -> None:
    data_key, code_key = inputs.data, inputs.code
    planned, report.unchanged = plan(paths, all_params, selected, force, data_key, code_key)
    # Workers and their first kernels start now and warm up while the data is validated;
    # no notebook runs unless validation passes.
    workers = _Workers(paths, min(jobs, len(planned)), len(planned)) if planned else None
    try:
        report.validated = _validate(paths, progress, force)
        if planned:
            progress.stage(
                "execute", f"Executing {len(planned)} notebook(s) with papermill, {min(jobs, len(planned))} at a time", total=len(planned)
            )
            results = _execute_all(planned, paths, jobs, progress, workers)
    finally:
        if workers is not None:
            workers.close()

    if planned:
        progress.stage("render", "Rendering pages with the house template", total=len(planned))
        for job in planned:
            result = results[job]
            if not result["ok"]:
                report.failed.append((job.meeting_date, job.kind, result["message"]))
                progress.fail(result["message"])
                continue
            html = _render(job, Path(result["executed"]))
            output = paths.briefing_html(job.meeting_date, job.kind)
            if atomic_write(output, html):
                report.pages_written.append(output)
            _remember(paths, f"{job.meeting_date}/{job.kind}", output, job.key)
            report.built.append((job.meeting_date, job.kind))
            progress.advance("render", f"{_relative(output, paths)}")
        progress.done("render", f"{len(report.built)} page(s) rendered")
    else:
        progress.done("execute", "every briefing is up to date; no kernel started")

    _write_indexes(paths, all_params, selected, inputs, force, progress, report)


def plan(
    paths: Paths, all_params: dict, selected: dict, force: bool, data_key: str, code_key: str
) -> tuple[list[Job], list[tuple[str, str]]]:
    """The briefings to execute, and those already up to date with their inputs."""
    planned: list[Job] = []
    unchanged: list[tuple[str, str]] = []
    for day, params in selected.items():
        for kind in params.briefings.needed():
            parameters = params.notebook_parameters(kind)
            topic_dates = sorted(d for d, p in all_params.items() if getattr(p.briefings, kind) is not None)
            key = briefing_key(paths, paths.notebook(kind), parameters, topic_dates, data_key, code_key)
            if not force and _up_to_date(paths, f"{day}/{kind}", paths.briefing_html(day, kind), key):
                unchanged.append((day, kind))
            else:
                planned.append(Job(day, kind, parameters, key))
    return planned, unchanged


class _Workers:
    """Worker processes that start (and warm their first kernel) while the data is validated.

    Workers come from a forkserver that has imported papermill once, so each worker does
    not pay that import again. Nothing runs a notebook until `run` is called, which the
    build does only after validation has passed.
    """

    def __init__(self, paths: Paths, count: int, planned: int):
        import multiprocessing
        import threading
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["briefing.build", "papermill", "jupyter_client.manager"])
        self.paths = paths
        self.waiting = context.Value("i", planned)
        self.idle = context.Value("i", 0, lock=False)
        self.pool = ProcessPoolExecutor(
            max_workers=count, mp_context=context, initializer=_worker_start, initargs=(paths, self.waiting, self.idle)
        )
        # Starting the forkserver blocks until it has imported papermill, so start the
        # workers from a thread: they and their first kernels come up while this
        # process validates the data.
        self.starter = threading.Thread(target=lambda: [self.pool.submit(_noop) for _ in range(count)], daemon=True)
        self.starter.start()

    def run(self, planned: list[Job], progress) -> dict:
        from concurrent.futures import as_completed

        self.starter.join()
        results = {}
        futures = {self.pool.submit(execute_job, job, self.paths): job for job in planned}
        for future in as_completed(futures):
            job = futures[future]
            results[job] = future.result()
            progress.advance("execute", f"{job.meeting_date} {job.kind}")
        return results

    def close(self) -> None:
        self.starter.join()
        self.pool.shutdown(wait=True, cancel_futures=True)


def _noop() -> None:
    return None


def _execute_all(planned: list[Job], paths: Paths, jobs: int, progress, workers: _Workers) -> dict:
    """Execute the planned notebooks in the worker processes (never in this process, so the
    kernels' environment never leaks into the caller)."""
    return workers.run(planned, progress)


def _render(job: Job, executed: Path) -> str:
    import nbformat

    from briefing.render import render_notebook

    notebook = nbformat.read(str(executed), as_version=4)
    return render_notebook(notebook, _page_info(job))


def _write_indexes(paths, all_params, selected, inputs: Inputs, force, progress, report) -> None:
    key = fingerprints.combine(inputs.params, inputs.data, inputs.code)
    targets = {f"{day}/index": paths.meeting_dir(day) / "index.html" for day in selected}
    targets["index"] = paths.briefings / "index.html"
    stale = {name: path for name, path in targets.items() if force or not _up_to_date(paths, name, path, key)}
    if not stale:
        progress.done("index", "index pages up to date")
        return
    progress.stage("index", "Writing index pages")
    from briefing.datasets import load_data
    from briefing.pages import meeting_index, site_index

    data = load_data(paths)
    for name, path in stale.items():
        if name == "index":
            html = site_index(all_params, data)
        else:
            html = meeting_index(all_params[name.split("/")[0]], data)
        if atomic_write(path, html):
            report.pages_written.append(path)
        _remember(paths, name, path, key)
    progress.done("index", f"{len(stale)} index page(s) written")


class _LogProgress:
    """Plain log lines: what a scheduled run or CI sees."""

    def stage(self, name, message, total=None):
        log.info("[%s] %s", name, message)

    def advance(self, name, message):
        log.info("[%s] %s", name, message)

    def done(self, name, message):
        log.info("[%s] %s", name, message)

    def note(self, message):
        log.info("%s", message)

    def fail(self, message):
        log.error("%s", message)
