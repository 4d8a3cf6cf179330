"""The communities briefing: money for local problem solving, Safer Streets, the six
Community Safety Partnerships, citizens in policing, public confidence and reported
outcomes, and delivery of the Police and Crime Plan (the "Putting Communities First"
theme in detail, all five themes in overview). Most citizens-in-policing and confidence
figures come from 2017 and 2020 papers; the briefing labels them and asks for current ones.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from briefing import charts, rules
from briefing.components import Html, badge, bullet_list, details, flag, join, paragraph, table, tag
from briefing.context import Briefing
from briefing.formatting import figure_text, long_date, number, plural, short_date

THEME = "Putting Communities First"
PLAN_THEMES = [
    "Putting Communities First",
    "Crime Prevention",
    "Supporting Victims and Witnesses",
    "Ethical Policing",
    "Robust Enforcement",
]
STATUS_ORDER = ["complete", "ongoing", "scheduled", "not started", "on hold"]
STATUS_KIND = {"complete": "ok", "ongoing": "ok", "scheduled": "ok", "not started": "late", "on hold": "late"}
CITIZEN_TOPICS = ["watch schemes", "volunteers", "custody visitors"]
CITIZEN_TOPIC_NAMES = {"watch schemes": "Watch schemes", "volunteers": "Volunteers", "custody visitors": "Independent custody visitors"}
CONFIDENCE_MEASURES = ["confidence_feel_safe_pct", "confidence_dealing_with_concerns_pct", "hate_crime_peak_month"]
LOCAL_MONEY_MEASURES = [
    "csp_local_crime_funding",
    "csps_with_problem_solving_capacity",
    "csps_with_funded_posts",
    "safer_communities_fund_max_bid",
]
SAFER_STREETS_MEASURES = [
    "safer_streets_rounds",
    "safer_streets_total_investment",
    "safer_streets_latest_round_value",
    "safer_streets_asb_officers",
    "safer_streets_professionals_trained",
]
SAFER_STREETS_SHARED = ["safer_streets_rounds", "safer_streets_total_investment", "safer_streets_latest_round_value"]
PERPETRATOR_MEASURES = ["da_perpetrator_fund_bids", "da_perpetrator_fund_potential"]


# ----- helpers ----------------------------------------------------------------------------


def _text(row) -> str:
    """A row's figure in words, without citation."""
    return figure_text(row["value"], row["unit"], row["qualifier"])


def _note(row) -> str:
    return row["note"] if isinstance(row.get("note"), str) else ""


def figure_as_at(ctx: Briefing, row) -> str:
    """When a figure applies, in words: its period, its 'as at' date, or the paper's date."""
    start, end = row.get("period_start"), row.get("period_end")
    if pd.notna(start) and pd.notna(end):
        return f"{short_date(start)} to {short_date(end)}"
    if pd.notna(end):
        return f"as at {short_date(end)}"
    source = ctx.source(row["source_id"])
    estimated = " (date estimated)" if source["date_estimated"] else ""
    return f"paper of {short_date(row['public_date'])}{estimated}; period not printed"


def _deliverables(ctx: Briefing) -> pd.DataFrame:
    return ctx.data.table("deliverables")


def _status_cell(row) -> Markup:
    cell = badge(row["status"].capitalize(), STATUS_KIND.get(row["status"], "dated"))
    if bool(row["rescheduled"]):
        cell += Markup(" ") + badge("Rescheduled", "late")
    return cell


def _due_text(row) -> str:
    return row["due_as_printed"] if isinstance(row.get("due_as_printed"), str) else "no date given"


# ----- rules (pure, tested) -----------------------------------------------------------------


def status_counts(ctx: Briefing) -> pd.DataFrame:
    """Deliverables by Plan theme and status, every combination (zeros included), in the
    columns `charts.stacked_status_chart` expects: theme, status, count, status_order."""
    frame = _deliverables(ctx)
    grid = pd.MultiIndex.from_product([PLAN_THEMES, STATUS_ORDER], names=["theme", "status"])
    counts = frame.groupby(["theme", "status"]).size().reindex(grid, fill_value=0).rename("count").reset_index()
    counts["status_order"] = counts["status"].map(STATUS_ORDER.index)
    return counts


