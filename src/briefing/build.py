"""The pipeline: params → validate → execute (papermill, in parallel) → render → index.

`build()` is the one entry point. It checks every params file it needs, validates the
data once, executes only the briefings whose inputs changed (or all with `force`) in
worker processes, renders each with the house nbconvert template, and writes all the
pages aside before renaming them into place together, so a failure (a full disk, Ctrl-C)
never leaves a half-written or missing page where the last good one was. The output
folder is locked for the whole build, so a scheduled run and an analyst cannot
interleave. Every kernel, client and worker a build starts is stopped before it returns.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import os
import queue
import signal
import sys
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from briefing import fingerprints
from briefing import panel as panel_identity
from briefing.config import Paths
from briefing.errors import (
    BriefingError,
    BuildLockedError,
    DiskFullError,
    KernelDiedError,
    NotebookError,
    NotebookFileError,
    OutputNotWritableError,
)
from briefing.kinds import KINDS

log = logging.getLogger("briefing")

LOCK_TIMEOUT_SECONDS = 30 * 60
FOOTER = (
    "Prepared for members of the {body} from the public papers listed under Sources. "
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
    failed: list[tuple[str, str, str, str]] = field(default_factory=list)  # date, kind, message, reason
    pages_written: list[Path] = field(default_factory=list)
    reasons: dict[tuple[str, str], str] = field(default_factory=dict)
    validated: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


def _write_file(path: Path, data: bytes) -> None:
    path.write_bytes(data)


class PageSet:
    """Pages written together: each is written beside its final name first, and only when
    every one has been written are they renamed into place. A full disk or a folder that
    cannot be written leaves every page as it was, with no temporary file behind."""

    def __init__(self):
        self.pending: dict[Path, bytes] = {}

    def add(self, path: Path, content: str) -> None:
        """Queue `content` for `path` (a page whose bytes are unchanged is skipped)."""
        data = content.encode("utf-8")
        if path.exists() and path.read_bytes() == data:
            return
        self.pending[path] = data

    def commit(self) -> list[Path]:
        """Write every queued page and rename them into place; return the pages written.

        Raises DiskFullError or OutputNotWritableError, having removed its temporary files.
        """
        written: list[tuple[Path, Path]] = []
        try:
            for path, data in self.pending.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
                written.append((temporary, path))
                _write_file(temporary, data)
        except OSError as error:
            for temporary, _ in written:
                temporary.unlink(missing_ok=True)
            raise _write_error(error, path) from None
        # Renames are quick and cannot run out of space; hold Ctrl-C until they are all done
        # so an interrupted build never leaves the pack half old, half new.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            for temporary, path in written:
                os.replace(temporary, path)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        self.pending.clear()
        return [path for _, path in written]


def _write_error(error: OSError, path: Path) -> Exception:
    """The plain error for a failed page write."""
    where = _shown_path(path)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(
            f"the disk is full: {where} could not be written ({error.strerror}); no page was replaced. Free some space and build again."
        )
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputNotWritableError(
            f"{where} could not be written ({error.strerror}); no page was replaced. Fix the folder's permissions or choose another with --output."
        )
    return OutputNotWritableError(f"{where} could not be written ({error.strerror or error}); no page was replaced.")


def _shown_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


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
import briefing.charts, briefing.context, briefing.words, MODULES
import briefing.params, briefing.validation, holidays, holidays.countries.united_kingdom
vl_convert.vegalite_to_svg({"data": {"values": [{"a": 1}]}, "mark": "bar", "encoding": {"x": {"field": "a", "type": "quantitative"}}})
"""
WARM_UP_TIMEOUT_SECONDS = 300

WARM_UP = WARM_UP.replace("MODULES", ", ".join(kind.module for kind in KINDS.values()))

_warm = {"kernel": None}
_jobs_waiting = None
_kernels_idle = None


