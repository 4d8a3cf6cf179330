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
