"""Speed and memory benchmark of the briefing build, written to BENCHMARKS.md.

Run by `make bench` as `.venv/bin/python benchmarks/bench.py`. Every measurement runs the
shipped notebooks, params and data in a separate process and times the whole process
(wall clock), so start-up, imports, kernels and validation are all counted:

  (a) `briefing build --force DATE` for 2023-03-15 (three briefings) and 2023-02-01 (one),
      cold: a fresh project root (BRIEFING_ROOT) with an empty build cache, so the build
      validates the data with Great Expectations, and a fresh output folder.
  (b) the same packs the naive way: per briefing, the `papermill` CLI then the
      `jupyter nbconvert --to html --no-input` CLI, one after the other (fresh root too,
      so the first notebook validates the data).
  (c) the floor: one Python process that imports the libraries once, validates once,
      executes the notebooks' code in-process (no kernel) and renders with the house
      template (briefing.render.render_notebook), writing the same pages and indexes.
  (d) a no-op rebuild: `briefing build --all` into a folder already built; no kernel may start.
  (e) `briefing build --all --force`, cold as in (a), with `--jobs 1` and `--jobs 2`.
  (f), (g), (h) the edit loop: with `briefing preview 2023-03-15` running on a copy of the
      shipped files, the time from a save to the page written: (f) one sentence in a
      notebook, (g) the text (note) of one comms figure in figures.csv that the comms page shows, (h) a
      dataset no previewed briefing reads (which must re-execute nothing).

Peak memory is the largest sum of resident memory (RSS) over the whole process tree
(parent, pool workers, kernels), sampled every 50 ms. Runs are interleaved round-robin
(a, b, c, e, d, f, g, h, then again) so that a change in machine load hits every measurement alike.

Options: --runs N (default 5), --only a,b,... (measurements to run), --output FILE
(default BENCHMARKS.md at the repository root), --note TEXT (shown at the top of the
report), --keep (keep the temporary folders), --no-warmup.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKS = ("2023-03-15", "2023-02-01")  # three briefings; one briefing
SAMPLE_SECONDS = 0.05
MEMORY_LIMIT_MB = 1000  # 1 GB taken as 10^9 bytes (the stricter reading)
LIBRARIES = (
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "jupyter-client",
    "pandas",
    "altair",
    "vl-convert-python",
    "great-expectations",
    "psutil",
)
GROUPS = "abcdefgh"


def _bin_dir() -> Path:
    """The venv's bin folder: that of this interpreter when it holds `briefing`, else .venv/bin."""
    here = Path(sys.executable).parent
    return here if (here / "briefing").exists() else REPO / ".venv" / "bin"


BIN = _bin_dir()
PYTHON = BIN / "python"


# ----- process-tree sampling ----------------------------------------------------------------


class TreeSampler(threading.Thread):
    """Every 50 ms, sum the RSS of a process and all its descendants; keep the maximum.

    Also notes every process that looked like a Jupyter kernel (ipykernel_launcher), so a
    measurement can prove that no kernel started. Uses psutil when the venv has it, else /proc.
    """

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss = 0
        self.peak_processes = 0
        self.kernels: set[int] = set()
        self._seen: set[int] = set()
        self._halt = threading.Event()
        try:
            import psutil

            self._psutil = psutil
        except ImportError:  # pragma: no cover - psutil is in the venv today
            self._psutil = None

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                self._sample()
            except Exception:  # a process vanished mid-sample; the next sample will do
                pass
            self._halt.wait(SAMPLE_SECONDS)

    def _sample(self) -> None:
        tree = self._tree_psutil() if self._psutil else self._tree_proc()
        total = 0
        for pid, ppid, rss in tree:
            total += rss
            if pid not in self._seen:
                self._seen.add(pid)
                # A kernel, not a short-lived fork of one (which has the kernel's command line until it execs).
                if "ipykernel_launcher" in self._cmdline(pid) and ppid not in self.kernels:
                    self.kernels.add(pid)
        self.peak_rss = max(self.peak_rss, total)
        self.peak_processes = max(self.peak_processes, len(tree))

    def _tree_psutil(self) -> list[tuple[int, int, int]]:
        psutil = self._psutil
        try:
            root = psutil.Process(self.pid)
            processes = [root] + root.children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        tree = []
        for process in processes:
            try:
                tree.append((process.pid, process.ppid(), process.memory_info().rss))
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return tree

    def _tree_proc(self) -> list[tuple[int, int, int]]:
        children: dict[int, list[int]] = {}
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
            parents[int(entry.name)] = ppid
        pids, queue = [], [self.pid]
        while queue:
            pid = queue.pop()
            pids.append(pid)
            queue += children.get(pid, [])
        tree = []
        for pid in pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        tree.append((pid, parents.get(pid, 0), int(line.split()[1]) * 1024))
                        break
            except OSError:
                continue
        return tree

    def _cmdline(self, pid: int) -> str:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return ""


@dataclass
class Run:
    """One timed process: wall seconds, peak tree RSS, kernels seen, and its log."""

    seconds: float
    peak_rss: int
    kernels: int
    processes: int
    stdout: str
    stderr: str
    started: float  # time.time() at start, to place log timestamps


class BenchError(RuntimeError):
    pass


