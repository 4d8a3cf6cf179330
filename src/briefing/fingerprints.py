"""Fingerprints of a build's inputs, cheap to compute (no pandas, no Jupyter imports).

A briefing is rebuilt only when the fingerprint of what it depends on changes: its
notebook, the data (dictionary, datasets, raw papers), its parameters and the meetings
that share its topic, this package's code and templates, and the versions of the
libraries that shape the output.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

from briefing.typed_yaml import safe_load

PACKAGE_DIR = Path(__file__).resolve().parent
# Every library whose version can change the bytes of a page: the charts (altair,
# vl-convert), the notebook run and its conversion (papermill, nbformat, nbconvert, mistune,
# pygments), the words (jinja2, markupsafe, babel formats every number and date), the data
# (pandas, numpy) and the calendar arithmetic (holidays, python-dateutil).
RENDERING_LIBRARIES = (
    "altair",
    "babel",
    "holidays",
    "jinja2",
    "markupsafe",
    "mistune",
    "nbconvert",
    "nbformat",
    "numpy",
    "pandas",
    "papermill",
    "pygments",
    "python-dateutil",
    "vl-convert-python",
)


def fingerprint(paths: list[Path]) -> str:
    """SHA-256 over the names and bytes of `paths` (missing files count as absent)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def data_files(data_dir: Path) -> list[Path]:
    """Every file the datasets depend on: dictionary, declared CSVs, raw papers."""
    data_dir = Path(data_dir)
    dictionary = data_dir / "dictionary.yaml"
    declared = safe_load(dictionary.read_text(encoding="utf-8"))["datasets"]
    files = [dictionary] + [data_dir / spec["file"] for spec in declared.values()]
    papers = data_dir / "raw" / "papers"
    return files + sorted(papers.glob("*.txt")) + sorted(papers.glob("*.index.csv"))


def panel_files(data_dir: Path) -> list[Path]:
    """The Panel's identity the pages name (panel.yaml): the workbook's, and the one beside
    `data_dir` where that is another workbook's data."""
    from briefing.config import PANEL_FILE, Paths

    found = {Paths.default().panel, Path(data_dir).resolve().parent / PANEL_FILE}
    return sorted(path for path in found if path.is_file())


def data_fingerprint(data_dir: Path) -> str:
    """Fingerprint of all data inputs, with panel.yaml (a new name or nation changes pages)."""
    return fingerprint(data_files(data_dir) + panel_files(data_dir))


def code_files() -> list[Path]:
    """The package's modules and templates."""
    files = sorted(PACKAGE_DIR.glob("*.py")) + sorted(p for p in (PACKAGE_DIR / "templates").rglob("*") if p.is_file())
    return [p for p in files if "__pycache__" not in p.parts]


def library_versions() -> dict[str, str]:
    """Versions of the libraries whose output lands in the pages."""
    versions = {}
    for name in RENDERING_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def code_fingerprint(versions: dict[str, str] | None = None) -> str:
    """Fingerprint of this package's code, templates and rendering libraries.

    `versions` maps each library to its version (default: the installed ones, see
    `library_versions`); a page built with other versions is stale.
    """
    digest = hashlib.sha256(fingerprint(code_files()).encode())
    digest.update(json.dumps(library_versions() if versions is None else versions, sort_keys=True).encode())
    return digest.hexdigest()


VALIDATION_MODULES = ("validation.py", "trace.py", "citations.py", "paper_index.py", "schema.py", "datasets.py", "fingerprints.py")
VALIDATION_LIBRARIES = ("great-expectations", "pandas")


def validation_code_fingerprint() -> str:
    """Fingerprint of the code that decides whether data is valid: the package's
    validation modules and the versions of Great Expectations and pandas."""
    digest = hashlib.sha256()
    for module in VALIDATION_MODULES:
        digest.update((PACKAGE_DIR / module).read_bytes())
    for name in VALIDATION_LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=absent".encode())
    return digest.hexdigest()


def validation_key(data_dir: Path) -> str:
    """What a successful validation depends on: the data and the validation code."""
    digest = hashlib.sha256(data_fingerprint(data_dir).encode())
    digest.update(validation_code_fingerprint().encode())
    return digest.hexdigest()


def validation_stamp(cache_dir: Path, data_dir: Path) -> Path:
    """The file whose presence records a passed validation of exactly this data and code."""
    return Path(cache_dir) / "validated" / validation_key(data_dir)


def combine(*parts: str) -> str:
    """One fingerprint from several."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()
