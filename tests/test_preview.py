"""`briefing preview`: the watcher rebuilds a meeting when its params file is saved, and the
server serves the pack's pages on localhost."""

from __future__ import annotations

import os
import queue
import shutil
import threading
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest

from briefing import preview
from briefing.config import Paths

MEETING = "2024-02-14"  # one cheap briefing: the reserve meeting's precept
REBUILD_TIMEOUT_SECONDS = 180


def project_copy(source: Paths, root: Path) -> Paths:
    """Paths of a writable copy of the project's notebooks, params and data under `root`."""
    for name in ("notebooks", "params", "data"):
        shutil.copytree(getattr(source, name), root / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(source.panel, root / "panel.yaml")
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return replace(
        Paths.default(),
        root=root,
        notebooks=root / "notebooks",
        params=root / "params",
        data=root / "data",
        briefings=root / "briefings",
        build=root / "build",
    )


@pytest.fixture
def isolated_env(monkeypatch):
    """A build run in this process sets BRIEFING_ROOT and BRIEFING_DATA_DIR for its kernels;
    put them back afterwards so later tests (and the commands they start) see the real project."""
    for name in ("BRIEFING_ROOT", "BRIEFING_DATA_DIR"):
        original = os.environ.get(name)
        monkeypatch.setenv(name, original or "")  # monkeypatch remembers the state before this
        if original is None:
            monkeypatch.delenv(name)


@pytest.mark.slow
def test_saving_a_params_file_rebuilds_that_meeting(paths, tmp_path, isolated_env):
    from briefing.build import build

    local = project_copy(paths, tmp_path)
    first = build(local, [MEETING], force=True, jobs=1)
    assert (MEETING, "precept") in first.built
    assert local.briefing_html(MEETING, "precept").exists()

    lines: queue.Queue[str] = queue.Queue()
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(local, [MEETING], stop, lines.put), daemon=True)
    watcher.start()
    try:
        time.sleep(2)  # let the file watcher start before saving
        params_file = local.params_file(MEETING)
        params_file.write_text(params_file.read_text().replace("agenda_item: ''", "agenda_item: '3'"))

        seen = []
        deadline = time.monotonic() + REBUILD_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            try:
                seen.append(lines.get(timeout=1))
            except queue.Empty:
                continue
            if f"rebuilt {MEETING} precept" in seen[-1]:
                break
        assert any(f"rebuilt {MEETING} precept" in line for line in seen), (
            f"no 'rebuilt {MEETING} precept' line within {REBUILD_TIMEOUT_SECONDS}s; the watcher said: {seen}"
        )
    finally:
        stop.set()
        watcher.join(timeout=REBUILD_TIMEOUT_SECONDS)
    assert not watcher.is_alive(), "the watcher did not stop when asked"


def test_only_files_a_build_reads_trigger_a_rebuild(paths):
    def changed(path):
        return {(2, str(path))}

    assert preview.relevant(changed(paths.params / "2024-02-14.yaml"), paths)
    assert preview.relevant(changed(paths.data / "figures.csv"), paths)
    assert preview.relevant(changed(paths.notebooks / "precept.ipynb"), paths)
    assert not preview.relevant(changed(paths.briefings / "2024-02-14" / "precept.html"), paths)
    assert not preview.relevant(changed(paths.build / "executed" / "2024-02-14" / "precept.ipynb"), paths)
    assert not preview.relevant(changed(paths.notebooks / ".ipynb_checkpoints" / "precept-checkpoint.ipynb"), paths)
    assert not preview.relevant(changed(paths.notebooks / ".precept.ipynb.swp"), paths)


def test_server_serves_the_pack_index_on_localhost(tmp_path):
    briefings = tmp_path / "briefings"
    briefings.mkdir()
    page = "<!doctype html><title>Briefings</title><h1>Every meeting</h1>\n"
    (briefings / "index.html").write_text(page, encoding="utf-8")
    server = preview.open_server(Paths.default(tmp_path), 0)  # port 0: any free port
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=10) as response:
            assert response.status == 200
            assert response.read().decode("utf-8") == page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.read().decode("utf-8") == page
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert not thread.is_alive()
