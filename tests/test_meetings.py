"""Starting a meeting's params from the forward plan."""

from __future__ import annotations

from datetime import date

import pytest

from briefing.errors import ParamsError
from briefing.meetings import params_from_forward_plan, precept_year_for


def test_the_precept_year_is_the_one_a_spring_meeting_reviews():
    assert precept_year_for(date(2024, 2, 14)) == "2024/25"
    assert precept_year_for(date(2023, 6, 21)) == "2024/25"


def test_params_come_from_the_meetings_agenda(paths):
    params, notes = params_from_forward_plan(paths, date(2024, 2, 14))
    assert "precept" in params.briefings.needed()
    assert params.briefings.precept.reserve_meeting is True
    assert any("precept_year" in note for note in notes)


def test_a_date_that_is_no_meeting_is_refused(paths):
    with pytest.raises(ParamsError, match="is not a meeting in data/meetings.csv"):
        params_from_forward_plan(paths, date(2024, 2, 15))
