"""The communities briefing's facts: money for local problem solving through the Community
Safety Partnerships (CSPs), who holds the partnerships to account, Safer Streets, citizens
in policing, public confidence, and delivery of the Police and Crime Plan ("Putting
Communities First" in detail, all five themes in overview).

Every function returns data (frames and small records); the words are in
templates/briefings/communities/. Measures are found by topic in data/measures.csv, so a
new reading or a new measure of a topic appears with no change here.
"""

from __future__ import annotations

import pandas as pd

from briefing import charts, readings, rules
from briefing.context import Briefing

THEME = "Putting Communities First"
PLAN_THEMES = [
    "Putting Communities First",
    "Crime Prevention",
    "Supporting Victims and Witnesses",
    "Ethical Policing",
    "Robust Enforcement",
]
# The report's own headings, in its order.
CATEGORIES = ["completed", "current", "new"]
CITIZEN_TOPICS = ["watch schemes", "volunteers", "custody visitors"]
CONFIDENCE_TOPICS = ["confidence", "hate crime"]
NOT_SECURED = "da_perpetrator_fund_potential"


def _with_dated(ctx: Briefing, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with `dated`: True where the reading is more than 12 months older than the
    meeting, and `subject_current`: True where no figure on the same subject is dated (the
    custody visitors' 2023 counts are current, their 2016/17 hours and visits are not, so
    the subject as a whole is not)."""
    frame = frame.assign(dated=[ctx.dated(row) for row in frame.to_dict("records")]).astype({"dated": "bool"})
    subject = frame["subject"].fillna(frame["measure_key"]) if len(frame) else frame["dated"]
    return frame.assign(subject_current=~frame.groupby(subject)["dated"].transform("any").astype(bool)).astype({"subject_current": "bool"})


def _with_place(ctx: Briefing, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with where each figure belongs: `from_this_meeting` (its paper was published
    for this meeting; the 2017 and 2020 papers were not) and `other_theme` (its paper
    reports it under another Plan theme than this briefing's, such as the £1.5m for
    domestic abuse perpetrator work under Supporting Victims and Witnesses)."""
    this_meeting = set(ctx.papers_for_meeting()["source_id"])
    themes = frame["plan_theme"] if "plan_theme" in frame.columns else pd.Series(pd.NA, index=frame.index)
    return frame.assign(
        from_this_meeting=frame["source_id"].isin(this_meeting),
        other_theme=themes.notna() & (themes != THEME),
    ).astype({"from_this_meeting": "bool", "other_theme": "bool"})


def _trends(ctx: Briefing, topics: list[str]) -> pd.DataFrame:
    """Latest reading of each measure of these topics, in topic order, with trend, `dated`,
    `from_this_meeting` and `other_theme`."""
    frames = [ctx.trends(topic) for topic in topics]
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return _with_place(ctx, _with_dated(ctx, ctx.trends("no such topic")))
    return _with_place(ctx, _with_dated(ctx, pd.concat(frames, ignore_index=True)))


# ----- money and partnerships ---------------------------------------------------------------


def money(ctx: Briefing) -> pd.DataFrame:
    """Each money or capacity measure for local problem solving: its latest reading with trend."""
    return _trends(ctx, ["money"])


def funded_posts(ctx: Briefing) -> dict:
    """What the papers say of the CSPs' funded problem-solving posts: how many areas took
    them up (`posts`, a reading), until when (`ends`, an expected date), the CSP areas
    (`areas`) and those the papers name as having one (`named`)."""
    areas = ctx.data.table("csp_areas")
    ends = ctx.expected("csp_funded_posts_end")
    return {
        "posts": ctx.latest("csps_with_funded_posts"),
        "ends": None if ends.empty else ends.iloc[-1].to_dict(),
        "areas": areas,
        "named": areas[areas["funded_post"] == "yes"],
    }


# ----- Safer Streets ------------------------------------------------------------------------


def safer_streets(ctx: Briefing) -> pd.DataFrame:
    """Each Safer Streets measure's latest reading, with where the other papers that give
    the same reading with the same value print it: `also_in` where they print it the same
    way (corroboration), `printed_differently` where the value agrees but the print does
    not (item 7's '£634,285k' against item 6's '£634,285'), each as records of source_id,
    section, as_printed, label and note."""
    frame = _trends(ctx, ["safer streets"])
    if frame.empty:
        return frame.assign(also_in=pd.Series(dtype="object"), printed_differently=pd.Series(dtype="object"))
    topic = ctx.topic("safer streets").set_index("figure_id")
    same, different = {}, {}
    for row in readings.corroborations(ctx.topic("safer streets")).to_dict("records"):
        for figure_id in row["figure_ids"]:
            own = topic.loc[figure_id]
            for other in row["figure_ids"]:
                if topic.loc[other, "source_id"] == own["source_id"]:
                    continue
                place = {key: topic.loc[other, key] for key in ("source_id", "section", "as_printed", "label", "note")}
                alike = topic.loc[other, "as_printed"] == own["as_printed"]
                (same if alike else different).setdefault(figure_id, []).append(place)
    return frame.assign(
        also_in=[same.get(figure_id, []) for figure_id in frame["figure_id"]],
        printed_differently=[different.get(figure_id, []) for figure_id in frame["figure_id"]],
    )


def disagreements(ctx: Briefing, topic: str) -> list[list[dict]]:
    """Each reading of one topic that two papers give with different values: the rows."""
    return [group.to_dict("records") for group in readings.disagreements(ctx.topic(topic))]


# ----- citizens in policing and confidence -------------------------------------------------------


def citizens(ctx: Briefing) -> pd.DataFrame:
    """Watch schemes, volunteers and custody visitors: each measure's latest reading, with
    trend and `dated`."""
    return _trends(ctx, CITIZEN_TOPICS)


def confidence(ctx: Briefing) -> pd.DataFrame:
    """Public confidence and hate crime: each measure's latest reading, with trend and `dated`."""
    return _trends(ctx, CONFIDENCE_TOPICS)


def outcomes(ctx: Briefing) -> pd.DataFrame:
    """Outcomes the papers claim (e.g. a fall in cycle thefts), with `baseline`: False where
    the paper gives neither the period nor a date for the claim."""
    frame = _trends(ctx, ["outcomes"])
    return frame.assign(baseline=~(frame["period_start"].isna() & frame["period_end"].isna() & frame["as_at"].isna())).astype(
        {"baseline": "bool"}
    )


# ----- Plan deliverables ------------------------------------------------------------------------


def deliverables(ctx: Briefing, theme: str | None = None) -> pd.DataFrame:
    """The Plan deliverables in the latest progress report public by the meeting (one
    theme, or all), in the report's order of headings, with `date_passed`: True where a
    due date's quarter has ended before the meeting and the work is not complete."""
    frame = ctx.data.table("deliverables")
    if theme is not None:
        frame = frame[frame["theme"] == theme]
    passed = [
        row["date_kind"] == "due"
        and row["status"] != "complete"
        and isinstance(row["date_quarter"], str)
        and rules.quarter_passed(row["date_quarter"], ctx.meeting_date)
        for row in frame.to_dict("records")
    ]
    frame = frame.assign(
        date_passed=passed,
        _theme=frame["theme"].map(PLAN_THEMES.index),
        _category=frame["category"].map(CATEGORIES.index),
    )
    return frame.sort_values(["_theme", "_category"], kind="stable").drop(columns=["_theme", "_category"]).astype({"date_passed": "bool"})


def category_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Deliverables by Plan theme and the report's heading (completed, current, new), every
    combination with zeros: columns theme, listed_as, count, status_order (for the chart)."""
    grid = pd.MultiIndex.from_product([PLAN_THEMES, CATEGORIES], names=["theme", "listed_as"])
    counts = frame.groupby(["theme", "category"]).size()
    counts.index = counts.index.set_names(["theme", "listed_as"])
    counts = counts.reindex(grid, fill_value=0).rename("count").reset_index()
    return counts.assign(status_order=counts["listed_as"].map(CATEGORIES.index))


def category_table(counts: pd.DataFrame) -> pd.DataFrame:
    """The counts as a table: one row per theme, a column per heading and the total."""
    wide = counts.pivot(index="theme", columns="listed_as", values="count").reindex(index=PLAN_THEMES, columns=CATEGORIES)
    return wide.assign(total=wide.sum(axis=1)).reset_index()


def delivery_chart(counts: pd.DataFrame):
    """Deliverables by theme, stacked by the heading the report lists them under."""
    import altair as alt

    chart = charts.stacked_status_chart(counts, "theme", "listed_as", "count", CATEGORIES, PLAN_THEMES)
    return chart.encode(
        color=alt.Color(
            "listed_as:N",
            scale=alt.Scale(domain=CATEGORIES, range=charts.PALETTE[: len(CATEGORIES)]),
            legend=alt.Legend(title="Listed in the report as", orient="bottom", columns=3),
        )
    )


def delivery(ctx: Briefing) -> dict:
    """What the progress report says across all five themes: every deliverable (`all`),
    those the report lists as completed (`completed`), those listed as current or new whose
    update says the work is complete (`also_complete`), those the report says are not
    started or on hold (`stalled`), postponed or rescheduled in the report's own word
    (`put_back`), past a due date and not
    complete (`late`), and waiting on others (`waiting`, our reading)."""
    frame = deliverables(ctx)
    return {
        "all": frame,
        "completed": frame[frame["category"] == "completed"],
        "also_complete": frame[(frame["category"] != "completed") & (frame["status"] == "complete") & frame["status_stated"]],
        "stalled": frame[frame["status"].isin(["not started", "on hold"]) & frame["status_stated"]],
        "put_back": frame[frame["put_back"].notna()],
        "late": frame[frame["date_passed"]],
        "waiting": frame[frame["status"] == "waiting"],
    }
