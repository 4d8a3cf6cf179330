"""`briefing preview` in a real browser: a save rebuilds the briefing and the open page reloads.

Preview serves pages with a small reload script added to the response; the page files under
the output folder stay script-free with their strict Content-Security-Policy.
"""

from __future__ import annotations

import queue
import shutil
import threading
import time
from dataclasses import replace

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MEETING = "2024-02-14"  # one cheap briefing: the reserve meeting's precept
REBUILD_TIMEOUT_SECONDS = 180


@pytest.fixture
def running_preview(paths, tmp_path):
    """Preview of a writable copy of the project: built once, served on a free port, watching."""
    from briefing import preview
    from briefing.execute import Warm

    for name in ("notebooks", "params", "data"):
        shutil.copytree(getattr(paths, name), tmp_path / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(paths.panel, tmp_path / "panel.yaml")
    for path in tmp_path.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    local = replace(
        paths,
        root=tmp_path,
        notebooks=tmp_path / "notebooks",
        params=tmp_path / "params",
        data=tmp_path / "data",
        briefings=tmp_path / "briefings",
        build=tmp_path / "build",
    )
    warm = Warm(local, jobs=1)
    reloads = preview.Reloads()
    lines: queue.Queue[str] = queue.Queue()
    stop = threading.Event()
    server = None
    try:
        first = preview.rebuild(local, [MEETING], warm, reloads)
        assert f"rebuilt {MEETING} precept" in first, first
        server = preview.open_server(local, 0, reloads)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        watcher = threading.Thread(target=preview.watch, args=(local, [MEETING], stop, lines.put, warm, reloads), daemon=True)
        watcher.start()
        time.sleep(2)  # let the file watcher start before anything is saved
        yield local, f"http://127.0.0.1:{server.server_address[1]}", lines
    finally:
        stop.set()
        if server is not None:
            server.shutdown()
            server.server_close()
        warm.close()


def test_a_save_rebuilds_and_the_open_page_reloads(running_preview, browser):
    local, base, lines = running_preview
    page_file = local.briefing_html(MEETING, "precept")
    assert "<script" not in page_file.read_text(encoding="utf-8"), "the page file itself must stay script-free"

    context = browser.new_context()
    problems: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{base}/{MEETING}/precept.html", wait_until="load")
        assert page.locator("script").count() == 1, "preview adds one reload script to the page it serves"
        assert "Item 3:" not in page.inner_text("main")
        page.evaluate("() => { window.loadedBeforeSave = true; }")
        page.wait_for_timeout(500)  # the event stream connects

        params_file = local.params_file(MEETING)
        params_file.write_text(params_file.read_text().replace("agenda_item: ''", "agenda_item: '3'"))

        page.wait_for_function("() => window.loadedBeforeSave === undefined", timeout=REBUILD_TIMEOUT_SECONDS * 1000)
        page.wait_for_load_state("load")
        assert "Item 3:" in page.inner_text("main"), "the reloaded page shows the rebuilt briefing"
        assert not problems, f"console or page errors (a blocked script or connection would show here): {problems}"
    finally:
        context.close()

    said = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any("rebuilt" in line for line in said):
        try:
            said.append(lines.get(timeout=1))
        except queue.Empty:
            continue
    report = "\n".join(said)
    assert f"saved: params/{MEETING}.yaml" in report and f"rebuilt {MEETING} precept (its params changed)" in report, report
    assert "execute" in report and "render" in report, f"each stage's time is reported: {report}"
    assert "<script" not in page_file.read_text(encoding="utf-8"), "the rebuilt page file stays script-free"
