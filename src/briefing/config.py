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
PANEL_FILE = "panel.yaml"


def _workbook_root() -> Path:
    """BRIEFING_ROOT if set; else the nearest folder at or above the working directory that
    holds a panel.yaml (a workbook made by `briefing new-panel`); else this checkout."""
    if "BRIEFING_ROOT" in os.environ:
        return Path(os.environ["BRIEFING_ROOT"])
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / PANEL_FILE).is_file():
            return folder
    return PACKAGE_DIR.parents[1]


PROJECT_ROOT = _workbook_root().resolve()
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
    def panel(self) -> Path:
        """The Panel's identity (panel.yaml at the top of the workbook)."""
        return self.root / PANEL_FILE

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