def stalled_deliverables(ctx: Briefing) -> pd.DataFrame:
    """Deliverables the report shows as not started or on hold, in any theme."""
    frame = _deliverables(ctx)
    return frame[frame["status"].isin(["not started", "on hold"])]


def rescheduled_deliverables(ctx: Briefing) -> pd.DataFrame:
    """Deliverables whose update says they were rescheduled or postponed."""
    frame = _deliverables(ctx)
    return frame[frame["rescheduled"].fillna(False).astype(bool)]


def overdue_deliverables(ctx: Briefing) -> pd.DataFrame:
    """Deliverables not complete whose (first) due quarter ended before the meeting."""
    frame = _deliverables(ctx)
    dated = frame[frame["due_quarter"].notna() & (frame["status"] != "complete")]
    passed = dated["due_quarter"].map(lambda quarter: rules.quarter_passed(str(quarter), ctx.meeting_date))
    return dated[passed.astype(bool)]


def funded_csps_named(ctx: Briefing) -> int:
    """How many CSP areas the papers name as having taken up a funded post."""
    areas = ctx.data.table("csp_areas")
    return int((areas["funded_post"] == "yes").sum())


def dated_rows(ctx: Briefing) -> pd.DataFrame:
    """This briefing's figures more than 12 months older than the meeting."""
    return ctx.dated_rows("communities")


# ----- sections --------------------------------------------------------------------------------


def key_points(ctx: Briefing) -> Html:
    """Three to five plain-English sentences, figures first."""
    points = []
    funding, posts = ctx.figure("csp_local_crime_funding"), ctx.figure("csps_with_funded_posts")
    if funding is None:
        points.append(
            "The papers available by this meeting give no current figures for CSP funding or for delivery of the Police and Crime Plan."
        )
    if funding is not None and posts is not None:
        named = funded_csps_named(ctx)
        points.append(
            join(
                [
                    "The Commissioner has allocated ",
                    tag("strong", _text(funding)),
                    ctx.cite_row(funding),
                    " to the six Community Safety Partnerships (CSPs: councils, police, fire, health and probation working together in each district) "
                    f"to tackle local crime and disorder. Of the six areas, {number(posts['value'])} took up his funding for extra problem-solving staff",
                    ctx.cite_row(posts),
                    ", but the papers do not say which." if named < posts["value"] else ".",
                ]
            )
        )
    total, latest = ctx.figure("safer_streets_total_investment"), ctx.figure("safer_streets_latest_round_value")
    rounds = ctx.figure("safer_streets_rounds")
    if total is not None and rounds is not None:
        sentence = [
            tag("strong", _text(total)),
            ctx.cite_row(total),
            f" has come into the county from {number(rounds['value'])} rounds of the government's Safer Streets fund",
        ]
        if latest is not None:
            sentence += [", including ", tag("strong", _text(latest)), ctx.cite_row(latest), " in the latest round"]
        agreement = safer_streets_agreement(ctx)
        ending = {
            True: "; the two papers that give these totals agree.",
            False: "; the papers that give these totals disagree (see below).",
        }.get(agreement, ".")
        points.append(join(sentence + [ending]))
    mine = _deliverables(ctx)
    mine = mine[mine["theme"] == THEME]
    if len(mine):
        counts = mine["status"].value_counts()
        words = [f"{number(counts[s])} {s}" for s in STATUS_ORDER if s in counts]
        listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
        points.append(
            join(
                [
                    f"Of the {number(len(mine))} Police and Crime Plan deliverables under \u201c{THEME}\u201d, {listed}",
                    ctx.cite_row(mine.iloc[0]),
                    ".",
                ]
            )
        )
    old = dated_rows(ctx)
    if len(old):
        oldest = min(rules.figure_date(r) for _, r in old.iterrows())
        newest = max(rules.figure_date(r) for _, r in old.iterrows())
        citizens = ctx.figure_rows(briefing="communities")
        citizens = citizens[citizens["topic"].isin(CITIZEN_TOPICS)]
        old_citizens = int(citizens["figure_id"].isin(old["figure_id"]).sum())
        share = f"all {number(old_citizens)}" if old_citizens == len(citizens) else f"{number(old_citizens)} of the {number(len(citizens))}"
        points.append(
            f"{plural(len(old), 'figure')} in this briefing, including {share} on citizens in policing, "
            f"date from {short_date(oldest)} to {short_date(newest)}, more than a year before this meeting; the papers for this meeting give no current ones."
        )
    potential = ctx.figure("da_perpetrator_fund_potential")
    if potential is not None:
        points.append(
            join(
                [
                    "A further ",
                    tag("strong", _text(potential)),
                    ctx.cite_row(potential),
                    " for domestic abuse perpetrator work depends on bids that have not yet been decided: it is not secured.",
                ]
            )
        )
    return bullet_list(points[:5], class_="key-points")


