"""The communications and engagement briefing: what the Commissioner's office produced,
how far it reached, the statutory engagement duties and the evidence for each, the
precept survey, the new newsletter, young people, the team, and the new website's date.

Every figure comes from the datasets with its citation; the rules here decide what to
flag (dated, contradictory, single data points, duties without direct evidence) and which
questions to suggest.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd
from markupsafe import Markup

from briefing import charts, rules
from briefing.components import Html, badge, bullet_list, flag, join, paragraph, table, tag
from briefing.context import Briefing
from briefing.formatting import as_date, figure_text, long_date, month_year, number, short_date

# Short names for the chart, in the order the paper lists the outputs (para 5.4).
OUTPUT_NAMES = {
    "comms_press_releases": "Press releases",
    "comms_social_media_posts": "Social media posts",
    "comms_responses_and_statements": "Responses and statements",
    "comms_public_engagement_events": "Public engagement events",
    "comms_district_days": "District Days",
    "comms_precept_leaflets": "Precept information leaflets",
}

# The duties dataset has no column saying how strong the evidence is; its evidence text
# opens with one of these phrases where the papers give only indirect evidence.
INDIRECT_EVIDENCE_PHRASES = ("only indirect", "no direct evidence")

# Evidence sections name other papers of the same meeting by these words.
OTHER_PAPERS = {
    "plan delivery progress report": "pcp-2023-03-15-plan-delivery",
    "agenda pack": "pcp-2023-03-15-pack",
}

EVIDENCE_BADGES = {
    "direct": ("Evidence given", "ok"),
    "indirect": ("Indirect only", "dated"),
    "none": ("None given", "late"),
}

PRECEPT_SURVEY = "precept-2023-24"
YOUTH_SURVEY = "youth-listening-2022-23"


# ----- helpers ---------------------------------------------------------------------------


def _figure(ctx: Briefing, row) -> Markup:
    """One dataset row's figure in words, with its citation and any 'Dated' label."""
    return tag("strong", figure_text(row["value"], row["unit"], row["qualifier"])) + ctx.cite_row(row) + ctx.dated_badge(row)


def _text(row) -> str:
    """A row's figure in words, without citation."""
    return figure_text(row["value"], row["unit"], row["qualifier"])


def _survey(ctx: Briefing, survey_id: str):
    surveys = ctx.data.table("surveys")
    mine = surveys[surveys["survey_id"] == survey_id]
    return None if mine.empty else mine.iloc[0]


def _expected(ctx: Briefing, measure_key: str) -> pd.DataFrame:
    dates = ctx.data.table("expected_dates")
    return dates[dates["measure_key"] == measure_key]


def _plain_note(ctx: Briefing, note) -> str:
    """A dataset note for readers: no internal ids.

    Survey ids in brackets (there for linking) are dropped; a paper's id becomes its agenda
    item, as members know the papers by item number.
    """
    if not isinstance(note, str):
        return ""
    survey_ids = [re.escape(s) for s in ctx.everything.unfiltered("surveys")["survey_id"]]
    if survey_ids:
        note = re.sub(r"\s*\((?:" + "|".join(survey_ids) + r")\)", "", note)
    for source_id in ctx.everything.unfiltered("sources")["source_id"]:
        note = note.replace(str(source_id), _paper_name(ctx, source_id))
    return note


def _paper_name(ctx: Briefing, source_id: str) -> str:
    """'the report at item 9' for a single agenda item, else the paper's title."""
    source = ctx.source(source_id)
    item = source["agenda_item"]
    return f"the report at item {item}" if isinstance(item, str) and item and "-" not in item else str(source["title"])


def data_points(ctx: Briefing, measure_key: str) -> int:
    """How many separate readings of a figure the papers public by the meeting give."""
    rows = ctx.figure_history(measure_key)
    return len(rows.assign(_when=rows["period_end"].fillna(rows["public_date"]))["_when"].drop_duplicates())


