"""What the end-to-end tests do to a copy of a workbook as an analyst would (add a row to a
dataset), and how they read a built page as a member would (its visible text, one section)."""

from __future__ import annotations

import csv
import html
import re
import shutil
from dataclasses import replace
from pathlib import Path

from briefing.config import Paths


def writable_copy(paths: Paths, root: Path) -> Paths:
    """A copy of the workbook's data and params under `root`, writable, that builds into
    `root` (the shipped files are never touched)."""
    data, params = root / "data", root / "params"
    shutil.copytree(paths.data, data)
    for path in data.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    shutil.copytree(paths.params, params)
    return replace(paths, data=data, params=params, briefings=root / "briefings", build=root / "build")


def period_figure(
    measure_key: str, figure_id: str, label: str, value: str, printed: str, source: str, part: str, public: str, year: dict
) -> dict:
    """A figures.csv row: an exact reading over a period (`year`: period_start, period_end)."""
    return {
        "figure_id": figure_id,
        "measure_key": measure_key,
        "label": label,
        "value": value,
        "qualifier": "exact",
        "as_printed": printed,
        "reading": "period",
        **year,
        "source_id": source,
        "section": part,
        "public_date": public,
    }


def append_row(path: Path, row: dict) -> None:
    """Append one row to a CSV under its header's column order (blank where not given); a
    column the file does not have fails the test rather than being dropped."""
    with open(path, newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    unknown = set(row) - set(header)
    assert not unknown, f"{Path(path).name} has no column {sorted(unknown)}"
    with open(path, "a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow([row.get(column, "") for column in header])


def visible_text(page: str) -> str:
    """The words of a page a member reads: no styles, charts or tags, entities unescaped,
    white space collapsed and no space before closing punctuation."""
    page = re.sub(r"<style>.*?</style>|<svg.*?</svg>", " ", page, flags=re.S)
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    return re.sub(r"\( ", "(", re.sub(r" ([).,;])", r"\1", text))


def section(page: str, section_id: str) -> str:
    """The visible text of one h2 section of a page."""
    match = re.search(rf'<h2 id="{section_id}".*?(?=<h2 |</main>|$)', page, flags=re.S)
    assert match, f"no section {section_id}"
    return visible_text(match.group(0))
