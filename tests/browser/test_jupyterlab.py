"""What an analyst sees: each notebook opened in JupyterLab, run top to bottom with its
defaults, shows its section frames as tables and its Altair charts as live charts, with no
network and no error output."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a copy of the notebooks (running them must not touch the committed ones)."""
    folder = tmp_path_factory.mktemp("lab")
    for name in NOTEBOOKS:
        (folder / name).write_bytes((ROOT / "notebooks" / name).read_bytes())
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ServerApp.token=",
            "--ServerApp.password=",
            f"--notebook-dir={folder}",
            "--LabApp.news_url=",
            "--ServerApp.open_browser=False",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/status", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _charts_expected(name: str) -> int:
    """Analyst cells that end by showing a chart (their last line names a `*chart*` variable)."""
    notebook = json.loads((ROOT / "notebooks" / name).read_text())
    count = 0
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and "analyst" in cell["metadata"].get("tags", []):
            last = "".join(cell["source"]).strip().splitlines()[-1].strip()
            count += "chart" in last and "=" not in last
    return count


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_shows_frames_and_live_charts_in_jupyterlab(browser, lab, name):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        # A workspace of its own, reset, so no other notebook is open beside this one.
        page.goto(f"{lab}/lab/workspaces/{name.removesuffix('.ipynb')}/tree/{name}?reset")
        page.wait_for_selector(".jp-Notebook", timeout=60_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator, .jp-KernelStatus", timeout=60_000)
        time.sleep(2)
        page.click("text=Run")
        page.click("text=Run All Cells")
        expected = _charts_expected(name)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            done = page.locator(".jp-InputPrompt:has-text('[*]')").count() == 0 and page.locator(".jp-InputPrompt:has-text('[1]')").count()
            if done and page.locator(".vega-embed").count() >= expected:
                break
            time.sleep(1)
        assert page.locator("table.dataframe").count() >= 1, f"{name}: no section frame shown"
        assert page.locator(".vega-embed").count() >= expected, f"{name}: expected {expected} live charts"
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
        assert page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count() == 0
    finally:
        page.close()
