"""Publishing: every page into place together, or none; one build at a time."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing.config import Paths
from briefing.errors import DiskFullError, OutputNotWritableError
from briefing.progress import Progress
from briefing.publish import BuildLock, PageSet, check_writable, write_error


def test_pages_go_into_place_together_and_unchanged_pages_are_not_rewritten(tmp_path):
    same, new = tmp_path / "same.html", tmp_path / "meeting" / "new.html"
    same.write_text("same")
    pages = PageSet()
    pages.add(same, "same")
    pages.add(new, "new")
    assert pages.commit() == [new]
    assert new.read_text() == "new" and not list(tmp_path.rglob("*.tmp"))


def test_a_page_that_cannot_be_written_replaces_none(tmp_path, monkeypatch):
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    first.write_text("last good")
    real_write = Path.write_bytes

    def full_on_second(path, data):
        if path.name.startswith(".b.html"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(path, data)

    monkeypatch.setattr(Path, "write_bytes", full_on_second)
    pages = PageSet()
    pages.add(first, "new")
    pages.add(second, "new")
    with pytest.raises(DiskFullError, match="no page was replaced"):
        pages.commit()
    assert first.read_text() == "last good" and not second.exists()
    assert not list(tmp_path.rglob("*.tmp"))


def test_write_errors_say_what_to_do():
    assert isinstance(write_error(OSError(errno.EACCES, "Permission denied"), Path("x.html")), OutputNotWritableError)
    assert "Free some space" in str(write_error(OSError(errno.ENOSPC, "No space left on device"), Path("x.html")))


def test_a_folder_that_cannot_be_made_is_not_writable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OutputNotWritableError, match="is not writable"):
        check_writable(blocker / "briefings")


class Notes(Progress):
    def __init__(self):
        self.notes = []

    def note(self, message):
        self.notes.append(message)


def test_a_second_build_waits_for_the_lock_and_says_so(tmp_path):
    paths = Paths.default(tmp_path)
    for folder in (paths.build, paths.briefings):
        folder.mkdir(parents=True)
    holding = tmp_path / "holding"
    # Another build, in a process of its own, holds the output folder for a moment.
    other = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import pathlib, sys, time; from filelock import FileLock\n"
            "lock = FileLock(sys.argv[1]); lock.acquire(); pathlib.Path(sys.argv[2]).touch(); time.sleep(1); lock.release()",
            str(paths.briefings / ".lock"),
            str(holding),
        ]
    )
    deadline = time.monotonic() + 30
    while not holding.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    notes = Notes()
    with BuildLock(paths, notes) as lock:
        assert len(lock.held) == 2
    other.wait(timeout=30)
    assert notes.notes == ["Another build is running; waiting for it to finish"]