def outputs_frame(ctx: Briefing) -> pd.DataFrame:
    """The counted outputs with chart names, a printed figure and the period each covers."""
    figures = ctx.figure_rows(topic="outputs", briefing="comms")
    figures = figures[figures["measure_key"].isin(OUTPUT_NAMES)]
    if figures.empty:
        return pd.DataFrame(columns=["Output", "Number", "Label", "Period", "row"])
    usual = figures[["period_start", "period_end"]].mode().iloc[0]
    records = []
    for measure_key, name in OUTPUT_NAMES.items():
        row = ctx.figure(measure_key)
        if row is None:
            continue
        period = f"{month_year(row['period_start'])} to {month_year(row['period_end'])}"
        # A count over a shorter period than the rest must say so on the bar itself.
        if (row["period_start"], row["period_end"]) != (usual["period_start"], usual["period_end"]):
            name = f"{name} ({_short_period(row['period_start'], row['period_end'])} only)"
        records.append({"Output": name, "Number": row["value"], "Label": _text(row), "Period": period, "row": row})
    return pd.DataFrame(records)


def _short_period(start, end) -> str:
    """'Jan to Feb 2023', short enough for a chart label."""
    start, end = as_date(start), as_date(end)
    first = start.strftime("%b") if start.year == end.year else start.strftime("%b %Y")
    return f"{first} to {end.strftime('%b %Y')}"


def evidence_strength(duty_row) -> str:
    """'none' where the papers give no evidence, 'indirect' where only indirect, else 'direct'."""
    evidence = duty_row.get("evidence")
    if not isinstance(evidence, str) or not evidence.strip():
        return "none"
    opening = re.split(r"[:.]", evidence.strip(), maxsplit=1)[0].lower()
    return "indirect" if any(phrase in opening for phrase in INDIRECT_EVIDENCE_PHRASES) else "direct"


def _short_duty(duty: str) -> str:
    """The duty up to its first qualification, starting lower case, for use in a sentence."""
    short = re.split(r" \(| – | - | including ", duty, maxsplit=1)[0].rstrip(". ")
    return short[:1].lower() + short[1:]


def _evidence_citations(ctx: Briefing, duty_row) -> Markup:
    """Footnotes for each place the evidence is found, in whichever paper holds it."""
    sections = duty_row.get("evidence_section")
    if not isinstance(sections, str):
        return Markup("")
    marks = Markup("")
    for part in (p.strip() for p in sections.split(";") if p.strip()):
        source_id, section = duty_row["source_id"], part
        for words, other in OTHER_PAPERS.items():
            if part.lower().startswith(words):
                source_id, section = other, part[len(words) :].strip(" ,")
        marks += ctx.cite(source_id, section)
    return marks


# ----- sections --------------------------------------------------------------------------


def key_points(ctx: Briefing) -> Html:
    """Three to five plain-English sentences, figures first, each with its citation."""
    points = []
    outputs = outputs_frame(ctx)
    if len(outputs):
        biggest = outputs.sort_values("Number", ascending=False).head(4)
        counts = _and([join([tag("strong", r["Label"]), " ", r["Output"].lower()]) for _, r in biggest.iterrows()])
        # One footnote per paper section, not one per number, where they share a source.
        cites = list(dict.fromkeys(ctx.cite_row(r) for r in biggest["row"]))
        points.append(
            join(
                counts
                + cites
                + [
                    f": the Commissioner's office's main outputs from {biggest.iloc[0]['Period']}. The papers give no earlier year to compare."
                ]
            )
        )
    responses = ctx.figure("precept_survey_2023_24_responses")
    if responses is not None:
        sentence = [_figure(ctx, responses), " people answered the 2023/24 precept survey"]
        fall = ctx.figure("precept_survey_response_change_2023_24")
        if fall is not None:
            sentence += [
                "; a member told the 1 February 2023 meeting that responses had fallen by ",
                _figure(ctx, fall),
                " on the year before, but no earlier count is printed to check it",
            ]
        points.append(join(sentence + ["."]))
    duties = ctx.data.table("statutory_duties")
    if len(duties):
        strengths = [evidence_strength(r) for _, r in duties.iterrows()]
        sentence = [
            tag("strong", str(strengths.count("direct"))),
            f" of the {len(duties)} statutory engagement duties the paper lists have direct evidence in the papers",
            ctx.cite_row(duties.iloc[0]),
        ]
        for strength, words in (("indirect", "only indirect evidence"), ("none", "no evidence")):
            duties_named = [_short_duty(r["duty"]) for _, r in duties.iterrows() if evidence_strength(r) == strength]
            if duties_named:
                sentence += [f"; there is {words} that the Commissioner meets the duties to " + " and to ".join(duties_named)]
        points.append(join(sentence + ["."]))
    subscribers = ctx.figure("comms_newsletter_subscribers")
    if subscribers is not None:
        start = subscribers.get("period_start")
        points.append(
            join(
                [
                    _figure(ctx, subscribers),
                    f" people have signed up to the new monthly newsletter since it launched on {long_date(start)}"
                    if pd.notna(start)
                    else " people have signed up to the new newsletter",
                ]
                + (
                    [", and this is the only count printed, so its growth cannot be seen."]
                    if data_points(ctx, "comms_newsletter_subscribers") == 1
                    else ["."]
                )
            )
        )
    website = _expected(ctx, "new_website_go_live")
    if website["date_as_printed"].nunique() > 1:
        dates = [join([tag("strong", r["date_as_printed"]), ctx.cite_row(r)]) for _, r in website.iterrows()]
        points.append(join(["Two papers for this meeting give different go-live dates for the new website: "] + _and(dates) + ["."]))
    if not points:
        return paragraph("The papers available by this meeting give no figures on the Commissioner's communications and engagement.")
    return bullet_list(points[:5], class_="key-points")