def run_timed(command: list[str], env: dict, cwd: Path, label: str) -> Run:
    """Run `command` to completion; raise BenchError (with its stderr) if it fails."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started_wall = time.time()
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        sampler = TreeSampler(process.pid)
        sampler.start()
        code = process.wait()
        seconds = time.perf_counter() - started
        sampler.stop()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if code != 0:
        tail = "\n".join((stderr or stdout).strip().splitlines()[-25:])
        raise BenchError(f"{label}: `{' '.join(map(str, command))}` exited with {code}:\n{tail}")
    return Run(seconds, sampler.peak_rss, len(sampler.kernels), sampler.peak_processes, stdout, stderr, started_wall)


# ----- fresh project roots --------------------------------------------------------------------


class Workspace:
    """Temporary project roots: symlinks to the shipped notebooks/, params/, data/ and panel.yaml, an empty build/."""

    def __init__(self, keep: bool):
        self.base = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
        self.keep = keep
        self.count = 0

    def fresh_root(self, label: str) -> Path:
        self.count += 1
        root = self.base / f"{self.count:03d}-{label}"
        root.mkdir()
        for name in ("notebooks", "params", "data"):
            (root / name).symlink_to(REPO / name, target_is_directory=True)
        (root / "panel.yaml").symlink_to(REPO / "panel.yaml")
        (root / "build").mkdir()  # empty: no validation stamp, no page records
        return root

    def discard(self, root: Path) -> None:
        if not self.keep:
            shutil.rmtree(root, ignore_errors=True)

    def close(self) -> None:
        if not self.keep:
            shutil.rmtree(self.base, ignore_errors=True)


def environment(root: Path) -> dict:
    """The environment of every measured process: the venv first on PATH, the temporary root."""
    env = dict(os.environ)
    env.pop("BRIEFING_DATA_DIR", None)  # always the shipped data (through the root's data/ link)
    env["BRIEFING_ROOT"] = str(root)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(BIN.parent)
    # What `briefing build` sets for its kernels; set for (b) too so every method uses the venv's kernel.
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env.setdefault("GX_ANALYTICS_ENABLED", "false")
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def pack_jobs(day: str) -> list[tuple[str, dict]]:
    """(kind, notebook parameters) of each briefing of one meeting, exactly as the build passes them."""
    from briefing.params import load_params

    params = load_params(REPO / "params" / f"{day}.yaml")
    return [(kind, params.notebook_parameters(kind)) for kind in params.briefings.needed()]


# ----- the measurements -----------------------------------------------------------------------


def measure_build(ws: Workspace, label: str, args: list[str]) -> Run:
    """(a) and (e): the `briefing build` CLI, cold (fresh root, empty cache, fresh output folder)."""
    root = ws.fresh_root(label)
    try:
        run = run_timed([str(BIN / "briefing"), "build", *args, "--output", str(root / "out")], environment(root), root, label)
        (root / "bench-build.log").write_text(run.stderr + run.stdout, encoding="utf-8")  # kept with --keep
        _check_validated(root, label)
        if args[0] == "--force" and args[1] not in BUILT_PAGES:
            BUILT_PAGES[args[1]] = _pages(root / "out")
        return run
    finally:
        ws.discard(root)


BUILT_PAGES: dict[str, dict[str, bytes]] = {}  # pages of the first (a) run per meeting, to compare (c) with
SAME_PAGES: dict[str, bool] = {}


def _pages(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.html"))}


def _check_validated(root: Path, label: str) -> None:
    """The root's build/ started empty, so a validation stamp there proves a real validation ran."""
    if not any((root / "build" / "cache" / "validated").glob("*")):
        raise BenchError(f"{label}: no validation stamp was written; the data was not validated")


def measure_naive(ws: Workspace, label: str, day: str) -> Run:
    """(b): per briefing, the papermill CLI then the nbconvert CLI, one after the other."""
    root = ws.fresh_root(label)
    try:
        env = environment(root)
        out = root / "out"
        out.mkdir()
        runs = []
        started_wall, started = time.time(), time.perf_counter()
        for kind, parameters in pack_jobs(day):
            executed = out / f"{kind}.ipynb"
            command = [str(BIN / "papermill"), f"{kind}.ipynb", str(executed)]
            for name, value in parameters.items():
                # -r keeps text as text ('6' would become the int 6 with -p); -p turns False into a bool.
                command += ["-p", name, str(value)] if isinstance(value, bool) else ["-r", name, str(value)]
            runs.append(run_timed(command, env, root / "notebooks", f"{label} papermill {kind}"))
            runs.append(
                run_timed(
                    [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)], env, out, f"{label} nbconvert {kind}"
                )
            )
            if not (out / f"{kind}.html").exists():
                raise BenchError(f"{label}: nbconvert wrote no {kind}.html")
        seconds = time.perf_counter() - started
        _check_validated(root, label)
        return Run(
            seconds,
            max(r.peak_rss for r in runs),
            sum(r.kernels for r in runs),
            max(r.processes for r in runs),
            "",
            "",
            started_wall,
        )
    finally:
        ws.discard(root)