def safer_streets_agreement(ctx: Briefing) -> bool | None:
    """True when every Safer Streets figure stated by two papers has the same value in
    each, False when any differs, None when no figure is stated twice."""
    frame = ctx.data.table("figures")
    shared = frame[frame["measure_key"].isin(SAFER_STREETS_SHARED)].groupby("measure_key")
    compared = [group["value"].nunique() == 1 for _, group in shared if group["source_id"].nunique() > 1]
    return all(compared) if compared else None


def local_funding(ctx: Briefing) -> Html:
    """Money for local problem solving: CSP funding, the Safer Communities Fund, the Youth
    Fund and the domestic abuse perpetrator bids, each with its citation."""
    rows = []
    for measure in LOCAL_MONEY_MEASURES + PERPETRATOR_MEASURES:
        row = ctx.figure(measure)
        if row is not None:
            note = _note(row)
            if measure == "da_perpetrator_fund_potential":
                note = join([badge("Not secured", "late"), " ", note])
            rows.append((row["label"], ctx.say(measure), note))
    if not rows:
        return paragraph("The papers available by this meeting give no figures on money for local problem solving.")
    parts = [
        paragraph(
            "The Commissioner's office (the OPCC, Office of the Police and Crime Commissioner) funds local problem solving mainly through the CSPs. "
            "The Police and Crime Plan commits the Commissioner to support them."
        ),
        table(rows, ["What", "Figure", "Note"], caption="Money and capacity for local problem solving"),
    ]
    bid = ctx.figure("safer_communities_fund_max_bid")
    if bid is not None:
        parts.append(
            paragraph(
                "The Commissioner's Youth Fund also paid for local projects, such as youth work with young people responsible for ASB, but ",
                tag("strong", "the papers print no sum for the Youth Fund"),
                ctx.cite_row(bid),
                ".",
            )
        )
        ctx.ask(
            "How much is in the Commissioner's Youth Fund, and how much of it and of the Safer Communities Fund has been awarded, to which CSPs?",
            "the Youth Fund is named with no sum, and the Safer Communities Fund only with its largest bid",
            bid,
        )
    funding = ctx.figure("csp_local_crime_funding")
    if funding is not None and funding["qualifier"] == "up to":
        ctx.ask(
            f"The papers give CSP funding as {_text(funding)}: how much has been spent so far, and how much has each CSP received?",
            f"a ceiling ({_text(funding)}) with no spend to date",
            funding,
        )
    potential = ctx.figure("da_perpetrator_fund_potential")
    if potential is not None:
        parts.append(
            flag(
                "Not secured",
                "The ",
                _text(potential),
                " for domestic abuse perpetrator work comes only if the bids succeed",
                ctx.cite_row(potential),
                ".",
            )
        )
        ctx.ask(
            f"When will the Home Office decide the domestic abuse perpetrator bids worth {_text(potential)}, and what happens to the work if they fail?",
            f"{_text(potential)} that depends on bids not yet decided",
            potential,
        )
    return join(parts)


