"""Kernels for a build: a fresh one per notebook, warmed up before it is needed.

Each notebook runs in a kernel of its own, used once and shut down, so no state passes
between briefings. A kernel is started with BRIEFING_READ_SET naming the file its
notebook's data reads go to (see `briefing.datasets`), and warmed up in a thread (the
libraries imported, see `briefing.warmup`) so it is ready sooner than a cold one.
`KernelPool` keeps one worker process's next kernel warming while a notebook runs.
"""

from __future__ import annotations

import asyncio
import os
import queue
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from jupyter_client import protocol_version_info
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from briefing.config import Paths
from briefing.readsets import READ_SET_VARIABLE

WARM_UP_CODE = "from briefing.warmup import warm_up\nwarm_up()"
WARM_UP_TIMEOUT_SECONDS = 300


class ReadyClient(AsyncKernelClient):
    """An asynchronous kernel client that knows the kernel is ready as soon as IOPub has
    carried the kernel's reply to a kernel_info request.

    The library's `wait_for_ready` ends by draining IOPub until it has been silent for
    0.2 s, which every notebook paid (a quarter of a warm run in the edit loop). Waiting
    instead for the kernel's "idle" status of our own request proves the same two things
    (the kernel answers, and IOPub is connected and drained of that request) without the
    wait; nbclient ignores any message that is not a reply to its own cells.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Return once the kernel has answered kernel_info on shell and gone idle on IOPub."""
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            request = self.kernel_info()
            if await self._idle_after(request, deadline):
                return
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def _idle_after(self, request: str, deadline: float) -> bool:
        """True once the reply to `request` came on shell and its idle status on IOPub
        (False after a second with either missing: IOPub may not be connected yet)."""
        replied = idle = False
        reply: dict = {}
        give_up = min(deadline, time.monotonic() + 1.0)
        while not (replied and idle) and time.monotonic() < give_up:
            if not replied:
                try:
                    reply = await self.shell_channel.get_msg(timeout=0.05)
                except queue.Empty:
                    pass
                else:
                    replied = reply.get("parent_header", {}).get("msg_id") == request
            try:
                message = await self.iopub_channel.get_msg(timeout=0.05)
            except queue.Empty:
                continue
            idle = idle or (
                message.get("parent_header", {}).get("msg_id") == request
                and message["msg_type"] == "status"
                and message["content"].get("execution_state") == "idle"
            )
        if replied:
            # As the library does: speak the kernel's major protocol version if it differs.
            major = int(reply["content"]["protocol_version"].split(".")[0])
            if major != protocol_version_info[0]:
                self.session.adapt_version = major
        return replied and idle


class ClientKeepingKernelManager(AsyncKernelManager):
    """An asynchronous KernelManager that keeps the clients made for it, to close them.

    Asynchronous, so that nbclient gets an asynchronous client and notices a kernel that
    dies mid-cell (with a blocking client it waits for the cell's reply for ever). The
    clients are kept because nbclient does not stop the channels of a client it made for a
    kernel manager it was given (papermill's `km=`), and each holds a zmq context and a
    heartbeat thread.
    """

    def __init__(self, **kwargs):
        super().__init__(client_class="briefing.kernels.ReadyClient", **kwargs)
        self.clients: list = []

    def client(self, **kwargs):
        """A client for the kernel, kept to be closed with it."""
        client = super().client(**kwargs)
        self.clients.append(client)
        return client


@dataclass
class Kernel:
    """A started kernel, the thread warming it up, and the file its notebook's reads go to."""

    manager: ClientKeepingKernelManager
    warming: threading.Thread
    reads: Path

    def running(self) -> bool:
        """True while the kernel's process is alive."""
        process = getattr(self.manager.provisioner, "process", None)
        return process is not None and process.poll() is None

    def ready(self) -> Kernel | None:
        """Wait for the warm-up; this kernel if it is still alive, else None (it is closed)."""
        self.warming.join()
        if self.running():
            return self
        self.close()
        return None

    def close(self) -> None:
        """Wait for the warm-up, close every client made for the kernel, shut it down."""
        self.warming.join()
        for client in self.manager.clients:
            client.stop_channels()
        self.manager.clients.clear()
        if self.manager.has_kernel:
            run_sync(self.manager.shutdown_kernel)(now=True)
        self.reads.unlink(missing_ok=True)


def start_kernel(paths: Paths) -> Kernel:
    """Start a fresh kernel for one notebook and send it the warm-up imports.

    The warm-up runs in a thread that waits for the kernel's reply before it closes its
    client, so this returns as soon as the kernel process has started.
    """
    paths.logs.mkdir(parents=True, exist_ok=True)
    reads = paths.build / "reads" / f"{uuid.uuid4().hex}.jsonl"
    reads.parent.mkdir(parents=True, exist_ok=True)
    manager = ClientKeepingKernelManager(kernel_name="python3")
    environment = {**os.environ, READ_SET_VARIABLE: str(reads)}
    with open(paths.logs / "kernels.log", "ab") as kernel_log:
        run_sync(manager.start_kernel)(cwd=str(paths.notebooks), stderr=kernel_log, stdout=kernel_log, env=environment)
    warming = threading.Thread(target=warm_up, args=(manager,), name="kernel warm-up", daemon=True)
    warming.start()
    return Kernel(manager, warming, reads)