def _and(parts: list) -> list:
    """['a', ' and ', 'b'] or ['a', ', ', 'b', ' and ', 'c'] for fragments."""
    joined = []
    for index, part in enumerate(parts):
        if index:
            joined.append(" and " if index == len(parts) - 1 else ", ")
        joined.append(part)
    return joined


def outputs(ctx: Briefing) -> Html:
    """Outputs March 2022 to February 2023 as a chart with its data table."""
    frame = outputs_frame(ctx)
    if frame.empty:
        return paragraph("The papers available by this meeting give no counts of the office's communications outputs.")
    for row in frame["row"]:
        ctx.cite_row(row)
    top = frame.sort_values("Number", ascending=False).iloc[0]
    usual_period = frame["Period"].mode().iloc[0]
    sources = sorted({ctx.source_text(r["source_id"], r["section"]) for r in frame["row"]})
    chart = charts.bar_chart(frame, "Output", "Number", "Number of outputs", label="Label", sort=False)
    parts = [
        charts.figure(
            chart,
            charts.ChartText(
                title=f"{top['Output']} were by far the largest output: {top['Label']} in the year",
                subtitle=f"Communications and engagement outputs of the Commissioner's office, Cambridgeshire and Peterborough, {usual_period}"
                + ("; a bar for a shorter period says so in its label" if (frame["Period"] != usual_period).any() else ""),
                alt="; ".join(f"{o}: {lab}" for o, lab in zip(frame["Output"], frame["Label"], strict=True))
                + ". The papers give no counts for earlier years.",
                source="; ".join(sources),
            ),
            frame.assign(Number=frame["Label"]),
            ["Output", "Number", "Period"],
            numeric=(1,),
        )
    ]
    notes = [
        join([name, ": ", _plain_note(ctx, row["note"])])
        for name, row in zip(frame["Output"], frame["row"], strict=True)
        if _plain_note(ctx, row["note"])
    ]
    if notes:
        parts.append(paragraph("Notes on these counts:"))
        parts.append(bullet_list(notes))
    parts.append(
        paragraph(
            "The paper's list of outputs also names things it does not count (among them an Annual Report, a new digital newsletter and a new website under development); "
            "they are covered below where the papers give figures. The counts measure activity, not what it achieved."
        )
    )
    if not any(data_points(ctx, key) > 1 for key in OUTPUT_NAMES):
        ctx.ask(
            "How do this year's outputs compare with the year before, and what did they achieve, for example in people reached or views given?",
            f"output counts for {usual_period} only, with no earlier year to compare",
            top["row"],
        )
    return join(parts)


def _when(ctx: Briefing, row) -> str:
    start, end, public = row.get("period_start"), row.get("period_end"), row.get("public_date")
    if pd.notna(start) and pd.notna(end):
        return f"{month_year(start)} to {month_year(end)}"
    estimated = " (paper's date estimated)" if bool(ctx.source(row["source_id"])["date_estimated"]) else ""
    if pd.notna(start):
        return f"since {short_date(start)}, as at {month_year(public)}"
    return f"as at {month_year(public)}{estimated}"


