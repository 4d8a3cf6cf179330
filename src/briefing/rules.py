"""Rules a briefing checks: statutory timetable, veto arithmetic, publication deadline,
staleness, contradictions and what changed since the last meeting. Pure functions.

Sources of the rules: Police Reform and Social Responsibility Act 2011 Schedule 5 and the
Police and Crime Panels (Precepts and Chief Constable Appointments) Regulations 2012
(SI 2012/2271) Part 2 for the precept; Local Government Act 1972 s.100B for papers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pandas as pd

from briefing.words import as_date

if TYPE_CHECKING:
    from briefing.panel import Panel

DATED_AFTER_MONTHS = 12


@dataclass(frozen=True)
class Deadline:
    """One statutory step of a precept cycle and its deadline."""

    step: str
    description: str
    deadline: date | None
    applies: str  # "always" or "after a veto"


def precept_first_year(precept_year: str) -> int:
    """2023 for '2023/24': the calendar year whose February holds the Panel's review."""
    return int(precept_year[:4])


def precept_deadlines(precept_year: str) -> list[Deadline]:
    """The statutory timetable for one precept year (PRSRA Sch. 5; SI 2012/2271 Part 2)."""
    year = precept_first_year(precept_year)
    return [
        Deadline("notification", "The Commissioner notifies the Panel of the proposed precept", date(year, 2, 1), "always"),
        Deadline(
            "panel_report", "The Panel reviews the proposal and reports to the Commissioner (and may veto)", date(year, 2, 8), "always"
        ),
        Deadline("revised_precept", "After a veto, the Commissioner responds with a revised precept", date(year, 2, 15), "after a veto"),
        Deadline("panel_report_on_revised", "The Panel reports on the revised precept", date(year, 2, 22), "after a veto"),
        Deadline("precept_issued", "The precept may be issued from", date(year, 3, 1), "always"),
    ]


@dataclass(frozen=True)
class TimetableCheck:
    """A deadline set against what happened."""

    deadline: Deadline
    actual: date | None
    status: str  # "on time", "late", "not yet known", "not needed"


def check_timetable(precept_year: str, steps: dict[str, date], vetoed: bool | None) -> list[TimetableCheck]:
    """Each statutory deadline with the actual date from the papers and whether it was met.

    `steps` maps step names (as in precept_cycle.csv) to dates; `vetoed` is None while the
    Panel's decision is not known.
    """
    checks = []
    for deadline in precept_deadlines(precept_year):
        actual = steps.get(deadline.step)
        if deadline.applies == "after a veto" and vetoed is False:
            status = "not needed"
        elif deadline.step == "precept_issued":
            status = "not yet known" if actual is None else ("on time" if actual >= deadline.deadline else "early")
        elif actual is None:
            status = "not yet known"
        else:
            status = "on time" if actual <= deadline.deadline else "late"
        checks.append(TimetableCheck(deadline, actual, status))
    return checks


def veto_votes_needed(members: int) -> int:
    """Votes needed to veto: at least two-thirds of the persons who are members of the Panel."""
    if members <= 0:
        raise ValueError("a Panel has at least one member")
    return math.ceil(members * 2 / 3)


def papers_due(meeting_date: date, panel: Panel | None = None) -> date:
    """Latest day to publish papers: the Panel's clear working days (five, LGA 1972 s.100B)
    before the meeting.

    Clear days exclude the day of publication and the day of the meeting; working days
    exclude weekends and the bank holidays of the Panel's nation (England or Wales, from
    panel.yaml; `panel` defaults to the workbook's own).
    """
    import holidays

    from briefing import panel as panel_identity

    panel = panel or panel_identity.current()
    years = [meeting_date.year - 1, meeting_date.year]
    bank_holidays = holidays.country_holidays("GB", subdiv=panel.holiday_subdivision, years=years)
    day = meeting_date
    counted = 0
    while counted < panel.publication_clear_working_days:
        day -= timedelta(days=1)
        if day.weekday() < 5 and day not in bank_holidays:
            counted += 1
    publication = day - timedelta(days=1)
    while publication.weekday() >= 5 or publication in bank_holidays:
        publication -= timedelta(days=1)
    return publication


def is_dated(figure_date, meeting_date) -> bool:
    """True when a figure is more than 12 months older than the meeting."""
    figure_date, meeting_date = as_date(figure_date), as_date(meeting_date)
    if figure_date is None:
        return False
    cutoff = _months_before(meeting_date, DATED_AFTER_MONTHS)
    return figure_date < cutoff


def _months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year
    while month <= 0:
        month += 12
        year -= 1
    last_day = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return date(year, month, min(day.day, last_day))


def figure_date(row) -> date | None:
    """The date a reading describes: its as-at date or the end of its period, else when it became public."""
    return as_date(row.get("when")) or as_date(row.get("as_at")) or as_date(row.get("period_end")) or as_date(row.get("public_date"))


def contradictions(frame: pd.DataFrame, key: str, value: str) -> dict[str, pd.DataFrame]:
    """Groups of rows that state the same fact (`key`) with different values."""
    found = {}
    if frame.empty:
        return found
    for name, group in frame.groupby(key, sort=True):
        values = {str(v) for v in group[value].dropna()}
        if len(values) > 1 and group["source_id"].nunique() > 1:
            found[name] = group
    return found


def new_since(frame: pd.DataFrame, previous: date | None, current: date) -> pd.DataFrame:
    """Rows that became public after `previous` and on or before `current`."""
    if "public_date" not in frame.columns:
        return frame.iloc[0:0]
    dates = frame["public_date"]
    mask = dates <= pd.Timestamp(current)
    if previous is not None:
        mask &= dates > pd.Timestamp(previous)
    return frame[mask]


def previous_meeting(meeting_dates: list[date], current: date) -> date | None:
    """The latest of `meeting_dates` before `current`."""
    earlier = sorted(d for d in meeting_dates if d < current)
    return earlier[-1] if earlier else None


def financial_quarter(day: date) -> str:
    """'2023/24 Q1' for a date in April-June 2023."""
    start_year = day.year if day.month >= 4 else day.year - 1
    quarter = (day.month - 4) % 12 // 3 + 1
    return f"{start_year}/{(start_year + 1) % 100:02d} Q{quarter}"


def quarter_passed(due_quarter: str, meeting_date: date) -> bool:
    """True when the meeting falls after the end of the financial quarter `due_quarter`."""
    year = int(due_quarter[:4])
    quarter = int(due_quarter[-1])
    end_month = 3 + quarter * 3  # Q1 ends June (6), Q4 ends March (15 -> 3 of next year)
    end_year = year + (1 if end_month > 12 else 0)
    end_month = end_month - 12 if end_month > 12 else end_month
    next_month = date(end_year + (1 if end_month == 12 else 0), 1 if end_month == 12 else end_month + 1, 1)
    return meeting_date >= next_month