def safer_streets(ctx: Briefing) -> Html:
    """Safer Streets rounds and totals, with a check that the papers giving them agree."""
    items = []
    for measure in SAFER_STREETS_MEASURES:
        row = ctx.figure(measure)
        if row is not None:
            items.append(join([row["label"], ": ", ctx.say(measure)]))
    if not items:
        return paragraph("The papers available by this meeting give no Safer Streets figures.")
    parts = [bullet_list(items)]
    latest = ctx.figure("safer_streets_latest_round_value")
    if latest is not None and _note(latest):
        parts.append(paragraph("How the figure is printed: ", _note(latest)))
    comparison = []
    disagree = False
    for measure in SAFER_STREETS_SHARED:
        rows = ctx.figure_history(measure)
        if rows["source_id"].nunique() < 2:
            continue
        values = {float(v) for v in rows["value"]}
        disagree |= len(values) > 1
        stated = join(
            [
                join(
                    [ctx.source(r["source_id"])["title"], f" ({r['section']}): ", tag("strong", _text(r)), ctx.cite_row(r), Markup("<br>")]
                )
                for _, r in rows.iterrows()
            ]
        )
        comparison.append((rows.iloc[0]["label"], stated, "Agree" if len(values) == 1 else "Disagree"))
    if comparison:
        parts.append(
            table(
                comparison,
                ["Figure", "What each paper says", "Do the papers agree?"],
                caption="Safer Streets figures in the communities paper and the communications paper",
            )
        )
        frame = ctx.data.table("figures")
        shared = frame[frame["measure_key"].isin(SAFER_STREETS_SHARED)]
        parts.append(ctx.contradiction_flags(shared, "measure_key", "value", _text, "label"))
        if not disagree:
            parts.append(paragraph("Both papers to this meeting give the same rounds, total and latest award."))
    return join(parts)


def csp_areas(ctx: Briefing) -> Html:
    """The six CSP areas and whether the papers say each took up a funded post."""
    areas = ctx.data.table("csp_areas")
    if areas.empty:
        return paragraph("The papers available by this meeting do not list the CSP areas.")
    words = {"yes": "Yes", "no": "No", "not stated": "Not stated in the papers"}
    rows = [(r["csp"], join([words.get(r["funded_post"], r["funded_post"]), ctx.cite_row(r)])) for _, r in areas.iterrows()]
    parts = [
        table(
            rows,
            ["Community Safety Partnership area", "Took up funding for a problem-solving post?"],
            caption="The six CSP areas and funded posts",
        )
    ]
    posts = ctx.figure("csps_with_funded_posts")
    end = ctx.data.table("expected_dates")
    end = end[end["measure_key"] == "csp_funded_posts_end"]
    if posts is not None:
        named = funded_csps_named(ctx)
        cites = dict.fromkeys([ctx.cite_row(posts)] + ([ctx.cite_row(end.iloc[0])] if len(end) else []))
        runs_to = [", funded to ", end.iloc[0]["date_as_printed"]] if len(end) else []
        naming = " It does not name them." if named == 0 else f" It names {number(named)} of them."
        parts.append(paragraph(f"The report says {number(posts['value'])} areas took up the posts", *runs_to, *cites, ".", naming))
        if named < posts["value"]:
            parts.append(
                flag("Not named", f"The papers say {number(posts['value'])} of the six areas have funded posts but do not say which.")
            )
            ctx.ask(
                f"Which {number(posts['value'])} CSP areas took up the funded problem-solving posts, why did the other {number(len(areas) - posts['value'])} not, and what does each post cost?",
                f"{number(posts['value'])} areas with funded posts, none of them named",
                posts,
            )
    return join(parts)