FLOOR_SCRIPT = r'''
import ast, contextlib, io, json, os, sys, time
t = {"start": time.perf_counter()}
args = json.loads(sys.argv[1])
import nbformat
from nbformat.v4 import new_code_cell, new_output
from briefing.labels import briefing_page
from briefing.config import Paths
from briefing.datasets import load_data
from briefing.words import date_text as long_date
from briefing.pages import meeting_index, site_index
from briefing.params import load_all_params
from briefing.render import page_facts, render_notebook
from briefing.validation import validate
t["imports"] = time.perf_counter()

paths = Paths.default()
output = os.path.abspath(args["output"])
report = validate(paths, use_cache=False)  # always a real validation
assert report is not None and report.ok
t["validate"] = time.perf_counter()


def run_cell(source, namespace, count):
    """Execute a cell like IPython: statements with exec, the last expression's value displayed."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    stdout, stderr = io.StringIO(), io.StringIO()
    value = None
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        exec(compile(tree, "<cell>", "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
    outputs = []
    for name, stream in (("stdout", stdout), ("stderr", stderr)):
        if stream.getvalue():
            outputs.append(new_output("stream", name=name, text=stream.getvalue()))
    if value is not None:
        data, metadata = {"text/plain": repr(value)}, {}
        html = getattr(value, "_repr_html_", None)
        if html is not None:
            shown = html()
            if isinstance(shown, tuple):  # (html, metadata), as IPython accepts
                shown, metadata["text/html"] = shown
            data["text/html"] = shown
        outputs.append(new_output("execute_result", data=data, metadata=metadata, execution_count=count))
    return outputs


all_params = load_all_params(paths.params)
os.chdir(paths.notebooks)  # where papermill runs the kernels
timings = []
for day in args["dates"]:
    for kind, briefing in all_params[day].briefings.needed().items():
        started = time.perf_counter()
        parameters = all_params[day].notebook_parameters(kind)
        notebook = nbformat.read(str(paths.notebook(kind)), as_version=4)
        # As papermill does: an injected-parameters cell right after the parameters cell.
        where = next(i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", []))
        injected = new_code_cell("\n".join(f"{k} = {v!r}" for k, v in parameters.items()), metadata={"tags": ["injected-parameters"]})
        notebook.cells.insert(where + 1, injected)
        namespace = {"__name__": "__main__"}
        count = 0
        for cell in notebook.cells:
            if cell.cell_type != "code":
                continue
            count += 1
            cell.outputs = run_cell(cell.source, namespace, count)
            cell.execution_count = count
        executed_at = time.perf_counter()
        kept = paths.executed / day / f"{kind}.ipynb"
        kept.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, str(kept))
        page = briefing_page(day, kind, bool(page_facts(notebook).get("draft")))
        html = render_notebook(notebook, page)
        target = os.path.join(output, day, f"{kind}.html")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(html)
        timings.append({"briefing": f"{day} {kind}", "execute": executed_at - started, "render": time.perf_counter() - executed_at})
t["notebooks"] = time.perf_counter()

data = load_data(paths)
for day in args["dates"]:
    with open(os.path.join(output, day, "index.html"), "w", encoding="utf-8") as handle:
        handle.write(meeting_index(all_params[day], data))
with open(os.path.join(output, "index.html"), "w", encoding="utf-8") as handle:
    handle.write(site_index(all_params, data))
t["indexes"] = time.perf_counter()
phases = {"imports": t["imports"] - t["start"], "validate": t["validate"] - t["imports"],
          "notebooks": t["notebooks"] - t["validate"], "indexes": t["indexes"] - t["notebooks"]}
print("FLOOR " + json.dumps({"phases": phases, "briefings": timings}))
'''


def measure_floor(ws: Workspace, label: str, day: str) -> Run:
    """(c): one process, libraries imported once, validate once, notebooks executed in-process, no kernel."""
    root = ws.fresh_root(label)
    try:
        out = root / "out"
        run = run_timed([str(PYTHON), "-c", FLOOR_SCRIPT, json.dumps({"dates": [day], "output": str(out)})], environment(root), root, label)
        expected = {f"{kind}.html" for kind, _ in pack_jobs(day)} | {"index.html"}
        written = {p.name for p in (out / day).glob("*.html")}
        if written != expected or not (out / "index.html").exists():
            raise BenchError(f"{label}: expected pages {sorted(expected)}, found {sorted(written)}")
        if run.kernels:
            raise BenchError(f"{label}: a kernel started in the in-process floor")
        if day in BUILT_PAGES:
            SAME_PAGES[day] = SAME_PAGES.get(day, True) and _pages(out) == BUILT_PAGES[day]
        return run
    finally:
        ws.discard(root)


