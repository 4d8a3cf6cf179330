"""The culture briefing: what the Constabulary's Culture Statement commits to, how staff
were engaged, the workshop feedback scores, the words staff used before and after, the
blockers they raised, how impact will be measured, and the (long dated) workforce
representation figures. Each section says what the papers do not print and asks for it.
"""

from __future__ import annotations

from itertools import zip_longest

import pandas as pd
from markupsafe import Markup

from briefing import charts, rules
from briefing.components import Html, badge, bullet_list, flag, join, paragraph, table, tag
from briefing.context import Briefing
from briefing.formatting import figure_text, long_date, month_year, months_between, number, plural, short_date

CULTURE_PAPER = "pcp-2023-03-15-pack"

EVENT_WORDS = {
    "launch": "Launch",
    "roadshow": "Roadshow",
    "hot_topic": "Hot topic session",
    "check": "Check with staff",
    "presentation": "Presentation",
    "report": "Report to the Panel",
}

DATASET_WORDS = {
    "culture_scores": "workshop feedback scores",
    "culture_words": "words staff used",
    "culture_blockers": "blockers staff raised",
    "impact_measures": "measures of impact",
}

AUDIENCE_WORDS = {"internal": "Officers and staff (inside the force)", "public": "The public"}

# The 2017 representation figures, in the order a reader follows the story.
REPRESENTATION_MEASURES = [
    "bme_officers_pct",
    "county_bme_population_pct",
    "bme_officer_applicants_pct",
    "positive_action_bme_applications",
    "positive_action_bme_applicant_share_pct",
    "previous_rounds_bme_applicant_share_low_pct",
    "previous_rounds_bme_applicant_share_high_pct",
    "positive_action_bme_recruited",
    "positive_action_bme_recruited_pct",
]

# A printed percentage this far from our own sum is worth a question, not rounding noise.
ARITHMETIC_TOLERANCE_POINTS = 0.5


# ----- reading the datasets -------------------------------------------------------------


def _timeline(ctx: Briefing) -> pd.DataFrame:
    return ctx.data.table("culture_timeline").sort_values(["event_date", "title"]).reset_index(drop=True)


def _check_row(ctx: Briefing):
    """The January 2023 check with officers and staff (the latest 'check' event), if public."""
    checks = _timeline(ctx)
    checks = checks[checks["event"] == "check"]
    return checks.iloc[-1] if len(checks) else None


def _scores(ctx: Briefing) -> pd.DataFrame:
    return ctx.data.table("culture_scores").reset_index(drop=True)


def word_changes(ctx: Briefing) -> dict[str, list[str]]:
    """The words staff used before and after, split into those that went, came and stayed.

    Each list keeps the order the paper prints the words in.
    """
    words = ctx.data.table("culture_words")
    before = list(dict.fromkeys(words[words["period"] == "before"]["word"]))
    after = list(dict.fromkeys(words[words["period"] == "after"]["word"]))
    return {
        "went": [w for w in before if w not in after],
        "came": [w for w in after if w not in before],
        "stayed": [w for w in before if w in after],
    }


def event_date_text(row) -> str:
    """An event's date in words, saying when the paper gives only a month or a rough time."""
    if row["date_precision"] == "day":
        return long_date(row["event_date"])
    if row["date_precision"] == "month":
        return month_year(row["event_date"])
    return f"{row['date_as_printed']} (no month printed; drawn at {month_year(row['event_date'])})"


def _event_label(row, seen_places: dict) -> str:
    """A short label for the chart; the table beneath carries the full wording."""
    if row["event"] == "roadshow" and isinstance(row["place"], str):
        seen_places[row["place"]] = seen_places.get(row["place"], 0) + 1
        visit = " (second visit)" if seen_places[row["place"]] == 2 else ""
        return f"Roadshow at {row['place']}{visit}"
    if row["event"] == "check":
        return f"Check with officers and staff, {month_year(row['event_date'])}"
    if row["event"] == "presentation":
        return "Presented to the Commissioner's Board"
    return row["title"]


# ----- sections -------------------------------------------------------------------------