def _whose(row) -> str:
    return "The Constabulary's, not the Commissioner's" if "Constabulary" in str(row["label"]) else "The Commissioner's"


def reach(ctx: Briefing) -> Html:
    """Reach by channel with the date of each figure, whose account it is, and caveats."""
    frame = ctx.figure_rows(topic="reach", briefing="comms")
    if frame.empty:
        return paragraph("The papers available by this meeting give no reach figures.")
    # The Commissioner's own channels first, people (subscribers) before plays (views).
    frame = frame.assign(_constabulary=frame["label"].str.contains("Constabulary", na=False)).sort_values(
        ["_constabulary", "unit", "figure_id"]
    )
    rows = [
        (row["subject"] if isinstance(row["subject"], str) else "Not named", row["label"], _figure(ctx, row), _when(ctx, row), _whose(row))
        for _, row in frame.iterrows()
    ]
    parts = [
        table(
            rows,
            ["Channel", "What is counted", "Figure", "When", "Whose account"],
            caption="Reach of communications channels, as the papers give it",
        ),
        paragraph(
            "Views count how often a video was played, not how many people saw it; subscribers and followers count people who signed up. "
            "The two are not comparable, so they are not drawn on one chart."
        ),
    ]
    # Notes on dated figures repeat what the 'Dated' flag below says.
    notes = [
        join([row["subject"] if isinstance(row["subject"], str) else row["label"], ": ", _plain_note(ctx, row["note"])])
        for _, row in frame.iterrows()
        if _plain_note(ctx, row["note"]) and not ctx.dated(row)
    ]
    if notes:
        parts.append(paragraph("Notes on these figures:"))
        parts.append(bullet_list(notes))
    dated = frame[[ctx.dated(r) for _, r in frame.iterrows()]]
    if len(dated):
        channels = " and ".join(dict.fromkeys(s for s in dated["subject"] if isinstance(s, str)))
        when = month_year(max(rules.figure_date(r) for _, r in dated.iterrows()))
        constabulary = bool(dated["label"].str.contains("Constabulary", na=False).all())
        whose = "the Constabulary's accounts, not the Commissioner's" if constabulary else "accounts the papers name"
        parts.append(
            flag(
                "Dated",
                f"The {channels} figures date from {when} or before, more than a year before this meeting, and are for {whose}. "
                "The papers give no follower counts for the Commissioner's own social media accounts.",
            )
        )
        ctx.ask(
            f"How many people follow the Commissioner's own social media accounts now? The only follower counts in the papers are for the Constabulary's {channels} accounts in {when}.",
            f"{channels} figures from {when}, for the Constabulary's accounts",
            dated.iloc[0],
        )
    return join(parts)


def duties(ctx: Briefing) -> Html:
    """Each statutory engagement duty with the evidence the papers give; a question where it is weak."""
    frame = ctx.data.table("statutory_duties").sort_values("duty_id")
    if frame.empty:
        return paragraph("The papers available by this meeting do not list the Commissioner's engagement duties.")
    rows = []
    counts = {"direct": 0, "indirect": 0, "none": 0}
    for _, row in frame.iterrows():
        strength = evidence_strength(row)
        counts[strength] += 1
        word, kind = EVIDENCE_BADGES[strength]
        evidence = (
            join([_plain_note(ctx, row["evidence"]), _evidence_citations(ctx, row)])
            if strength != "none"
            else tag("em", "The papers give no evidence for this duty.")
        )
        rows.append((join([row["duty"], ctx.cite_row(row)]), evidence, badge(word, kind)))
        short = _short_duty(row["duty"])
        if strength == "none":
            ctx.ask(
                f"What evidence can the Commissioner give that he meets the duty to {short}? The papers give none.",
                f"no evidence in the papers for duty {row['duty_id']}",
                row,
            )
        elif strength == "indirect":
            ctx.ask(
                f"What direct evidence can the Commissioner give that he meets the duty to {short}, for example what was done in 2022/23 and with what result?",
                f"only indirect evidence in the papers for duty {row['duty_id']}",
                row,
            )
    summary = f"The papers give direct evidence for {counts['direct']} of the {len(frame)} duties"
    weak = []
    if counts["indirect"]:
        weak.append(f"only indirect evidence for {counts['indirect']}")
    if counts["none"]:
        weak.append(f"none for {counts['none']}")
    summary += (", " + " and ".join(weak) if weak else "") + "."
    return join(
        [
            paragraph(summary, " The evidence column is our summary of what the papers offer; each footnote points to the paragraph."),
            table(
                rows,
                ["Duty, as the paper lists it", "Evidence in the papers", "Our reading"],
                caption="The Commissioner's statutory engagement duties and the evidence for each",
            ),
        ]
    )