class NoopFolder:
    """(d): one folder built once (untimed), then rebuilt without --force again and again."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.root: Path | None = None

    def measure(self, label: str) -> Run:
        if self.root is None:
            self.root = self.ws.fresh_root("noop")
            run_timed(self._command(), environment(self.root), self.root, f"{label} (first build, untimed)")
        run = run_timed(self._command(), environment(self.root), self.root, label)
        built = re.search(r"Built (\d+) briefing", run.stdout)
        if run.kernels or (built and built.group(1) != "0"):
            raise BenchError(
                f"{label}: the no-op rebuild started {run.kernels} kernel(s) / built {built.group(1) if built else '?'} briefing(s)"
            )
        return run

    def _command(self) -> list[str]:
        return [str(BIN / "briefing"), "build", "--all", "--output", str(self.root / "out")]

    def close(self) -> None:
        if self.root is not None:
            self.ws.discard(self.root)


# ----- the edit loop: (f), (g), (h) with `briefing preview` running -------------------------

PREVIEW_DAY = "2023-03-15"  # three briefings: comms, communities, culture
SETTLE_SECONDS = 6.0  # between saves, as between an analyst's: preview warms its next kernels
SAVE_TIMEOUT_SECONDS = 180


class EditLoop:
    """(f), (g), (h): one `briefing preview 2023-03-15` process on a writable copy of the
    shipped notebooks, params and data; each save is timed from the write to the page
    written on disk (for (h), to preview's report, since no page is due)."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.root: Path | None = None
        self.process: subprocess.Popen | None = None
        self.sampler: TreeSampler | None = None
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        self.edits: dict[str, Edit] = {}

    # -- set-up ----------------------------------------------------------------------------

    def start(self) -> None:
        root = self.ws.base / "preview"
        root.mkdir()
        for name in ("notebooks", "params", "data"):
            shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        shutil.copy(REPO / "panel.yaml", root / "panel.yaml")
        for path in root.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        (root / "build").mkdir()
        self.root = root
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [str(BIN / "briefing"), "preview", PREVIEW_DAY, "--port", str(port)],
            env=environment(root),
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            bufsize=1,
        )
        self.sampler = TreeSampler(self.process.pid)
        self.sampler.start()
        threading.Thread(target=self._read, daemon=True).start()
        self._until(lambda line: "Serving the pack" in line, 600, "preview did not start")
        self._settle()
        self.edits = {"f": notebook_edit(root), "g": figure_edit(root), "h": unread_dataset_edit(root)}

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def _until(self, done, timeout: float, failure: str) -> list[str]:
        seen, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            seen.append(line)
            self.output.append(line)
            if done(line):
                return seen
        raise BenchError(f"{failure}; preview said:\n" + "\n".join(self.output[-30:]))

    def _settle(self) -> None:
        time.sleep(SETTLE_SECONDS)
        while not self.lines.empty():
            self.output.append(self.lines.get())

    # -- one timed save ----------------------------------------------------------------------

    def measure(self, group: str) -> Run:
        if self.process is None:
            self.start()
        edit = self.edits[group]
        page = self.root / "briefings" / PREVIEW_DAY / f"{edit.page}.html" if edit.page else None
        before = page.stat().st_mtime_ns if page else None
        started_wall, started = time.time(), time.perf_counter()
        edit.apply()
        seconds = None
        if page is not None:
            deadline = time.monotonic() + SAVE_TIMEOUT_SECONDS
            while page.stat().st_mtime_ns == before and time.monotonic() < deadline:
                time.sleep(0.005)
            seconds = time.perf_counter() - started
            if page.stat().st_mtime_ns == before:
                raise BenchError(f"({group}) {edit.what}: the page {page.name} was not rewritten")
        said = self._until(lambda line: " total " in line or "build stopped" in line, SAVE_TIMEOUT_SECONDS, f"({group}) no rebuild")
        if seconds is None:
            seconds = time.perf_counter() - started
        report = "\n".join(said)
        if "build stopped" in report:
            raise BenchError(f"({group}) {edit.what}: {report}")
        rebuilt = re.search(r"^rebuilt (.*)$", report, re.MULTILINE)
        count = len(rebuilt.group(1).split("; ")) if rebuilt else 0
        if group == "h" and count:
            raise BenchError(f"(h) {edit.what} re-executed {count} briefing(s): {report}")
        self._settle()
        return Run(seconds, self.sampler.peak_rss, count, self.sampler.peak_processes, report, "", started_wall)

    def close(self) -> None:
        if self.process is not None:
            self.process.terminate()  # preview stops its workers and kernels on SIGTERM
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.sampler.stop()


@dataclass
class Edit:
    """A save that alternates between two versions of one file, so every save is a change."""

    what: str
    path: Path
    versions: tuple[str, str]
    page: str | None  # the briefing page it must rewrite, if any
    count: int = 0

    def apply(self) -> None:
        self.count += 1
        self.path.write_text(self.versions[self.count % 2], encoding="utf-8")


def notebook_edit(root: Path) -> Edit:
    """(f): one line of narrative in notebooks/comms.ipynb that the page shows: a sentence of
    a circulated markdown cell, or (the notebooks' words now live in templates) a section
    heading, reworded."""
    path = root / "notebooks" / "comms.ipynb"
    original = path.read_text(encoding="utf-8")
    notebook = json.loads(original)
    for cell in notebook["cells"]:
        text = "".join(cell["source"])
        hidden = {"remove-cell", "analyst", "parameters"} & set(cell.get("metadata", {}).get("tags", []))
        if cell["cell_type"] != "markdown" or hidden:
            continue
        if text.lstrip().startswith("## ") and "\n" not in text.strip():
            cell["source"] = text.rstrip() + ", as the papers report it"
        elif ". " in text:
            cell["source"] = text.replace(". ", ", as the papers report it. ", 1).splitlines(keepends=True)
        else:
            continue
        break
    edited = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    return Edit("one line of narrative in notebooks/comms.ipynb", path, (original, edited), "comms")


