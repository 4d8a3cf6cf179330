"""Two builds at once on the same output folder: one waits for the other's lock, both
succeed, and the folder ends as a complete pack, byte for byte what one build writes.

The builds run the real CLI (`briefing build DATE --force --output DIR`) in subprocesses.
Each runs against a temporary workbook root (BRIEFING_ROOT) whose params/, notebooks/ and
data/ link to this checkout, so their build/ folder (executed notebooks, caches) is their
own and never the checkout's, which other builds may be using.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BRIEFING = Path(sys.executable).with_name("briefing")
MEETING = "2024-02-14"
WAITED = "Another build is running; waiting for it to finish"


def _workbook(tmp: Path, name: str) -> Path:
    """A workbook root sharing this checkout's params, notebooks and data."""
    root = tmp / name
    root.mkdir()
    for folder in ("params", "notebooks", "data"):
        (root / folder).symlink_to(ROOT / folder, target_is_directory=True)
    (root / "panel.yaml").symlink_to(ROOT / "panel.yaml")
    return root


def _start(root: Path, output: Path, log: Path) -> tuple[subprocess.Popen, object]:
    env = dict(os.environ, BRIEFING_ROOT=str(root), BRIEFING_DATA_DIR=str(ROOT / "data"), PYTHONUNBUFFERED="1")
    handle = log.open("w")
    command = [str(BRIEFING), "build", MEETING, "--force", "--output", str(output)]
    return subprocess.Popen(command, cwd=root, env=env, stdout=handle, stderr=subprocess.STDOUT, text=True), handle


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".lock"}


class _Structure(HTMLParser):
    """Counts the page's skeleton tags: a truncated or interleaved page fails the count."""

    SKELETON = ("html", "head", "title", "body", "main", "footer")

    def __init__(self):
        super().__init__()
        self.opened = dict.fromkeys(self.SKELETON, 0)
        self.closed = dict.fromkeys(self.SKELETON, 0)

    def handle_starttag(self, tag, attrs):
        if tag in self.opened:
            self.opened[tag] += 1

    def handle_endtag(self, tag):
        if tag in self.closed:
            self.closed[tag] += 1


@pytest.mark.slow
def test_two_builds_at_once_leave_one_complete_pack(tmp_path):
    assert BRIEFING.exists(), f"{BRIEFING} not found; install the package into this environment"
    shared_root = _workbook(tmp_path, "shared")
    reference_root = _workbook(tmp_path, "reference")
    shared, reference = tmp_path / "pack", tmp_path / "reference-pack"

    started = time.perf_counter()
    runs = [
        _start(shared_root, shared, tmp_path / "first.log"),
        _start(shared_root, shared, tmp_path / "second.log"),
        _start(reference_root, reference, tmp_path / "reference.log"),  # one build alone, for the bytes
    ]
    codes = []
    for process, handle in runs:
        try:
            codes.append(process.wait(timeout=20 * 60))
        finally:
            handle.close()
    seconds = time.perf_counter() - started
    logs = {name: (tmp_path / f"{name}.log").read_text() for name in ("first", "second", "reference")}
    for (name, text), code in zip(logs.items(), codes, strict=True):
        assert code == 0, f"{name} build exited {code}:\n{text[-4000:]}"
    waited = [name for name in ("first", "second") if WAITED in logs[name]]
    assert len(waited) == 1, f"expected exactly one build to wait on the lock, got {waited or 'none'}"
    print(f"two builds on one folder and one alone: {seconds:.1f}s; {waited[0]} waited on the lock")

    files = _files(shared)
    expected = {"index.html", f"{MEETING}/index.html", f"{MEETING}/precept.html"}
    assert expected <= set(files), f"missing from the pack: {sorted(expected - set(files))}"
    leftovers = [p.name for p in shared.rglob("*") if p.name.endswith(".tmp")]
    assert not leftovers, f"temporary files left behind: {leftovers}"
    for name, data in files.items():
        text = data.decode("utf-8")
        assert text.lstrip().lower().startswith("<!doctype html>"), f"{name} does not start with a doctype"
        assert text.rstrip().endswith("</html>"), f"{name} does not end with </html> (truncated?)"
        structure = _Structure()
        structure.feed(text)
        structure.close()
        want = dict.fromkeys(_Structure.SKELETON, 1)
        assert structure.opened == want and structure.closed == want, (
            f"{name}: skeleton tags opened {structure.opened}, closed {structure.closed}"
        )
    assert files.keys() == _files(reference).keys(), "the two packs hold different files"
    different = [name for name, data in files.items() if data != _files(reference)[name]]
    assert not different, f"pages differ from a single build's: {different}"
