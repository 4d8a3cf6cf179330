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
    reason: str = "forced"
    parts: dict = field(default_factory=dict)


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
    reasons: dict[tuple[str, str], str] = field(default_factory=dict)
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


def _remember(
    paths: Paths, name: str, output: Path, key: str, data_key: str | None = None, reads: dict | None = None, parts: dict | None = None
) -> None:
    record = _record_path(paths, name)
    record.parent.mkdir(parents=True, exist_ok=True)
    saved = {"key": key, "sha256": fingerprints.fingerprint([output])}
    if data_key is not None:
        saved.update(data=data_key, reads=reads, parts=parts)
    record.write_text(json.dumps(saved))


def briefing_parts(paths: Paths, notebook: Path, parameters: dict, topic_dates: list[str], code_key: str) -> dict[str, str]:
    """Fingerprints of what one briefing page depends on besides the data it reads (its
    read-set, checked by `_stale_reason`), named as a changed one is reported."""
    return {
        "its notebook": fingerprints.fingerprint([notebook]),
        "its params": json.dumps(parameters, sort_keys=True),
        # "since the last meeting" depends on the other meetings on this topic
        "the meetings with this briefing": ",".join(topic_dates),
        "the package code, templates or libraries": code_key,
    }


class _CurrentData:
    """The data as it is now, loaded once and only if a read-set must be checked."""

    def __init__(self, paths: Paths):
        self.paths = paths
        self._data = None

    def changed_reads(self, reads: dict) -> list[str]:
        from briefing.datasets import changed_reads, load_data

        if self._data is None:
            try:
                self._data = load_data(self.paths)
            except Exception:  # unreadable data: validation will say why; rebuild meanwhile
                return ["the data (it cannot be read)"]
        return changed_reads(self._data, reads)


def _stale_reason(paths: Paths, name: str, output: Path, parts: dict, data_key: str, current: _CurrentData) -> str | None:
    """Why a briefing page must be rebuilt, or None when it is up to date: its notebook,
    params, code and templates are unchanged and each read it made returns the same rows."""
    record = _record_path(paths, name)
    if not (record.exists() and output.exists()):
        return "not built yet"
    try:
        saved = json.loads(record.read_text())
    except ValueError:
        return "its build record is unreadable"
    if saved.get("key") != fingerprints.combine(*parts.values()):
        earlier = saved.get("parts") or {}
        return ", ".join(name for name, part in parts.items() if earlier.get(name) != part) + " changed"
    if saved.get("sha256") != fingerprints.fingerprint([output]):
        return "its page was changed outside the build"
    if saved.get("data") == data_key:
        return None
    if not isinstance(saved.get("reads"), dict):
        return "the data changed and its read-set is unknown"
    changed = current.changed_reads(saved["reads"])
    return f"data it reads changed: {', '.join(changed)}" if changed else None


# Imported into each kernel before it is handed a notebook: the libraries every briefing
# uses, and one tiny chart so vl-convert's JavaScript engine is running. No notebook code
# runs and no data is read, so a kernel may warm up while the data is being validated.
WARM_UP = """
import briefing
import altair, pandas, vl_convert
import briefing.charts, briefing.comms, briefing.communities, briefing.context, briefing.culture, briefing.precept
import briefing.params, briefing.validation, holidays, holidays.countries.united_kingdom
vl_convert.vegalite_to_svg({"data": {"values": [{"a": 1}]}, "mark": "bar", "encoding": {"x": {"field": "a", "type": "quantitative"}}})
"""

_warm = {"kernel": None}
_jobs_waiting = None
_kernels_idle = None


