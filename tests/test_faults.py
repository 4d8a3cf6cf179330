"""Faults a build can meet: each stops with one plain line and its own exit code, leaves the
last good pages as they were, and leaves no process behind.

Builds run as real `briefing` commands against a temporary copy of the project
(BRIEFING_ROOT). The copy starts with a record that its data passed validation, so these
tests pay for kernels, not for Great Expectations.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from test_cli import briefing_command, run

from briefing import cli, preview
from briefing.config import Paths

MEETING = "2023-03-15"  # three briefings: comms, communities, culture
LAST_GOOD = "<!doctype html><title>last good page</title>\n"
LEFTOVER_GRACE_SECONDS = 15


@pytest.fixture(scope="module")
def validated_cache(paths, tmp_path_factory) -> Path:
    """build/cache/validated of a copy whose data passed `briefing validate` (run once)."""
    root = tmp_path_factory.mktemp("validated")
    shutil.copy(paths.panel, root / "panel.yaml")
    result = run(["validate"], root=root, data=paths.data)
    assert result.returncode == 0, result.stderr
    return root / "build" / "cache" / "validated"


@pytest.fixture
def project(tmp_path, paths) -> Path:
    """A writable copy of params, data and notebooks, with the last good pages of MEETING."""
    for name in ("params", "data", "notebooks"):
        shutil.copytree(getattr(paths, name), tmp_path / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(paths.panel, tmp_path / "panel.yaml")
    for path in tmp_path.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    meeting = tmp_path / "briefings" / MEETING
    meeting.mkdir(parents=True)
    for kind in ("comms", "communities", "culture"):
        (meeting / f"{kind}.html").write_text(LAST_GOOD)
    return tmp_path


@pytest.fixture
def validated_project(project, validated_cache) -> Path:
    shutil.copytree(validated_cache, project / "build" / "cache" / "validated")
    return project


def pages(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "briefings").rglob("*.html"))}


def processes_of(root: Path) -> list[str]:
    """Processes started for a build of `root` (kernels, workers, forkserver, validation):
    each inherits BRIEFING_ROOT, which names this test's own folder."""
    marker = f"BRIEFING_ROOT={root}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append(f"{entry.name}: {command}")
        except OSError:
            continue
    return found


def assert_nothing_left_running(root: Path) -> None:
    deadline = time.monotonic() + LEFTOVER_GRACE_SECONDS
    while processes_of(root) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not processes_of(root), f"processes left behind: {processes_of(root)}"


def one_line_error(stderr: str) -> str:
    """The command's message: the last line, which must be its only `briefing:` line."""
    assert "Traceback" not in stderr and "Exception in thread" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("briefing: ")]
    assert len(lines) == 1, f"expected one 'briefing:' line, got: {stderr}"
    assert stderr.rstrip().splitlines()[-1] == lines[0]
    return lines[0]


def stall_notebook(root: Path, kind: str) -> Path:
    """Make `kind`'s notebook write its kernel's pid to a file and then wait, so the test can
    act while it runs. Returns the pid file."""
    pid_file = root / f"{kind}.pid"
    notebook_path = root / "notebooks" / f"{kind}.ipynb"
    notebook = nbformat.read(notebook_path, as_version=4)
    cell = nbformat.v4.new_code_cell(
        f"import os, pathlib, time\npathlib.Path({str(pid_file)!r}).write_text(str(os.getpid()))\ntime.sleep(120)"
    )
    cell["id"] = "stall"
    notebook.cells.insert(2, cell)
    nbformat.write(notebook, notebook_path)
    return pid_file