def citizens_in_policing(ctx: Briefing) -> Html:
    """Watch schemes, Specials, police support volunteers, cadets and custody visitors,
    each with its date and a 'Dated' label where old."""
    frame = ctx.figure_rows(briefing="communities")
    frame = frame[frame["topic"].isin(CITIZEN_TOPICS)]
    if frame.empty:
        return paragraph("The papers available by this meeting give no figures on citizens in policing.")
    frame = frame.assign(_order=frame["topic"].map(CITIZEN_TOPICS.index)).sort_values(
        ["_order", "subject", "public_date", "figure_id"], kind="stable"
    )
    rows = [
        (
            CITIZEN_TOPIC_NAMES[r["topic"]],
            r["label"],
            join([tag("strong", _text(r)), ctx.cite_row(r), ctx.dated_badge(r)]),
            figure_as_at(ctx, r),
        )
        for _, r in frame.iterrows()
    ]
    parts = [
        paragraph(
            "Special Constables are volunteer police officers with full powers. Police support volunteers (PSVs) give their time in support roles. "
            "Independent custody visitors (ICVs) are local people who make unannounced visits to police custody to check how detainees are treated; "
            "the Commissioner runs the scheme."
        ),
        table(rows, ["Scheme", "What", "Figure", "When"], caption="Citizens in policing: the latest figures in the papers"),
    ]
    for _, group in frame.groupby("measure_key", sort=False):
        if group["source_id"].nunique() > 1 and group["value"].nunique() == 1:
            first, last = group.iloc[0], group.iloc[-1]
            parts.append(
                paragraph(
                    f"{first['subject']}: the papers of {short_date(first['public_date'])} and {short_date(last['public_date'])} both give {_text(last)} members",
                    ctx.cite_row(first),
                    ctx.cite_row(last),
                    ". Either membership did not change or the figure was not updated.",
                )
            )
    national, projected = ctx.figure("specials_turnover_national_pct"), ctx.figure("specials_turnover_projected_pct")
    if national is not None and projected is not None:
        parts.append(
            paragraph(
                "Specials turnover: ",
                ctx.say("specials_turnover_projected_pct"),
                " projected for Cambridgeshire against ",
                ctx.say("specials_turnover_national_pct"),
                " nationally. The local figure is a projection, not a count.",
            )
        )
    old = frame[[ctx.dated(r) for _, r in frame.iterrows()]]
    if len(old):
        newest_old = max(rules.figure_date(r) for _, r in old.iterrows())
        current = frame[~frame["figure_id"].isin(old["figure_id"])]
        current_words = (
            f" Only the figures on {', '.join(dict.fromkeys(current['subject']))} are from the last 12 months." if len(current) else ""
        )
        parts.append(
            flag(
                "Dated",
                f"{number(len(old))} of these {number(len(frame))} figures date from {short_date(newest_old)} or before.{current_words}",
            )
        )
        ctx.ask(
            "Can the Commissioner give current numbers for Neighbourhood Watch, Speedwatch and Countryside Watch members, Special Constables and their hours, police support volunteers and cadets, and custody visits made in 2022/23?",
            f"{plural(len(old), 'citizens in policing figure')} from {short_date(newest_old)} or before",
            old.iloc[0],
        )
    return join(parts)


def confidence_and_outcomes(ctx: Briefing) -> Html:
    """Public confidence, the hate crime peak and the outcomes the papers report."""
    items = []
    for measure in CONFIDENCE_MEASURES:
        row = ctx.figure(measure)
        if row is not None:
            note = f" ({_note(row)})" if _note(row) else ""
            items.append(join([row["label"], ": ", ctx.say(measure), note]))
    parts = []
    if items:
        parts.append(paragraph("Public confidence and hate crime, from the latest papers that report them:"))
        parts.append(bullet_list(items))
        rows = [ctx.figure(m) for m in CONFIDENCE_MEASURES]
        rows = [r for r in rows if r is not None]
        old = [r for r in rows if ctx.dated(r)]
        if old:
            parts.append(
                flag(
                    "Dated",
                    f"These figures are from a paper of {short_date(old[0]['public_date'])}. No later confidence survey or hate crime figures are in the papers.",
                )
            )
            ctx.ask(
                "What do the latest confidence survey results show for people feeling safe and for the Constabulary dealing with their concerns, and how many hate crimes are recorded now?",
                f"confidence and hate crime figures from {short_date(old[0]['public_date'])}",
                old[0],
            )
    drop = ctx.figure("cambridge_cycle_theft_drop_pct")
    if drop is not None:
        parts.append(paragraph("Outcome reported: ", drop["label"], ": ", ctx.say("cambridge_cycle_theft_drop_pct"), ". ", _note(drop)))
        if pd.isna(drop.get("period_start")) and pd.isna(drop.get("period_end")):
            parts.append(
                flag(
                    "No baseline",
                    "Without the period and the starting number, members cannot tell how large the fall is or what caused it.",
                )
            )
            ctx.ask(
                f"Over what period, and from what number, did cycle thefts in Cambridge fall by {_text(drop)}?",
                f"a {_text(drop)} fall with no period or baseline printed",
                drop,
            )
    if not parts:
        return paragraph("The papers available by this meeting give no figures on public confidence or outcomes.")
    return join(parts)


