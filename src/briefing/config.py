"""Where everything lives. Every path the package uses is derived here.

`BRIEFING_ROOT` points the whole workbook at another checkout; `BRIEFING_DATA_DIR` points
only the data at another folder (tests build from fixture data this way). Kernels started
by a build inherit both, so a notebook always reads the data its build validated.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = Path(os.environ.get("BRIEFING_ROOT", PACKAGE_DIR.parents[1])).resolve()
TEMPLATES_DIR = PACKAGE_DIR / "templates"
NBCONVERT_TEMPLATE = "briefing"


@dataclass(frozen=True)
class Paths:
    """The folders one build reads and writes."""

    root: Path
    data: Path
    params: Path
    notebooks: Path
    briefings: Path
    build: Path

    @classmethod
    def default(cls, root: Path | None = None) -> Paths:
        """Paths of the checkout at `root` (by default BRIEFING_ROOT as it is now, else the project root)."""
        root = Path(root or os.environ.get("BRIEFING_ROOT") or PROJECT_ROOT).resolve()
        data = Path(os.environ.get("BRIEFING_DATA_DIR", root / "data")).resolve()
        return cls(
            root=root,
            data=data,
            params=root / "params",
            notebooks=root / "notebooks",
            briefings=root / "briefings",
            build=root / "build",
        )

    @property
    def dictionary(self) -> Path:
        return self.data / "dictionary.yaml"

    @property
    def raw_papers(self) -> Path:
        return self.data / "raw" / "papers"

    @property
    def executed(self) -> Path:
        """Executed notebooks kept for audit (not circulated)."""
        return self.build / "executed"

    @property
    def failed(self) -> Path:
        """Executed notebooks of failed runs, kept for debugging."""
        return self.build / "failed"

    @property
    def cache(self) -> Path:
        return self.build / "cache"

    @property
    def logs(self) -> Path:
        return self.build / "logs"

    def notebook(self, kind: str) -> Path:
        return self.notebooks / f"{kind}.ipynb"

    def params_file(self, meeting_date: str) -> Path:
        return self.params / f"{meeting_date}.yaml"

    def meeting_dir(self, meeting_date: str) -> Path:
        return self.briefings / meeting_date

    def briefing_html(self, meeting_date: str, kind: str) -> Path:
        return self.meeting_dir(meeting_date) / f"{kind}.html"