def _worker_start(paths: Paths, waiting, idle, keep_warm: bool = False) -> None:
    """Worker process start: set the kernels' environment and warm the first kernel.

    With `keep_warm` (a pool kept between builds) the worker always has a warm kernel
    ready: a fresh one is started in the background after each job.
    """
    global _jobs_waiting, _kernels_idle
    _jobs_waiting, _kernels_idle = waiting, idle
    _warm["keep"] = keep_warm
    os.environ["BRIEFING_ROOT"] = str(paths.root)
    os.environ["BRIEFING_DATA_DIR"] = str(paths.data)
    # Take the kernel from this environment, not a user-wide 'python3' kernel spec.
    os.environ["JUPYTER_PREFER_ENV_PATH"] = "1"
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    from multiprocessing.util import Finalize

    # Shut down a warmed kernel no job used when the worker exits.
    Finalize(None, _shutdown_warm_kernel, exitpriority=10)
    if keep_warm:
        _warm["kernel"] = _start_kept_kernel(paths)
    else:
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

    if _warm.get("keep"):
        kernel = _take_kept_kernel(paths)
    else:
        with _jobs_waiting.get_lock():
            _jobs_waiting.value -= 1
        kernel = _take_kernel(paths)
        _warm_next(paths)
    executed = paths.executed / job.meeting_date / f"{job.kind}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    reads = executed.with_suffix(".reads.json")
    reads.unlink(missing_ok=True)
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
    else:
        _save_read_set(kernel, reads)
    finally:
        if _warm.get("keep"):
            _replace_kept_kernel(kernel, paths)
        else:
            kernel.shutdown_kernel(now=True)
    return {
        "ok": True,
        "executed": str(executed),
        "reads": str(reads) if reads.exists() else None,
        "seconds": time.perf_counter() - started,
    }


def _save_read_set(kernel, path: Path) -> None:
    """Ask the kernel, its notebook done, to write what it read through briefing.datasets.Data.

    Without a read-set the page is rebuilt on any data change, so a failure here only
    costs time later.
    """
    code = f"import briefing.datasets as _datasets\n_datasets.save_read_set({str(path)!r})"
    client = kernel.client()
    client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    try:
        reply = _reply(client, client.execute(code, silent=True, store_history=False), 30)
        if reply is None or reply["content"].get("status") != "ok":
            path.unlink(missing_ok=True)
    except Exception:  # the kernel is gone: treat the read-set as unknown
        path.unlink(missing_ok=True)
    finally:
        client.stop_channels()


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


def _take_kept_kernel(paths: Paths):
    starting = _warm.pop("starting", None)
    if starting is not None:
        starting.join()
    kernel, _warm["kernel"] = _warm["kernel"], None
    return kernel if kernel is not None and kernel.is_alive() else _start_kernel(paths)


def _start_kept_kernel(paths: Paths, timeout: float = 120):
    """Start a kernel and wait until it has run the warm-up imports (a kept pool has the
    time: it warms between builds). Only the shell channel is opened, and it is closed
    only after the reply, so no channel thread is cut off while it starts."""
    from jupyter_client.manager import KernelManager

    paths.logs.mkdir(parents=True, exist_ok=True)
    manager = KernelManager(kernel_name="python3")
    with open(paths.logs / "kernels.log", "ab") as kernel_log:
        manager.start_kernel(cwd=str(paths.notebooks), stderr=kernel_log, stdout=kernel_log)
    client = manager.client()
    client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    try:
        _reply(client, client.execute(WARM_UP, silent=True, store_history=False), timeout)
    finally:
        client.stop_channels()
    return manager


def _reply(client, request: str, timeout: float) -> dict | None:
    """The shell reply to `request`, or None when none came within `timeout` seconds."""
    import queue

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            reply = client.get_shell_msg(timeout=max(deadline - time.monotonic(), 0.1))
        except queue.Empty:
            return None
        if reply["parent_header"].get("msg_id") == request:
            return reply
    return None


def _replace_kept_kernel(used, paths: Paths) -> None:
    """Shut the used kernel down and warm its successor in the background, so the job's
    result goes back at once and the next build finds a warm kernel."""
    import threading

    def replace() -> None:
        used.shutdown_kernel(now=True)
        _warm["kernel"] = _start_kept_kernel(paths)

    _warm["starting"] = threading.Thread(target=replace, daemon=True)
    _warm["starting"].start()