def start_build(root: Path, *args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("BRIEFING_ROOT", "BRIEFING_DATA_DIR")}
    env["BRIEFING_ROOT"] = str(root)
    return subprocess.Popen(briefing_command() + ["build", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@contextlib.contextmanager
def stopped_at_the_end(process: subprocess.Popen):
    """If the test fails while the build still runs, stop the build (SIGTERM: it stops its
    workers and kernels) rather than leave it running."""
    try:
        yield
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for(path: Path, process: subprocess.Popen, timeout: float = 180) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return int(path.read_text())
        if process.poll() is not None:
            pytest.fail(f"the build ended before the notebook started: {process.communicate()}")
        time.sleep(0.2)
    pytest.fail(f"the notebook did not start within {timeout}s")


# ----- a kernel killed mid-run ---------------------------------------------------------------


@pytest.mark.slow
def test_a_killed_kernel_fails_its_briefing_by_name_and_the_others_finish(validated_project):
    root = validated_project
    pid_file = stall_notebook(root, "culture")
    process = start_build(root, MEETING, "--jobs", "2")
    with stopped_at_the_end(process):
        os.kill(wait_for(pid_file, process), signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=300)

    assert process.returncode == 7, stdout + stderr
    message = one_line_error(stderr)
    assert message.startswith(f"briefing: notebooks/culture.ipynb stopped for the meeting of {MEETING}: its kernel died")
    assert "the last good page is unchanged" in message
    after = pages(root)
    assert after[f"briefings/{MEETING}/culture.html"] == LAST_GOOD.encode()
    for kind in ("comms", "communities"):
        assert after[f"briefings/{MEETING}/{kind}.html"] != LAST_GOOD.encode(), f"{kind} was not rebuilt"
        assert f"[execute] {MEETING} {kind}: executed in" in stderr
    assert_nothing_left_running(root)


# ----- Ctrl-C ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_ctrl_c_stops_the_build_and_its_kernels_and_changes_no_page(validated_project):
    root = validated_project
    pid_file = stall_notebook(root, "culture")
    before = pages(root)
    process = start_build(root, MEETING, "--jobs", "2")
    with stopped_at_the_end(process):
        wait_for(pid_file, process)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)

    assert process.returncode == 130, stdout + stderr
    message = one_line_error(stderr)
    assert message.startswith("briefing: build interrupted;")
    assert pages(root) == before
    assert not list((root / "briefings").rglob("*.tmp"))
    assert_nothing_left_running(root)


@pytest.mark.slow
def test_ctrl_c_while_the_data_is_validated_stops_cleanly(project):
    process = start_build(project, MEETING, "--force")
    with stopped_at_the_end(process):
        first = process.stderr.readline()  # the params line: validation starts next
        assert "[params]" in first, first
        time.sleep(2)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)

    assert process.returncode == 130, stdout + first + stderr
    assert one_line_error(first + stderr).startswith("briefing: build interrupted;")
    assert pages(project)[f"briefings/{MEETING}/comms.html"] == LAST_GOOD.encode()
    assert_nothing_left_running(project)


# ----- a notebook that is not valid JSON -----------------------------------------------------


def test_a_notebook_that_is_not_json_stops_the_build_naming_file_and_line(project):
    notebook = project / "notebooks" / "comms.ipynb"
    text = notebook.read_text()
    notebook.write_text(text.replace('"cell_type"', '"cell_type" "code",', 1))  # a missing ':' after a key
    before = pages(project)

    result = run(["build", MEETING], root=project)

    assert result.returncode == 6, result.stdout + result.stderr
    message = one_line_error(result.stderr)
    line = text[: text.index('"cell_type"')].count("\n") + 1
    assert message.startswith(f"briefing: notebooks/comms.ipynb is not valid JSON (line {line}, column ")
    assert pages(project) == before
    assert not (project / "build" / "executed").exists(), "a notebook ran"
    assert_nothing_left_running(project)


# ----- a params file with a YAML syntax error ------------------------------------------------


def test_a_params_yaml_syntax_error_names_file_and_line(project):
    params = project / "params" / f"{MEETING}.yaml"
    lines = params.read_text().splitlines()
    comms = next(i for i, line in enumerate(lines) if line.strip() == "comms:")
    lines.insert(comms + 1, "   agenda_item '6'")  # a key without its ':', one space out of step
    params.write_text("\n".join(lines) + "\n")
    before = pages(project)

    result = run(["build", MEETING], root=project)

    assert result.returncode == 2, result.stdout + result.stderr
    message = one_line_error(result.stderr)
    assert message.startswith(f"briefing: params/{MEETING}.yaml, line {comms + 3}: not valid YAML"), message
    assert pages(project) == before
    assert_nothing_left_running(project)


# ----- the output folder is not writable -----------------------------------------------------


def _read_only_tmpfs(folder: Path) -> bool:
    """Mount a read-only tmpfs holding a last good page at `folder`; False if not allowed."""
    folder.mkdir(parents=True)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True).returncode != 0:
        return False
    (folder / MEETING).mkdir()
    (folder / MEETING / "comms.html").write_text(LAST_GOOD)
    if subprocess.run(["mount", "-o", "remount,ro", str(folder)], capture_output=True).returncode != 0:
        subprocess.run(["umount", str(folder)], check=False)
        return False
    return True


