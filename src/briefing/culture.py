"""The Culture Statement briefing's facts: the timeline of the work, the workshop feedback
scores, the words staff used before and after, the blockers they raised, how impact will
be measured, the latest check with officers and staff, and the workforce representation
figures with a check of their arithmetic.

Every function returns data (frames and small records); the words are in
templates/briefings/culture/. Figures are found by topic in data/measures.csv, so a new
reading or a new measure of a topic appears with no change here.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import zip_longest

import pandas as pd

from briefing import charts
from briefing.context import Briefing

# The legend's name for each kind of event in the timeline_event vocabulary.
EVENT_NAMES = {
    "launch": "Launch",
    "roadshow": "Roadshow",
    "hot_topic": "Hot topic session",
    "check": "Check with staff",
    "presentation": "Presentation",
    "report": "Report to the Panel",
}

STAFF_ENGAGED = "culture_staff_engaged"
REPRESENTATION_TOPICS = ("workforce diversity", "positive action")

# A printed percentage this far from our own sum is worth a question, not rounding noise.
ARITHMETIC_TOLERANCE_POINTS = 0.5


# ----- the timeline --------------------------------------------------------------------------


def timeline(b: Briefing) -> pd.DataFrame:
    """The Culture Statement's events public by the meeting, oldest first.

    Adds `kind` (the legend's name for the event), `label` (the chart's name for it) and
    `year_printed` (False where the paper prints a day or month without a year, so the
    year is our reading of the order of events).
    """
    events = b.data.table("culture_timeline").sort_values(["event_date", "title"]).reset_index(drop=True)
    return events.assign(
        kind=events["event"].map(EVENT_NAMES).fillna(events["event"]),
        label=events["chart_label"].fillna(events["title"]),
        year_printed=[
            precision == "approximate" or str(day.year) in str(printed)
            for day, precision, printed in zip(events["event_date"], events["date_precision"], events["date_as_printed"], strict=True)
        ],
    )


def timeline_chart(events: pd.DataFrame):
    """Events on a time axis, each named; shape and colour both mark the kind of event."""
    import altair as alt

    kinds = sorted(events["kind"].unique())
    legend = alt.Legend(title="Kind of event", orient="bottom", columns=3)
    # The shared chart cuts labels at 280 pixels and puts every kind in one legend row;
    # these labels need more room.
    return (
        charts.timeline_chart(events, "event_date", "label", "kind")
        .encode(
            y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=400)),
            color=alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=charts.PALETTE[: len(kinds)]), legend=legend),
            shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds), legend=legend),
        )
        .properties(width=340)
    )


def launches(events: pd.DataFrame) -> pd.DataFrame:
    """The launch events, where the papers date the launch more than one way (else empty)."""
    found = events[events["event"] == "launch"]
    return found if found["event_date"].nunique() > 1 else found.iloc[0:0]


def latest_check(b: Briefing) -> dict | None:
    """The latest check of officers' and staff's views after the launch (None when no paper
    public by the meeting reports one)."""
    checks = timeline(b)
    checks = checks[checks["event"] == "check"]
    return None if checks.empty else checks.iloc[-1].to_dict()


# ----- workshop feedback ----------------------------------------------------------------------


def scores(b: Briefing) -> pd.DataFrame:
    """The workshop feedback scores in the order printed, numbered, with a short chart label."""
    frame = b.data.table("culture_scores").reset_index(drop=True)
    numbers = range(1, len(frame) + 1)
    return frame.assign(
        number=list(numbers),
        label=[f"{n}. {_shorten(statement)}" for n, statement in zip(numbers, frame["statement"], strict=True)],
    )


def score_summary(frame: pd.DataFrame) -> dict | None:
    """The lowest and highest score, the scale they are drawn on, and whether the paper
    prints that scale."""
    if frame.empty:
        return None
    return {
        "lowest": frame.loc[frame["score"].idxmin()].to_dict(),
        "highest": frame.loc[frame["score"].idxmax()].to_dict(),
        "scale_min": float(frame["scale_min"].min()),
        "scale_max": float(frame["scale_max"].max()),
        "scale_stated": bool(frame["scale_stated"].all()),
        "count": len(frame),
    }


def scores_chart(frame: pd.DataFrame, summary: dict):
    """Each score as a dot on its scale, the score printed beside it."""
    low, high = summary["scale_min"], summary["scale_max"]
    return charts.dot_scale_chart(frame, "label", "score", low, high, f"Average score, drawn on a scale of {low:g} to {high:g}")


def _shorten(text: str, limit: int = 32) -> str:
    """A statement cut at a word boundary for a chart label (the table keeps it whole)."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",") + "\u2026"


