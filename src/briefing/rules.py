"""Rules a briefing checks: statutory timetable, veto arithmetic, publication deadline,
staleness, contradictions and what changed since the last meeting. Pure functions.

Sources of the rules: Police Reform and Social Responsibility Act 2011 Schedule 5 and the
Police and Crime Panels (Precepts and Chief Constable Appointments) Regulations 2012
(SI 2012/2271) Part 2 for the precept; Local Government Finance Act 1992 s.40 for the
precept's issue (before 1 March); Local Government Act 1972 s.100B for papers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta

from briefing.words import as_date

if TYPE_CHECKING:
    from briefing.panel import Panel

DATED_AFTER_MONTHS = 12


@dataclass(frozen=True)
class Deadline:
    """One statutory step of a precept cycle and its deadline.

    `bound` says how the deadline binds: "by" (on or before the date) or "before" (strictly
    before it: the precept must be issued before 1 March, Local Government Finance Act 1992
    s.40, so 1 March itself is late).
    """

    step: str
    description: str
    deadline: date | None
    applies: str  # "always" or "after a veto"
    bound: str = "by"

    def met_by(self, day: date) -> bool:
        """True when a step taken on `day` meets this deadline."""
        return day < self.deadline if self.bound == "before" else day <= self.deadline


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
        Deadline(
            "precept_issued",
            "The Commissioner issues the precept to the billing authorities (Local Government Finance Act 1992, s.40)",
            date(year, 3, 1),
            "always",
            bound="before",
        ),
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
        elif actual is None:
            status = "not yet known"
        else:
            status = "on time" if deadline.met_by(actual) else "late"
        checks.append(TimetableCheck(deadline, actual, status))
    return checks


VETO_OUTCOMES = ("veto too high", "veto too low")
REVISED_DIRECTION = {"veto too high": "lower", "veto too low": "higher"}


def revised_precept_check(outcome: str, proposed: float, revised: float) -> dict:
    """Whether a revised precept moves the way the veto requires (SI 2012/2271 reg 5(3)):
    lower than the proposal after a veto as too high, higher after a veto as too low.

    Returns the direction `required`, the direction the revised precept `moved`
    ('lower', 'higher' or 'the same') and `complies`.
    """
    if outcome not in REVISED_DIRECTION:
        raise ValueError(f"a revised precept follows a veto ({' or '.join(VETO_OUTCOMES)}), not {outcome!r}")
    moved = "lower" if revised < proposed else "higher" if revised > proposed else "the same"
    required = REVISED_DIRECTION[outcome]
    return {"required": required, "moved": moved, "complies": moved == required}


@dataclass(frozen=True)
class Option:
    """A course open to the Panel on the proposed precept and what it leads to."""

    option: str  # "support", "recommend changes", "veto too high", "veto too low"
    votes: str  # "majority" or "two-thirds"
    proposal_may_be_issued: bool  # the Commissioner may issue the proposed precept
    response_required: bool  # the Commissioner must respond to the Panel's report
    revised_direction: str | None  # "lower" or "higher": the revised precept required
    revised_by: date | None  # the Commissioner's response with the revised precept, by
    second_report_by: date | None  # the Panel's report on the revised precept, by
    issue_before: date  # the precept is issued before this date


def precept_options(precept_year: str) -> list[Option]:
    """The Panel's options on a proposed precept and what each leads to (PRSRA 2011 Sch. 5
    paras 3-4; SI 2012/2271 regs 3-7; Local Government Finance Act 1992 s.40). A second
    veto does not exist: after a veto the Panel may only report on the revised precept."""
    due = {d.step: d.deadline for d in precept_deadlines(precept_year)}
    options = [
        Option("support", "majority", True, False, None, None, None, due["precept_issued"]),
        Option("recommend changes", "majority", True, True, None, None, None, due["precept_issued"]),
    ]
    for outcome in VETO_OUTCOMES:
        options.append(
            Option(
                outcome,
                "two-thirds",
                False,
                True,
                REVISED_DIRECTION[outcome],
                due["revised_precept"],
                due["panel_report_on_revised"],
                due["precept_issued"],
            )
        )
    return options


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
    bank_holidays = np.array(list(holidays.country_holidays("GB", subdiv=panel.holiday_subdivision, years=years)), dtype="datetime64[D]")
    # A meeting on a non-working day counts back from the next working day, which has the
    # same working days before it.
    fifth_clear_day = np.busday_offset(meeting_date, -panel.publication_clear_working_days, roll="forward", holidays=bank_holidays)
    return np.busday_offset(fifth_clear_day, -1, holidays=bank_holidays).astype(date)


def is_dated(figure_date, meeting_date) -> bool:
    """True when a figure is more than 12 months older than the meeting."""
    figure_date, meeting_date = as_date(figure_date), as_date(meeting_date)
    if figure_date is None:
        return False
    cutoff = _months_before(meeting_date, DATED_AFTER_MONTHS)
    return figure_date < cutoff


def _months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    return day - relativedelta(months=months)


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
    period = pd.Period(day, freq="Q-MAR")  # quarters of financial years ending in March
    return f"{period.qyear - 1}/{period.qyear % 100:02d} Q{period.quarter}"


def quarter_passed(due_quarter: str, meeting_date: date) -> bool:
    """True when the meeting falls after the end of the financial quarter `due_quarter` ('2023/24 Q1')."""
    period = pd.Period(year=int(due_quarter[:4]) + 1, quarter=int(due_quarter[-1]), freq="Q-MAR")
    return meeting_date > period.end_time.date()
