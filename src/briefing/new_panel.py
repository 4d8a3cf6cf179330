"""`briefing new-panel DIR`: a new Panel's workbook, made with copier from the template
shipped in the package (src/briefing/workbook_template/).

The new workbook holds its own panel.yaml (from the answers), a data folder with the data
dictionary and every dataset it declares as an empty CSV with its header, the four
notebooks, an empty params folder, README.md and CONTRIBUTING.md. It uses the installed
`briefing` package: run the `briefing` command from inside the workbook (or set
BRIEFING_ROOT to it).
"""

from __future__ import annotations

import csv
from pathlib import Path

from briefing.config import PACKAGE_DIR, PANEL_FILE
from briefing.errors import BriefingError
from briefing.panel import load_panel

TEMPLATE_DIR = PACKAGE_DIR / "workbook_template"
# The briefings' notebooks, beside the package in its repository (an editable install).
# TRANSITIONAL: copier refuses a template path that leads outside the template, so the
# notebooks are copied after it runs until they ship inside the package.
NOTEBOOKS_DIR = PACKAGE_DIR.parents[1] / "notebooks"
QUESTIONS = ("panel_name", "police_area", "force", "commissioner_title", "nation", "host_authority", "support_contact")


class NewPanelError(BriefingError):
    """The folder for a new workbook is not usable, or the answers are not."""

    exit_code = 2


def new_panel(target: Path, answers: dict[str, str], ask: bool = False) -> Path:
    """Create a new Panel's workbook in `target` from the package's copier template.

    `answers` are the template's questions already answered (see QUESTIONS); with `ask`,
    copier asks for the rest at the terminal, otherwise their defaults are taken (a
    question with no default must then be answered). Returns the workbook's root.
    Raises NewPanelError when `target` already holds files or an answer is refused.
    """
    from copier import run_copy
    from copier.errors import CopierError

    notebooks = _notebooks()
    target = Path(target).resolve()
    if target.exists() and any(target.iterdir()):
        raise NewPanelError(f"{target}: the folder is not empty; give a new or empty folder for the workbook")
    unknown = sorted(set(answers) - set(QUESTIONS))
    if unknown:
        raise NewPanelError(f"unknown answers {', '.join(unknown)}; the template asks {', '.join(QUESTIONS)}")
    missing = [name for name in QUESTIONS[:-1] if name not in answers and not ask and name not in ("commissioner_title", "nation")]
    if missing:
        raise NewPanelError(f"answer {', '.join(missing)} (or run at a terminal to be asked)")
    try:
        run_copy(str(TEMPLATE_DIR), str(target), data=dict(answers), defaults=not ask, quiet=True, overwrite=False)
    except CopierError as error:
        raise NewPanelError(f"the workbook could not be created: {error}") from None
    except ValueError as error:  # an answer the template's validator refused
        raise NewPanelError(f"an answer was refused: {error}") from None
    del notebooks  # checked before copier wrote anything
    copy_notebooks(target / "notebooks")
    write_empty_datasets(target / "data")
    load_panel(target / PANEL_FILE)  # the answers make a valid panel.yaml
    return target


def _notebooks() -> list[Path]:
    from briefing.kinds import KINDS

    found = [NOTEBOOKS_DIR / kind.notebook for kind in KINDS.values()]
    absent = [path.name for path in found if not path.is_file()]
    if absent:
        raise NewPanelError(f"this installation of briefing has no {', '.join(absent)}; install it from its repository (pip install -e)")
    return found


def copy_notebooks(folder: Path) -> list[Path]:
    """The four briefings' notebooks, copied into a workbook's notebooks folder."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(path, folder / path.name)) for path in _notebooks()]


def write_empty_datasets(data_dir: Path) -> list[Path]:
    """Every dataset the dictionary declares, as a CSV holding only its header (existing
    files are left alone). Returns the files written."""
    from briefing.schema import load_dictionary

    written = []
    for dataset in load_dictionary(data_dir / "dictionary.yaml").datasets.values():
        path = data_dir / dataset.file
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerow(dataset.column_names)
        written.append(path)
    return written
