"""The statutory and editorial rules briefings check."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from briefing import rules


def test_precept_deadlines_follow_the_regulations():
    deadlines = {d.step: d.deadline for d in rules.precept_deadlines("2023/24")}
    assert deadlines["notification"] == date(2023, 2, 1)
    assert deadlines["panel_report"] == date(2023, 2, 8)
    assert deadlines["revised_precept"] == date(2023, 2, 15)
    assert deadlines["panel_report_on_revised"] == date(2023, 2, 22)
    assert deadlines["precept_issued"] == date(2023, 3, 1)


def test_the_precept_must_be_issued_before_1_march():
    """Local Government Finance Act 1992 s.40: issued before 1 March; 1 March is a deadline,
    never a date from which the precept may be issued."""
    [issue] = [d for d in rules.precept_deadlines("2024/25") if d.step == "precept_issued"]
    assert issue.bound == "before" and issue.deadline == date(2024, 3, 1)
    assert "may be issued from" not in issue.description and "s.40" in issue.description
    assert issue.met_by(date(2024, 2, 29)) and not issue.met_by(date(2024, 3, 1))
    checks = {c.deadline.step: c.status for c in rules.check_timetable("2024/25", {"precept_issued": date(2024, 2, 20)}, vetoed=False)}
    assert checks["precept_issued"] == "on time"
    checks = {c.deadline.step: c.status for c in rules.check_timetable("2024/25", {"precept_issued": date(2024, 3, 1)}, vetoed=False)}
    assert checks["precept_issued"] == "late"


@pytest.mark.parametrize(
    ("outcome", "revised", "moved", "complies"),
    [
        ("veto too high", 240.0, "lower", True),
        ("veto too high", 260.0, "higher", False),
        ("veto too high", 250.0, "the same", False),
        ("veto too low", 260.0, "higher", True),
        ("veto too low", 240.0, "lower", False),
    ],
)
def test_a_revised_precept_moves_the_way_the_veto_requires(outcome, revised, moved, complies):
    check = rules.revised_precept_check(outcome, 250.0, revised)
    assert (check["moved"], check["complies"]) == (moved, complies)
    assert check["required"] == ("lower" if outcome == "veto too high" else "higher")


def test_no_revised_precept_without_a_veto():
    with pytest.raises(ValueError, match="follows a veto"):
        rules.revised_precept_check("no veto", 250.0, 240.0)


def test_the_panels_options_and_what_each_leads_to():
    options = {o.option: o for o in rules.precept_options("2024/25")}
    assert list(options) == ["support", "recommend changes", "veto too high", "veto too low"]
    assert options["support"].proposal_may_be_issued and options["support"].votes == "majority"
    assert options["recommend changes"].response_required
    for veto in ("veto too high", "veto too low"):
        assert options[veto].votes == "two-thirds" and not options[veto].proposal_may_be_issued
        assert (options[veto].revised_by, options[veto].second_report_by) == (date(2024, 2, 15), date(2024, 2, 22))
    assert (options["veto too high"].revised_direction, options["veto too low"].revised_direction) == ("lower", "higher")
    assert {o.issue_before for o in options.values()} == {date(2024, 3, 1)}


def test_2023_24_cycle_was_on_time_and_needed_no_revision():
    steps = {
        "notification": date(2023, 1, 23),
        "panel_meeting": date(2023, 2, 1),
        "panel_report": date(2023, 2, 2),
        "pcc_response": date(2023, 2, 3),
    }
    checks = {c.deadline.step: c.status for c in rules.check_timetable("2023/24", steps, vetoed=False)}
    assert checks["notification"] == "on time"
    assert checks["panel_report"] == "on time"
    assert checks["revised_precept"] == "not needed"
    assert checks["precept_issued"] == "not yet known"


def test_late_notification_is_flagged():
    checks = {c.deadline.step: c.status for c in rules.check_timetable("2024/25", {"notification": date(2024, 2, 2)}, vetoed=None)}
    assert checks["notification"] == "late"
    assert checks["revised_precept"] == "not yet known"


@pytest.mark.parametrize(("members", "needed"), [(3, 2), (10, 7), (12, 8), (13, 9), (15, 10), (20, 14)])
def test_veto_needs_two_thirds_rounded_up(members, needed):
    assert rules.veto_votes_needed(members) == needed


def test_papers_due_five_clear_working_days_before():
    # Wednesday 15 March 2023: clear days Tue 14, Mon 13, Fri 10, Thu 9, Wed 8 -> publish by Tue 7 March.
    assert rules.papers_due(date(2023, 3, 15)) == date(2023, 3, 7)


def test_papers_due_skips_bank_holidays():
    # Wednesday 10 May 2023: the coronation bank holiday (Mon 8 May) is not a working day.
    assert rules.papers_due(date(2023, 5, 10)) == date(2023, 4, 28)


def test_staleness_is_more_than_twelve_months():
    meeting = date(2023, 3, 15)
    assert rules.is_dated(date(2017, 10, 1), meeting)
    assert rules.is_dated(date(2022, 3, 14), meeting)
    assert not rules.is_dated(date(2022, 3, 15), meeting)
    assert not rules.is_dated(date(2023, 2, 28), meeting)
    assert not rules.is_dated(None, meeting)


def test_contradictions_need_different_values_from_different_sources():
    frame = pd.DataFrame(
        {
            "measure_key": ["go_live", "go_live", "members", "members"],
            "value": ["2023-05-01", "2023-04-01", "2000", "2000"],
            "source_id": ["a", "b", "a", "b"],
        }
    )
    found = rules.contradictions(frame, "measure_key", "value")
    assert list(found) == ["go_live"]


def test_new_since_keeps_rows_public_between_meetings():
    frame = pd.DataFrame({"public_date": pd.to_datetime(["2023-01-01", "2023-02-02", "2023-03-15", "2023-04-01"])})
    fresh = rules.new_since(frame, date(2023, 2, 1), date(2023, 3, 15))
    assert list(fresh["public_date"].dt.date) == [date(2023, 2, 2), date(2023, 3, 15)]


def test_previous_meeting():
    dates = [date(2023, 2, 1), date(2024, 1, 31), date(2024, 2, 14)]
    assert rules.previous_meeting(dates, date(2024, 1, 31)) == date(2023, 2, 1)
    assert rules.previous_meeting(dates, date(2023, 2, 1)) is None


def test_financial_quarters():
    assert rules.financial_quarter(date(2023, 4, 1)) == "2023/24 Q1"
    assert rules.financial_quarter(date(2024, 1, 31)) == "2023/24 Q4"
    assert rules.quarter_passed("2022/23 Q3", date(2023, 1, 1))
    assert not rules.quarter_passed("2022/23 Q4", date(2023, 3, 15))
    assert rules.quarter_passed("2022/23 Q4", date(2023, 4, 1))


def test_months_before_keeps_the_day_or_takes_the_month_s_last():
    assert rules.is_dated(date(2023, 2, 27), date(2024, 2, 29))
    assert not rules.is_dated(date(2023, 2, 28), date(2024, 2, 29))


def test_financial_quarters_run_april_to_march():
    assert rules.financial_quarter(date(2023, 4, 1)) == "2023/24 Q1"
    assert rules.financial_quarter(date(2024, 3, 31)) == "2023/24 Q4"
    assert rules.financial_quarter(date(2023, 12, 31)) == "2023/24 Q3"
    assert not rules.quarter_passed("2023/24 Q1", date(2023, 6, 30))
    assert rules.quarter_passed("2023/24 Q1", date(2023, 7, 1))
    assert rules.quarter_passed("2023/24 Q4", date(2024, 4, 1)) and not rules.quarter_passed("2023/24 Q4", date(2024, 3, 31))


def test_a_meeting_on_a_non_working_day_counts_back_from_it():
    # Saturday 18 March 2023: five clear working days are 13-17 March; papers by Friday 10 March.
    assert rules.papers_due(date(2023, 3, 18)) == date(2023, 3, 10)