def precept_survey(ctx: Briefing) -> Html:
    """How the 2023/24 precept survey was promoted, what it drew, and the reported fall."""
    survey = _survey(ctx, PRECEPT_SURVEY)
    responses = ctx.figure("precept_survey_2023_24_responses")
    if survey is None and responses is None:
        return paragraph("The papers available by this meeting say nothing of the 2023/24 precept survey.")
    parts = []
    if survey is not None:
        close = (
            f" and closed on {long_date(survey['close_date'])}"
            if pd.notna(survey["close_date"])
            else "; the paper does not give a close date"
        )
        parts.append(paragraph(f"The survey was launched on {long_date(survey['launch_date'])}{close}", ctx.cite_row(survey), "."))
        sentences = re.split(r"(?<=\.)\s+", _plain_note(ctx, survey["note"]))
        promoted = [s for s in sentences if s.startswith("Promoted")]
        others = [s for s in sentences if s and not s.startswith("Promoted") and "close date" not in s.lower()]
        if promoted:
            channels = [
                c.strip().removeprefix("and ").rstrip(".") for c in re.sub(r"^Promoted (by|through)\s+", "", promoted[0]).split(";")
            ]
            parts.append(paragraph(f"The paper lists {len(channels)} ways it was promoted:"))
            parts.append(bullet_list([c[:1].upper() + c[1:] for c in channels if c]))
        if others:
            parts.append(paragraph("Note: ", " ".join(others)))
    if responses is not None:
        parts.append(
            paragraph("In total ", _figure(ctx, responses), " people responded. The paper does not say how many came through each route.")
        )
    fall = ctx.figure("precept_survey_response_change_2023_24")
    if fall is not None:
        parts.append(
            flag(
                "Cannot be checked",
                join(
                    [
                        "At the 1 February 2023 meeting a member said responses had fallen by ",
                        _figure(ctx, fall),
                        " on the year before. The papers do not print the previous year's count, so the fall cannot be checked; "
                        "nor do they say whether the survey had closed by then, so it is not clear that the fall and the final count of responses compare like with like.",
                    ]
                ),
            )
        )
        ctx.ask(
            f"How many people answered the 2022/23 precept survey, so that the reported {number(fall['value'])}% fall can be checked, which routes brought in most of this year's responses, and what will change to lift responses next year?",
            f"a {number(fall['value'])}% fall in responses reported with no earlier count printed",
            fall,
        )
    earlier = ctx.figure("precept_survey_2020_21_responses")
    if earlier is not None:
        parts.append(
            paragraph(
                "The only other count in the papers is from an earlier survey: ",
                _figure(ctx, earlier),
                f" responses to the 2020/21 precept survey by {long_date(earlier['period_end'])}, part-way through that survey. It is not a like-for-like comparison.",
            )
        )
    return join(parts)