def test_an_output_folder_that_cannot_be_written_stops_the_build_before_anything_runs(project):
    output = project / "readonly"
    if os.geteuid() == 0 and _read_only_tmpfs(output):
        try:
            result = run(["build", MEETING, "--output", str(output)], root=project)
            assert (output / MEETING / "comms.html").read_text() == LAST_GOOD
        finally:
            subprocess.run(["umount", str(output)], check=False)
        reason = "Read-only file system"
    else:
        # Without mount: a folder the (non-root) user may not write, as nobody if we are root.
        result, reason = _build_as_unprivileged_user(project, output)
    assert result.returncode == 8, result.stdout + result.stderr
    message = one_line_error(result.stderr)
    assert message == (
        f"briefing: {output} is not writable ({reason}); nothing was built. "
        "Fix its permissions, or write the pack elsewhere with --output FOLDER."
    )
    assert not (project / "build" / "executed").exists(), "a notebook ran"
    assert_nothing_left_running(project)


def _build_as_unprivileged_user(project: Path, output: Path):
    if os.geteuid() != 0:
        output.mkdir()
        output.chmod(0o555)
        return run(["build", MEETING, "--output", str(output)], root=project), "Permission denied"
    if shutil.which("setpriv") is None:
        pytest.skip("as root without mount or setpriv there is no folder root cannot write")
    # nobody must reach the project and own its build/, but not the output folder.
    shared = Path(tempfile.mkdtemp(prefix="briefing-faults-"))
    try:
        shared.chmod(0o755)
        copy = shared / "project"
        shutil.copytree(project, copy)
        (copy / "build").mkdir(exist_ok=True)
        for path in [copy, *copy.rglob("*")]:
            os.chown(path, 65534, 65534)
        target = copy / output.name
        target.mkdir()
        env = {k: v for k, v in os.environ.items() if k not in ("BRIEFING_ROOT", "BRIEFING_DATA_DIR")}
        env.update(BRIEFING_ROOT=str(copy), HOME=str(copy))
        command = [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            *briefing_command(),
            "build",
            MEETING,
            "--output",
            str(target),
        ]
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
        result.stderr = result.stderr.replace(str(target), str(output))
        return result, "Permission denied"
    finally:
        shutil.rmtree(shared, ignore_errors=True)


# ----- the disk fills while pages are written ------------------------------------------------


@pytest.mark.slow
def test_a_full_disk_while_writing_pages_replaces_no_page(validated_project, monkeypatch):
    """A real build of MEETING, whose disk 'fills' while its second page is written: the
    standard library's file write fails with ENOSPC once part of the page is on disk."""
    project = validated_project
    monkeypatch.setenv("BRIEFING_ROOT", str(project))
    real_write = Path.write_bytes
    writes = []

    def fill_up(path, data):
        if not path.name.endswith(".tmp"):
            return real_write(path, data)
        writes.append(path)
        if len(writes) == 2:
            real_write(path, data[: len(data) // 2])  # part of the page reaches the disk
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real_write(path, data)

    monkeypatch.setattr(Path, "write_bytes", fill_up)
    before = pages(project)

    result = CliRunner().invoke(cli.main, ["build", MEETING, "--force"])

    assert result.exit_code == 9, result.output
    message = one_line_error(result.stderr)
    assert message.startswith("briefing: the disk is full: ")
    assert message.endswith("could not be written (No space left on device); no page was replaced. Free some space and build again.")
    assert pages(project) == before, "a page was replaced although the build could not write them all"
    assert not [p for p in project.rglob("*") if p.name.endswith(".tmp")], "a temporary file was left behind"
    assert not (project / "build" / "cache" / "pages").exists(), "a page was recorded as built"


# ----- two previews on one port --------------------------------------------------------------


def test_a_second_preview_on_the_same_port_says_so_and_builds_nothing(project):
    first = preview.open_server(Paths.default(project), 0)  # port 0: any free port
    try:
        port = first.server_address[1]
        before = pages(project)
        env = {k: v for k, v in os.environ.items() if k not in ("BRIEFING_ROOT", "BRIEFING_DATA_DIR")}
        env["BRIEFING_ROOT"] = str(project)
        result = subprocess.run(
            briefing_command() + ["preview", MEETING, "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        first.server_close()
    assert result.returncode == 10, result.stdout + result.stderr
    message = one_line_error(result.stderr)
    assert message == (
        f"briefing: port {port} on localhost is already in use, perhaps by another preview; "
        f"stop that one (Ctrl-C in its window) or use --port {port + 1}"
    )
    assert pages(project) == before
    assert not (project / "build").exists(), "the second preview started a build"
    assert_nothing_left_running(project)