def _shutdown_warm_kernel() -> None:
    starting = _warm.pop("starting", None)
    if starting is not None:
        starting.join()
    kernel, _warm["kernel"] = _warm["kernel"], None
    if kernel is not None:
        if not _warm.get("keep"):
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
    warm: Warm | None = None,
) -> BuildReport:
    """Build the briefings of `dates` (every meeting in params/ when None).

    Raises ParamsError or DataValidationError before anything runs, BuildLockedError if
    another build holds the folder too long, and NotebookError after the build when any
    briefing failed (the others are still written). `warm` is what a long-running process
    keeps between builds (see `Warm`).
    """
    started = time.perf_counter()
    progress = progress or _LogProgress()
    report = BuildReport()
    if warm is not None and warm.paths != paths:
        warm = None  # kept workers write into the folders they were started for

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
        _build_locked(paths, all_params, selected, force, jobs, progress, report, inputs, warm)
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


def _validate(paths: Paths, progress, force: bool = False, engine=None) -> bool:
    stamp = fingerprints.validation_stamp(paths.cache, paths.data)
    if stamp.exists() and not force:
        progress.done("validate", "data unchanged since it last passed validation")
        return False
    progress.stage("validate", "Validating data with Great Expectations")
    if engine is not None:  # a long-running process keeps Great Expectations loaded
        outcome = _validate_in_child(paths, True, engine)
        _raise_failures(outcome)
        progress.done("validate", _validated_words(outcome))
        return True
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # A short-lived process validates, so this one never holds Great Expectations in
    # memory while the kernels run (it is the largest import of the build).
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as child:
        outcome = child.submit(_validate_in_child, paths, not force).result()
    _raise_failures(outcome)
    progress.done("validate", _validated_words(outcome))
    return True


def _raise_failures(outcome: dict) -> None:
    if outcome["failures"]:
        from briefing.errors import DataValidationError
        from briefing.validation import Failure

        raise DataValidationError([Failure(**failure) for failure in outcome["failures"]])


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


def _build_locked(paths, all_params, selected, force, jobs, progress, report, inputs: Inputs, warm: Warm | None = None) -> None:
    data_key, code_key = inputs.data, inputs.code
    planned, report.unchanged = plan(paths, all_params, selected, force, data_key, code_key)
    report.reasons = {(job.meeting_date, job.kind): job.reason for job in planned}
    # Workers and their first kernels start now and warm up while the data is validated;
    # no notebook runs unless validation passes.
    if warm is not None:
        workers = warm.workers() if planned else None
    else:
        workers = _Workers(paths, min(jobs, len(planned)), len(planned)) if planned else None
    try:
        report.validated = _validate(paths, progress, force, warm.engine() if warm else None)
        if planned:
            progress.stage(
                "execute", f"Executing {len(planned)} notebook(s) with papermill, {min(jobs, len(planned))} at a time", total=len(planned)
            )
            # Each page is rendered and written as soon as its notebook is done, while the
            # others still run: the first page is ready sooner, and rendering overlaps execution.
            _execute_all(
                planned, paths, jobs, progress, workers, lambda job, result: _write_page(paths, job, result, data_key, progress, report)
            )
    finally:
        if workers is not None and warm is None:
            workers.close()

    if planned:
        order = [(job.meeting_date, job.kind) for job in planned]
        report.built.sort(key=order.index)
        progress.done("render", f"{len(report.built)} page(s) rendered")
    else:
        progress.done("execute", "every briefing is up to date; no kernel started")

    _write_indexes(paths, all_params, selected, inputs, force, progress, report)


def _write_page(paths: Paths, job: Job, result: dict, data_key: str, progress, report: BuildReport) -> None:
    """Render one executed notebook with the house template and write its page (or report its failure)."""
    if not result["ok"]:
        report.failed.append((job.meeting_date, job.kind, result["message"]))
        progress.fail(result["message"])
        return
    html = _render(job, Path(result["executed"]))
    output = paths.briefing_html(job.meeting_date, job.kind)
    if atomic_write(output, html):
        report.pages_written.append(output)
    _remember(paths, f"{job.meeting_date}/{job.kind}", output, job.key, data_key, _read_set(result), job.parts)
    report.built.append((job.meeting_date, job.kind))
    progress.advance("render", f"{_relative(output, paths)}")


