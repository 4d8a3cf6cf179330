"""Shared fixtures: the real project paths and throwaway copies of the data."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from briefing.config import Paths

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
