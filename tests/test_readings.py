"""Trends, corroboration and disagreement between readings, on small fixture frames."""

from __future__ import annotations

import pandas as pd
import pytest

from briefing import readings

SOURCES = pd.DataFrame(
    {
        "source_id": ["report-2023", "pack-2023", "report-2024"],
        "date": pd.to_datetime(["2023-03-15", "2023-03-15", "2024-03-13"]),
        "date_estimated": [False, False, False],
    }
)


def figure(figure_id, measure_key, value, source_id, *, reading="period", start=None, end=None, as_at=None, subject=None):
    public = SOURCES.set_index("source_id").loc[source_id, "date"]
    return {
        "figure_id": figure_id,
        "measure_key": measure_key,
        "value": float(value),
        "qualifier": "exact",
        "subject": subject,
        "reading": reading,
        "period_start": pd.Timestamp(start) if start else pd.NaT,
        "period_end": pd.Timestamp(end) if end else pd.NaT,
        "as_at": pd.Timestamp(as_at) if as_at else pd.NaT,
        "date_precision": "month",
        "source_id": source_id,
        "section": "para 1",
        "public_date": public,
        "unit": "count",
    }


def frame(*rows) -> pd.DataFrame:
    return readings.with_when(pd.DataFrame(list(rows)), SOURCES)


@pytest.fixture
def press_releases():
    return frame(
        figure("pr-2022", "press_releases", 40, "report-2023", start="2022-03-01", end="2023-02-28"),
        figure("pr-2023", "press_releases", 61, "report-2024", start="2023-03-01", end="2024-02-29"),
    )


def test_a_later_period_of_the_same_measure_is_a_trend_with_the_change(press_releases):
    trend = readings.trends(press_releases).iloc[0]
    assert trend["value"] == 61 and trend["previous_value"] == 40
    assert trend["change"] == 21 and trend["direction"] == "up"
    assert trend["readings"] == 2
    assert trend["previous"]["figure_id"] == "pr-2022"
    assert not trend["disputed"]
    assert readings.disagreements(press_releases) == []
    assert readings.corroborations(press_releases).empty


def test_a_fall_and_no_change_are_told_apart():
    falling = frame(
        figure("a", "posts", 472, "report-2023", start="2022-03-01", end="2023-02-28"),
        figure("b", "posts", 400, "report-2024", start="2023-03-01", end="2024-02-29"),
        figure("c", "members", 2000, "report-2023", reading="as_at", as_at="2023-01-01"),
        figure("d", "members", 2000, "report-2024", reading="as_at", as_at="2024-01-01"),
    )
    trends = readings.trends(falling).set_index("measure_key")
    assert trends.loc["posts", "direction"] == "down" and trends.loc["posts", "change"] == -72
    assert trends.loc["members", "direction"] == "same"


def test_the_same_reading_with_the_same_value_from_two_papers_corroborates():
    both = frame(
        figure("report-fund", "fund_total", 1_800_000, "report-2023", reading="as_at"),
        figure("pack-fund", "fund_total", 1_800_000, "pack-2023", reading="as_at"),
    )
    found = readings.corroborations(both)
    assert len(found) == 1 and found.iloc[0]["papers"] == 2
    assert set(found.iloc[0]["figure_ids"]) == {"report-fund", "pack-fund"}
    assert readings.disagreements(both) == []
    trend = readings.trends(both).iloc[0]
    assert trend["corroborated_by"] == 1 and trend["readings"] == 1 and trend["direction"] == ""


def test_the_same_reading_with_different_values_is_a_disagreement():
    split = frame(
        figure("report-staff", "team", 2, "report-2023", reading="as_at", as_at="2023-02-01"),
        figure("pack-staff", "team", 3, "pack-2023", reading="as_at", as_at="2023-02-01"),
    )
    found = readings.disagreements(split)
    assert len(found) == 1 and set(found[0]["figure_id"]) == {"report-staff", "pack-staff"}
    assert readings.corroborations(split).empty
    assert bool(readings.trends(split).iloc[0]["disputed"])


def test_different_subjects_are_different_measures_not_a_trend():
    surveys = frame(
        figure("s1", "survey_responses", 1000, "report-2023", reading="as_at", subject="survey-2020"),
        figure("s2", "survey_responses", 640, "report-2024", reading="as_at", subject="survey-2023"),
    )
    trends = readings.trends(surveys)
    assert len(trends) == 2 and trends["previous_value"].isna().all()


def test_a_reading_without_a_printed_date_is_as_at_its_papers_date():
    undated = frame(figure("u", "subscribers", 750, "report-2023", reading="as_at"))
    row = undated.iloc[0]
    assert bool(row["dated_by_paper"]) and row["when"] == pd.Timestamp("2023-03-15")


def test_no_figures_give_no_readings_rather_than_an_error():
    figures = pd.DataFrame(
        {
            "source_id": pd.Series(dtype="string"),
            "as_at": pd.Series(dtype="datetime64[ns]"),
            "period_end": pd.Series(dtype="datetime64[ns]"),
            "reading": pd.Series(dtype="string"),
        }
    )
    # A new Panel's workbook: no paper registered yet either.
    sources = pd.DataFrame(
        {"source_id": pd.Series(dtype="string"), "date": pd.Series(dtype="datetime64[s]"), "date_estimated": pd.Series(dtype="boolean")}
    )
    found = readings.with_when(figures, sources)
    assert found.empty and {"when", "paper_date", "dated_by_paper"} <= set(found.columns)