def figure_edit(root: Path) -> Edit:
    """(g): the text of one figure the comms page shows: its note, reworded.

    Text no rule constrains beyond being text, so the data stays valid and only the page
    that shows the figure has reason to change.
    """
    import csv
    import html
    import io

    path = root / "data" / "figures.csv"
    original = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(original)))
    with open(root / "data" / "measures.csv", encoding="utf-8", newline="") as handle:
        measures = {r["measure_key"]: r for r in csv.DictReader(handle)}
    shown = html.unescape((root / "briefings" / PREVIEW_DAY / "comms.html").read_text(encoding="utf-8"))
    for row in rows:
        measure = measures.get(row.get("measure_key"), {})
        if measure.get("briefing") != "comms" or row["public_date"] > PREVIEW_DAY:
            continue
        note = row.get("note") or ""
        if len(note) < 20 or shown.count(note) != 1:
            continue
        row["note"] = note + " (reworded)"
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return Edit(f"figures.csv: the note of {row.get('figure_id')}", path, (original, out.getvalue()), "comms")
    raise BenchError("(g) found no comms figure whose note the comms page shows")


def unread_dataset_edit(root: Path) -> Edit:
    """(h): a free-text cell of a dataset that no briefing of the previewed meeting read
    (from the read-sets the first build recorded beside its executed notebooks)."""
    import csv
    import io

    from briefing.schema import load_dictionary

    read = set()
    for record in (root / "build" / "executed" / PREVIEW_DAY).glob("*.reads.json"):
        read |= {json.loads(name)[1] for name in json.loads(record.read_text(encoding="utf-8"))}
    declared = load_dictionary(root / "data" / "dictionary.yaml").datasets
    # A dataset other datasets reference may reach a briefing through them (measures.csv is
    # merged into every figure), so only datasets nothing references are candidates.
    referenced = {c.references.split(".")[0] for d in declared.values() for c in d.columns.values() if c.references}
    unread = [d for name, d in sorted(declared.items()) if name not in read and name not in referenced]
    if not unread:
        raise BenchError(f"(h) every dataset is read by a briefing of {PREVIEW_DAY}")
    dataset = unread[0]
    path = root / "data" / dataset.file
    original = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(original)))
    column = (
        rows[0].index("section")
        if "section" in rows[0]
        else next(
            rows[0].index(c.name)
            for c in dataset.columns.values()
            if c.type == "string" and not c.allowed and not c.references and c.name not in dataset.key
        )
    )
    rows[1][column] += " (revised)"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return Edit(f"{dataset.file} (read by no briefing of {PREVIEW_DAY})", path, (original, out.getvalue()), None)


# ----- log parsing: where a build's time goes -----------------------------------------------

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[(\w+)\] .*\((\d+\.\d+) s\)$")


def _stages(run: Run) -> dict[str, float]:
    """Seconds per build stage, as the CLI's log line ending each stage reports them;
    'start-up' is the rest of the wall clock (process start, imports, time between stages).

    Rendering starts when the first notebook is done and ends just after the last, inside
    the execute stage's span, so the two are one figure: the longer of the two spans."""
    stages: dict[str, float] = {}
    for line in run.stderr.splitlines():
        match = LOG_LINE.match(line)
        if match:
            stages[match.group(1)] = stages.get(match.group(1), 0.0) + float(match.group(2))
    if not stages:
        return {}
    if "execute" in stages or "render" in stages:
        stages["execute + render"] = max(stages.pop("execute", 0.0), stages.pop("render", 0.0))
    return {"start-up": max(run.seconds - sum(stages.values()), 0.0), **stages}


# ----- orchestration ------------------------------------------------------------------------


