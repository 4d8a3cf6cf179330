"""Figures as readings of measures, and what a set of readings says: trends,
corroboration and disagreement. Pure functions over frames; nothing here writes words.

A figure is a reading of a measure over a period (a count for a year) or as at a date
(subscribers, staff in post), from one paper. Two readings of the same measure and subject:
- at a different period or date are a **trend**;
- at the same period or date, from two papers, with the same value **corroborate** each other;
- at the same period or date with different values are a **disagreement**.
"""

from __future__ import annotations

import pandas as pd

READING_COLUMNS = ["measure_key", "subject", "period_start", "period_end", "when"]


def with_when(figures: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Figures with `when` (the date each reading describes) and `paper_date`.

    `when` is the end of a period reading, or the as-at date of an as-at reading, or, where
    the paper prints no date, the paper's own date (marked by `dated_by_paper`).
    """
    dates = sources.set_index("source_id")["date"]
    estimated = sources.set_index("source_id")["date_estimated"].fillna(False).astype(bool)
    # An empty frame maps to an empty column of dates (pandas cannot cast it otherwise).
    paper_date = figures["source_id"].map(dates) if len(figures) else pd.Series(dtype=dates.dtype, index=figures.index)
    when = figures["as_at"].where(figures["reading"] == "as_at").fillna(figures["period_end"])
    return figures.assign(
        paper_date=paper_date,
        paper_date_estimated=figures["source_id"].map(estimated).fillna(False).astype(bool),
        dated_by_paper=when.isna(),
        when=when.fillna(paper_date),
    )


def reading_groups(readings: pd.DataFrame):
    """The readings grouped by identity (measure, subject, period and date), oldest first."""
    keyed = readings.assign(subject=readings["subject"].fillna(""))
    return keyed.sort_values(["when", "public_date", "figure_id"]).groupby(READING_COLUMNS, sort=False, dropna=False)


def corroborations(readings: pd.DataFrame) -> pd.DataFrame:
    """Readings given by two or more papers with the same value: one row per reading,
    with `papers` (how many papers give it) and `figure_ids`."""
    records = []
    for _, group in reading_groups(readings):
        if group["source_id"].nunique() > 1 and group["value"].nunique() == 1:
            first = group.iloc[0]
            records.append({**first.to_dict(), "papers": group["source_id"].nunique(), "figure_ids": list(group["figure_id"])})
    return pd.DataFrame.from_records(records, columns=[*readings.columns, "papers", "figure_ids"])


def disagreements(readings: pd.DataFrame) -> list[pd.DataFrame]:
    """Each reading the papers give with different values: the rows that disagree."""
    found = []
    for _, group in reading_groups(readings):
        if group["value"].nunique() > 1:
            found.append(group)
    return found


def trends(readings: pd.DataFrame) -> pd.DataFrame:
    """One row per measure and subject: its latest reading, with the previous one and the change.

    Columns added to the latest reading's row: `previous_value`, `previous_when`,
    `previous_figure_id` and `previous` (the previous reading's row; blank where there is no earlier reading), `change` (latest less
    previous, in the measure's unit; percentage points for percentages), `direction`
    ('up', 'down', 'same', or '' where there is no earlier reading), `readings` (how many distinct readings), `disputed`
    (True where the papers disagree on the latest reading) and `corroborated_by` (how many
    other papers give the latest reading with the same value).
    """
    if readings.empty:
        return readings.assign(
            previous_value=pd.Series(dtype="float64"),
            previous_when=pd.Series(dtype="datetime64[ns]"),
            previous_figure_id=pd.Series(dtype="string"),
            previous=pd.Series(dtype="object"),
            change=pd.Series(dtype="float64"),
            direction=pd.Series(dtype="string"),
            readings=pd.Series(dtype="int64"),
            disputed=pd.Series(dtype="bool"),
            corroborated_by=pd.Series(dtype="int64"),
        )
    records = []
    keyed = readings.assign(_subject=readings["subject"].fillna(""))
    for _, measure in keyed.groupby(["measure_key", "_subject"], sort=False):
        ordered = measure.sort_values(["when", "public_date", "figure_id"])
        distinct = ordered.groupby(["period_start", "period_end", "when"], sort=False, dropna=False)
        latest_group = ordered[ordered["when"] == ordered["when"].max()]
        latest = latest_group.iloc[0].to_dict()
        earlier = ordered[ordered["when"] < ordered["when"].max()]
        previous = earlier.iloc[-1].to_dict() if len(earlier) else None
        change = None if previous is None else latest["value"] - previous["value"]
        direction = "" if change is None else ("up" if change > 0 else "down" if change < 0 else "same")
        records.append(
            {
                **latest,
                "previous_value": None if previous is None else previous["value"],
                "previous_when": None if previous is None else previous["when"],
                "previous_figure_id": None if previous is None else previous["figure_id"],
                "previous": previous,
                "change": change,
                "direction": direction,
                "readings": distinct.ngroups,
                "disputed": latest_group["value"].nunique() > 1,
                "corroborated_by": int(latest_group[latest_group["value"] == latest["value"]]["source_id"].nunique() - 1),
            }
        )
    frame = pd.DataFrame.from_records(records).drop(columns="_subject")
    return frame.astype({"readings": "int64", "corroborated_by": "int64", "disputed": "bool"})


def history(readings: pd.DataFrame, measure_key: str, subject: str | None = None) -> pd.DataFrame:
    """Every reading of one measure (and subject), oldest first: the data behind a trend."""
    rows = readings[readings["measure_key"] == measure_key]
    if subject is not None:
        rows = rows[rows["subject"].fillna("") == subject]
    return rows.sort_values(["when", "public_date", "figure_id"])