def _read_set(result: dict) -> dict | None:
    try:
        return json.loads(Path(result["reads"]).read_text(encoding="utf-8")) if result.get("reads") else None
    except (OSError, ValueError):
        return None


def plan(
    paths: Paths, all_params: dict, selected: dict, force: bool, data_key: str, code_key: str
) -> tuple[list[Job], list[tuple[str, str]]]:
    """The briefings to execute (each with the reason), and those already up to date."""
    planned: list[Job] = []
    unchanged: list[tuple[str, str]] = []
    current = _CurrentData(paths)
    for day, params in selected.items():
        for kind in params.briefings.needed():
            parameters = params.notebook_parameters(kind)
            topic_dates = sorted(d for d, p in all_params.items() if getattr(p.briefings, kind) is not None)
            parts = briefing_parts(paths, paths.notebook(kind), parameters, topic_dates, code_key)
            reason = "forced" if force else _stale_reason(paths, f"{day}/{kind}", paths.briefing_html(day, kind), parts, data_key, current)
            if reason is None:
                unchanged.append((day, kind))
            else:
                planned.append(Job(day, kind, parameters, fingerprints.combine(*parts.values()), reason, parts))
    return planned, unchanged


class _Workers:
    """Worker processes that start (and warm their first kernel) while the data is validated.

    Workers come from a forkserver that has imported papermill once, so each worker does
    not pay that import again. Nothing runs a notebook until `run` is called, which the
    build does only after validation has passed.
    """

    def __init__(self, paths: Paths, count: int, planned: int, keep_warm: bool = False):
        import multiprocessing
        import threading
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["briefing.build", "papermill", "jupyter_client.manager"])
        self.paths = paths
        self.waiting = context.Value("i", planned)
        self.idle = context.Value("i", 0, lock=False)
        self.pool = ProcessPoolExecutor(
            max_workers=count, mp_context=context, initializer=_worker_start, initargs=(paths, self.waiting, self.idle, keep_warm)
        )
        # Starting the forkserver blocks until it has imported papermill, so start the
        # workers from a thread: they and their first kernels come up while this
        # process validates the data.
        self.starter = threading.Thread(target=lambda: [self.pool.submit(_noop) for _ in range(count)], daemon=True)
        self.starter.start()

    def run(self, planned: list[Job], progress, finished=None) -> dict:
        """Execute `planned`; `finished(job, result)` is called as each one completes."""
        from concurrent.futures import as_completed

        self.starter.join()
        results = {}
        futures = {self.pool.submit(execute_job, job, self.paths): job for job in planned}
        for future in as_completed(futures):
            job = futures[future]
            results[job] = future.result()
            progress.advance("execute", f"{job.meeting_date} {job.kind}")
            if finished is not None:
                finished(job, results[job])
        return results

    def close(self) -> None:
        self.starter.join()
        self.pool.shutdown(wait=True, cancel_futures=True)


def _noop() -> None:
    return None


class Warm:
    """What a long-running process (`briefing preview`) keeps between builds: Great
    Expectations imported once, and worker processes that each keep a kernel with the
    briefing package imported, ready for the next build."""

    def __init__(self, paths: Paths, jobs: int = 2):
        self.paths = paths
        self.jobs = jobs
        self._workers: _Workers | None = None

    def engine(self):
        """The kept validation engine (Great Expectations, set up once)."""
        from briefing.validation import kept_engine

        return kept_engine()

    def workers(self) -> _Workers:
        """The kept worker pool (started on first use)."""
        if self._workers is None:
            self._workers = _Workers(self.paths, self.jobs, 0, keep_warm=True)
        return self._workers

    def close(self) -> None:
        """Stop the workers and their warm kernels."""
        if self._workers is not None:
            self._workers.close()
            self._workers = None


def _execute_all(planned: list[Job], paths: Paths, jobs: int, progress, workers: _Workers, finished=None) -> dict:
    """Execute the planned notebooks in the worker processes (never in this process, so the
    kernels' environment never leaks into the caller); `finished(job, result)` as each completes."""
    return workers.run(planned, progress, finished)


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