@dataclass
class Measurement:
    key: str
    group: str
    title: str
    command: str
    runs: list[Run] = field(default_factory=list)
    extra: list[dict] = field(default_factory=list)

    @property
    def seconds(self) -> list[float]:
        return [r.seconds for r in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def plan(only: set[str], ws: Workspace, noop: NoopFolder, loop: EditLoop) -> list[tuple[Measurement, object]]:
    items = []
    for day in PACKS:
        n = len(pack_jobs(day))
        items.append(
            (
                Measurement(f"a {day}", "a", f"(a) build, cold, {day} ({n} briefing{'s' * (n > 1)})", f"briefing build --force {day}"),
                lambda m, day=day: measure_build(ws, m.key.replace(" ", "-"), ["--force", day]),
            )
        )
    for day in PACKS:
        n = len(pack_jobs(day))
        items.append(
            (
                Measurement(
                    f"b {day}",
                    "b",
                    f"(b) naive papermill + nbconvert CLIs, {day} ({n})",
                    "papermill …; jupyter nbconvert --to html --no-input …",
                ),
                lambda m, day=day: measure_naive(ws, m.key.replace(" ", "-"), day),
            )
        )
    for day in PACKS:
        n = len(pack_jobs(day))
        items.append(
            (
                Measurement(f"c {day}", "c", f"(c) floor: one process, no kernel, {day} ({n})", "python -c FLOOR_SCRIPT"),
                lambda m, day=day: measure_floor(ws, m.key.replace(" ", "-"), day),
            )
        )
    for jobs in (1, 2):
        items.append(
            (
                Measurement(
                    f"e jobs {jobs}", "e", f"(e) build --all --force, cold, --jobs {jobs}", f"briefing build --all --force --jobs {jobs}"
                ),
                lambda m, jobs=jobs: measure_build(ws, m.key.replace(" ", "-"), ["--all", "--force", "--jobs", str(jobs)]),
            )
        )
    items.append(
        (
            Measurement("d noop", "d", "(d) no-op rebuild of everything", "briefing build --all (folder already built)"),
            lambda m: noop.measure("d-noop"),
        )
    )
    for group, title in EDIT_LOOP.items():
        items.append(
            (
                Measurement(f"{group} edit", group, title, f"save, with `briefing preview {PREVIEW_DAY}` running"),
                lambda m: loop.measure(m.group),
            )
        )
    if only & set(EDIT_LOOP):
        only = only | {"a"}  # the edit loop's targets are ratios to a cold build measured in the same run
    return [(m, fn) for m, fn in items if m.group in only]


EDIT_LOOP = {
    "f": f"(f) edit loop: one line of narrative in a notebook ({PREVIEW_DAY} comms)",
    "g": f"(g) edit loop: one comms figure's text in figures.csv ({PREVIEW_DAY} comms shows it)",
    "h": f"(h) edit loop: a dataset no {PREVIEW_DAY} briefing reads",
}


def warm_up() -> None:
    """Untimed: load the libraries once so the first timed run does not pay for a cold disk cache or .pyc compilation."""
    code = "import briefing.build, briefing.cli, briefing.context, briefing.charts, briefing.render, briefing.validation, papermill, nbconvert, nbclient, ipykernel, altair, vl_convert, great_expectations"
    subprocess.run(
        [str(PYTHON), "-c", code], check=True, env=environment(REPO), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (default 5); the report gives median, min and max")
    parser.add_argument("--only", default=",".join(GROUPS), help="measurements to run, e.g. a,b or a,f,g,h (default all: a to h)")
    parser.add_argument("--output", default=str(REPO / "BENCHMARKS.md"), help="report file (default BENCHMARKS.md)")
    parser.add_argument("--note", default="", help="a note shown at the top of the report, e.g. about machine load")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project roots and outputs")
    parser.add_argument("--no-warmup", action="store_true", help="skip the untimed warm-up import")
    args = parser.parse_args(argv)
    only = {g.strip() for g in args.only.split(",") if g.strip()}
    if not only or only - set(GROUPS) or args.runs < 1:
        parser.error("--runs must be at least 1 and --only a comma-separated subset of a,b,c,d,e,f,g,h")

    started = datetime.now().astimezone()
    load_before = os.getloadavg()
    ws = Workspace(args.keep)
    noop = NoopFolder(ws)
    loop = EditLoop(ws)
    if args.keep:
        print(f"temporary folders kept under {ws.base}", flush=True)
    measurements = plan(only, ws, noop, loop)
    try:
        if not args.no_warmup:
            print("warming up (untimed imports)…", flush=True)
            warm_up()
        for number in range(1, args.runs + 1):
            for measurement, function in measurements:
                print(f"run {number}/{args.runs}: {measurement.title} …", end=" ", flush=True)
                run = function(measurement)
                measurement.runs.append(run)
                floor = re.search(r"^FLOOR (.*)$", run.stdout, re.MULTILINE)
                counted = "briefing(s) re-executed" if measurement.group in EDIT_LOOP else "kernel(s)"
                print(f"{run.seconds:.2f} s, peak {run.peak_rss / 1e6:.0f} MB, {run.kernels} {counted}", flush=True)
                if floor:
                    measurement.extra.append(json.loads(floor.group(1)))
                    print("    inside: " + ", ".join(f"{k} {v:.1f} s" for k, v in measurement.extra[-1]["phases"].items()), flush=True)
    finally:
        loop.close()
        noop.close()
        ws.close()
    load_after = os.getloadavg()
    report = write_report([m for m, _ in measurements], args, started, load_before, load_after)
    Path(args.output).write_text(report, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


# ----- the report ---------------------------------------------------------------------------


def _machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
                break
    except OSError:
        pass
    version = subprocess.run(
        [str(PYTHON), "-c", "import sys; print(sys.version.split()[0])"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "CPU": model,
        "cores (os.cpu_count)": str(os.cpu_count()),
        "memory": memory,
        "OS": f"{platform.system()} {platform.release()}",
        "Python (venv)": version or platform.python_version(),
    }


def _versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _edit_loop_report(measurements: list[Measurement], by_key: dict) -> list[str]:
    loop = [m for m in measurements if m.group in EDIT_LOOP and m.runs]
    if not loop:
        return []
    cold = by_key.get(f"a {PREVIEW_DAY}")
    lines = [
        "",
        "## Edit loop: a save with preview running",
        "",
        f"`briefing preview {PREVIEW_DAY}` runs on a writable copy of the shipped notebooks, params and data (built once, untimed). "
        "Each save alternates between two versions of one file, so every save is a change. Time: from the file's write to the "
        "briefing page rewritten on disk (for (h), which must rewrite no briefing, to preview's report of the finished rebuild). "
        f"Between saves the benchmark waits {SETTLE_SECONDS:.0f} s, as an analyst does, while preview warms its next kernels. "
        f"Ratios are to the median cold build (a) of {PREVIEW_DAY} measured in the same run.",
        "",
        "| measurement | median s | min s | max s | runs | briefings re-executed | ÷ cold (a) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for m in loop:
        ratio = f"{m.median / cold.median:.3f}" if cold else "n/a"
        counts = sorted({r.kernels for r in m.runs})
        lines.append(
            f"| {m.title} | {m.median:.2f} | {min(m.seconds):.2f} | {max(m.seconds):.2f} | {len(m.runs)} | "
            f"{', '.join(map(str, counts))} | {ratio} |"
        )
    lines += ["", "| target | measured | status |", "|---|---|---|"]
    limits = {"f": 0.10, "g": 0.15}
    for m in loop:
        if m.group in limits and cold:
            ratio = m.median / cold.median
            lines.append(
                f"| ({m.group}) ≤ {limits[m.group]} × (a) | {m.median:.2f} s / {cold.median:.2f} s = {ratio:.3f} × | "
                f"{_status(ratio <= limits[m.group])} |"
            )
        if m.group == "g":
            counts = sorted({r.kernels for r in m.runs})
            lines.append(
                f"| (g) re-executes the comms briefing only | {', '.join(map(str, counts))} re-executed | {_status(counts == [1])} |"
            )
        if m.group == "h":
            most = max(r.kernels for r in m.runs)
            lines.append(f"| (h) re-executes no briefing | at most {most} re-executed | {_status(most == 0)} |")
    peak = max(r.peak_rss for m in loop for r in m.runs) / 1e6
    lines.append(f"| peak memory of preview ≤ 1 GB (10^9 bytes), its whole life | {peak:.0f} MB | {_status(peak <= MEMORY_LIMIT_MB)} |")
    lines += ["", "What preview printed for the last save of each:", "", "```text"]
    for m in loop:
        lines += [m.runs[-1].stdout, ""]
    lines[-1] = "```"
    return lines


def _status(met: bool | None) -> str:
    return "n/a" if met is None else ("**met**" if met else "**not met**")


def write_report(measurements: list[Measurement], args, started, load_before, load_after) -> str:
    by_key = {m.key: m for m in measurements}
    cores = os.cpu_count() or 1
    busy = load_before[0] > 0.5 * cores  # the load after includes the benchmark's own runs
    reasons = []
    if args.runs < 5:
        reasons.append(f"{args.runs} run{'s' * (args.runs > 1)} per measurement (the reference is 5)")
    if busy:
        reasons.append(f"machine busy (1-minute load average {load_before[0]:.1f} before, {load_after[0]:.1f} after, on {cores} cores)")
    status = "PRELIMINARY — " + "; ".join(reasons) if reasons else f"{args.runs} runs per measurement on a quiet machine"

    lines = ["# Build benchmarks", ""]
    if args.note:
        lines += [f"> **{args.note}**", ""]
    lines += [
        f"Status: **{status}**.",
        "",
        f"Measured {started:%Y-%m-%d %H:%M %Z} with `benchmarks/bench.py --runs {args.runs} --only {','.join(sorted({m.group for m in measurements}))}` "
        "(`make bench` runs every measurement five times). How to run it and what each number means: "
        "[benchmarks/README.md](benchmarks/README.md).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    for name, value in _machine().items():
        lines.append(f"| {name} | {value} |")
    lines.append(f"| load average (1 min) | {load_before[0]:.2f} at start, {load_after[0]:.2f} at end |")
    lines += ["", "## Library versions", "", "| library | version |", "|---|---|"]
    for name, version in _versions().items():
        lines.append(f"| {name} | {version} |")

    lines += [
        "",
        "## Results",
        "",
        "Wall time of the whole process (or, for (b), of the sequence of processes). "
        "Peak memory: the largest sum of RSS over the process tree (parent, workers, kernels), sampled every 50 ms; "
        "shared pages are counted once per process, so this overstates real use a little. Kernels: Jupyter kernels seen per run.",
        "",
        "| measurement | command | median s | min s | max s | runs | peak memory MB (median / max) | kernels |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for m in measurements:
        if not m.runs or m.group in EDIT_LOOP:
            continue
        peaks = [r.peak_rss / 1e6 for r in m.runs]
        lines.append(
            f"| {m.title} | `{m.command}` | {m.median:.2f} | {min(m.seconds):.2f} | {max(m.seconds):.2f} | {len(m.runs)} | "
            f"{statistics.median(peaks):.0f} / {max(peaks):.0f} | {max(r.kernels for r in m.runs)} |"
        )

    lines += ["", "## Targets", "", "| target | measured | status |", "|---|---|---|"]
    for day in PACKS:
        a, b, c = by_key.get(f"a {day}"), by_key.get(f"b {day}"), by_key.get(f"c {day}")
        if a and b:
            ratio = a.median / b.median
            lines.append(f"| (a) ≤ 0.25 × (b), {day} | {a.median:.2f} s / {b.median:.2f} s = {ratio:.2f} × | {_status(ratio <= 0.25)} |")
        if a and c:
            ratio = a.median / c.median
            lines.append(f"| (a) ≤ 1.0 × (c), {day} | {a.median:.2f} s / {c.median:.2f} s = {ratio:.2f} × | {_status(ratio <= 1.0)} |")
    d = by_key.get("d noop")
    if d:
        lines.append(f"| (d) ≤ 0.3 s | {d.median:.2f} s | {_status(d.median <= 0.3)} |")
    e1, e2 = by_key.get("e jobs 1"), by_key.get("e jobs 2")
    if e1 and e2:
        speedup = e1.median / e2.median
        lines.append(
            f"| (e) --jobs 2 ≥ 1.6 × faster than --jobs 1 | {e1.median:.2f} s / {e2.median:.2f} s = {speedup:.2f} × | {_status(speedup >= 1.6)} |"
        )
    for m in measurements:
        if m.group in "ae" and m.runs:
            peak = max(r.peak_rss for r in m.runs) / 1e6
            lines.append(
                f"| peak memory ≤ 1 GB (10^9 bytes), {m.title} | {peak:.0f} MB (largest run) | {_status(peak <= MEMORY_LIMIT_MB)} |"
            )
    lines += ["", "Ratios compare medians. Peak memory is judged on the largest run."]
    lines += _edit_loop_report(measurements, by_key)

    stage_rows = []
    for m in measurements:
        if m.group in "aed" and m.runs:
            stages = [_stages(r) for r in m.runs]
            names = [n for n in ("start-up", "params", "validate", "execute + render", "index") if any(n in s for s in stages)]
            cells = ", ".join(f"{n} {statistics.median([s.get(n, 0.0) for s in stages]):.1f}" for n in names)
            stage_rows.append(f"| {m.title} | {cells} |")
    if stage_rows:
        lines += [
            "",
            "## Where a build's time goes",
            "",
            "Median seconds per stage, as the CLI's log line ending each stage reports them (start-up = the rest of the wall clock: "
            "process start, Python, click and the package's imports, and work between stages such as starting the worker pool). "
            "Execution and rendering are one figure: each page is rendered in the build's own process as soon as its notebook is done, "
            "while the other notebooks still run, so the render stage lies inside the execute stage's span.",
            "",
            "| measurement | stages (s) |",
            "|---|---|",
            *stage_rows,
        ]
    floor_rows = []
    for m in measurements:
        if m.group == "c" and m.extra:
            phases = m.extra[len(m.extra) // 2]["phases"]
            briefings = m.extra[len(m.extra) // 2]["briefings"]
            per = "; ".join(f"{b['briefing']}: execute {b['execute']:.1f}, render {b['render']:.1f}" for b in briefings)
            floor_rows.append(f"| {m.title} | {', '.join(f'{k} {v:.1f}' for k, v in phases.items())} | {per} |")
    if floor_rows:
        lines += [
            "",
            "Inside the floor process (c), seconds (one run's figures):",
            "",
            "| measurement | phases | per briefing |",
            "|---|---|---|",
            *floor_rows,
        ]
    for day, same in SAME_PAGES.items():
        verdict = "byte-identical to" if same else "**different from**"
        lines += ["", f"The floor's pages for {day} (briefings and index pages) were {verdict} those of the cold build (a)."]

    lines += [
        "",
        "## What it measures",
        "",
        "- **(a)** `briefing build --force DATE` as a whole CLI process, cold: a fresh project root (`BRIEFING_ROOT`, holding links "
        "to the shipped `notebooks/`, `params/` and `data/` and an empty `build/`), so the build's validation really runs "
        "(Great Expectations and the trace check), then papermill executes each notebook in a kernel and the house template renders it, "
        "into a fresh `--output` folder. 2023-03-15 has three briefings; 2023-02-01 has one.",
        "- **(b)** The same packs as an analyst would script them without the package's build: for each briefing, the `papermill` CLI "
        "with the params file's values (`-r` for text, `-p` for true/false), then `jupyter nbconvert --to html --no-input`, one after "
        "the other, with a fresh root too (the first notebook validates the data, the others find the stamp). Stock `lab` template.",
        "- **(c)** The floor: one Python process that imports the libraries once, validates once (`validate(paths, use_cache=False)`), "
        "executes each notebook's code cells in-process (parameters injected as variables, each notebook in a fresh namespace, the last "
        "expression's `_repr_html_()` as its output, like IPython), renders with `briefing.render.render_notebook` and writes the same "
        "pages, executed notebooks and index pages. No kernel, no papermill, no worker processes.",
        "- **(d)** `briefing build --all` into a folder that an identical build has just written: nothing changed, so no kernel may "
        "start (the benchmark fails if one does). Measures the CLI's start-up, params check and fingerprinting.",
        "- **(e)** `briefing build --all --force`, cold as in (a), every meeting's briefings, with one worker and with two.",
        f"- **(f), (g), (h)** The edit loop: `briefing preview {PREVIEW_DAY}` running (Great Expectations kept, each dataset's "
        "validation remembered, two worker processes each holding a kernel with the package imported), then a save: (f) one "
        "sentence in `notebooks/comms.ipynb`; (g) the note of one comms figure in `data/figures.csv` that "
        "the comms page shows (text, so the data stays valid); (h) a free-text cell of a dataset that no "
        f"{PREVIEW_DAY} briefing read, found from the read-sets the first build recorded. Timed from the save to the comms page "
        "rewritten on disk (each page is written as soon as its own notebook is done), or for (h) to preview's report.",
        "",
        "Nothing is skipped or weakened: every cold build validates the data (the benchmark fails unless the run wrote a validation stamp into its empty build cache), "
        "and every page is produced by the same notebooks and template as a normal build.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"\nbenchmark failed: {error}", file=sys.stderr)
        sys.exit(1)