def key_points(ctx: Briefing) -> Html:
    """Three to five plain sentences, figures first, each cited."""
    points = []
    engaged = ctx.figure("culture_staff_engaged")
    if engaged is not None:
        points.append(
            join(
                [
                    f"{figure_text(engaged['value'], engaged['unit'], engaged['qualifier']).capitalize()} staff at all levels helped shape the Culture Statement",
                    ctx.cite_row(engaged),
                    "; the work was led by the Deputy Chief Constable (DCC), the force's second most senior officer.",
                ]
            )
        )
    scores = _scores(ctx)
    if len(scores):
        low, high = scores.loc[scores["score"].idxmin()], scores.loc[scores["score"].idxmax()]
        points.append(
            join(
                [
                    f"All {len(scores)} workshop feedback scores sit between {low['as_printed']} and {high['as_printed']}",
                    ctx.cite_row(low),
                    ", but the paper does not say what scale they are on or how many people answered.",
                ]
            )
        )
    check = _check_row(ctx)
    if check is not None:
        points.append(
            join(
                [
                    f"From the {month_year(check['event_date'])} check with officers and staff, the paper reports that {check['title'][:1].lower() + check['title'][1:]}",
                    ctx.cite_row(check),
                    ". No count of respondents is printed.",
                ]
            )
        )
    measures = ctx.data.table("impact_measures")
    if len(measures):
        without = int((~measures["baseline_given"].astype(bool)).sum())
        points.append(
            join(
                [
                    f"The Constabulary names {plural(len(measures), 'measure')} of the statement's impact",
                    ctx.cite_row(measures.iloc[0]),
                    f"; the papers give a starting (baseline) figure for {'none' if without == len(measures) else len(measures) - without} of them.",
                ]
            )
        )
    officers, county = ctx.figure("bme_officers_pct"), ctx.figure("county_bme_population_pct")
    if officers is not None and county is not None:
        points.append(
            join(
                [
                    f"The latest workforce figures in the papers are from 2017: Black and Minority Ethnic (BME) officers were {figure_text(officers['value'], officers['unit'])} of the workforce against {figure_text(county['value'], county['unit'])} of the county's population",
                    ctx.cite_row(officers),
                    ctx.dated_badge(officers),
                    ".",
                ]
            )
        )
    return bullet_list(points[:5], class_="key-points")


def commitments(ctx: Briefing) -> Html:
    """What the Culture Statement commits to, in our own words, with the paper's 'only force' claim."""
    cite = ctx.cite(CULTURE_PAPER, "item 8, para 5.1")
    items = [
        "An inclusive workplace where everyone is valued for who they are and what they bring to policing.",
        "Hearing and respecting every voice, because different points of view help solve complex problems.",
        "Encouraging new ideas and enterprise so that people feel able to make a difference, and learning from others beyond the force.",
        "Investing in staff and giving them the support they need, so that everyone feels part of the team.",
        "Building trust and confidence, inside the force and with communities, through behaviour that matches the force's values: fairness, integrity, diligence and impartiality.",
        "Two particular themes: \u201clife balance\u201d in place of \u201cwork-life balance\u201d, and bringing younger people's views into the conversation.",
    ]
    return join(
        [
            paragraph("In summary, the statement commits the Constabulary to:", cite),
            bullet_list(items),
            flag(
                "The Constabulary's own claim",
                "The paper says Cambridgeshire is currently the only force in the UK to have developed a Culture Statement",
                cite,
                ". This is the Constabulary's own claim; the papers give no evidence for it and this briefing has not checked it.",
            ),
        ]
    )


def _grouped_sources(ctx: Briefing, frame: pd.DataFrame) -> str:
    """One source line per paper, listing its sections, for a chart drawn from many rows."""
    sections: dict[str, list[str]] = {}
    for _, row in frame.iterrows():
        sections.setdefault(row["source_id"], [])
        if row["section"] not in sections[row["source_id"]]:
            sections[row["source_id"]].append(row["section"])
    return "; ".join(f"{ctx.source_name(source_id)}: {', '.join(parts)}" for source_id, parts in sections.items())


