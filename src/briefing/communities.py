"""The communities briefing's facts: money for local problem solving through the Community
Safety Partnerships (CSPs), who holds the partnerships to account, Safer Streets, citizens
in policing, public confidence, and delivery of the Police and Crime Plan (the theme
panel.yaml names as the Plan's `communities_theme` in detail, every theme in overview).

Every function returns data (frames and small records); the words are in
templates/briefings/communities/. Measures are found by topic in data/measures.csv, so a
new reading or a new measure of a topic appears with no change here.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from briefing import charts, readings, rules
from briefing import panel as panel_identity
from briefing.context import Briefing


def plan_themes() -> list[str]:
    """The Police and Crime Plans' themes in the Plans' order (panel.yaml's `plans`)."""
    return panel_identity.current().all_themes()


def theme(ctx: Briefing) -> str | None:
    """The Plan theme this briefing reports on: panel.yaml's `communities_theme` of the Plan
    covering the meeting (or, past its last year, of the latest Plan begun before it)."""
    panel = panel_identity.current(ctx.paths)
    plan = panel.plan_on(ctx.meeting_date) or next(
        (plan for plan in reversed(panel.plans) if plan.start_year <= ctx.meeting_date.year), None
    )
    return plan.communities_theme if plan else None


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
    reports it under another Plan theme than this briefing's, such as money for domestic
    abuse perpetrator work reported under a victims' theme)."""
    this_meeting = set(ctx.papers_for_meeting()["source_id"])
    themes = frame["plan_theme"] if "plan_theme" in frame.columns else pd.Series(pd.NA, index=frame.index)
    return frame.assign(
        from_this_meeting=frame["source_id"].isin(this_meeting),
        other_theme=themes.notna() & (themes != theme(ctx)),
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
        _theme=frame["theme"].map(plan_themes().index),
        _category=frame["category"].map(CATEGORIES.index),
    )
    return frame.sort_values(["_theme", "_category"], kind="stable").drop(columns=["_theme", "_category"]).astype({"date_passed": "bool"})


def category_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Deliverables by Plan theme and the report's heading (completed, current, new), every
    combination with zeros: columns theme, listed_as, count, status_order (for the chart)."""
    grid = pd.MultiIndex.from_product([plan_themes(), CATEGORIES], names=["theme", "listed_as"])
    counts = frame.groupby(["theme", "category"]).size()
    counts.index = counts.index.set_names(["theme", "listed_as"])
    counts = counts.reindex(grid, fill_value=0).rename("count").reset_index()
    return counts.assign(status_order=counts["listed_as"].map(CATEGORIES.index))


def category_table(counts: pd.DataFrame) -> pd.DataFrame:
    """The counts as a table: one row per theme, a column per heading and the total."""
    wide = counts.pivot(index="theme", columns="listed_as", values="count").reindex(index=plan_themes(), columns=CATEGORIES)
    return wide.assign(total=wide.sum(axis=1)).reset_index()


def delivery_chart(counts: pd.DataFrame):
    """Deliverables by theme, stacked by the heading the report lists them under."""
    import altair as alt

    chart = charts.stacked_status_chart(counts, "theme", "listed_as", "count", CATEGORIES, plan_themes())
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


# ----- the page: evidence sections and the note --------------------------------------------

FUNDING = "csp_local_crime_funding"
SAFER_STREETS_TOTAL = "safer_streets_total_investment"
SAFER_STREETS_ROUNDS = "safer_streets_rounds"
SAFER_STREETS_LATEST = "safer_streets_latest_round_value"
# The report's statements on the Commissioner's partners: no power to hold them to account,
# and the councils' yearly scrutiny of their Community Safety Partnership.
NO_HOLDING_TO_ACCOUNT = "communities-no-holding-to-account"
COUNCILS_SCRUTINISE = "communities-csp-scrutiny"
YOUTH_FUND = "communities-youth-fund"

# Lines of enquiry in the order they are ranked when drafted: what the money for local
# problem solving achieved first, then how the Commissioner assures it without a power to
# hold partners to account, the police's part (holding the Chief Constable to account),
# Safer Streets, and the Plan's commitments for the theme. Residents' confidence is not
# drafted: item 7 does not raise it and the papers' figures on it are years old (they stay
# in the evidence; the officer can add a line in note_lines.csv).
ENQUIRY_RANKING = ("outcomes", "partners", "accountability", "safer-streets", "plan")


def sections(ctx: Briefing) -> dict[str, dict]:
    """The facts of each evidence section, keyed by template, in the order the page shows
    them: item 7's own subjects first (money, partners, Safer Streets, the Plan), then the
    older figures on citizens in policing and confidence."""
    overall = delivery(ctx)
    counts = category_counts(overall["all"])
    return {
        "money": {
            "money": money(ctx),
            "posts": funded_posts(ctx),
            "outcomes": outcomes(ctx),
            "not_secured_key": NOT_SECURED,
            "statements": ctx.statements("money"),
        },
        "partnership": {"statements": ctx.statements("partnership")},
        "safer_streets": {
            "safer_streets": safer_streets(ctx),
            "disagreements": disagreements(ctx, "safer streets"),
            "statements": ctx.statements("safer streets"),
        },
        "theme_deliverables": {"deliverables": deliverables(ctx, theme(ctx))},
        "delivery": {"facts": overall, "table": category_table(counts), "chart": delivery_chart(counts)},
        "citizens": {"citizens": citizens(ctx)},
        "confidence": {"confidence": confidence(ctx)},
        **ctx.shared_sections(),
    }


def _by_key(frame: pd.DataFrame, column: str) -> dict[str, dict]:
    """A frame's rows as dicts keyed by one column."""
    return {row[column]: row for row in frame.to_dict("records")} if len(frame) else {}


def _agenda_item(ctx: Briefing, place: dict) -> str:
    """The agenda item a cited place is in: 'item 7, para 6.2' of an agenda pack, else its
    paper's own item number (blank where the paper is not an agenda item)."""
    section = str(place["section"])
    if section.startswith("item "):
        return section.removeprefix("item ").split(",")[0].strip()
    item = ctx.source(place["source_id"]).get("agenda_item")
    return str(item) if isinstance(item, str) and "-" not in item else ""


def _prints(ctx: Briefing, row: dict | None) -> list[dict]:
    """How each paper prints one reading whose papers agree on its value but not its print
    (the row's `printed_differently`): as_printed, source_id, section and agenda item."""
    if not row or not row.get("printed_differently"):
        return []
    places = [row] + list(row["printed_differently"])
    return [
        {"as_printed": p["as_printed"], "source_id": p["source_id"], "section": p["section"], "item": _agenda_item(ctx, p)} for p in places
    ]


def _for_note(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows a note may draw on: printed in this meeting's papers, under this theme."""
    if frame.empty or "from_this_meeting" not in frame.columns:
        return frame
    return frame[frame["from_this_meeting"] & ~frame["other_theme"]]


def drafted(ctx: Briefing, facts: dict[str, dict]) -> tuple[list, list]:
    """The communities note's lines drafted from the evidence's facts, and the Panel's
    options: key issues, ranked lines of enquiry and data requests (words in
    templates/briefings/communities/note.html.j2). Only the subjects of the item itself are
    drafted, from figures printed for this meeting under this theme (`_for_note`): figures
    from another Plan theme (the domestic abuse perpetrator bids) and the older papers'
    figures (citizens in policing, confidence) stay in the evidence.
    `Briefing.assemble_note` applies the officer's rows."""
    money_facts = facts["money"]
    money_rows = _by_key(_for_note(money_facts["money"]), "measure_key")
    funding = money_rows.get(FUNDING)
    posts = money_facts["posts"]
    unnamed = posts["posts"] is not None and posts["named"].empty and len(posts["areas"]) > 0
    measured = _for_note(money_facts["outcomes"]).to_dict("records")
    unmeasured = [row for row in measured if not row["baseline"]]
    youth = _by_key(money_facts["statements"], "statement_id").get(YOUTH_FUND)
    partners = _by_key(facts["partnership"]["statements"], "statement_id")
    no_power, councils = partners.get(NO_HOLDING_TO_ACCOUNT), partners.get(COUNCILS_SCRUTINISE)
    streets = _by_key(_for_note(facts["safer_streets"]["safer_streets"]), "measure_key")
    total, rounds, latest = streets.get(SAFER_STREETS_TOTAL), streets.get(SAFER_STREETS_ROUNDS), streets.get(SAFER_STREETS_LATEST)
    prints = _prints(ctx, latest)
    theme = facts["theme_deliverables"]["deliverables"].to_dict("records")
    waiting = [row for row in theme if row["status"] == "waiting"]

    issues, enquiries, requests = [], [], []
    if funding:
        cites = [funding] + ([posts["posts"]] if posts["posts"] else []) + ([posts["ends"]] if posts["ends"] else [])
        issues.append(
            ctx.draft_line(
                "key_issue",
                "funding",
                1,
                cites,
                funding=funding,
                posts=posts["posts"],
                ends=posts["ends"],
                areas=len(posts["areas"]),
                whose="report",
                evidence="money",
            )
        )
        enquiries.append(
            ctx.draft_line("enquiry", "outcomes", 0, cites, funding=funding, posts=posts["posts"], ends=posts["ends"], role="commissioning")
        )
        if unnamed:
            requests.append(ctx.draft_line("request", "funded-posts", 1, [posts["posts"]], posts=posts["posts"], areas=len(posts["areas"])))
        if funding["qualifier"] == "up to":
            requests.append(ctx.draft_line("request", "spend", 2, [funding] + ([youth] if youth else []), funding=funding, youth=youth))
    if measured:
        issues.append(
            ctx.draft_line("key_issue", "results", 2, measured, rows=measured, unmeasured=unmeasured, whose="report", evidence="money")
        )
    if unmeasured:
        enquiries.append(ctx.draft_line("enquiry", "accountability", 0, unmeasured[:1], row=unmeasured[0], role="accountability"))
        requests.append(ctx.draft_line("request", "baseline", 3, unmeasured, rows=unmeasured))
    if no_power:
        cites = [no_power] + ([councils] if councils else [])
        issues.append(ctx.draft_line("key_issue", "partners", 3, cites, councils=councils, whose="report", evidence="partnership"))
        if funding:
            enquiries.append(ctx.draft_line("enquiry", "partners", 0, cites, funding=funding, councils=councils, role="commissioning"))
    if total:
        # The item's own report and any other paper that prints the same figures.
        cites = [total, *total["also_in"]] + ([rounds] if rounds else []) + (prints or ([latest, *latest["also_in"]] if latest else []))
        issues.append(
            ctx.draft_line(
                "key_issue",
                "safer-streets",
                4,
                cites,
                total=total,
                rounds=rounds,
                latest=latest,
                prints=prints,
                whose="report",
                evidence="safer-streets",
            )
        )
        enquiries.append(
            ctx.draft_line("enquiry", "safer-streets", 0, [total, *total["also_in"]], total=total, rounds=rounds, role="commissioning")
        )
    disagree = facts["safer_streets"]["disagreements"]
    if disagree:
        requests.append(
            ctx.draft_line("request", "safer-streets-disagree", 5, [row for found in disagree for row in found], disagreements=disagree)
        )
    if theme:
        listed = {category: sum(row["category"] == category for row in theme) for category in CATEGORIES}
        issues.append(
            ctx.draft_line(
                "key_issue",
                "plan",
                5,
                theme[:1],
                theme=theme[0]["theme"],
                total=len(theme),
                listed=listed,
                whose="paper",
                evidence="theme-deliverables",
            )
        )
        if waiting:
            enquiries.append(ctx.draft_line("enquiry", "plan", 0, waiting, theme=theme[0]["theme"], waiting=waiting, role="plan"))

    ranked = sorted(enquiries, key=lambda line: ENQUIRY_RANKING.index(line.line_id))
    enquiries = [replace(line, rank=n) for n, line in enumerate(ranked, start=1)]
    options = ctx.scrutiny_options()
    return issues[:5] + enquiries[:6] + requests, options