# ----- words, blockers, impact ----------------------------------------------------------------


def word_changes(b: Briefing) -> dict[str, list[str]]:
    """The words staff used before and after, split into those that went, came and stayed.

    Each list keeps the order the paper prints the words in.
    """
    words = b.data.table("culture_words")
    before = list(dict.fromkeys(words[words["period"] == "before"]["word"]))
    after = list(dict.fromkeys(words[words["period"] == "after"]["word"]))
    return {
        "went": [w for w in before if w not in after],
        "came": [w for w in after if w not in before],
        "stayed": [w for w in before if w in after],
    }


def word_table(changes: dict[str, list[str]]) -> pd.DataFrame:
    """The three lists side by side, one word per cell, blank where a list is shorter."""
    rows = zip_longest(changes["went"], changes["came"], changes["stayed"], fillvalue="")
    return pd.DataFrame(list(rows), columns=["went", "came", "stayed"])


def word_sources(b: Briefing) -> dict:
    """The first row of each list, for its citation (None where the list is not public)."""
    words = b.data.table("culture_words")
    first = {period: words[words["period"] == period] for period in ("before", "after")}
    return {period: None if rows.empty else rows.iloc[0].to_dict() for period, rows in first.items()}


def blockers(b: Briefing) -> pd.DataFrame:
    """The phrases the appendix's unheaded slide prints after the roadshow dates slide, in the
    order printed (read as blockers raised at the roadshows: our reading, not the paper's)."""
    return b.data.table("culture_blockers").reset_index(drop=True)


def impact_measures(b: Briefing) -> pd.DataFrame:
    """The proxies the report says are being considered to measure impact (each once), with
    `baseline_given` as a plain bool."""
    frame = b.data.table("impact_measures").reset_index(drop=True)
    return frame.assign(baseline_given=frame["baseline_given"].fillna(False).astype(bool))


# ----- workforce representation ---------------------------------------------------------------


def representation(b: Briefing) -> pd.DataFrame:
    """The latest reading of each workforce representation and Positive Action measure, with
    its trend, in the order the papers tell the story.

    A printed range (two rows, low and high, printed together as '10-12%') is one row here:
    the low reading with `range_high` set and the name without '(lower bound)'. `dated`
    marks readings more than 12 months older than the meeting.
    """
    frame = pd.concat([b.trends(topic) for topic in REPRESENTATION_TOPICS], ignore_index=True)
    if frame.empty:
        return frame.assign(range_high=pd.Series(dtype="float64"), dated=pd.Series(dtype="bool"))
    frame = frame.assign(range_high=float("nan"))
    printed_together = frame.groupby(["source_id", "section", "as_printed", "when"], dropna=False)["value"]
    frame = frame.assign(_values=printed_together.transform("nunique"), _high=printed_together.transform("max"))
    is_range = frame["_values"] == 2
    high_rows = is_range & (frame["value"] == frame["_high"])
    frame.loc[is_range, "range_high"] = frame.loc[is_range, "_high"]
    frame.loc[is_range, "name"] = frame.loc[is_range, "name"].str.replace(r"\s*\((lower|upper) bound\)$", "", regex=True)
    frame = frame[~high_rows].drop(columns=["_values", "_high"]).reset_index(drop=True)
    return frame.assign(dated=[b.dated(row) for row in frame.to_dict("records")])


def representation_age(b: Briefing, frame: pd.DataFrame) -> dict | None:
    """How old the dated representation readings are: how many, whole years since the newest
    of them, and the papers they come from (None when none is dated)."""
    dated = frame[frame["dated"]] if len(frame) else frame
    if dated.empty:
        return None
    newest = dated["when"].max()
    years = (pd.Timestamp(b.meeting_date) - newest).days // 365
    return {
        "count": len(dated),
        "all": len(dated) == len(frame),
        "years": int(years),
        "newest": dated[dated["when"] == newest].iloc[0].to_dict(),
        "papers": [b.source(source_id) for source_id in dict.fromkeys(dated["source_id"])],
        "from_this_meeting": bool(frame["source_id"].isin(b.papers_for_meeting()["source_id"]).any()),
    }


