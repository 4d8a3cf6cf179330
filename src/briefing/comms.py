"""The communications and engagement briefing's facts: what the Commissioner's office
produced and how far it reached, the statutory engagement duties and the evidence for
each, the precept survey, the newsletter, young people, the team and the website.

Every function returns data (frames and small records); the words are in
templates/briefings/comms/. Measures are found by topic in data/measures.csv, so a new
reading or a new measure of a topic appears with no change here.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd

from briefing import charts
from briefing.context import Briefing
from briefing.words import short_when

# The duties dataset has no column saying how strong the evidence is; its evidence text
# opens with one of these phrases where the papers give only indirect evidence.
INDIRECT_EVIDENCE_PHRASES = ("only indirect", "no direct evidence")

PRECEPT_SURVEY_RESPONSES = "precept_survey_responses"
PRECEPT_SURVEY_FALL = "precept_survey_response_change"
YOUTH_SURVEY_RESPONSES = "youth_listening_survey_responses"
# The Plan deliverable the youth listening survey belongs to, as the progress report names it.
YOUTH_LISTENING_DELIVERABLE = "Youth listening project"


def outputs(ctx: Briefing) -> pd.DataFrame:
    """Each counted output: its latest reading, the previous one and the change.

    `current` marks the outputs counted over the latest period the papers report; an output
    whose latest count is for an earlier or shorter period is not current. `part_period`
    marks those the same report lists among that period's outputs but counts over only
    part of it (the five District Days 'since January, 1 2023' in a list for March 2022
    to February 2023): the report counts none before the part's start.
    """
    frame = ctx.trends("outputs")
    if frame.empty:
        return frame.assign(current=pd.Series(dtype="bool"), part_period=pd.Series(dtype="bool"), period=pd.Series(dtype="string"))
    frame = frame.assign(period=[short_when(row) for row in frame.to_dict("records")])
    latest_end = frame["when"].max()
    usual = frame[frame["when"] == latest_end]["period"].mode().iloc[0]
    current = frame["period"] == usual
    counted = frame[current]
    part_period = (
        ~current
        & frame["source_id"].isin(counted["source_id"])
        & (frame["period_start"] >= counted["period_start"].min())
        & (frame["period_end"] <= counted["period_end"].max())
    )
    return frame.assign(current=current, part_period=part_period).sort_values(["current", "value"], ascending=[False, False])


def outputs_long(outputs_frame: pd.DataFrame) -> pd.DataFrame:
    """The current outputs and their previous readings, one row per output per period: the
    data behind the outputs chart."""
    current = outputs_frame[outputs_frame["current"]]
    rows = []
    for row in current.to_dict("records"):
        if row["previous"] is not None and not pd.isna(row["previous_value"]):
            rows.append({"Output": row["name"], "Period": short_when(row["previous"]), "Number": row["previous_value"]})
        rows.append({"Output": row["name"], "Period": row["period"], "Number": row["value"]})
    return pd.DataFrame(rows, columns=["Output", "Period", "Number"])


def outputs_chart(long: pd.DataFrame):
    """Bars of each output's count, one bar per period where there is more than one."""
    if long["Period"].nunique() > 1:
        return charts.grouped_bar_chart(long, "Output", "Number", "Period", "Number of outputs")
    return charts.bar_chart(long, "Output", "Number", "Number of outputs", sort=False)


def reach(ctx: Briefing) -> pd.DataFrame:
    """Each reach measure's latest reading (subscribers before views), with its trend."""
    frame = ctx.trends("reach")
    if frame.empty:
        return frame
    # People who signed up are listed before plays of a video: they are not comparable.
    return frame.assign(_views=frame["unit"] == "views").sort_values(["_views", "figure_id"]).drop(columns="_views")


def evidence_strength(duty_row) -> str:
    """'none' where the papers give no evidence, 'indirect' where only indirect, else 'direct'."""
    evidence = duty_row.get("evidence")
    if not isinstance(evidence, str) or not evidence.strip():
        return "none"
    opening = re.split(r"[:.]", evidence.strip(), maxsplit=1)[0].lower()
    return "indirect" if any(phrase in opening for phrase in INDIRECT_EVIDENCE_PHRASES) else "direct"


def short_duty(duty: str) -> str:
    """The duty up to its first qualification, starting lower case, for use in a sentence."""
    short = re.split(r" \(| – | - | including ", duty, maxsplit=1)[0].rstrip(". ")
    return short[:1].lower() + short[1:]


def duties(ctx: Briefing) -> pd.DataFrame:
    """The statutory engagement duties with the strength of the evidence the papers give,
    and each place the evidence is found (`evidence_cites`: source and section pairs)."""
    frame = ctx.data.table("statutory_duties").sort_values("duty_id")
    sources = ctx.everything.unfiltered("sources")
    return frame.assign(
        strength=[evidence_strength(row) for row in frame.to_dict("records")],
        short=[short_duty(duty) for duty in frame["duty"]],
        evidence_cites=[_evidence_places(row, sources) for row in frame.to_dict("records")],
    )


