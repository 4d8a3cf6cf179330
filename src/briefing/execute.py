"""Execution: each planned notebook run by papermill in a worker process, in a warm kernel.

`Workers` are fresh (spawned) processes, each importing papermill itself; they start (and
warm their first kernels) while the build validates the data, and run nothing
until `run` hands them jobs, which the build does only after validation has passed. A
worker runs one job at a time in a kernel of its own (see `briefing.kernels`) and sends
back a result: the executed notebook and its read-set, or why it failed. `Warm` keeps
workers between the builds of a long-running process (`briefing preview`).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import threading
import time
from multiprocessing.connection import wait
from pathlib import Path

from briefing.config import Paths
from briefing.logs import start_child_process, worker_log
from briefing.plan import Job
from briefing.readsets import read_log_file


class WorkerStopped(SystemExit):
    """Raised in a worker by SIGTERM so that `finally` blocks shut its kernels down."""


def _stop_worker(signum, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one unwinding is enough
    raise WorkerStopped(0)


def serve_jobs(connection, paths: Paths, counts: tuple, log_file: Path | None, verbose: bool, keep_warm: bool) -> None:
    """A worker process: run each job received on `connection` and send back its result,
    until told to stop (None) or terminated (SIGTERM unwinds the running job, so its
    kernel is shut down, and the warm kernel with it). `counts` are the counters the
    workers share: jobs waiting, warm kernels idle, kernels alive, and the most alive."""
    start_child_process(log_file, verbose)
    signal.signal(signal.SIGTERM, _stop_worker)
    os.environ["BRIEFING_ROOT"] = str(paths.root)
    os.environ["BRIEFING_DATA_DIR"] = str(paths.data)
    # Take the kernel from this environment, not a user-wide 'python3' kernel spec.
    os.environ["JUPYTER_PREFER_ENV_PATH"] = "1"
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # Imported here, in the worker: the build process itself never needs papermill or a kernel.
    from briefing.kernels import KernelPool

    waiting, idle, alive, most = counts
    kernels = KernelPool(paths, waiting, idle, keep_warm, alive, most)
    try:
        kernels.start()
        while (job := connection.recv()) is not None:
            connection.send(execute_job(job, paths, kernels))
    except (EOFError, WorkerStopped):
        pass
    finally:
        kernels.close()


def execute_job(job: Job, paths: Paths, kernels) -> dict:
    """Run one notebook with papermill in a kernel taken from `kernels`. Never raises.

    Returns {"ok": True, "executed", "reads", "seconds"} (reads: the file of its read-set, or
    None) or {"ok": False, "message", "reason"}, where reason is "error" (the notebook
    raised) or "kernel" (its kernel died).
    """
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    executed = paths.executed / job.meeting_date / f"{job.kind}.ipynb"
    reads = executed.with_suffix(".reads.json")
    started = time.perf_counter()
    kernel = None
    try:
        kernel = kernels.take()
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
            # Written once at the end (or at the failing cell), not after every cell:
            # saving the whole notebook 2 × per cell took a fifth of a warm run.
            request_save_on_cell_execute=False,
            cwd=str(paths.notebooks),
            km=kernel.manager,
        )
    except PapermillExecutionError as error:
        failed = paths.failed / job.meeting_date / f"{job.kind}.ipynb"
        failed.parent.mkdir(parents=True, exist_ok=True)
        if executed.exists():
            os.replace(executed, failed)
        first_line = (error.source or "").strip().splitlines()[0] if error.source else ""
        message = (
            f"notebooks/{job.kind}.ipynb failed for the meeting of {job.meeting_date} in cell {source_cell_number(failed, error.cell_index)} "
            f"(`{first_line}`): {error.ename}: {one_line(error.evalue)}. The executed notebook is kept at {relative(failed, paths)}; "
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
        reason = "kernel" if kernel is not None and not kernel.running() else "error"
        message = f"notebooks/{job.kind}.ipynb could not run for {job.meeting_date}: {type(error).__name__}: {one_line(str(error))}; the last good page is unchanged."
        return {"ok": False, "reason": reason, "message": message, "seconds": time.perf_counter() - started}
    else:
        keep_read_set(kernel.reads, reads)
    finally:
        if kernel is not None:
            kernels.done(kernel)
    return {
        "ok": True,
        "executed": str(executed),
        "reads": str(reads) if reads.exists() else None,
        "seconds": time.perf_counter() - started,
    }


def keep_read_set(log: Path, target: Path) -> None:
    """Keep the reads the kernel's notebook made as `target` (JSON). Without a read-set the
    page is rebuilt on any data change, so a missing one only costs time later."""
    try:
        # No file: the notebook read no data through `Data`, so no data change concerns it.
        reads = read_log_file(log) if log.exists() else {}
        target.write_text(json.dumps(reads, indent=0, sort_keys=True), encoding="utf-8")
    except (OSError, ValueError):
        target.unlink(missing_ok=True)


def one_line(text: str) -> str:
    """Text on one line, its white space collapsed."""
    return " ".join(str(text).split())


def relative(path: Path, paths: Paths) -> str:
    """A path relative to the project root when inside it."""
    try:
        return str(path.relative_to(paths.root))
    except ValueError:
        return str(path)


def source_cell_number(executed: Path, cell_index: int) -> int:
    """The failing cell's number as the analyst sees it in notebooks/ (1 = first cell):
    papermill inserts an injected-parameters cell that the source notebook does not have."""
    import nbformat

    try:
        cells = nbformat.read(str(executed), as_version=4).cells
    except (OSError, ValueError):
        return cell_index + 1
    injected = [i for i, c in enumerate(cells) if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    return cell_index if injected and cell_index > injected[0] else cell_index + 1


class WorkerStoppedError(RuntimeError):
    """A worker process ended while it ran a job (killed from outside)."""


class Workers:
    """Worker processes that start (and warm their first kernels) while the data is validated."""

    def __init__(
        self, paths: Paths, count: int, planned: int, log_file: Path | None = None, verbose: bool = False, keep_warm: bool = False
    ):
        # Spawned, not forked from a forkserver holding papermill: a forkserver is one more
        # process of ~60 MB for the whole build, and it saved no time on two processors.
        context = multiprocessing.get_context("spawn")
        self.paths = paths
        # Kept on self: the workers are started later, from a thread, and need them alive.
        self.waiting, self.idle = waiting, idle = context.Value("i", planned), context.Value("i", 0, lock=False)
        # Kernels alive at once, across workers: one running per worker, and one warming
        # for the next job (see KernelPool).
        self.alive = alive = context.Value("i", 0, lock=False)
        counts = (waiting, idle, alive, count + 1)
        self.connections, self.processes, ends = [], [], []
        for number in range(count):
            ours, theirs = context.Pipe()
            self.connections.append(ours)
            ends.append(theirs)
            self.processes.append(
                context.Process(
                    target=serve_jobs,
                    args=(theirs, paths, counts, log_file, verbose, keep_warm),
                    name=f"briefing worker {number + 1}",
                    daemon=True,
                )
            )
        # Starting a spawned process waits for its interpreter to start, so start the
        # workers from a thread: they and their first kernels come up while this process
        # validates the data.
        self.starter = threading.Thread(target=self._start, args=(ends,), daemon=True)
        self.starter.start()

    def _start(self, ends) -> None:
        for process, end in zip(self.processes, ends, strict=True):
            process.start()
            end.close()  # the worker has its own copy: a worker that dies is then seen as the pipe's end

    def run(self, planned: list[Job], progress, finished=None) -> dict:
        """Execute `planned`, each in the first free worker; `finished(job, result)` is called
        as each one completes. Raises WorkerStoppedError if a worker dies mid-job."""
        self.starter.join()
        waiting, busy, free, results = list(planned), {}, list(self.connections), {}
        sentinel = {connection: process.sentinel for process, connection in zip(self.processes, self.connections, strict=True)}
        while waiting or busy:
            while waiting and free:
                connection, job = free.pop(0), waiting.pop(0)
                connection.send(job)
                busy[connection] = job
            ready = set(wait(list(busy) + [sentinel[connection] for connection in busy]))
            for connection, job in list(busy.items()):
                if connection not in ready and sentinel[connection] not in ready:
                    continue
                try:
                    result = connection.recv()
                except EOFError:
                    raise WorkerStoppedError(f"the worker running {job.meeting_date} {job.kind} stopped unexpectedly") from None
                del busy[connection]
                free.append(connection)
                results[job] = result
                outcome = "executed" if result["ok"] else "failed"
                progress.advance("execute", f"{job.meeting_date} {job.kind}: {outcome} in {result['seconds']:.1f} s")
                if finished is not None:
                    finished(job, result)
        return results

    def close(self) -> None:
        """Let the workers finish (they shut their warm kernels down as they exit)."""
        self.starter.join()
        for connection, process in zip(self.connections, self.processes, strict=True):
            if process.is_alive():
                try:
                    connection.send(None)
                except OSError:
                    pass
        self._join()

    def stop(self) -> None:
        """Stop now (the build was interrupted): each worker shuts its kernels down and exits."""
        self.starter.join()
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        self._join()

    def _join(self) -> None:
        for process in self.processes:
            if process.pid is not None:
                process.join()
                process.close()
        for connection in self.connections:
            connection.close()
        self.processes, self.connections = [], []


class Warm:
    """What a long-running process (`briefing preview`) keeps between builds: Great
    Expectations set up once, and worker processes that each keep a kernel with the
    briefing package imported, ready for the next build."""

    def __init__(self, paths: Paths, jobs: int = 2):
        self.paths = paths
        self.jobs = jobs
        self._workers: Workers | None = None
        self._engine = None
        self._engine_lock = threading.Lock()

    def engine(self):
        """The kept validation engine (Great Expectations, set up on first use)."""
        with self._engine_lock:
            if self._engine is None:
                from briefing.validation import Engine

                self._engine = Engine()
            return self._engine

    def workers(self, log_file: Path | None = None, verbose: bool = False) -> Workers:
        """The kept worker pool (started on first use; its library output goes to `log_file`,
        by default build/logs/preview-workers.log)."""
        if self._workers is None:
            self._workers = Workers(self.paths, self.jobs, 0, log_file or worker_log(self.paths), verbose, keep_warm=True)
        return self._workers

    def close(self) -> None:
        """Stop the workers and their warm kernels."""
        if self._workers is not None:
            self._workers.close()
            self._workers = None
