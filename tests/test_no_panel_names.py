"""What belongs to one Panel is data (STYLE.md rule 17): no file of src/, notebooks/ or the
templates names the Panel, its area, force, host authority, members, boards, Plan themes or
the data's districts. The names are read from panel.yaml and the dictionary's `csp_area`
vocabulary, so the scan follows the workbook's own Panel."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from briefing import panel as panel_identity
from briefing.config import PACKAGE_DIR

ROOT = Path(__file__).resolve().parents[1]

# Words of a Panel's, area's, force's or council's name that every Panel shares; the rest
# of such a name (e.g. the county) is the Panel's own.
GENERIC = {
    "and", "of", "the", "for", "Police", "Crime", "Panel", "Commissioner", "Fire", "Rescue", "Constabulary",
    "Force", "Service", "Council", "City", "County", "Borough", "District", "Authority", "Combined", "Mayor",
    "North", "South", "East", "West", "Board", "Plan", "Business", "Coordination",
}  # fmt: skip

SCANNED_SUFFIXES = {".py", ".j2", ".ipynb", ".txt", ".css", ".yml", ".yaml", ".md", ".jinja"}


def _own_names(paths) -> set[str]:
    """The Panel's own names: whole phrases and their distinctive words."""
    panel = panel_identity.current(paths)
    dictionary = yaml.safe_load(paths.dictionary.read_text(encoding="utf-8"))
    phrases = [panel.name, panel.police_area, panel.force, panel.host_authority]
    phrases += [member.name for member in panel.membership]
    if panel.support_contact:
        phrases.append(panel.support_contact.split(",")[0])
    phrases += [body.name for body in panel.bodies if body.id != "panel"]
    phrases += [plan.name for plan in panel.plans] + panel.all_themes()
    districts = dictionary["vocabularies"].get("csp_area", [])
    words = {word for phrase in [*phrases[:4], *districts, *phrases[-len(panel.bodies) :]] for word in re.findall(r"[\w'-]+", phrase)}
    return {*phrases, *districts, *(word for word in words if word not in GENERIC and len(word) > 3)}


def _scanned_files() -> list[Path]:
    roots = [PACKAGE_DIR, ROOT / "notebooks"]
    files = [path for root in roots for path in root.rglob("*") if path.is_file() and path.suffix in SCANNED_SUFFIXES]
    return sorted(path for path in files if ".ipynb_checkpoints" not in path.parts and "__pycache__" not in path.parts)


def test_the_scan_knows_the_panels_names(paths):
    names = _own_names(paths)
    assert {"Cambridgeshire", "Peterborough", "Fenland", "Edward Leigh", "Business Coordination Board"} <= names


def test_no_code_notebook_or_template_names_the_panel_its_area_people_or_districts(paths):
    names = sorted(_own_names(paths), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(name) for name in names) + r")(?![\w-])")
    hits = []
    for path in _scanned_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in pattern.finditer(line):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)!r}")
    assert not hits, "Panel's own names in code, notebooks or templates (take them from panel.yaml):\n" + "\n".join(hits)