def newsletter(ctx: Briefing) -> Html:
    """Newsletter subscribers since launch, and whether the papers show any growth."""
    row = ctx.figure("comms_newsletter_subscribers")
    if row is None:
        return paragraph("The papers available by this meeting give no newsletter figures.")
    start = row.get("period_start")
    launched = f", having launched with its first issue on {long_date(start)}" if pd.notna(start) else ""
    parts = [
        paragraph(
            "The new monthly digital newsletter had ",
            _figure(ctx, row),
            f" subscribers by the paper of {long_date(row['public_date'])}{launched}. The paper says numbers continue to grow.",
        )
    ]
    alert = ctx.figure("neighbourhood_alert_subscribers")
    if alert is not None:
        parts.append(
            paragraph(
                "The office's older channel, Neighbourhood Alert, has ",
                _figure(ctx, alert),
                " subscribers; the paper says they are being encouraged to move to the newsletter, but gives no count of how many have.",
            )
        )
    if data_points(ctx, "comms_newsletter_subscribers") == 1:
        parts.append(
            flag(
                "One figure only",
                "The papers print a single subscriber count, with no count at launch or month by month, so growth cannot be measured.",
            )
        )
        ctx.ask(
            "How many people subscribed to the newsletter at launch and in each month since, and how many Neighbourhood Alert subscribers have moved to it?",
            "newsletter growth claimed from a single count",
            row,
        )
    return join(parts)


def young_people(ctx: Briefing) -> Html:
    """The Serious Violence Youth Listening Project: responses, areas and when findings come."""
    responses = ctx.figure("youth_listening_survey_responses")
    if responses is None:
        return paragraph("The papers available by this meeting give no figures from the Youth Listening Project.")
    survey = _survey(ctx, YOUTH_SURVEY)
    sentence = ["The Serious Violence Youth Listening Project's survey had drawn ", _figure(ctx, responses), " responses so far"]
    if survey is not None:
        audience = str(survey["audience"])
        sentence += [" from ", audience[:1].lower() + audience[1:], ctx.cite_row(survey)]
    sentence += [
        ". The paper says responses may still increase, and that the survey is one part of a project that also uses focus groups and in-depth interviews."
    ]
    parts = [paragraph(*sentence)]
    areas = ctx.figure("youth_listening_csp_areas")
    csp_count = len(ctx.data.table("csp_areas"))
    if areas is not None:
        coverage = ", which is every CSP area in Cambridgeshire and Peterborough" if csp_count and areas["value"] == csp_count else ""
        parts.append(paragraph("Community Safety Partnership (CSP) areas covered: ", _figure(ctx, areas), coverage, "."))
    insights = _expected(ctx, "youth_listening_insights")
    if len(insights):
        row = insights.iloc[0]
        parts.append(
            paragraph(
                f"The progress report for this meeting records: {row['label']} ({row['date_as_printed']})",
                ctx.cite_row(row),
                ". The findings themselves are not in the papers.",
            )
        )
        if as_date(row["expected_date"]) <= ctx.meeting_date:
            ctx.ask(
                "When will the Panel see the Youth Listening Project's findings, including how the answers differ between CSP areas and what will change as a result?",
                f"insights due {row['date_as_printed']} but no findings in the papers",
                row,
            )
    reel = ctx.figure("comms_footprints_reel_views")
    if reel is not None:
        parts.append(
            paragraph(
                "The paper also cites an Instagram reel on how footprints are taken, with ",
                _figure(ctx, reel),
                ", as a sign it can reach young people on subjects that interest them.",
            )
        )
    return join(parts)


def team(ctx: Briefing) -> Html:
    """The team's size, and whether it counts a post not yet filled over the year reported."""
    size = ctx.figure("comms_team_fte")
    if size is None:
        return paragraph("The papers available by this meeting do not give the team's size.")
    parts = [
        paragraph(
            "The paper gives the Commissioner's communications and engagement team as ",
            _figure(ctx, size),
            " staff: a Comms & Engagement Manager and a Communities Policy Officer.",
        )
    ]
    start = _expected(ctx, "communities_policy_officer_start")
    outputs_end = ctx.figure("comms_press_releases")
    if len(start):
        row = start.iloc[0]
        parts.append(
            flag(
                "Worth checking",
                join(
                    [
                        f"The progress report says the Communities Policy Officer joins the office in {row['date_as_printed']}",
                        ctx.cite_row(row),
                        ". So the team of ",
                        _text(size),
                        " seems to include a post that was being filled as the paper was written",
                    ]
                    + (
                        [f", after the year of outputs above (to {month_year(outputs_end['period_end'])})"]
                        if outputs_end is not None and as_date(row["expected_date"]) > as_date(outputs_end["period_end"])
                        else []
                    )
                    + [". The papers do not say how many staff the team had during that year."]
                ),
            )
        )
        ctx.ask(
            f"How many staff delivered the outputs reported for the year to February 2023, given that the Communities Policy Officer counted in the team of {_text(size)} joins in {row['date_as_printed']}?",
            f"a team of {_text(size)} that counts a post starting {row['date_as_printed']}",
            row,
        )
    return join(parts)


