"""Shared fixtures: the real project paths, throwaway copies of the data, and a pack built
fresh in this test session (what page tests and backtests read: never the committed pack)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from briefing.build import BuildReport, build
from briefing.config import Paths
from briefing.progress import Progress

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def paths() -> Paths:
    """The checkout's own paths (read only in tests)."""
    return Paths.default(ROOT)


@pytest.fixture
def data_copy(tmp_path, paths) -> Paths:
    """Paths whose data folder is a writable copy of the real data."""
    target = tmp_path / "data"
    shutil.copytree(paths.data, target)
    for path in target.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return replace(paths, data=target, build=tmp_path / "build")


@pytest.fixture(scope="session")
def fresh_build(paths, tmp_path_factory) -> tuple[Paths, BuildReport]:
    """Every meeting in params/ built from scratch (as `briefing build --all --force
    --output DIR` does) into a folder of this test session, and the build's report."""
    root = tmp_path_factory.mktemp("pack")
    fresh = replace(paths, briefings=root / "briefings", build=root / "build")
    report = build(fresh, None, force=True, jobs=2)
    return fresh, report


@pytest.fixture(scope="session")
def pack(fresh_build) -> Paths:
    """Paths whose `briefings` is the pack built fresh in this session."""
    return fresh_build[0]


class StageRecorder(Progress):
    """A build's progress, kept: which stages started and what each said when done."""

    def __init__(self):
        self.started: list[str] = []
        self.finished: dict[str, str] = {}

    def stage(self, name, message, total=None):
        self.started.append(name)

    def done(self, name, message):
        self.finished[name] = message


@pytest.fixture
def stages() -> StageRecorder:
    """A progress display that remembers the stages a build went through."""
    return StageRecorder()