def _worker_start(paths: Paths, waiting, idle, log_file: Path | None = None, verbose: bool = False, keep_warm: bool = False) -> None:
    """Worker process start: set the kernels' environment and warm the first kernel.

    With `keep_warm` (a pool kept between builds) the worker always has a warm kernel
    ready: a fresh one is started in the background after each job.
    """
    global _jobs_waiting, _kernels_idle
    _jobs_waiting, _kernels_idle = waiting, idle
    _warm["keep"] = keep_warm
    _child_process_start(log_file, verbose)
    # SIGTERM (sent by the build when it is interrupted) unwinds the running job, so its
    # kernel is shut down, and then this worker exits; the warm kernel goes with it.
    signal.signal(signal.SIGTERM, _stop_worker)
    os.environ["BRIEFING_ROOT"] = str(paths.root)
    os.environ["BRIEFING_DATA_DIR"] = str(paths.data)
    # Take the kernel from this environment, not a user-wide 'python3' kernel spec.
    os.environ["JUPYTER_PREFER_ENV_PATH"] = "1"
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    from multiprocessing.util import Finalize

    # Shut down a warmed kernel no job used when the worker exits.
    Finalize(None, _shutdown_warm_kernel, exitpriority=10)
    if keep_warm:
        _warm["kernel"] = _start_kernel(paths)
    else:
        _warm_next(paths)