def theme_deliverables(ctx: Briefing) -> Html:
    """The Plan's 'Putting Communities First' deliverables with status, due date and summary."""
    frame = _deliverables(ctx)
    mine = frame[frame["theme"] == THEME].assign(_order=lambda f: f["status"].map(STATUS_ORDER.index)).sort_values("_order", kind="stable")
    if mine.empty:
        return paragraph(f"The papers available by this meeting list no deliverables under \u201c{THEME}\u201d.")
    rows = [(r["deliverable"], _status_cell(r), _due_text(r), join([r["summary"], ctx.cite_row(r)])) for _, r in mine.iterrows()]
    intro = paragraph(
        "The status is our reading of each update in the progress report (item 9): it is not a rating the report gives. "
        "'Scheduled' means a date is set but work is not reported as under way."
    )
    caption = f"\u201c{THEME}\u201d deliverables in the progress report of {long_date(mine.iloc[0]['public_date'])}"
    return intro + table(rows, ["Deliverable", "Status", "Due", "Where it stands"], caption=caption)


def delivery_overview(ctx: Briefing) -> Html:
    """All five Plan themes: deliverables by status as a chart with its table, the items not
    started or on hold, rescheduled items, and items past their due quarter."""
    frame = _deliverables(ctx)
    if frame.empty:
        return paragraph("The papers available by this meeting hold no Plan progress report.")
    counts = status_counts(ctx)
    wide = counts.pivot(index="theme", columns="status", values="count").reindex(index=PLAN_THEMES, columns=STATUS_ORDER)
    wide["total"] = wide.sum(axis=1)
    table_frame = wide.reset_index()
    table_frame.columns = ["Theme"] + [s.capitalize() for s in STATUS_ORDER] + ["Total"]
    first = frame.iloc[0]
    paragraphs = sorted({section.split(" (")[0].removeprefix("para ") for section in frame["section"]})
    source_section = "paras " + ", ".join(paragraphs)
    ctx.cite(first["source_id"], source_section)
    totals = frame["status"].value_counts()
    description = (
        f"{number(len(frame))} deliverables across five themes. "
        + "; ".join(
            f"{theme}: " + ", ".join(f"{number(wide.loc[theme, s])} {s}" for s in STATUS_ORDER if wide.loc[theme, s])
            for theme in PLAN_THEMES
        )
        + "."
    )
    busiest = wide["total"].idxmax()
    import altair as alt

    chart = charts.stacked_status_chart(counts, "theme", "status", "count", STATUS_ORDER)
    # The shared chart sorts themes alphabetically; the Plan's own order reads better.
    chart = chart.encode(y=alt.Y("theme:N", sort=PLAN_THEMES, title=None, axis=alt.Axis(labelLimit=260)))
    parts = [
        charts.figure(
            chart,
            charts.ChartText(
                title=f"{number(totals.get('complete', 0))} of {number(len(frame))} Plan deliverables are complete; {busiest} has the most ({number(wide.loc[busiest, 'total'])})",
                subtitle=f"Police and Crime Plan 2021-24 deliverables by theme and status (our reading of the updates), progress report of {short_date(first['public_date'])}",
                alt=description,
                source=ctx.source_text(first["source_id"], source_section),
            ),
            table_frame,
            list(table_frame.columns),
            numeric=tuple(range(1, len(table_frame.columns))),
        )
    ]
    stalled = stalled_deliverables(ctx)
    if len(stalled):
        items = [
            join([tag("strong", r["deliverable"]), f" ({r['theme']}): ", r["status"], ". ", r["summary"], ctx.cite_row(r)])
            for _, r in stalled.iterrows()
        ]
        parts.append(paragraph("Not started or on hold:"))
        parts.append(bullet_list(items))
        for _, r in stalled.iterrows():
            ctx.ask(
                f"Why is \u201c{r['deliverable']}\u201d ({r['theme']}) {r['status']}, and when will it move forward?",
                f"shown as {r['status']} in the progress report",
                r,
            )
    moved = rescheduled_deliverables(ctx)
    if len(moved):
        items = [
            join([tag("strong", r["deliverable"]), f" ({r['theme']}): ", r["status_evidence"], ctx.cite_row(r)])
            for _, r in moved.iterrows()
        ]
        parts.append(flag("Rescheduled", f"{plural(len(moved), 'deliverable was', 'deliverables were')} rescheduled or postponed:"))
        parts.append(bullet_list(items))
        for _, r in moved.iterrows():
            ctx.ask(
                f"\u201c{r['deliverable']}\u201d ({r['theme']}) was rescheduled or postponed: what is the new date?",
                "the update says it was rescheduled or postponed",
                r,
            )
    late = overdue_deliverables(ctx)
    if len(late):
        items = [
            join([tag("strong", r["deliverable"]), f" ({r['theme']}): due {r['due_as_printed']}, now {r['status']}", ctx.cite_row(r)])
            for _, r in late.iterrows()
        ]
        parts.append(
            flag(
                "Due date passed",
                f"By {long_date(ctx.meeting_date)} the quarter it was due by has ended for {plural(len(late), 'deliverable')} not yet complete:",
            )
        )
        parts.append(bullet_list(items))
        for _, r in late.iterrows():
            ctx.ask(
                f"\u201c{r['deliverable']}\u201d ({r['theme']}) was due in {r['due_as_printed']} and is {r['status']}: when will it be delivered?",
                f"due {r['due_as_printed']}, not complete by the meeting",
                r,
            )
    return join(parts)


