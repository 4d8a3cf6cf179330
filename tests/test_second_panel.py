"""A second Panel, made up, in Wales: the Afonwen Police and Crime Panel.

Set up in a temporary folder with `briefing new-panel` and the data-only steps of
CONTRIBUTING.md's walkthroughs ("Set up the workbook for another Panel", "The precept
report arrives"): panel.yaml's declared membership, two made-up papers and their rows, and
params for a precept meeting and its reserve meeting. Built end to end with the installed
`briefing` command and no change to any .py file or template.

Everything about Afonwen is fictional: the Panel, the area, the force, the members, the
papers and every figure in them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from workbook_edits import append_row, period_figure, section, visible_text

from briefing import rules
from briefing.new_panel import new_panel
from briefing.panel import load_panel

pytestmark = pytest.mark.slow

ANSWERS = {
    "panel_name": "Afonwen Police and Crime Panel",
    "police_area": "Afonwen",
    "force": "Heddlu Afonwen Police",
    "commissioner_title": "Police and Crime Commissioner",
    "nation": "Wales",
    "host_authority": "Cyngor Sir Afonwen",
    "support_contact": "Swyddog Cymorth y Panel, Cyngor Sir Afonwen",
}
FIRST, RESERVE, YEAR = "2026-01-28", "2026-02-18", "2026/27"
REPORT, PANEL_REPORT = "afonwen-2026-01-28-precept", "afonwen-2026-02-02-veto-report"
RESPONSE = "afonwen-2026-02-10-revised-precept"
THIS_YEAR = {"period_start": "2026-04-01", "period_end": "2027-03-31", "date_precision": "month"}
LAST_YEAR = {"period_start": "2025-04-01", "period_end": "2026-03-31", "date_precision": "month"}

# The declared membership: twelve members on 28 January 2026, and two who are not (one left
# before, one joins after), so the count must be taken on the meeting's date.
MEMBERSHIP = """membership:
  - {name: Cllr Aled Ffug, role: chair, councillor: true, source: "made up"}
  - {name: Bethan Dychmyg, role: vice_chair, councillor: false, source: "made up"}
  - {name: Cllr Carys Ffug, councillor: true, source: "made up"}
  - {name: Cllr Dafydd Ffug, councillor: true, source: "made up"}
  - {name: Cllr Elin Ffug, councillor: true, source: "made up"}
  - {name: Cllr Ffion Ffug, councillor: true, source: "made up"}
  - {name: Cllr Gareth Ffug, councillor: true, source: "made up"}
  - {name: Cllr Heledd Ffug, councillor: true, source: "made up"}
  - {name: Cllr Ifan Ffug, councillor: true, source: "made up"}
  - {name: Cllr Llinos Ffug, councillor: true, source: "made up"}
  - {name: Cllr Meirion Ffug, councillor: true, from_date: 2025-06-01, source: "made up"}
  - {name: Nia Dychmyg, councillor: false, from_date: 2025-06-01, source: "made up"}
  - {name: Cllr Owain Ffug, councillor: true, to_date: 2025-05-31, source: "made up"}
  - {name: Cllr Rhian Ffug, councillor: true, from_date: 2026-05-01, source: "made up"}
"""

PAPERS = {
    REPORT: """FICTIONAL TEST PAPER: the Afonwen Police and Crime Panel, its area and every figure below are made up.

AFONWEN POLICE AND CRIME PANEL

28 January 2026

PROPOSED POLICING PRECEPT 2026/27 (FICTIONAL)

1. PURPOSE

1.1 The Commissioner notified the Panel of the proposed precept for 2026/27 on 20 January 2026.

2. THE PROPOSAL

2.1 The Commissioner proposes a Band D precept of £300.00 for 2026/27, against £295.00 in 2025/26.

2.2 This is an increase of £5.00 a year, or 1.7%.

3. FUNDING

3.1 Precept income of £40.0m in 2026/27, against £38.9m in 2025/26.
""",
    PANEL_REPORT: """FICTIONAL TEST PAPER: made up for the workbook's tests.

REPORT OF THE AFONWEN POLICE AND CRIME PANEL ON THE PROPOSED PRECEPT 2026/27

2 February 2026

1.1 The Panel vetoed the proposed precept of £300.00 as too low, by 9 votes to 3.
""",
    RESPONSE: """FICTIONAL TEST PAPER: made up for the workbook's tests.

THE COMMISSIONER'S RESPONSE TO THE PANEL'S VETO

10 February 2026