def _evidence_places(duty_row, sources: pd.DataFrame) -> list[dict]:
    """Where a duty's evidence is printed: 'para 5.4' in the duty's own paper, or 'agenda
    pack item 7, para 4.3' in another paper of the same meeting, found by its title."""
    sections = duty_row.get("evidence_section")
    if not isinstance(sections, str):
        return []
    same_day = sources[sources["date"] == pd.Timestamp(duty_row["public_date"])]
    places = []
    for part in (p.strip() for p in sections.split(";") if p.strip()):
        place = {"source_id": duty_row["source_id"], "section": part}
        for source in same_day.to_dict("records"):
            for words in _paper_words(source):
                if part.lower().startswith(words):
                    place = {"source_id": source["source_id"], "section": part[len(words) :].strip(" ,")}
        places.append(place)
    return places


def _paper_words(source: dict) -> list[str]:
    """How an evidence note names another paper: 'agenda pack', 'plan delivery progress report'."""
    title = str(source["title"]).lower()
    names = []
    if "agenda pack" in title:
        names.append("agenda pack")
    if "progress report" in title:
        names.append("plan delivery progress report")
    return names


def promotion(survey_row: dict | None) -> dict:
    """The ways a survey was promoted and other notes, split from the register's note."""
    if survey_row is None or not isinstance(survey_row.get("note"), str):
        return {"channels": [], "notes": []}
    sentences = re.split(r"(?<=\.)\s+", survey_row["note"])
    promoted = [s for s in sentences if s.startswith("Promoted")]
    notes = [s for s in sentences if s and not s.startswith("Promoted") and "close date" not in s.lower()]
    channels = []
    if promoted:
        body = re.sub(r"^Promoted (by|through)\s+", "", promoted[0])
        channels = [c.strip().removeprefix("and ").rstrip(".") for c in body.split(";") if c.strip()]
    return {"channels": [c[:1].upper() + c[1:] for c in channels], "notes": notes}


def precept_survey(ctx: Briefing) -> dict:
    """The newest precept survey the papers report: its register entry, how it was promoted,
    its responses, any reported change in responses, and the previous survey's count."""
    responses = ctx.latest(PRECEPT_SURVEY_RESPONSES)
    survey_id = None if responses is None else responses["subject"]
    survey = ctx.survey(survey_id) if survey_id else None
    earlier = None
    if survey_id:
        others = ctx.readings[(ctx.readings["measure_key"] == PRECEPT_SURVEY_RESPONSES) & (ctx.readings["subject"] != survey_id)]
        if len(others):
            earlier = ctx.latest(PRECEPT_SURVEY_RESPONSES, others.sort_values("when").iloc[-1]["subject"])
    return {
        "survey": survey,
        "promotion": promotion(survey),
        "responses": responses,
        "fall": ctx.latest(PRECEPT_SURVEY_FALL, survey_id) if survey_id else None,
        "earlier": earlier,
        "earlier_survey": ctx.survey(earlier["subject"]) if earlier else None,
    }


def young_people(ctx: Briefing) -> dict:
    """The youth listening survey's responses and coverage, what the Plan progress report
    says of the project (`deliverable`: its row, listed as completed with 'Insights and
    analysis delivered during Q4 2022-23'; None when no report public by the meeting
    lists it), and the reel the report offers as reaching young people."""
    responses = ctx.latest(YOUTH_SURVEY_RESPONSES)
    subject = None if responses is None else responses["subject"]
    return {
        "responses": responses,
        "areas": ctx.latest("youth_listening_csp_areas", subject) if subject else None,
        "survey": ctx.survey(subject) if subject else None,
        "csp_count": len(ctx.data.table("csp_areas")),
        "deliverable": _deliverable(ctx, YOUTH_LISTENING_DELIVERABLE),
        "reel": ctx.latest("comms_footprints_reel_views"),
    }


def _deliverable(ctx: Briefing, name: str) -> dict | None:
    """The latest progress report's row for one Plan deliverable (None when not listed)."""
    rows = ctx.data.table("deliverables")
    rows = rows[rows["deliverable"] == name]
    return None if rows.empty else rows.iloc[-1].to_dict()


# ----- the page: evidence sections and the note --------------------------------------------

DISTRICT_DAYS = "comms_district_days"
NEWSLETTER_SUBSCRIBERS = "comms_newsletter_subscribers"
WEBSITE_GO_LIVE = "new_website_go_live"

# Lines of enquiry in the order they are ranked when drafted: results of engagement first,
# then the public's voice on the budget, the statutory duties the papers evidence least,
# what engagement changed in policing, young people, and the website.
ENQUIRY_RANKING = ("outcomes", "survey", "victims", "accountability", "young-people", "website")