def dated_figures(ctx: Briefing) -> Html:
    """Flag and list every figure in this briefing more than 12 months older than the meeting."""
    old = dated_rows(ctx)
    if old.empty:
        return paragraph("No figure in this briefing is more than 12 months older than the meeting.")
    rows = [(r["label"], join([_text(r), ctx.cite_row(r)]), figure_as_at(ctx, r)) for _, r in old.iterrows()]
    newest = max(rules.figure_date(r) for _, r in old.iterrows())
    return flag(
        "Dated",
        f"{plural(len(old), 'figure')} from the communities papers date from {short_date(newest)} or before, more than 12 months before this meeting; "
        "each carries a 'Dated' label where it appears. The questions below ask for current figures.",
    ) + details(
        f"Show the {plural(len(old), 'dated figure')}",
        table(rows, ["Figure", "Value", "When"], caption="Figures more than 12 months older than the meeting"),
    )


def since_last(ctx: Briefing) -> Html:
    """What became public since the last meeting with a communities briefing."""

    def describe(name, fresh):
        if name == "figures":
            return [
                join([r["label"], ": ", tag("strong", _text(r)), ctx.cite_row(r)])
                for _, r in fresh[fresh["briefing"] == "communities"].iterrows()
            ]
        if name == "deliverables":
            return [f"Plan progress report: {plural(len(fresh), 'deliverable')} with updates."]
        if name == "actions":
            return [
                join([r["kind"].capitalize(), ": ", r["text"], ctx.cite_row(r)])
                for _, r in fresh[fresh["briefing"] == "communities"].iterrows()
            ]
        return []

    return ctx.since_last_meeting(["figures", "deliverables", "actions"], describe)