def representation_arithmetic(b: Briefing) -> dict | None:
    """Our check of the printed share recruited through Positive Action: recruited over
    applications, against the percentage printed with it.

    Returns the three readings, the calculated percentage and whether it differs from the
    printed one by more than rounding; None when a figure is missing.
    """
    recruited = b.latest("positive_action_bme_recruited")
    applications = b.latest("positive_action_bme_applications")
    printed = b.latest("positive_action_bme_recruited_pct")
    if recruited is None or applications is None or printed is None or not applications["value"]:
        return None
    calculated = 100 * recruited["value"] / applications["value"]
    return {
        "printed": printed,
        "recruited": recruited,
        "applications": applications,
        "calculated": round(calculated, 1),
        "differs": abs(calculated - printed["value"]) > ARITHMETIC_TOLERANCE_POINTS,
    }


# ----- the page: evidence sections and the note --------------------------------------------

BME_OFFICERS = "bme_officers_pct"
COUNTY_BME_POPULATION = "county_bme_population_pct"
CHAMPION = "culture-champion"
PIN_DOWN = "culture-impact-pin-down"
PROXIES = "culture-impact-proxies"
PLAN_THEME = "culture-plan-theme"
LIFE_BALANCE_THEMES = "culture-commitment-themes"
ROADSHOW_AIMS = "culture-blockers-our-reading"  # our reading of the unheaded slide, citing the roadshow dates slide and its aims
COMPLETED_BY = "presentation"  # the timeline event at which the Plan report counts the statement done

# Lines of enquiry in the order they are ranked when drafted: how the Commissioner will
# know the statement changed anything, then the evidence offered that culture is improving,
# what is done about the blockers, what the workshops changed, the Culture Champion's
# findings, and the make-up of the workforce against the Plan's aim.
ENQUIRY_RANKING = ("impact", "improving", "blockers", "workshops", "champion", "representation")


def statement(frame: pd.DataFrame, statement_id: str) -> dict | None:
    """One statement of a topic's frame by its id (None when the papers do not make it)."""
    found = frame[frame["statement_id"] == statement_id] if len(frame) else frame
    return None if found.empty else found.iloc[0].to_dict()


def life_balance(blocker_rows: pd.DataFrame, commitments: pd.DataFrame) -> dict | None:
    """The statement's own theme that names a blocker staff raised ('life balance'): the
    blocker and the commitment row, or None when no blocker is also a theme."""
    themes = statement(commitments, LIFE_BALANCE_THEMES)
    if themes is None:
        return None
    for row in blocker_rows.to_dict("records"):
        if row["blocker"].lower() in themes["text"].lower():
            return {"blocker": row, "theme": themes}
    return None


def sections(ctx: Briefing) -> dict[str, dict]:
    """The facts of each evidence section, keyed by template, in the order the page shows them."""
    engaged = ctx.latest(STAFF_ENGAGED)
    events = timeline(ctx)
    score_frame = scores(ctx)
    summary = score_summary(score_frame)
    check = latest_check(ctx)
    changes = word_changes(ctx)
    blocker_rows = blockers(ctx)
    commitments = ctx.statements("commitments")
    impact = ctx.statements("impact")
    said_of_blockers = ctx.statements("blockers")
    embedding = ctx.statements("embedding")
    frame = representation(ctx)
    engagement = ctx.trends("engagement")
    return {
        "commitments": {"background": ctx.statements("background"), "commitments": commitments, "claims": ctx.statements("claims")},
        "timeline": {
            "events": events,
            "chart": timeline_chart(events) if len(events) else None,
            "launches": launches(events),
            "check": check,
        },
        "engagement": {
            "engaged": engaged,
            "others": engagement[engagement["measure_key"] != STAFF_ENGAGED] if len(engagement) else engagement,
            "statements": ctx.statements("engagement"),
        },
        "scores": {
            "scores": score_frame,
            "summary": summary,
            "chart": scores_chart(score_frame, summary) if summary else None,
            "statements": ctx.statements("workshops"),
        },
        "embedding": {"statements": embedding, "champion": statement(embedding, CHAMPION)},
        "words": {
            "changes": changes,
            "table": word_table(changes),
            "first_rows": word_sources(ctx),
            "check": check,
            "statements": ctx.statements("words"),
        },
        "blockers": {
            "blockers": blocker_rows,
            "statements": said_of_blockers,
            "aims": statement(said_of_blockers, ROADSHOW_AIMS),
            "life_balance": life_balance(blocker_rows, commitments),
        },
        "impact": {"measures": impact_measures(ctx), "statements": impact, "admission": statement(impact, PIN_DOWN)},
        "check": {"check": check, "statements": ctx.statements("check")},
        "representation": {
            "readings": frame,
            "age": representation_age(ctx, frame),
            "arithmetic": representation_arithmetic(ctx),
            "statements": ctx.statements("positive action"),
        },
        **ctx.shared_sections(),
    }