def website(ctx: Briefing) -> Html:
    """The new website's go-live date, side by side where the papers disagree."""
    frame = ctx.data.table("expected_dates")
    frame = frame[frame["briefing"] == "comms"]
    asked = len(ctx.questions)
    flags = ctx.contradiction_flags(frame, "measure_key", "expected_date", render_value=lambda r: r["date_as_printed"], label="label")
    # The shared question lower-cases the label mid-sentence ("the commissioner's ..."), so
    # it is reworded here naming each paper's agenda item.
    for index in range(asked, len(ctx.questions)):
        question = ctx.questions[index]
        ctx.questions[index] = replace(question, text=_disagreement_question(ctx, frame, question.text))
    if str(flags):
        disagreeing = pd.concat(rules.contradictions(frame, "measure_key", "expected_date").values())
        published = {as_date(d) for d in disagreeing["public_date"]}
        if published == {ctx.meeting_date}:
            return flags + paragraph(
                "The papers were published together for this meeting, so neither date is older than the other; the Panel may wish to ask which is right."
            )
        return flags

    go_live = _expected(ctx, "new_website_go_live")
    if len(go_live):
        row = go_live.iloc[0]
        return paragraph(f"{row['label']}: expected {row['date_as_printed']}", ctx.cite_row(row), ".")
    return paragraph("The papers available by this meeting give no date for the new website.")


def _disagreement_question(ctx: Briefing, frame: pd.DataFrame, original: str) -> str:
    """'The papers give two dates for when the Commissioner's new website goes live: ...'."""
    for _, group in rules.contradictions(frame, "measure_key", "expected_date").items():
        label = str(group.iloc[0]["label"])
        values = [r["date_as_printed"] for _, r in group.iterrows()]
        if " and ".join(values) not in original:
            continue
        what = label[:1].lower() + label[1:] if label.startswith("The ") else label
        where = [f"{r['date_as_printed']} in {_paper_name(ctx, r['source_id'])}" for _, r in group.iterrows()]
        return f"The papers give different dates for when {what}: {' and '.join(where)}. Which is right?"
    return original


def since_last(ctx: Briefing) -> Html:
    """What became public since the last meeting with a communications briefing."""

    def describe(name, fresh):
        if name == "figures":
            return [join([r["label"], ": ", _figure(ctx, r)]) for _, r in fresh[fresh["briefing"] == "comms"].iterrows()]
        if name == "expected_dates":
            return [
                join([r["label"], f": {r['date_as_printed']}", ctx.cite_row(r)]) for _, r in fresh[fresh["briefing"] == "comms"].iterrows()
            ]
        if name == "actions":
            return [
                join([r["kind"].capitalize(), ": ", r["text"], ctx.cite_row(r)]) for _, r in fresh[fresh["briefing"] == "comms"].iterrows()
            ]
        return []

    return ctx.since_last_meeting(["figures", "expected_dates", "actions"], describe)


def dated_figures(ctx: Briefing) -> Html:
    """Flags for this briefing's figures more than 12 months older than the meeting."""
    old = [r for _, r in ctx.dated_rows("comms").iterrows()]
    if not old:
        return paragraph("No figure in this briefing is more than 12 months older than the meeting.")
    newest_old = max(as_date(rules.figure_date(r)) for r in old)
    labels = [r["label"] for r in old]
    # Dated reach figures already prompt their own question in the reach section.
    unasked = [r for r in old if r["topic"] != "reach"]
    if unasked:
        ctx.ask(
            "Can the Commissioner give current figures in place of those from earlier years?",
            f"{len(unasked)} figures in this briefing date from {short_date(newest_old)} or before",
            unasked[0],
        )
    return join(
        [
            flag(
                "Dated",
                f"{len(old)} of this briefing's figures are more than 12 months older than the meeting; each carries a 'Dated' label:",
            ),
            bullet_list([join([label, ": ", _figure(ctx, r)]) for label, r in zip(labels, old, strict=True)]),
        ]
    )