def warm_up(manager: AsyncKernelManager) -> None:
    """Send the warm-up code and wait for the kernel's reply (in its own thread).

    Only the shell channel is opened, and it is closed only after the reply (or the
    kernel's death): a client closed straight after `start_channels()` destroys its zmq
    context under its own heartbeat thread, which then fails to make its socket ("Too many
    open files"). `asyncio.run` closes the thread's event loop, so nothing is left open.
    """
    asyncio.run(execute_quietly(manager, WARM_UP_CODE, WARM_UP_TIMEOUT_SECONDS))


async def execute_quietly(manager: AsyncKernelManager, code: str, timeout: float) -> dict | None:
    """Run `code` in the kernel on the shell channel alone; its reply, or None when none
    came within `timeout` seconds or the kernel died first."""
    client = AsyncKernelClient(parent=manager, **manager.get_connection_info(session=True))
    client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    process = getattr(manager.provisioner, "process", None)
    try:
        request = client.execute(code, silent=True, store_history=False)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process is not None and process.poll() is None:
            try:
                reply = await client.get_shell_msg(timeout=0.5)
            except queue.Empty:
                continue
            if reply.get("parent_header", {}).get("msg_id") == request:
                return reply
        return None
    finally:
        client.stop_channels()


class KernelPool:
    """The kernels of one worker process: the one a notebook runs in, and the next one warming.

    In a one-shot build, workers share three counters: `waiting` (jobs not yet started),
    `idle` (warm kernels no job has taken) and `alive` (kernels started and not yet shut
    down), so a worker warms a kernel only for a job that will need one, and only while
    fewer than `most` kernels are alive. The cap bounds the build's memory (each kernel
    holds pandas, Altair and vl-convert's engine, about 230 MB); a worker that finds no warm
    kernel of its own starts one, which costs little on a build whose processors are busy
    with the other worker's notebook and warm-up. With `keep_warm` (workers kept between
    builds, as preview does) a warm kernel is always ready: its successor starts in the
    background after each job.
    """

    def __init__(self, paths: Paths, waiting=None, idle=None, keep_warm: bool = False, alive=None, most: int | None = None):
        self.paths = paths
        self.waiting, self.idle = waiting, idle
        self.alive, self.most = alive, most
        self.keep_warm = keep_warm
        self.warm: Kernel | None = None
        self.replacing: threading.Thread | None = None

    def start(self) -> None:
        """Warm the first kernel (in a one-shot build, only if a job will need it)."""
        if self.keep_warm:
            self.warm = start_kernel(self.paths)
        else:
            self._warm_next()

    def take(self) -> Kernel:
        """A warm kernel for a job (a fresh one if none is warm or it died), warm-up done.

        In a one-shot build, the next kernel starts warming while this one runs."""
        if self.replacing is not None:
            self.replacing.join()
            self.replacing = None
        if not self.keep_warm:
            with self.waiting.get_lock():
                self.waiting.value -= 1
                if self.warm is not None:
                    self.idle.value -= 1
                else:
                    self._count(+1)  # the kernel started below, in place of a warm one
        kernel, self.warm = self.warm, None
        kernel = kernel.ready() if kernel is not None else None
        if kernel is None:
            kernel = start_kernel(self.paths)
            kernel.warming.join()
        if not self.keep_warm:
            self._warm_next()
        return kernel

    def done(self, kernel: Kernel) -> None:
        """The job is over: shut its kernel down (kept workers: and warm its successor in the
        background, so the job's result goes back at once)."""
        if not self.keep_warm:
            kernel.close()
            with self.waiting.get_lock():
                self._count(-1)
            return

        def replace() -> None:
            kernel.close()
            self.warm = start_kernel(self.paths)
            self.warm.warming.join()

        self.replacing = threading.Thread(target=replace, name="kernel replacement", daemon=True)
        self.replacing.start()

    def close(self) -> None:
        """Shut down the warm kernel no job used."""
        if self.replacing is not None:
            self.replacing.join()
            self.replacing = None
        kernel, self.warm = self.warm, None
        if kernel is not None:
            if not self.keep_warm:
                with self.waiting.get_lock():
                    self.idle.value -= 1
                    self._count(-1)
            kernel.close()

    def _warm_next(self) -> None:
        """Warm a kernel for a later job, unless idle warm kernels already cover the jobs
        waiting or `most` kernels are alive."""
        with self.waiting.get_lock():
            if self.waiting.value <= self.idle.value:
                return
            if self.alive is not None and self.most is not None and self.alive.value >= self.most:
                return
            self.idle.value += 1
            self._count(+1)
        self.warm = start_kernel(self.paths)

    def _count(self, change: int) -> None:
        """Record a kernel started (+1) or shut down (-1); the caller holds the lock."""
        if self.alive is not None:
            self.alive.value += change