def drafted(ctx: Briefing, facts: dict[str, dict]) -> tuple[list, list]:
    """The culture note's lines drafted from the evidence's facts, and the Panel's options:
    key issues, ranked lines of enquiry and data requests (words in
    templates/briefings/culture/note.html.j2). `Briefing.assemble_note` applies the
    officer's rows to them. Each line is drafted only when the facts that prompt it exist."""
    engaged = facts["engagement"]["engaged"]
    check = facts["check"]["check"]
    summary = facts["scores"]["summary"]
    champion = facts["embedding"]["champion"]
    blocker_rows = facts["blockers"]["blockers"].to_dict("records")
    aims = facts["blockers"]["aims"]
    measures = facts["impact"]["measures"].to_dict("records")
    impact = facts["impact"]["statements"]
    proxies, admission = statement(impact, PROXIES), facts["impact"]["admission"]
    no_baseline = [row for row in measures if not row["baseline_given"]]
    plan = statement(facts["commitments"]["background"], PLAN_THEME)
    events = facts["timeline"]["events"].to_dict("records")
    completed = next((row for row in events if row["event"] == COMPLETED_BY), None)
    readings = facts["representation"]["readings"].to_dict("records")
    officers = next((row for row in readings if row["measure_key"] == BME_OFFICERS), None)
    county = next((row for row in readings if row["measure_key"] == COUNTY_BME_POPULATION), None)
    age = facts["representation"]["age"]

    issues, enquiries, requests = [], [], []
    if check:
        cites = ([engaged] if engaged else []) + [check]
        issues.append(ctx.draft_line("key_issue", "improving", 2, cites, engaged=engaged, check=check, whose="report", evidence="check"))
        enquiries.append(ctx.draft_line("enquiry", "improving", 0, [check], check=check, role="accountability"))
        requests.append(ctx.draft_line("request", "check-count", 1, [check], check=check))
    if measures:
        cites = [proxies or measures[0]] + no_baseline[:1]
        issues.append(
            ctx.draft_line(
                "key_issue",
                "proxies",
                1,
                cites,
                measures=measures,
                no_baseline=no_baseline,
                whose="report",
                evidence="impact",
            )
        )
        cites = [row for row in (plan, completed, admission or proxies or measures[0]) if row]
        enquiries.append(
            ctx.draft_line(
                "enquiry",
                "impact",
                0,
                cites,
                plan=plan,
                completed=completed,
                no_baseline=no_baseline,
                admission=admission,
                role="accountability",
            )
        )
    if blocker_rows:
        cites = [blocker_rows[0]] + ([aims] if aims else [])
        issues.append(ctx.draft_line("key_issue", "blockers", 3, cites, rows=blocker_rows, aims=aims, whose="reading", evidence="blockers"))
        enquiries.append(ctx.draft_line("enquiry", "blockers", 0, [blocker_rows[0]], rows=blocker_rows, role="accountability"))
    if summary:
        enquiries.append(ctx.draft_line("enquiry", "workshops", 0, [summary["lowest"]], summary=summary, role="accountability"))
        if not summary["scale_stated"]:
            requests.append(ctx.draft_line("request", "score-scale", 2, [summary["lowest"]], summary=summary))
    if champion:
        enquiries.append(ctx.draft_line("enquiry", "champion", 0, [champion], champion=champion, role="accountability"))
    if officers:
        cites = [officers] + ([county] if county else [])
        issues.append(
            ctx.draft_line(
                "key_issue", "representation", 4, cites, officers=officers, county=county, age=age, whose="paper", evidence="representation"
            )
        )
        enquiries.append(
            ctx.draft_line("enquiry", "representation", 0, cites + ([plan] if plan else []), officers=officers, plan=plan, role="plan")
        )
        if age:
            requests.append(ctx.draft_line("request", "representation-now", 3, [officers], officers=officers))

    ranked = sorted(enquiries, key=lambda line: ENQUIRY_RANKING.index(line.line_id))
    enquiries = [replace(line, rank=n) for n, line in enumerate(ranked, start=1)]
    options = ctx.scrutiny_options()
    return issues[:5] + enquiries[:6] + requests, options