def _readable_timeline(frame: pd.DataFrame):
    """The shared timeline chart with room for this briefing's labels and a legend in rows.

    charts.timeline_chart puts all six kinds of event in one legend row (over 1,000 pixels
    wide, so the page shrinks the whole chart) and cuts labels at 280 pixels.
    """
    import altair as alt

    kinds = sorted(frame["kind"].unique())
    legend = alt.Legend(title="Kind of event", orient="bottom", columns=3)
    return (
        charts.timeline_chart(frame, "event_date", "label", "kind")
        .encode(
            y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=400)),
            color=alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=charts.PALETTE[: len(kinds)]), legend=legend),
            shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds), legend=legend),
        )
        .properties(width=340)
    )


def timeline(ctx: Briefing) -> Html:
    """The timeline from launch to the report: a chart with its table, and the two launch dates."""
    events = _timeline(ctx)
    if events.empty:
        return paragraph("The papers available by this meeting give no timeline for the Culture Statement.")
    seen: dict = {}
    frame = events.assign(
        label=[_event_label(r, seen) for _, r in events.iterrows()],
        kind=[EVENT_WORDS.get(e, e) for e in events["event"]],
    )
    display = pd.DataFrame(
        {
            "Date": [event_date_text(r) for _, r in events.iterrows()],
            "Date as printed": events["date_as_printed"],
            "Kind of event": frame["kind"],
            "What happened": [join([r["title"], ctx.cite_row(r)]) for _, r in events.iterrows()],
        }
    )
    first, last = events.iloc[0], events.iloc[-1]
    chart = charts.figure(
        _readable_timeline(frame),
        charts.ChartText(
            title=f"The Culture Statement work ran from {first['date_as_printed']} to this Panel report in {month_year(last['event_date'])}",
            subtitle="Events in the Culture Statement's development and roll-out, Cambridgeshire Constabulary; each kind of event has its own shape and colour",
            alt="; ".join(f"{event_date_text(r)}: {r['title']}" for _, r in events.iterrows()) + ".",
            source=_grouped_sources(ctx, events),
        ),
        display,
        list(display.columns),
    )
    parts = [chart]
    parts.append(
        paragraph(
            "The roadshow slide prints the day and month of each roadshow but not the year; they are read here as 2022 because para 5.3.3 says the roadshows began in July 2022. "
            "SWP (in \u201cSWP hot topic on Culture\u201d) is not explained in the paper."
        )
    )
    launches = events[events["event"] == "launch"]
    if launches["event_date"].nunique() > 1:
        panels = Markup("").join(
            tag("div", tag("p", join([tag("strong", r["date_as_printed"]), ctx.cite_row(r)])) + tag("p", r["title"]))
            for _, r in launches.iterrows()
        )
        parts.append(
            flag(
                "Two launch dates",
                "The paper dates the launch two ways. This need not be a contradiction: the earlier date reads as the start of the work, "
                "when the Chief Constable was reviewing the force's values, and the later one as the launch of the finished statement to staff at the roadshows.",
            )
        )
        parts.append(Html(tag("div", panels, class_="side-by-side")))
        ctx.ask(
            f"On what date was the finished Culture Statement published to officers and staff, given that the paper dates its launch both {' and '.join(launches['date_as_printed'])}?",
            " and ".join(f"launch dated \u201c{r['date_as_printed']}\u201d" for _, r in launches.iterrows()),
            launches.iloc[0],
        )
    return join(parts)


def engagement(ctx: Briefing) -> Html:
    """How many staff were engaged, and what the paper does not say about them."""
    row = ctx.figure("culture_staff_engaged")
    if row is None:
        return paragraph("The papers available by this meeting do not say how many staff were engaged.")
    parts = [
        paragraph(
            "Staff engaged in developing the statement: ", ctx.say("culture_staff_engaged"), ", at all levels and from a range of roles."
        ),
    ]
    if isinstance(row.get("note"), str):
        parts.append(
            paragraph(
                row["note"],
                " The roadshows were aimed mainly at frontline response officers",
                ctx.cite(CULTURE_PAPER, "item 8, para 5.3.3"),
                ".",
            )
        )
    parts.append(
        paragraph(
            "The papers do not give the size of the workforce, so the share of officers and staff who took part cannot be worked out, "
            "and they do not say how many took part in each roadshow or workshop."
        )
    )
    ctx.ask(
        f"What share of the force's officers and staff do the {figure_text(row['value'], row['unit'], row['qualifier'])} engaged represent, and which teams were least reached?",
        f"{figure_text(row['value'], row['unit'], row['qualifier'])} staff engaged, with no workforce total printed",
        row,
    )
    return join(parts)


