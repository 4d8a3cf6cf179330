"""Where a build's messages go: its own lines to the console, everything else to a log file.

A good build is silent: library warnings (Great Expectations, jupyter_client, Altair) and
other libraries' log records are kept in build/logs/build-<time>-<pid>.log (the newest
KEPT_BUILD_LOGS are kept), and shown on the console only with --verbose. The build's child
processes (validation, workers) write theirs to the same file.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

from briefing.config import Paths

# A log record with this `extra` goes to the build's log file only, never to the console.
FILE_ONLY = {"file_only": True}
KEPT_BUILD_LOGS = 20


@contextmanager
def build_log(paths: Paths, verbose: bool = False):
    """Keep the build's library warnings and messages in build/logs/build-<time>-<pid>.log.

    Records of the `briefing` logger reach the console as before (the CLI decides); Python
    warnings and other libraries' records go to the file, and also to the console only with
    `verbose`. Yields the log file's path.
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
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        # Set directly: logging.captureWarnings does nothing if an earlier caller left it on.
        warnings.showwarning = _log_warning
        try:
            yield log_file
        finally:
            root.setLevel(previous_level)
            root.removeHandler(handler)
            handler.close()
            for old in sorted(paths.logs.glob("build-*.log"), key=lambda p: p.stat().st_mtime)[:-KEPT_BUILD_LOGS]:
                old.unlink(missing_ok=True)


def _log_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A Python warning as a record of the 'py.warnings' logger, like logging.captureWarnings."""
    logging.getLogger("py.warnings").warning("%s", warnings.formatwarning(message, category, filename, lineno, line).rstrip())


def start_child_process(log_file: Path | None, verbose: bool) -> None:
    """In a build's child process: leave Ctrl-C to the build, and keep library output
    (warnings, kernel-client messages) in the build's log file unless `verbose`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if log_file is not None and not verbose:
        descriptor = os.open(log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.dup2(descriptor, 1)
        os.dup2(descriptor, 2)
        os.close(descriptor)
    logging.captureWarnings(True)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format=f"%(asctime)s %(name)s[{os.getpid()}] %(levelname)s %(message)s")


def worker_log(paths: Paths) -> Path:
    """The log file of workers kept between builds (preview): build/logs/preview-workers.log."""
    paths.logs.mkdir(parents=True, exist_ok=True)
    return paths.logs / "preview-workers.log"