def _child_process_start(log_file: Path | None, verbose: bool) -> None:
    """In a build's child process: leave Ctrl-C to the build, and keep library output
    (warnings, kernel-client messages) in the build's log file unless --verbose."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if log_file is not None and not verbose:
        descriptor = os.open(log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.dup2(descriptor, 1)
        os.dup2(descriptor, 2)
        os.close(descriptor)
    logging.captureWarnings(True)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format=f"%(asctime)s %(name)s[{os.getpid()}] %(levelname)s %(message)s")


class _WorkerStopped(SystemExit):
    """Raised in a worker by SIGTERM so that `finally` blocks shut its kernels down."""


def _stop_worker(signum, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one unwinding is enough
    raise _WorkerStopped(0)


def _warm_next(paths: Paths) -> None:
    """Warm a kernel for a later job, unless idle warm kernels already cover the jobs waiting."""
    with _jobs_waiting.get_lock():
        if _jobs_waiting.value <= _kernels_idle.value:
            return
        _kernels_idle.value += 1
    _warm["kernel"] = _start_kernel(paths)


def _kernel_manager_class():
    """An asynchronous KernelManager that remembers the clients made for it.

    Asynchronous, so that nbclient gets an asynchronous client and notices a kernel that
    dies mid-cell (with a blocking client it waits for the cell's reply for ever). The
    clients are remembered because nbclient does not stop the channels of a client it made
    for a kernel manager it was given (papermill's `km=`), and each holds a zmq context and
    a heartbeat thread; the build closes them when it shuts the kernel down.
    """
    global _KernelManager
    if _KernelManager is None:
        from jupyter_client.manager import AsyncKernelManager

        class BuildKernelManager(AsyncKernelManager):
            def client(self, **kwargs):
                client = super().client(**kwargs)
                self.build_clients.append(client)
                return client

        _KernelManager = BuildKernelManager
    return _KernelManager


_KernelManager = None


def _start_kernel(paths: Paths):
    """Start a fresh kernel for one notebook and send it the warm-up imports.

    The warm-up runs in a thread that waits for the kernel's reply before it closes its
    client, so this returns as soon as the kernel process has started.
    """
    from jupyter_core.utils import run_sync

    paths.logs.mkdir(parents=True, exist_ok=True)
    manager = _kernel_manager_class()(kernel_name="python3")
    manager.build_clients = []
    with open(paths.logs / "kernels.log", "ab") as kernel_log:
        run_sync(manager.start_kernel)(cwd=str(paths.notebooks), stderr=kernel_log, stdout=kernel_log)
    manager.warming = threading.Thread(target=_warm_up, args=(manager,), name="kernel warm-up", daemon=True)
    manager.warming.start()
    return manager


def _warm_up(manager) -> None:
    """Send the warm-up code and wait for the kernel's reply (in its own thread).

    Only the shell channel is opened, and it is closed only after the reply (or the
    kernel's death): a client closed straight after `start_channels()` destroys its zmq
    context under its own heartbeat thread, which then fails to make its socket ("Too many
    open files"). `asyncio.run` closes the thread's event loop, so nothing is left open.
    """
    asyncio.run(_warm_up_async(manager))


async def _warm_up_async(manager) -> None:
    await _execute_quietly(manager, WARM_UP, WARM_UP_TIMEOUT_SECONDS)


async def _execute_quietly(manager, code: str, timeout: float) -> dict | None:
    """Run `code` in the kernel on the shell channel alone; its reply, or None when none
    came within `timeout` seconds or the kernel died first."""
    from jupyter_client.asynchronous import AsyncKernelClient

    client = AsyncKernelClient(parent=manager, **manager.get_connection_info(session=True))
    client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    try:
        request = client.execute(code, silent=True, store_history=False)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _kernel_process_running(manager):
            try:
                reply = await client.get_shell_msg(timeout=0.5)
            except queue.Empty:
                continue
            if reply.get("parent_header", {}).get("msg_id") == request:
                return reply
        return None
    finally:
        client.stop_channels()


def _kernel_process_running(manager) -> bool:
    process = getattr(manager.provisioner, "process", None)
    return process is not None and process.poll() is None


def _close_kernel(manager) -> None:
    """Wait for the warm-up thread, close every client made for the kernel, shut it down."""
    warming = getattr(manager, "warming", None)
    if warming is not None:
        warming.join()
    from jupyter_core.utils import run_sync

    for client in list(manager.build_clients):
        client.stop_channels()
    manager.build_clients.clear()
    if manager.has_kernel:
        run_sync(manager.shutdown_kernel)(now=True)


def _take_kernel(paths: Paths):
    kernel, _warm["kernel"] = _warm["kernel"], None
    if kernel is not None:
        with _jobs_waiting.get_lock():
            _kernels_idle.value -= 1
        kernel.warming.join()  # the notebook would wait behind the warm-up imports anyway
        if _kernel_process_running(kernel):
            return kernel
        _close_kernel(kernel)
    kernel = _start_kernel(paths)
    kernel.warming.join()
    return kernel


def execute_job(job: Job, paths: Paths) -> dict:
    """Run one notebook with papermill in a fresh kernel, in a worker process. Never raises.

    Each notebook gets a kernel of its own, used once and shut down, so no state passes
    between briefings. While it runs, the next kernel warms up if any job is still waiting.
    In a kept pool (`Warm`) a warm kernel is taken and its successor warmed after the job.
    Returns {"ok": True, "executed", "reads", "seconds"} (reads: the file of its read-set, or
    None) or {"ok": False, "message", "reason"}, where reason is "error" (the notebook
    raised) or "kernel" (its kernel died).
    """
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    executed = paths.executed / job.meeting_date / f"{job.kind}.ipynb"
    reads = executed.with_suffix(".reads.json")
    if not _warm.get("keep"):
        with _jobs_waiting.get_lock():
            _jobs_waiting.value -= 1
    started = time.perf_counter()
    kernel = None
    try:
        if _warm.get("keep"):
            kernel = _take_kept_kernel(paths)
        else:
            kernel = _take_kernel(paths)
            _warm_next(paths)
        executed.parent.mkdir(parents=True, exist_ok=True)
        reads.unlink(missing_ok=True)
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
            f"(`{first_line}`): {error.ename}: {_one_line(error.evalue)}. The executed notebook is kept at {_relative(failed, paths)}; "
            f"the last good page is unchanged."
        )
        return {"ok": False, "reason": "error", "message": message, "seconds": time.perf_counter() - started}
    except DeadKernelError:
        message = (
            f"notebooks/{job.kind}.ipynb stopped for the meeting of {job.meeting_date}: its kernel died while the notebook ran "
            f"(killed, or out of memory); the last good page is unchanged. Build it again; if it dies again, run the notebook in JupyterLab."
        )
        return {"ok": False, "reason": "kernel", "message": message, "seconds": time.perf_counter() - started}
    except Exception as error:  # e.g. the kernel could not start, or the executed notebook could not be saved
        if kernel is not None and not _kernel_process_running(kernel):
            reason = "kernel"
        else:
            reason = "error"
        message = f"notebooks/{job.kind}.ipynb could not run for {job.meeting_date}: {type(error).__name__}: {_one_line(str(error))}; the last good page is unchanged."
        return {"ok": False, "reason": reason, "message": message, "seconds": time.perf_counter() - started}
    else:
        _save_read_set(kernel, reads)
    finally:
        if kernel is not None:
            if _warm.get("keep"):
                _replace_kept_kernel(kernel, paths)
            else:
                _close_kernel(kernel)
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
    replies: list = []
    # Its own thread, so asyncio.run has a thread with no event loop of its own.
    asking = threading.Thread(target=lambda: replies.append(asyncio.run(_execute_quietly(kernel, code, 30))), daemon=True)
    asking.start()
    asking.join()
    if not replies or replies[0] is None or replies[0]["content"].get("status") != "ok":
        path.unlink(missing_ok=True)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


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
    """The kept pool's warm kernel (or a fresh one if it died), its warm-up done."""
    starting = _warm.pop("starting", None)
    if starting is not None:
        starting.join()
    kernel, _warm["kernel"] = _warm["kernel"], None
    if kernel is not None:
        kernel.warming.join()
        if _kernel_process_running(kernel):
            return kernel
        _close_kernel(kernel)
    kernel = _start_kernel(paths)
    kernel.warming.join()
    return kernel


def _replace_kept_kernel(used, paths: Paths) -> None:
    """Shut the used kernel down and warm its successor in the background, so the job's
    result goes back at once and the next build finds a warm kernel."""

    def replace() -> None:
        _close_kernel(used)
        successor = _start_kernel(paths)
        successor.warming.join()
        _warm["kernel"] = successor

    _warm["starting"] = threading.Thread(target=replace, name="kernel replacement", daemon=True)
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
        _close_kernel(kernel)


def _relative(path: Path, paths: Paths) -> str:
    try:
        return str(path.relative_to(paths.root))
    except ValueError:
        return str(path)


def _page_info(job: Job) -> dict:
    from briefing.words import date_text as long_date

    day = long_date(job.meeting_date)
    return {
        "title": f"{KINDS[job.kind].title}: {day} — {panel_identity.current().name}",
        "meeting_label": f"Meeting of {day}",
        "footer": FOOTER.format(body=panel_identity.current().name),
    }


def build(
    paths: Paths,
    dates: list[str] | None = None,
    force: bool = False,
    jobs: int = 2,
    progress=None,
    verbose: bool = False,
    warm: Warm | None = None,
) -> BuildReport:
    """Build the briefings of `dates` (every meeting in params/ when None).

    Raises, before anything runs: ParamsError, NotebookFileError, OutputNotWritableError or
    DataValidationError; BuildLockedError if another build holds the folder too long;
    DiskFullError or OutputNotWritableError if pages cannot be written (none is replaced);
    and, after the build, NotebookError or KernelDiedError when a briefing failed (the
    others are still written). Library warnings and the worker processes' output go to a
    log file under build/logs/ (to the console as well with `verbose`). `warm` is what a
    long-running process keeps between builds (see `Warm`).
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
    check_notebooks(paths, sorted({kind for params in selected.values() for kind in params.briefings.needed()}))
    progress.done("params", f"{len(selected)} meeting(s) to build, params and notebooks checked")

    # Two locks, always taken in this order: build/ (executed notebooks, records) and the
    # output folder. Builds into different output folders still share build/.
    for folder in (paths.briefings, paths.build):
        check_writable(folder)
    locks = [FileLock(str(paths.build / ".lock")), FileLock(str(paths.briefings / ".lock"))]
    held = []
    with build_log(paths, verbose) as log_file:
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
            _build_locked(paths, all_params, selected, force, jobs, progress, report, inputs, log_file, verbose, warm)
        except Exception as error:
            if not isinstance(error, BriefingError):
                log.error("unexpected error", exc_info=True, extra=FILE_ONLY)
                error.briefing_log = log_file
            raise
        finally:
            for lock in reversed(held):
                lock.release()
    report.seconds = time.perf_counter() - started
    if report.failed:
        first = report.failed[0]
        error_class = KernelDiedError if first[3] == "kernel" else NotebookError
        raise error_class("\n".join(message for _, _, message, _ in report.failed))
    if whole_key is not None:
        _remember_build(paths, whole_key, report)
    return report


# A log record with this `extra` goes to the build's log file only, never to the console.
FILE_ONLY = {"file_only": True}
KEPT_BUILD_LOGS = 20


@contextmanager
def build_log(paths: Paths, verbose: bool = False):
    """Keep the build's library warnings and messages in build/logs/build-<time>-<pid>.log.

    Records of the `briefing` logger reach the console as before (the CLI decides); Python
    warnings and other libraries' records go to the file, and also to the console only with
    `verbose`. The newest KEPT_BUILD_LOGS files are kept.
    """
    paths.logs.mkdir(parents=True, exist_ok=True)
    log_file = paths.logs / f"build-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    handler = logging.FileHandler(log_file, encoding="utf-8", delay=False)
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    previous_level = root.level
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    # Whatever filters earlier code left behind, every warning of this build is kept.
    filters = warnings.catch_warnings()
    filters.__enter__()
    warnings.simplefilter("default")
    # Set directly: logging.captureWarnings does nothing if an earlier caller left it on.
    warnings.showwarning = _log_warning
    try:
        yield log_file
    finally:
        filters.__exit__(None, None, None)
        root.setLevel(previous_level)
        root.removeHandler(handler)
        handler.close()
        for old in sorted(paths.logs.glob("build-*.log"), key=lambda p: p.stat().st_mtime)[:-KEPT_BUILD_LOGS]:
            old.unlink(missing_ok=True)


def _log_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A Python warning as a record of the 'py.warnings' logger, like logging.captureWarnings."""
    logging.getLogger("py.warnings").warning("%s", warnings.formatwarning(message, category, filename, lineno, line).rstrip())


def check_notebooks(paths: Paths, kinds: list[str]) -> None:
    """Raise NotebookFileError, naming the file and line, for a notebook that cannot be read."""
    for kind in kinds:
        notebook = paths.notebook(kind)
        shown = f"notebooks/{notebook.name}"
        try:
            text = notebook.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise NotebookFileError(f"{shown} does not exist; restore it from git (git checkout -- {shown})") from None
        except (OSError, UnicodeDecodeError) as error:
            raise NotebookFileError(f"{shown} could not be read: {error}") from None
        try:
            content = json.loads(text)
        except json.JSONDecodeError as error:
            raise NotebookFileError(
                f"{shown} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
                f"undo the last edit (git diff {shown}) or save it again from JupyterLab"
            ) from None
        if not isinstance(content, dict) or not isinstance(content.get("cells"), list):
            raise NotebookFileError(f"{shown} is JSON but not a notebook (no list of cells); restore it from git")


def check_writable(folder: Path) -> None:
    """Raise OutputNotWritableError unless files can be created in `folder` (made if missing)."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
            pass
    except OSError as error:
        raise OutputNotWritableError(
            f"{folder} is not writable ({error.strerror or error}); nothing was built. "
            f"Fix its permissions, or write the pack elsewhere with --output FOLDER."
        ) from None


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


def _validate(paths: Paths, progress, force: bool = False, log_file: Path | None = None, verbose: bool = False, engine=None) -> bool:
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
    child = ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_child_process_start, initargs=(log_file, verbose)
    )
    try:
        outcome = child.submit(_validate_in_child, paths, not force).result()
    except BaseException:
        _terminate(child)  # interrupted: do not wait for the validation to finish
        raise
    finally:
        child.shutdown(wait=True, cancel_futures=True)
    _raise_failures(outcome)
    progress.done("validate", _validated_words(outcome))
    return True


def _raise_failures(outcome: dict) -> None:
    if outcome["failures"]:
        from briefing.errors import DataValidationError
        from briefing.validation import Failure

        raise DataValidationError([Failure(**failure) for failure in outcome["failures"]])


def _terminate(pool) -> None:
    """Send SIGTERM to a process pool's processes (they stop their kernels, then exit)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()


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


def _build_locked(
    paths, all_params, selected, force, jobs, progress, report, inputs: Inputs, log_file=None, verbose=False, warm: Warm | None = None
) -> None:
    data_key, code_key = inputs.data, inputs.code
    planned, report.unchanged = plan(paths, all_params, selected, force, data_key, code_key)
    report.reasons = {(job.meeting_date, job.kind): job.reason for job in planned}
    # Workers and their first kernels start now and warm up while the data is validated;
    # no notebook runs unless validation passes.
    if warm is not None:
        workers = warm.workers(log_file, verbose) if planned else None
    else:
        workers = _Workers(paths, min(jobs, len(planned)), len(planned), log_file, verbose) if planned else None
    pages = PageSet()
    rendered: list[tuple[Job, Path, dict]] = []

    def finished(job: Job, result: dict) -> None:
        # Each page is rendered as soon as its notebook is done, while the others still
        # run, so rendering overlaps execution; every page goes into place together below.
        if "render" not in started_stages:
            started_stages.add("render")
            progress.stage("render", "Rendering pages with the house template", total=len(planned))
        if not result["ok"]:
            report.failed.append((job.meeting_date, job.kind, result["message"], result.get("reason", "error")))
            return
        output = paths.briefing_html(job.meeting_date, job.kind)
        pages.add(output, _render(job, Path(result["executed"])))
        rendered.append((job, output, result))
        progress.advance("render", f"{_relative(output, paths)}")

    started_stages: set[str] = set()
    try:
        report.validated = _validate(paths, progress, force, log_file, verbose, warm.engine() if warm else None)
        if planned:
            progress.stage(
                "execute", f"Executing {len(planned)} notebook(s) with papermill, {min(jobs, len(planned))} at a time", total=len(planned)
            )
            _execute_all(planned, paths, jobs, progress, workers, finished)
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

    index_records = _write_indexes(paths, all_params, selected, inputs, force, progress, pages)
    # Every page of this build goes into place together, or none does.
    report.pages_written.extend(pages.commit())
    written = getattr(progress, "written", None)
    if written is not None:  # e.g. preview, which reloads the open pages
        written(list(report.pages_written))
    order = [(job.meeting_date, job.kind) for job in planned]
    for job, output, result in sorted(rendered, key=lambda item: order.index((item[0].meeting_date, item[0].kind))):
        _remember(paths, f"{job.meeting_date}/{job.kind}", output, job.key, data_key, _read_set(result), job.parts)
        report.built.append((job.meeting_date, job.kind))
    for name, path, key in index_records:
        _remember(paths, name, path, key)


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

    def __init__(
        self, paths: Paths, count: int, planned: int, log_file: Path | None = None, verbose: bool = False, keep_warm: bool = False
    ):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["briefing.build", "papermill", "jupyter_client.manager"])
        self.paths = paths
        self.waiting = context.Value("i", planned)
        self.idle = context.Value("i", 0, lock=False)
        self.pool = ProcessPoolExecutor(
            max_workers=count,
            mp_context=context,
            initializer=_worker_start,
            initargs=(paths, self.waiting, self.idle, log_file, verbose, keep_warm),
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
            results[job] = result = future.result()
            outcome = "executed" if result["ok"] else "failed"
            progress.advance("execute", f"{job.meeting_date} {job.kind}: {outcome} in {result['seconds']:.1f} s")
            if finished is not None:
                finished(job, result)
        return results

    def close(self) -> None:
        """Let the workers finish (they shut their warm kernels down as they exit)."""
        self.starter.join()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def stop(self) -> None:
        """Stop now (the build was interrupted): each worker shuts its kernels down and exits."""
        self.starter.join()
        _terminate(self.pool)
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

    def workers(self, log_file: Path | None = None, verbose: bool = False) -> _Workers:
        """The kept worker pool (started on first use; its library output goes to `log_file`,
        by default build/logs/preview-workers.log)."""
        if self._workers is None:
            if log_file is None:
                self.paths.logs.mkdir(parents=True, exist_ok=True)
                log_file = self.paths.logs / "preview-workers.log"
            self._workers = _Workers(self.paths, self.jobs, 0, log_file, verbose, keep_warm=True)
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


def _write_indexes(paths, all_params, selected, inputs: Inputs, force, progress, pages: PageSet) -> list[tuple[str, Path, str]]:
    """Queue the stale index pages in `pages`; return the records to keep once written."""
    key = fingerprints.combine(inputs.params, inputs.data, inputs.code)
    targets = {f"{day}/index": paths.meeting_dir(day) / "index.html" for day in selected}
    targets["index"] = paths.briefings / "index.html"
    stale = {name: path for name, path in targets.items() if force or not _up_to_date(paths, name, path, key)}
    if not stale:
        progress.done("index", "index pages up to date")
        return []
    progress.stage("index", "Writing index pages")
    from briefing.datasets import load_data
    from briefing.pages import meeting_index, site_index

    data = load_data(paths)
    for name, path in stale.items():
        if name == "index":
            html = site_index(all_params, data)
        else:
            html = meeting_index(all_params[name.split("/")[0]], data)
        pages.add(path, html)
    progress.done("index", f"{len(stale)} index page(s) written")
    return [(name, path, key) for name, path in stale.items()]


class _LogProgress:
    """Plain log lines, what a scheduled run or CI sees: one line when each stage ends, and
    one per briefing executed, each with how long it took."""

    def __init__(self):
        self.started: dict[str, float] = {}

    def stage(self, name, message, total=None):
        self.started[name] = time.perf_counter()

    def advance(self, name, message):
        # Executed briefings get a line each; finer steps (each page rendered) only with --verbose.
        log.log(logging.INFO if name == "execute" else logging.DEBUG, "[%s] %s", name, message)

    def done(self, name, message):
        began = self.started.pop(name, None)
        took = f" ({time.perf_counter() - began:.1f} s)" if began is not None else ""
        log.info("[%s] %s%s", name, message, took)

    def note(self, message):
        log.info("%s", message)

    def fail(self, message):
        log.error("%s", message)
