"""Putting pages into place: all together or none, in a folder one build holds at a time.

`PageSet` writes every page of a build beside its final name, and renames them into place
only when every one is written, so the output folder always holds whole pages (the last
good ones, or the new ones). `BuildLock` keeps a scheduled run and an analyst from
interleaving their builds.
"""

from __future__ import annotations

import errno
import os
import signal
import tempfile
import threading
from pathlib import Path

from filelock import FileLock, Timeout

from briefing.config import Paths
from briefing.errors import BuildLockedError, DiskFullError, OutputNotWritableError

LOCK_TIMEOUT_SECONDS = 30 * 60


class PageSet:
    """Pages written together: each is written beside its final name first, and only when
    every one has been written are they renamed into place. A full disk or a folder that
    cannot be written leaves every page as it was, with no temporary file behind."""

    def __init__(self):
        self.pending: dict[Path, bytes] = {}

    def add(self, path: Path, content: str) -> None:
        """Queue `content` for `path` (a page whose bytes are unchanged is skipped)."""
        data = content.encode("utf-8")
        if path.exists() and path.read_bytes() == data:
            return
        self.pending[path] = data

    def commit(self) -> list[Path]:
        """Write every queued page and rename them into place; return the pages written.

        Raises DiskFullError or OutputNotWritableError, having removed its temporary files.
        """
        written: list[tuple[Path, Path]] = []
        try:
            for path, data in self.pending.items():
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
                written.append((temporary, path))
                temporary.write_bytes(data)
        except OSError as error:
            for temporary, _ in written:
                temporary.unlink(missing_ok=True)
            raise write_error(error, path) from None
        # Renames are quick and cannot run out of space; hold Ctrl-C until they are all done
        # so an interrupted build never leaves the pack half old, half new.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            for temporary, path in written:
                os.replace(temporary, path)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        self.pending.clear()
        return [path for _, path in written]


def write_error(error: OSError, path: Path) -> Exception:
    """The plain error for a failed page write."""
    where = shown_path(path)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFullError(
            f"the disk is full: {where} could not be written ({error.strerror}); no page was replaced. Free some space and build again."
        )
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputNotWritableError(
            f"{where} could not be written ({error.strerror}); no page was replaced. Fix the folder's permissions or choose another with --output."
        )
    return OutputNotWritableError(f"{where} could not be written ({error.strerror or error}); no page was replaced.")


def shown_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def check_writable(folder: Path) -> None:
    """Raise OutputNotWritableError unless files can be created in `folder` (made if missing)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
            pass
    except OSError as error:
        raise OutputNotWritableError(
            f"{folder} is not writable ({error.strerror or error}); nothing was built. "
            f"Fix its permissions, or write the pack elsewhere with --output FOLDER."
        ) from None


class BuildLock:
    """The two locks a build holds, always taken in this order: build/ (executed notebooks,
    records) and the output folder. Builds into different output folders still share build/.

    Waits up to LOCK_TIMEOUT_SECONDS for another build, saying so through `progress`, then
    raises BuildLockedError.
    """

    def __init__(self, paths: Paths, progress):
        self.folders = (paths.build, paths.briefings)
        self.progress = progress
        self.held: list[FileLock] = []

    def __enter__(self) -> BuildLock:
        try:
            for folder in self.folders:
                lock = FileLock(str(folder / ".lock"))
                try:
                    lock.acquire(timeout=0)
                except Timeout:
                    self.progress.note("Another build is running; waiting for it to finish")
                    try:
                        lock.acquire(timeout=LOCK_TIMEOUT_SECONDS)
                    except Timeout:
                        raise BuildLockedError("another build held the workbook for over 30 minutes; check for a stuck process") from None
                self.held.append(lock)
        except BaseException:
            self.release()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def release(self) -> None:
        """Release the locks held, the output folder's first."""
        for lock in reversed(self.held):
            lock.release()
        self.held.clear()
