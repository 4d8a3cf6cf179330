"""Figures and dates written for lay readers."""

from __future__ import annotations

from datetime import date

import pandas as pd

from briefing.formatting import as_date, figure_text, long_date, money, months_between, number


def test_numbers_and_money():
    assert number(1574) == "1,574"
    assert number(1.9) == "1.9"
    assert money(1_800_000) == "£1.8 million"
    assert money(634285) == "£634,285"


def test_figure_text_uses_the_papers_qualifier():
    assert figure_text(52000, "hours", "approximately") == "about 52,000 hours"
    assert figure_text(37, "pence") == "37p"
    assert figure_text(95.8, "percent") == "95.8%"
    assert figure_text(730000, "gbp", "up to") == "up to £730,000"


def test_dates():
    assert long_date("2023-02-01") == "1 February 2023"
    assert as_date(pd.NaT) is None and as_date(None) is None
    assert as_date(pd.Timestamp("2023-03-15")) == date(2023, 3, 15)
    assert months_between(date(2022, 3, 15), date(2023, 3, 15)) == 12