def sections(ctx: Briefing) -> dict[str, dict]:
    """The facts of each evidence section, keyed by template, in the order the page shows them."""
    outputs_frame = outputs(ctx)
    long = outputs_long(outputs_frame)
    return {
        "outputs": {"outputs": outputs_frame, "long": long, "chart": outputs_chart(long)},
        "reach": {"reach": reach(ctx)},
        "duties": {"duties": duties(ctx)},
        "precept_survey": precept_survey(ctx),
        "young_people": young_people(ctx),
        "engagement": {},
        "team": {
            "size": ctx.latest("comms_team_fte"),
            "starts": ctx.expected("communities_policy_officer_start"),
            "outputs_end": ctx.latest("comms_press_releases"),
        },
        "website": {"disagreements": ctx.date_disagreements(), "go_live": ctx.expected(WEBSITE_GO_LIVE), "said": ctx.statements("website")},
        **ctx.shared_sections(),
    }


def drafted(ctx: Briefing, facts: dict[str, dict]) -> tuple[list, list]:
    """The comms note's lines drafted from the evidence's facts, and the Panel's options:
    key issues, ranked lines of enquiry and data requests (words in
    templates/briefings/comms/note.html.j2). `Briefing.assemble_note` applies the
    officer's rows to them."""
    current = [row for row in facts["outputs"]["outputs"].to_dict("records") if row["current"]]
    top = current[:4]
    compared = any(row["direction"] for row in current)
    survey = facts["precept_survey"]
    duty_rows = facts["duties"]["duties"].to_dict("records")
    weak = [row for row in duty_rows if row["strength"] != "direct"]
    said = ctx.data.table("statements")
    # The answer to a stated fall is the statement printed where the fall is (the same minute).
    answer = (
        said[(said["briefing"] == ctx.kind) & (said["section"] == survey["fall"]["section"])].to_dict("records") if survey["fall"] else []
    )
    reach_rows = facts["reach"]["reach"].to_dict("records") if len(facts["reach"]["reach"]) else []
    subscribers = next((row for row in reach_rows if row["measure_key"] == NEWSLETTER_SUBSCRIBERS), None)
    district = next((row for row in facts["outputs"]["outputs"].to_dict("records") if row["measure_key"] == DISTRICT_DAYS), None)
    website = next((found for found in facts["website"]["disagreements"] if found["measure_key"] == WEBSITE_GO_LIVE), None)
    youth = facts["young_people"]

    issues, enquiries, requests = [], [], []
    if top:
        issues.append(ctx.draft_line("key_issue", "outputs", 1, [top[0]], rows=top, compared=compared, whose="report", evidence="outputs"))
        enquiries.append(ctx.draft_line("enquiry", "outcomes", 0, [top[0]], rows=top, compared=compared, role="engagement"))
        if not compared:
            requests.append(ctx.draft_line("request", "earlier-outputs", 1, [top[0]], row=top[0]))
    if survey["responses"]:
        cites = [survey["responses"]] + ([survey["fall"]] if survey["fall"] else []) + answer
        whose = "member" if survey["fall"] else "report"
        issues.append(
            ctx.draft_line(
                "key_issue",
                "survey",
                2,
                cites,
                responses=survey["responses"],
                fall=survey["fall"],
                answer=answer[0] if answer else None,
                whose=whose,
                evidence="precept-survey",
            )
        )
        enquiries.append(ctx.draft_line("enquiry", "survey", 0, cites, responses=survey["responses"], fall=survey["fall"], role="finance"))
        if survey["fall"]:
            requests.append(ctx.draft_line("request", "earlier-survey", 2, [survey["fall"]], fall=survey["fall"]))
    if weak:
        issues.append(
            ctx.draft_line(
                "key_issue",
                "duties",
                3,
                [duty_rows[0]],
                direct=len(duty_rows) - len(weak),
                total=len(duty_rows),
                weak=weak,
                whose="reading",
                evidence="duties",
            )
        )
        victims = [row for row in weak if "victim" in row["duty"].lower()]
        if victims:
            enquiries.append(ctx.draft_line("enquiry", "victims", 0, [victims[0]], duty=victims[0], role="engagement"))
    if district is not None:
        enquiries.append(ctx.draft_line("enquiry", "accountability", 0, [district], district=district, role="accountability"))
    if youth["responses"]:
        enquiries.append(
            ctx.draft_line(
                "enquiry",
                "young-people",
                0,
                [youth["responses"]] + ([youth["deliverable"]] if youth["deliverable"] else []),
                responses=youth["responses"],
                deliverable=youth["deliverable"],
                role="engagement",
            )
        )
    if website:
        issues.append(ctx.draft_line("key_issue", "website", 4, website["rows"], rows=website["rows"], whose="paper", evidence="website"))
        enquiries.append(ctx.draft_line("enquiry", "website", 0, website["rows"], rows=website["rows"], role="engagement"))
    if subscribers is not None:
        if not subscribers["direction"]:
            requests.append(ctx.draft_line("request", "newsletter-growth", 3, [subscribers], row=subscribers))
    team = facts["team"]
    if team["size"] and len(team["starts"]):
        requests.append(ctx.draft_line("request", "team-size", 4, [team["size"]], size=team["size"], outputs_end=team["outputs_end"]))

    ranked = sorted(enquiries, key=lambda line: ENQUIRY_RANKING.index(line.line_id))
    enquiries = [replace(line, rank=n) for n, line in enumerate(ranked, start=1)]
    options = ctx.scrutiny_options()
    return issues + enquiries + requests, options
