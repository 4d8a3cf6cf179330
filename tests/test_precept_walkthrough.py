"""CONTRIBUTING.md's walkthrough "The precept report arrives", followed with made-up papers
(tests/fixtures/papers/*-fictional.txt: every figure in them is fictional) in a temporary
copy of the workbook, with data files only: no .py file or template is touched.

The precept report for 31 January 2024 gives a page that states the proposal from the
data, each figure cited and set against last year's; the Panel's veto (as too high) and a
revised precept in the wrong direction, added as data, give a reserve page that states the
direction rule, flags the revised precept with regulation 5(3) and says there is no second
veto. The shipped 1 February 2023 meeting, still without its proposal paper, is the one
draft the build warns the analyst about."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from workbook_edits import append_row, period_figure, section, visible_text, writable_copy

from briefing.build import build
from briefing.cli import main
from briefing.papers import add_paper

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "papers"
FIRST, RESERVE, YEAR = "2024-01-31", "2024-02-14", "2024/25"
REPORT, PANEL_REPORT, RESPONSE = "pcp-2024-01-31-precept", "pcp-2024-02-02-precept-report", "opcc-2024-02-09-revised-precept"
THIS_YEAR = {"period_start": "2024-04-01", "period_end": "2025-03-31", "date_precision": "month"}
LAST_YEAR = {"period_start": "2023-04-01", "period_end": "2024-03-31", "date_precision": "month"}

# figure_id, measure_key, label, value, as printed, section, year
PROPOSAL = [
    ("precept_band_d_2024_25", "precept_band_d", "Proposed Band D precept", "250", "£250.00", "para 2.1", THIS_YEAR),
    ("precept_band_d_2023_24", "precept_band_d", "Band D precept", "240", "£240.00", "para 2.1", LAST_YEAR),
    (
        "precept_band_d_increase_2024_25",
        "precept_band_d_increase",
        "Proposed increase in the Band D precept",
        "10",
        "£10.00",
        "para 2.2",
        THIS_YEAR,
    ),
    (
        "precept_band_d_increase_pct_2024_25",
        "precept_band_d_increase_pct",
        "Proposed increase (per cent)",
        "4.2",
        "4.2%",
        "para 2.2",
        THIS_YEAR,
    ),
    (
        "precept_referendum_limit_2024_25",
        "precept_referendum_limit",
        "Most allowed without a referendum",
        "13",
        "£13.00",
        "para 2.3",
        THIS_YEAR,
    ),
    ("precept_income_2024_25", "precept_income", "Precept income", "99900000", "£99.9m", "para 3.1", THIS_YEAR),
    ("precept_income_2023_24", "precept_income", "Precept income", "95100000", "£95.1m", "para 3.1", LAST_YEAR),
    ("government_grant_2024_25", "government_grant", "Government grant", "111100000", "£111.1m", "para 3.2", THIS_YEAR),
    ("government_grant_2023_24", "government_grant", "Government grant", "108800000", "£108.8m", "para 3.2", LAST_YEAR),
    ("total_budget_2024_25", "total_budget", "Total budget", "211000000", "£211.0m", "para 3.3", THIS_YEAR),
    ("total_budget_2023_24", "total_budget", "Total budget", "203900000", "£203.9m", "para 3.3", LAST_YEAR),
]


@pytest.fixture(scope="module")
def workbook(paths, tmp_path_factory):
    root = tmp_path_factory.mktemp("precept-report")
    work = writable_copy(paths, root)
    data = work.data

    # 1. Add the Commissioner's precept report.
    add_paper(
        work,
        FIXTURES / "precept-report-2024-25-fictional.txt",
        REPORT,
        FIRST,
        "Proposed policing precept 2024/25",
        "panel",
        agenda_item="5",
        contents="The Commissioner's proposed precept for 2024/25 and the budget behind it.",
    )
    # 2. Find its figures.
    listed = CliRunner().invoke(main, ["candidates", REPORT], env={"BRIEFING_DATA_DIR": str(data)})
    # 3. One figure row per figure, reusing the proposal topic's measure keys.
    for figure_id, key, label, value, printed, part, year in PROPOSAL:
        append_row(data / "figures.csv", period_figure(key, figure_id, label, value, printed, REPORT, part, FIRST, year))
    # 4. The cycle row: the date the Commissioner notified the Panel.
    append_row(
        data / "precept_cycle.csv",
        {
            "precept_year": YEAR,
            "step": "notification",
            "step_date": "2024-01-22",
            "source_id": REPORT,
            "section": "para 1.1",
            "public_date": FIRST,
        },
    )
    # 5. After the meeting: the Panel's report (the decision row) and the Commissioner's response
    # (the revised precept's figure row and its cycle row).
    add_paper(
        work,
        FIXTURES / "panel-precept-report-2024-25-fictional.txt",
        PANEL_REPORT,
        "2024-02-02",
        "Panel report on the proposed precept 2024/25",
        "panel",
    )
    append_row(
        data / "precept_decisions.csv",
        {
            "precept_year": YEAR,
            "meeting_date": FIRST,
            "outcome": "veto too high",
            "votes_for": "10",
            "votes_against": "3",
            "source_id": PANEL_REPORT,
            "section": "para 1.1",
            "public_date": "2024-02-02",
        },
    )
    append_row(
        data / "precept_cycle.csv",
        {
            "precept_year": YEAR,
            "step": "panel_report",
            "step_date": "2024-02-02",
            "source_id": PANEL_REPORT,
            "section": "para 1.1",
            "public_date": "2024-02-02",
        },
    )
    add_paper(
        work,
        FIXTURES / "commissioner-revised-precept-2024-25-fictional.txt",
        RESPONSE,
        "2024-02-09",
        "The Commissioner's response to the veto",
        "panel",
    )
    append_row(
        data / "figures.csv",
        period_figure(
            "precept_band_d_revised",
            "precept_band_d_revised_2024_25",
            "Revised Band D precept",
            "255",
            "£255.00",
            RESPONSE,
            "para 1.1",
            "2024-02-09",
            THIS_YEAR,
        ),
    )
    append_row(
        data / "precept_cycle.csv",
        {
            "precept_year": YEAR,
            "step": "revised_precept",
            "step_date": "2024-02-09",
            "source_id": RESPONSE,
            "section": "para 1.1",
            "public_date": "2024-02-09",
        },
    )

    report = build(work, dates=["2023-02-01", FIRST, RESERVE], jobs=1)
    pages = {day: (work.briefings / day / "precept.html").read_text(encoding="utf-8") for day in (FIRST, RESERVE)}
    return {"report": report, "pages": pages, "candidates": listed.output}


def test_candidates_lists_the_reports_figures(workbook):
    assert re.search(r"para 2\.1\tp\.\?\t£250\.00\tgbp", workbook["candidates"])


def test_the_note_states_the_proposal_each_figure_cited_and_set_against_last_year(workbook):
    page = workbook["pages"][FIRST]
    issues = section(page, "key-issues")
    assert re.search(
        r"The report: The Commissioner proposes £250 for a Band D property in 2024/25, up £10 \(4\.2%\) from £240 in 2023/24;"
        r" the most allowed without a referendum was £13\. \[\d+\]",
        issues,
    ), issues
    assert re.search(
        r"Behind it, in 2024/25: income from the policing precept £99\.9 million \(up from £95\.1 million\),"
        r" government grant for policing £111\.1 million \(up from £108\.8 million\)"
        r" and total budget \(net revenue funding\) £211 million \(up from £203\.9 million\)\. \[\d+\]",
        issues,
    ), issues
    enquiries = section(page, "lines-of-enquiry")
    assert re.search(r"Prompted by: A proposed Band D precept of £250 in 2024/25, against a referendum limit of £13\. \[\d+\]", enquiries)


@pytest.mark.parametrize("day", [FIRST, RESERVE])
def test_the_note_reads_in_five_minutes_or_less(workbook, day):
    minutes = re.search(r"Reading time: note (\d+) min", visible_text(workbook["pages"][day]))
    assert minutes and int(minutes.group(1)) <= 5


def test_the_proposal_section_cites_every_figure_and_last_years(workbook):
    proposal = section(workbook["pages"][FIRST], "proposal")
    assert re.search(
        r"£250 \[\d+\] for a Band D property in 2024/25, up £10 \[\d+\] \(4\.2% \[\d+\]\) from £240 \[\d+\] in 2023/24", proposal
    )
    assert re.search(r"the most allowed without a referendum in 2024/25 was £13 \[\d+\]", proposal)
    assert re.search(
        r"Government grant for policing £111\.1 million \[\d+\] \(2024/25\) £108\.8 million \[\d+\] \(2023/24\) up £2\.3 million", proposal
    )
    assert "Proposed policing precept 2024/25" in section(workbook["pages"][FIRST], "sources")


def test_the_page_never_says_the_papers_lack_the_proposal(workbook):
    page = workbook["pages"][FIRST]
    text = visible_text(page)
    assert "Draft" not in text
    assert "holds the Commissioner's proposed" not in text and "precept is not in the papers" not in text
    assert "The proposed 2024/25 precept and its Band D amount" not in text
    assert "Band D precept" not in section(page, "proposal").split("give no 2024/25 figure for")[-1]
    assert re.search(r"notifies the Panel of the proposed precept By 1 February 2024 22 January 2024 \[\d+\] On time", text)


def test_only_the_meeting_without_its_proposal_is_a_draft_and_the_build_says_so_once(workbook):
    assert workbook["report"].warnings == [
        "2023-02-01 precept: no paper public by the meeting holds the 2023/24 proposal (Band D precept); the page is marked DRAFT"
    ]


def test_the_reserve_page_checks_the_revised_precept_against_the_veto(workbook):
    text = visible_text(workbook["pages"][RESERVE])
    issues = section(workbook["pages"][RESERVE], "key-issues")
    assert "not the direction the Regulations require" in issues and "The Panel cannot veto again" in issues
    assert re.search(r"vetoed the proposed 2024/25 precept as too high \(10 for, 3 against\) \[\d+\]", text)
    assert "lower than the proposal if the Panel vetoed it as too high, higher if too low" in text and "regulation 5(3)" in text
    assert "Here it must be lower" in text
    assert re.search(r"The revised precept is £255 \[\d+\] for a Band D property, higher than the proposal of £250 \[\d+\]", text)
    flag = re.search(r"Regulation 5\(3\) (The revised precept of £255 is higher than the proposal of £250[^.]*\.)", text)
    assert flag and "require a lower precept" in flag.group(1)
    assert "The Panel cannot veto again" in text and "no second veto" in text
    assert "accepts or rejects the revised precept" in text
    assert "this reserve meeting is not needed" not in text