1.1 The Commissioner proposes a revised Band D precept of £310.00 for 2026/27.
""",
}

MEASURES = [
    ("precept_band_d", "precept", "proposal", "Band D precept", "gbp"),
    ("precept_band_d_increase", "precept", "proposal", "Increase in the Band D precept on the year before", "gbp"),
    ("precept_band_d_increase_pct", "precept", "proposal", "Increase in the Band D precept on the year before (per cent)", "percent"),
    ("precept_income", "precept", "proposal", "Income from the policing precept", "gbp"),
    ("precept_band_d_revised", "precept", "revised", "Revised Band D precept after a veto", "gbp"),
]

# figure_id, measure_key, label, value, as printed, source, section, public date, year
FIGURES = [
    ("band_d_2026_27", "precept_band_d", "Proposed Band D precept", "300", "£300.00", REPORT, "para 2.1", FIRST, THIS_YEAR),
    ("band_d_2025_26", "precept_band_d", "Band D precept", "295", "£295.00", REPORT, "para 2.1", FIRST, LAST_YEAR),
    ("band_d_increase_2026_27", "precept_band_d_increase", "Proposed increase", "5", "£5.00", REPORT, "para 2.2", FIRST, THIS_YEAR),
    (
        "band_d_increase_pct_2026_27",
        "precept_band_d_increase_pct",
        "Proposed increase (per cent)",
        "1.7",
        "1.7%",
        REPORT,
        "para 2.2",
        FIRST,
        THIS_YEAR,
    ),
    ("precept_income_2026_27", "precept_income", "Precept income", "40000000", "£40.0m", REPORT, "para 3.1", FIRST, THIS_YEAR),
    ("precept_income_2025_26", "precept_income", "Precept income", "38900000", "£38.9m", REPORT, "para 3.1", FIRST, LAST_YEAR),
    (
        "band_d_revised_2026_27",
        "precept_band_d_revised",
        "Revised Band D precept",
        "310",
        "£310.00",
        RESPONSE,
        "para 1.1",
        "2026-02-10",
        THIS_YEAR,
    ),
]

# Names of the workbook this repository holds, none of which may appear on Afonwen's pages.
OTHER_PANEL = ("Cambridgeshire", "Peterborough", "Huntingdon", "Fenland", "Constabulary", "Business Coordination Board")


def briefing(args, cwd: Path) -> subprocess.CompletedProcess:
    """The installed `briefing` command run from inside the workbook, with no BRIEFING_* set."""
    script = Path(sys.executable).with_name("briefing")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_")}
    return subprocess.run([str(script), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)


@pytest.fixture(scope="module")
def afonwen(tmp_path_factory):
    base = tmp_path_factory.mktemp("afonwen")
    root = new_panel(base / "afonwen", ANSWERS)
    data = root / "data"

    # panel.yaml: the declared membership, as the Panel's support officer records it.
    panel_file = root / "panel.yaml"
    panel_file.write_text(panel_file.read_text(encoding="utf-8").replace("membership: []\n", MEMBERSHIP), encoding="utf-8")

    # The meetings and their agenda items.
    append_row(
        data / "meetings.csv",
        {
            "meeting_date": FIRST,
            "body": "panel",
            "kind": "precept",
            "note": "Made up.",
            "source_id": REPORT,
            "section": "cover",
            "public_date": FIRST,
        },
    )
    append_row(
        data / "meetings.csv",
        {
            "meeting_date": RESERVE,
            "body": "panel",
            "kind": "reserve",
            "note": "Made up.",
            "source_id": RESPONSE,
            "section": "cover",
            "public_date": "2026-02-10",
        },
    )
    for day, title, source, public in (
        (FIRST, "Proposed precept 2026/27", REPORT, FIRST),
        (RESERVE, "Revised precept 2026/27", RESPONSE, "2026-02-10"),
    ):
        append_row(
            data / "agenda_items.csv",
            {
                "meeting_date": day,
                "item_order": "1",
                "title": title,
                "briefing": "precept",
                "source_id": source,
                "section": "cover",
                "public_date": public,
            },
        )

    # The papers, each added with `briefing add-paper`.
    for source_id, paper_date, title in (
        (REPORT, FIRST, "Proposed policing precept 2026/27"),
        (PANEL_REPORT, "2026-02-02", "Panel report on the proposed precept 2026/27"),
        (RESPONSE, "2026-02-10", "The Commissioner's response to the veto"),
    ):
        text = base / f"{source_id}-fictional.txt"
        text.write_text(PAPERS[source_id], encoding="utf-8")
        added = briefing(["add-paper", str(text), "--id", source_id, "--date", paper_date, "--title", title, "--body", "panel"], cwd=root)
        assert added.returncode == 0, added.stderr

    # Measure rows, figure rows, the cycle rows and the decision row.
    for key, kind, topic, name, unit in MEASURES:
        append_row(data / "measures.csv", {"measure_key": key, "briefing": kind, "topic": topic, "name": name, "unit": unit})
    for figure_id, key, label, value, printed, source, part, public, year in FIGURES:
        append_row(data / "figures.csv", period_figure(key, figure_id, label, value, printed, source, part, public, year))
    for step, day, source, public in (
        ("notification", "2026-01-20", REPORT, FIRST),
        ("panel_report", "2026-02-02", PANEL_REPORT, "2026-02-02"),
        ("revised_precept", "2026-02-10", RESPONSE, "2026-02-10"),
    ):
        append_row(
            data / "precept_cycle.csv",
            {"precept_year": YEAR, "step": step, "step_date": day, "source_id": source, "section": "para 1.1", "public_date": public},
        )
    append_row(
        data / "precept_decisions.csv",
        {
            "precept_year": YEAR,
            "meeting_date": FIRST,
            "outcome": "veto too low",
            "votes_for": "9",
            "votes_against": "3",
            "source_id": PANEL_REPORT,
            "section": "para 1.1",
            "public_date": "2026-02-02",
        },
    )

    # Params for the precept meeting and its reserve meeting.
    for day, reserve in ((FIRST, "false"), (RESERVE, "true")):
        (root / "params" / f"{day}.yaml").write_text(
            f"meeting_date: '{day}'\nbriefings:\n  precept:\n    agenda_item: ''\n    precept_year: {YEAR}\n    reserve_meeting: {reserve}\n",
            encoding="utf-8",
        )

    validated = briefing(["validate"], cwd=root)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    built = briefing(["build", "--all"], cwd=root)
    assert built.returncode == 0, built.stdout + built.stderr
    pages = {
        path.relative_to(root / "briefings").as_posix(): path.read_text(encoding="utf-8") for path in (root / "briefings").rglob("*.html")
    }
    return {"root": root, "panel": load_panel(panel_file), "pages": pages, "build": built}


def test_no_py_file_or_template_is_in_the_workbook(afonwen):
    assert not list(afonwen["root"].rglob("*.py")) and not list(afonwen["root"].rglob("*.j2"))


def test_both_precept_pages_are_built(afonwen):
    assert {f"{FIRST}/precept.html", f"{RESERVE}/precept.html", "index.html"} <= set(afonwen["pages"])


def test_every_page_names_only_afonwens_panel(afonwen):
    for name, page in afonwen["pages"].items():
        text = visible_text(page)
        assert "Afonwen Police and Crime Panel" in text, name
        hits = [word for word in OTHER_PANEL if word.lower() in page.lower()]
        assert not hits, f"{name} names {hits}"


def test_the_due_date_uses_wales_bank_holidays(afonwen):
    """England's and Wales's bank holidays are the same in every year the holidays library
    knows (St David's Day is not one), so the check is that Wales's calendar is the one
    chosen, and that the meeting page's due date is the one it gives."""
    panel = afonwen["panel"]
    assert panel.nation == "Wales" and panel.holiday_subdivision == "WLS"
    due = rules.papers_due(date.fromisoformat(FIRST), panel)
    assert due == date(2026, 1, 20)  # five clear working days before Wednesday 28 January
    index = visible_text(afonwen["pages"][f"{FIRST}/index.html"])
    assert "20 January 2026" in index


def test_the_veto_arithmetic_comes_from_the_declared_membership_on_the_meetings_date(afonwen):
    assert len(afonwen["panel"].members_on(date.fromisoformat(FIRST))) == 12
    page = afonwen["pages"][f"{FIRST}/precept.html"]
    veto = section(page, "veto")
    assert "On 28 January 2026 the Panel's declared membership, as the Panel's support officer records it, is 12 members" in veto
    assert "A veto needs 8 votes (two-thirds of 12 is 8), and 5 members voting against or absent would block one" in veto
    issues = section(page, "key-issues")
    assert re.search(r"A veto needs 8 votes, two-thirds of the Panel's 12 members on 28 January 2026 \(its declared membership", issues), (
        issues
    )


def test_the_first_page_states_the_proposal(afonwen):
    assert "DRAFT" not in afonwen["build"].stderr
    issues = section(afonwen["pages"][f"{FIRST}/precept.html"], "key-issues")
    assert re.search(r"The Commissioner proposes £300 for a Band D property in 2026/27, up £5 \(1\.7%\) from £295 in 2025/26", issues), (
        issues
    )


def test_the_reserve_page_follows_the_veto_as_too_low(afonwen):
    page = afonwen["pages"][f"{RESERVE}/precept.html"]
    text = visible_text(page)
    issues = section(page, "key-issues")
    assert re.search(r"vetoed the proposed 2026/27 precept as too low \(9 for, 3 against\) \[\d+\]", text)
    assert "Here it must be higher" in text
    assert re.search(r"The revised precept is £310 \[\d+\] for a Band D property, higher than the proposal of £300 \[\d+\]", text), text
    assert "not the direction the Regulations require" not in issues and "Regulation 5(3) The revised precept" not in text
    assert "The Panel cannot veto again" in text and "no second veto" in text
    assert "this reserve meeting is not needed" not in text