def feedback_scores(ctx: Briefing) -> Html:
    """Workshop feedback scores on their scale, with a flag when the scale is not printed."""
    scores = _scores(ctx)
    if scores.empty:
        return paragraph("No workshop feedback scores are in the papers available by this meeting.")
    low, high = float(scores["scale_min"].min()), float(scores["scale_max"].max())
    frame = scores.assign(
        label=[f"{i}. {_shorten(s)}" for i, s in enumerate(scores["statement"], start=1)],
        number_label=[f"{i}" for i in range(1, len(scores) + 1)],
    )
    lowest, highest = scores.loc[scores["score"].idxmin()], scores.loc[scores["score"].idxmax()]
    first = scores.iloc[0]
    stated = bool(scores["scale_stated"].all())
    scale_words = f"{number(low)} to {number(high)}" + ("" if stated else " (our reading; the paper does not print the scale)")
    display = frame.assign(Statement=[f"{i}. {s}" for i, s in enumerate(scores["statement"], start=1)], Score=scores["as_printed"])
    parts = [
        charts.figure(
            charts.dot_scale_chart(
                frame, "label", "score", low, high, f"Average score, drawn on a scale of {number(low)} to {number(high)}"
            ),
            charts.ChartText(
                title=f"Every workshop feedback score is between {lowest['as_printed']} and {highest['as_printed']}",
                subtitle=f"Average score for each feedback statement, Leadership and Culture workshops, Cambridgeshire Constabulary; scale {scale_words}; number of responses not printed",
                alt="; ".join(f"{r['statement']}: {r['as_printed']}" for _, r in scores.iterrows()) + ".",
                source=ctx.source_text(first["source_id"], first["section"]),
            ),
            display,
            ["Statement", "Score"],
            numeric=(1,),
        )
    ]
    ctx.cite_row(first)
    if not stated:
        parts.append(
            flag(
                "Scale not printed",
                f"The slide prints each score but not the scale it is on, nor how many people answered or when. "
                f"We have drawn the scores on {number(low)} to {number(high)} because none is above {number(high)}; if the scale is different, the chart is wrong. "
                f"All {len(scores)} scores sit between {lowest['as_printed']} and {highest['as_printed']}",
                ctx.cite_row(first),
                ", which is very high on any scale up to 10 and leaves little room to show change.",
            )
        )
        ctx.ask(
            "What scale were the workshop feedback scores on, how many people gave feedback, and over which workshops?",
            f"{len(scores)} scores between {lowest['as_printed']} and {highest['as_printed']} with no scale or response count printed",
            first,
        )
    parts.append(
        paragraph(
            "The paper also says there has been no negative feedback about the workshops to date",
            ctx.cite(CULTURE_PAPER, "item 8, para 6.4"),
            ". The workshops were a pilot for the College of Policing (the national professional body for policing) and Durham University",
            ctx.cite(CULTURE_PAPER, "item 8, para 6.2"),
            ".",
        )
    )
    return join(parts)


