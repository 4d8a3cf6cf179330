"""Kernels: started fresh per notebook, warmed up, told where their reads go, shut down."""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import replace

import pytest

from briefing.kernels import KernelPool, start_kernel
from briefing.readsets import READ_SET_VARIABLE

pytestmark = pytest.mark.slow


@pytest.fixture
def local(paths, tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "1")
    return replace(paths, briefings=tmp_path / "briefings", build=tmp_path / "build")


def test_a_kernel_is_warmed_up_told_where_its_reads_go_and_shut_down(local):
    kernel = start_kernel(local)
    try:
        assert kernel.ready() is kernel and kernel.running()
        pid = kernel.manager.provisioner.process.pid
        environment = (f"/proc/{pid}/environ",)
        with open(*environment, "rb") as handle:
            assert f"{READ_SET_VARIABLE}={kernel.reads}".encode() in handle.read().split(b"\0")
    finally:
        kernel.close()
    assert not kernel.running() and kernel.manager.clients == []
    assert not os.path.exists(f"/proc/{pid}") or b"zombie" in open(f"/proc/{pid}/status", "rb").read().lower()


def test_a_pool_warms_a_kernel_only_for_a_job_that_will_need_it(local):
    waiting, idle = multiprocessing.Value("i", 1), multiprocessing.Value("i", 0, lock=False)
    pool = KernelPool(local, waiting, idle)
    pool.start()
    assert pool.warm is not None and idle.value == 1
    kernel = pool.take()
    assert waiting.value == 0 and idle.value == 0
    assert pool.warm is None, "no job is waiting, so no second kernel is warmed"
    pool.done(kernel)
    assert not kernel.running()
    pool.close()


def test_a_notebook_in_a_warm_kernel_keeps_the_output_of_its_very_first_cell(local, tmp_path):
    # The client treats the kernel as ready once IOPub carries its idle status: if IOPub
    # were not connected yet, the first cell's output would be lost.
    import nbformat
    import papermill
    from nbformat.v4 import new_code_cell, new_notebook

    source, executed = tmp_path / "first.ipynb", tmp_path / "first.out.ipynb"
    notebook = new_notebook(cells=[new_code_cell("print('first cell')"), new_code_cell("6 * 7")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, source)
    kernel = start_kernel(local).ready()
    try:
        papermill.execute_notebook(str(source), str(executed), kernel_name="python3", progress_bar=False, km=kernel.manager)
    finally:
        kernel.close()
    cells = nbformat.read(executed, as_version=4).cells
    assert [o["text"] for o in cells[0].outputs] == ["first cell\n"]
    assert cells[1].outputs[0]["data"]["text/plain"] == "42"


def test_a_client_of_a_kernel_that_died_says_so_instead_of_waiting(local):
    from jupyter_core.utils import run_sync

    kernel = start_kernel(local).ready()
    try:
        client = kernel.manager.client()
        client.start_channels()
        kernel.manager.provisioner.process.kill()
        kernel.manager.provisioner.process.wait()
        with pytest.raises(RuntimeError, match="died"):
            run_sync(client.wait_for_ready)(timeout=30)
    finally:
        kernel.close()


def test_a_pool_warms_no_kernel_while_the_most_kernels_the_build_allows_are_alive(local):
    waiting, idle = multiprocessing.Value("i", 3), multiprocessing.Value("i", 0, lock=False)
    alive = multiprocessing.Value("i", 3, lock=False)  # one running per worker, one warming
    pool = KernelPool(local, waiting, idle, alive=alive, most=3)
    pool.start()
    assert pool.warm is None and idle.value == 0 and alive.value == 3
    alive.value = 2
    pool.start()
    try:
        assert pool.warm is not None and idle.value == 1 and alive.value == 3
    finally:
        pool.close()
    assert idle.value == 0 and alive.value == 2
