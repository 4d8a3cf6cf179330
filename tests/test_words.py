"""How figures, dates, periods and lists are written, and that templates escape data."""

from __future__ import annotations

from datetime import date

import pandas as pd
from markupsafe import Markup

from briefing import words


def test_figures_in_gov_uk_style():
    assert words.figure_text(1800000, "gbp") == "£1.8 million"
    assert words.figure_text(634285, "gbp") == "£634,285"
    assert words.figure_text(37, "pence") == "37p"
    assert words.figure_text(95.8, "percent") == "95.8%"
    assert words.figure_text(52000, "hours", "approximately") == "about 52,000 hours"
    assert words.figure_text(1.9, "fte") == "1.9 full-time equivalent"
    assert words.figure_text(1000, "count", "just over") == "just over 1,000"


def test_a_change_in_percentages_is_in_percentage_points():
    assert words.change_text(-3.2, "percent") == "3.2 percentage points"
    assert words.change_text(21, "count") == "21"


def test_dates_are_no_more_precise_than_their_paper():
    day = date(2023, 2, 1)
    assert words.date_text(day, "day") == "1 February 2023"
    assert words.date_text(day, "month") == "February 2023"
    assert words.date_text(day, "year") == "2023"
    assert words.paper_date_text(pd.Timestamp("2017-10-01"), estimated=True) == "October 2017 or later (undated)"


def test_a_reading_the_paper_does_not_date_is_never_given_the_papers_date_alone():
    paper_dated = {"reading": "as_at", "as_at": None, "paper_date": pd.Timestamp("2023-03-15"), "paper_date_estimated": False}
    assert words.short_when(paper_dated) == "as reported in the paper of 15 March 2023"
    assert words.dated_label(paper_dated) == "paper of 15 March 2023"
    own_date = {**paper_dated, "as_at": pd.Timestamp("2023-02-01"), "date_precision": "month"}
    assert words.short_when(own_date) == words.dated_label(own_date) == "February 2023"


def test_periods_read_naturally():
    assert words.period_text("2022-04-01", "2023-03-31") == "2022/23"
    assert words.period_text("2016-01-01", "2016-12-31") == "2016"
    assert words.period_text("2017-06-01", "2017-06-30") == "June 2017"
    assert words.period_text("2022-03-01", "2023-02-28") == "March 2022 to February 2023"
    assert words.period_text("2023-01-01", "2023-02-28") == "January to February 2023"
    assert words.period_text("2020-01-08", "2020-01-15", "day") == "8 to 15 January 2020"


def test_when_a_reading_is_from():
    period = {"reading": "period", "period_start": pd.Timestamp("2022-04-01"), "period_end": pd.Timestamp("2023-03-31")}
    assert words.when_text(period) == "in 2022/23"
    as_at = {"reading": "as_at", "as_at": pd.Timestamp("2023-02-01"), "date_precision": "month"}
    assert words.when_text(as_at) == "as at February 2023"
    undated = {"reading": "as_at", "as_at": pd.NaT, "paper_date": pd.Timestamp("2023-03-15"), "paper_date_estimated": False}
    assert words.when_text(undated) == "as reported in the paper of 15 March 2023"


def test_lists_escape_their_items():
    assert words.and_list(["a", "b", "c"]) == "a, b and c"
    assert words.and_list(["<b>", Markup("<i>x</i>")]) == "&lt;b&gt; and <i>x</i>"


def test_names_keep_their_capitals_mid_sentence():
    assert words.lower_first("Press releases") == "press releases"
    assert words.lower_first("District Days") == "District Days"
    assert words.lower_first("The Commissioner's website") == "the Commissioner's website"
    assert words.lower_first("OPCC staff") == "OPCC staff"


def test_templates_escape_text_from_the_data():
    template = words.environment().from_string("<p>{{ text }} {{ items | and_list }}</p>")
    out = template.render(text="<script>alert(1)</script>", items=["<b>", "x"])
    assert "<script>" not in out and "&lt;script&gt;" in out and "&lt;b&gt; and x" in out