def _shorten(text: str, limit: int = 32) -> str:
    """A statement cut at a word boundary for a chart label (the table keeps it whole)."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",") + "\u2026"


def words(ctx: Briefing) -> Html:
    """Which words went, which came and which stayed, as a three-column table."""
    words_frame = ctx.data.table("culture_words")
    if words_frame.empty:
        return paragraph("The papers available by this meeting do not list the words staff used.")
    changes = word_changes(ctx)
    before_row = words_frame[words_frame["period"] == "before"].iloc[0]
    after_row = words_frame[words_frame["period"] == "after"].iloc[0]
    rows = [tuple(c or "" for c in r) for r in zip_longest(changes["went"], changes["came"], changes["stayed"])]
    parts = [
        paragraph(
            "Staff were asked the same question at the start of the work",
            ctx.cite_row(before_row),
            " and again in January 2023",
            ctx.cite_row(after_row),
            f". Of the words the paper prints, {plural(len(changes['went']), 'word')} were used only at the start, "
            f"{plural(len(changes['came']), 'word')} only in January 2023, and {plural(len(changes['stayed']), 'word')} both times "
            f"({', '.join(changes['stayed'])}).",
        ),
        table(
            rows,
            ["Used at the start only (went)", "Used in January 2023 only (came)", "Used both times (stayed)"],
            caption="Words staff used to describe the culture, at the start of the work and in January 2023",
            row_headers=False,
        ),
        flag(
            "Read with care",
            "The \u201cbefore\u201d words answer two questions at once: how staff saw the culture then and how they wanted it to be",
            ctx.cite_row(before_row),
            ". So a word that went may have been a hope rather than a description, and its absence later does not show it was lost. "
            "Both lists are the paper's examples; it says there are more in the slides, which are not reproduced in the text of the pack, and it gives no counts of how often each word was used.",
        ),
    ]
    if "reactive" in changes["stayed"]:
        parts.append(
            paragraph(
                "\u201cReactive\u201d appears in both lists. The paper does not say whether staff meant it as a strength (quick to respond) or a weakness (not planning ahead)."
            )
        )
    ctx.ask(
        "Can the Panel see the full before-and-after word lists with how many people gave each word, so the change in culture can be judged rather than illustrated?",
        f"example words only: {', '.join(changes['stayed'])} used both times, with no counts",
        after_row,
    )
    return join(parts)


def blockers(ctx: Briefing) -> Html:
    """The blockers staff raised, and whether the papers say what is being done about each."""
    frame = ctx.data.table("culture_blockers")
    if frame.empty:
        return paragraph("The papers available by this meeting list no blockers.")
    first = frame.iloc[0]
    rows = [(r["blocker"], badge("Not stated in the papers", "dated")) for _, r in frame.iterrows()]
    parts = [
        paragraph(
            f"Staff at the roadshows raised {plural(len(frame), 'blocker')}, things that get in the way of the culture the statement describes",
            ctx.cite_row(first),
            ".",
        ),
        table(
            rows,
            ["Blocker staff raised", "What the papers say is being done"],
            caption="Blockers raised at the roadshows and the response recorded in the papers",
        ),
        flag(
            "No response recorded",
            "As far as this briefing can find, neither the Culture Statement report nor the Plan progress report says what is being done about any of these blockers, "
            "though identifying them and ways to overcome them was one of the roadshows' aims.",
        ),
    ]
    if any(b.strip().lower() == "life balance" for b in frame["blocker"]):
        parts.append(
            paragraph(
                "Life balance is both a blocker staff raised and one of the statement's own themes",
                ctx.cite(CULTURE_PAPER, "item 8, para 5.1"),
                ", so the statement names the problem but the papers do not say what has changed for staff.",
            )
        )
    ctx.ask(
        f"For each of the {len(frame)} blockers staff raised at the roadshows, what is being done, by whom and by when?",
        f"{plural(len(frame), 'blocker')} listed with no response recorded",
        first,
    )
    return join(parts)


def impact_measures(ctx: Briefing) -> Html:
    """How impact will be measured, and a flag and a question where no baseline is given."""
    frame = ctx.data.table("impact_measures")
    if frame.empty:
        return paragraph("The papers available by this meeting do not say how the statement's impact will be measured.")
    rows = [
        (
            AUDIENCE_WORDS.get(r["audience"], r["audience"]),
            join([r["measure"], ctx.cite_row(r)]),
            badge("Given", "ok") if r["baseline_given"] else badge("Not given", "dated"),
        )
        for _, r in frame.iterrows()
    ]
    parts = [
        paragraph(
            "The paper says culture is hard to measure directly and lists measures it will use as stand-ins. "
            "PSD is the Professional Standards Department, which handles complaints and conduct matters about officers and staff."
        ),
        table(
            rows,
            ["Impact on", "Measure", "Starting figure (baseline)"],
            caption="How the Constabulary proposes to measure the Culture Statement's impact",
        ),
    ]
    missing = frame[~frame["baseline_given"].astype(bool)]
    if len(missing):
        first = missing.iloc[0]
        if len(missing) == len(frame):
            opening = f"None of the {len(frame)} measures comes with a starting figure, and none has a target or a date. "
        else:
            opening = f"{len(missing)} of the {len(frame)} measures come with no starting figure, and none has a target or a date. "
        parts.append(
            flag(
                "Measures promised without a baseline",
                opening,
                "Without them the Panel cannot tell later whether the statement has made a difference. "
                "The paper says staff survey response rates are very high compared with national figures, but prints no rate",
                ctx.cite_row(first),
                ".",
            )
        )
        ctx.ask(
            "What are the current figures for each impact measure (staff survey response rate, trust in being heard, Professional Standards cases, whistleblowing, attrition and complaints), and when will the Panel see them again?",
            f"measures promised without a baseline ({len(missing)} of {len(frame)})",
            first,
        )
    return join(parts)


def representation_arithmetic(ctx: Briefing) -> dict | None:
    """Our check of the printed share recruited through Positive Action: recruited / applications.

    Returns the printed and calculated percentages, or None when a figure is missing.
    """
    recruited = ctx.figure("positive_action_bme_recruited")
    applications = ctx.figure("positive_action_bme_applications")
    printed = ctx.figure("positive_action_bme_recruited_pct")
    if recruited is None or applications is None or printed is None or not applications["value"]:
        return None
    calculated = 100 * recruited["value"] / applications["value"]
    return {
        "printed": printed,
        "recruited": recruited,
        "applications": applications,
        "calculated": calculated,
        "differs": abs(calculated - printed["value"]) > ARITHMETIC_TOLERANCE_POINTS,
    }


def representation(ctx: Briefing) -> Html:
    """Workforce representation and positive action: the 2017 figures, each marked dated."""
    found = [ctx.figure(m) for m in REPRESENTATION_MEASURES]
    found = [r for r in found if r is not None]
    if not found:
        return paragraph("The papers available by this meeting give no figures on the make-up of the workforce.")
    rows = [
        (
            label,
            join([tag("strong", value), ctx.cite_row(r)]),
            badge(f"Dated: {short_date(_figure_when(r))}", "dated") if ctx.dated(r) else "Current",
        )
        for label, value, r in _representation_rows(ctx, found)
    ]
    parts = [
        paragraph(
            "The Culture Statement report gives no figures on who works for the force. The latest in the papers come from a 2017 report on the previous Plan's Communities theme. "
            "BME means Black and Minority Ethnic. Positive Action means steps to encourage and help people from under-represented groups to apply; in 2017 these were targeted "
            "recruitment events, a buddy scheme, an eight-week access course and easier spelling and grammar requirements on the application form",
            ctx.cite(found[0]["source_id"], "para 11.3"),
            ".",
        ),
        table(
            rows,
            ["Figure", "Value", "How current"],
            caption="Workforce representation and Positive Action recruitment, from the 2017 paper",
            numeric=(1,),
        ),
    ]
    shown = _representation_rows(ctx, found)
    dated = [r for _, _, r in shown if ctx.dated(r)]
    if dated:
        officers = ctx.figure("bme_officers_pct") or found[0]
        how_many = "All" if len(dated) == len(shown) else f"{len(dated)} of the {len(shown)}"
        paper = ctx.source(officers["source_id"])
        when = (
            f"the paper prints no date; it is from about {month_year(paper['date'])}"
            if paper["date_estimated"]
            else f"the paper is dated {long_date(paper['date'])}"
        )
        parts.append(
            flag(
                "Dated",
                f"{how_many} of these figures are more than {months_between(_figure_when(officers), ctx.meeting_date) // 12} years old ({when})",
                ctx.cite_row(officers),
                ". They are context, not the current position, and the county population share predates the 2021 Census.",
            )
        )
        ctx.ask(
            "What are the current figures for Black and Minority Ethnic officers and staff as a share of the workforce, set against the area's population, and what has Positive Action recruitment achieved since 2017?",
            f"the latest representation figures in the papers are from 2017 (BME officers {figure_text(officers['value'], officers['unit'])})",
            officers,
        )
    check = representation_arithmetic(ctx)
    if check is not None and check["differs"]:
        printed = check["printed"]
        parts.append(
            flag(
                "Check the arithmetic",
                f"The 2017 paper says {check['recruited']['as_printed']} applicants were recruited through Positive Action and calls this {printed['as_printed']}",
                ctx.cite_row(printed),
                f". {str(check['recruited']['as_printed']).capitalize()} of the {number(check['applications']['value'])} BME applications is {check['calculated']:.1f}% (our sum). "
                "The paper does not say what its percentage is of.",
            )
        )
    return join(parts)


def _representation_rows(ctx: Briefing, found: list[dict]) -> list[tuple[str, str, dict]]:
    """(label, value in words, row) for each figure, with a printed range shown as one row."""
    low = ctx.figure("previous_rounds_bme_applicant_share_low_pct")
    high = ctx.figure("previous_rounds_bme_applicant_share_high_pct")
    rows = []
    for row in found:
        if low is not None and high is not None and row["figure_id"] in (low["figure_id"], high["figure_id"]):
            if row["figure_id"] == low["figure_id"]:
                label = low["label"].rsplit(" (", 1)[0]
                rows.append((label, f"{figure_text(low['value'], low['unit'])} to {figure_text(high['value'], high['unit'])}", low))
            continue
        rows.append((row["label"], figure_text(row["value"], row["unit"], row["qualifier"]), row))
    return rows


def _figure_when(row):
    return rules.figure_date(row)


def january_check(ctx: Briefing) -> Html:
    """The January 2023 finding, and that no count of respondents is printed."""
    row = _check_row(ctx)
    if row is None:
        return paragraph("The papers available by this meeting report no check of staff views after the launch.")
    parts = [
        paragraph(
            f"In {month_year(row['event_date'])} officers and staff were asked the same question as at the start of the work. The paper's summary of what they said: ",
            tag("strong", row["title"]),
            ctx.cite_row(row),
            ". The same slide says nobody felt there had been no progress.",
        ),
        flag(
            "No count printed",
            "The paper does not say how many officers and staff responded, how many were asked, or how they were chosen, "
            "so the share cannot be turned into a number of people or compared with the number engaged at the start.",
        ),
    ]
    ctx.ask(
        f"How many officers and staff responded to the {month_year(row['event_date'])} check, out of how many asked, and what did the rest say?",
        "a share of respondents with no count printed",
        row,
    )
    return join(parts)


def dated_figures(ctx: Briefing) -> Html:
    """A flag for this briefing's figures more than 12 months older than the meeting."""
    old = [r.to_dict() for _, r in ctx.dated_rows("culture").iterrows()]
    if not old:
        return paragraph("No figure in this briefing is more than 12 months older than the meeting.")
    newest = max(_figure_when(r) for r in old)
    # A printed range (10-12%) is two rows but one figure to a reader.
    printed = {(r["source_id"], r["section"], r["as_printed"]) for r in old}
    return flag(
        "Dated",
        f"{plural(len(printed), 'figure')} in this briefing date from {short_date(newest)} or before, more than 12 months before the meeting; each carries a \u201cDated\u201d label. "
        f"They are the figures on {' and '.join(dict.fromkeys(r['topic'] for r in old))}; everything else comes from papers published for this meeting.",
    )


def since_last(ctx: Briefing) -> Html:
    """What changed since the last culture briefing."""

    def describe(name, fresh):
        if name == "figures":
            return [join([r["label"], ": ", ctx.say(r["measure_key"])]) for _, r in fresh[fresh["briefing"] == "culture"].iterrows()]
        if name == "culture_timeline":
            return [join([f"{event_date_text(r)}: {r['title']}", ctx.cite_row(r)]) for _, r in fresh.iterrows()]
        if name == "actions":
            return [
                join([r["kind"].capitalize(), ": ", r["text"], ctx.cite_row(r)])
                for _, r in fresh[fresh["briefing"] == "culture"].iterrows()
            ]
        if name in ("culture_scores", "culture_words", "culture_blockers", "impact_measures"):
            return [join([f"New {DATASET_WORDS[name]}: {len(fresh)}", ctx.cite_row(fresh.iloc[0])])]
        return []

    return ctx.since_last_meeting(
        ["culture_timeline", "actions", "figures", "culture_scores", "culture_words", "culture_blockers", "impact_measures"], describe
    )
