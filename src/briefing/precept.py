"""The precept briefing's facts: the Commissioner's proposal, the Panel's decision and the path
after a veto, the options open to the Panel, the statutory timetable, the veto arithmetic,
the public survey, officer numbers, the money risks raised at the last precept meeting,
members' questions there, the papers not yet public and, for a reserve meeting, what the
Panel can do after a veto.

Every function returns data (frames and small records); the words are in
templates/briefings/precept/. Measures are found by topic in data/measures.csv, so a new
reading or a new measure of a topic appears with no change here.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from briefing import charts, readings, rules
from briefing.context import Briefing
from briefing.words import as_date

SURVEY_RESPONSES = "precept_survey_responses"
SURVEY_FALL = "precept_survey_response_change"
SURVEY_COMMENTS = "precept_survey_comments"
BAND_D_ILLUSTRATION = "precept_illustration_band_d_monthly_pence"
ILLUSTRATIVE_INCREASE = "precept_illustration_increase_pct"
COLLECTION_SURPLUS = "collection_fund_forecast_surplus"
COLLECTION_DEFICIT = "collection_fund_deficit"
VETO_TABLE_SIZES = range(10, 21)
BAND_D = "precept_band_d"
REVISED_BAND_D = "precept_band_d_revised"
# What a proposal paper must hold for the briefing to circulate: without it the page is a draft.
PROPOSAL_REQUIRED = (BAND_D,)
PROPOSAL_TOPIC = "proposal"


def precept_year(b: Briefing) -> str:
    """The financial year of the precept under review, e.g. '2024/25'."""
    return str(b.parameters["precept_year"])


def is_reserve(b: Briefing) -> bool:
    """True for the reserve meeting, held only if the Panel vetoes the proposed precept."""
    return bool(b.parameters.get("reserve_meeting"))


# ----- the proposal ---------------------------------------------------------------------------


def budget_round(precept_year: str) -> tuple[date, date, date]:
    """The precept year's first day, and the window in which its budget round's papers are
    public: from 1 April of the year before to the last day before the year starts.

    For '2024/25': (2024-04-01, 2023-04-01, 2024-03-31).
    """
    first = rules.precept_first_year(precept_year)
    return date(first, 4, 1), date(first - 1, 4, 1), date(first, 3, 31)


def year_readings(frame: pd.DataFrame, precept_year: str) -> pd.DataFrame:
    """The readings of one precept year's proposal: they describe the year or later (a
    Band D amount for the year, reserves at its end, a medium-term gap) and were published
    in that year's budget round. Last year's amounts printed beside them describe an earlier
    date, so they are the readings these are set against, never part of the proposal."""
    starts, opens, closes = budget_round(precept_year)
    if frame.empty:
        return frame
    public = frame["public_date"]
    mask = (frame["when"] >= pd.Timestamp(starts)) & (public >= pd.Timestamp(opens)) & (public <= pd.Timestamp(closes))
    return frame[mask]


def _against_last_year(all_readings: pd.DataFrame, mine: pd.DataFrame, order: dict) -> pd.DataFrame:
    """Each measure's reading for the year, with the reading before it (`previous`, the
    change and its direction) from the whole history of that measure."""
    rows = []
    keyed = mine.assign(_subject=mine["subject"].fillna(""))
    for (key, subject), group in keyed.groupby(["measure_key", "_subject"], sort=False):
        history = readings.history(all_readings, key, subject)
        history = history[history["when"] <= group["when"].max()]
        rows.append(readings.trends(history).iloc[0].to_dict())
    if not rows:
        return readings.trends(mine.iloc[0:0])
    frame = pd.DataFrame.from_records(rows)
    return frame.assign(_order=frame["measure_key"].map(order)).sort_values("_order").drop(columns="_order").reset_index(drop=True)


def _precept_readings(readings_frame: pd.DataFrame) -> pd.DataFrame:
    return readings_frame[readings_frame["briefing"] == "precept"]


def proposal_facts(readings_frame: pd.DataFrame, measures: pd.DataFrame, precept_year: str, topic: str = PROPOSAL_TOPIC) -> dict:
    """The proposal for a precept year, from readings public by the meeting (pure).

    `readings` (frame): one row per measure of the topic that the year's papers give, in the
    order of data/measures.csv, each set against the reading before it (`previous`,
    `change`, `direction`; blank where the papers give none). `missing` (frame): the topic's
    measures with no reading for the year, with `required` True for those a proposal paper
    must hold (PROPOSAL_REQUIRED). `complete`: no required measure is missing.
    """
    precept = _precept_readings(readings_frame)
    mine = year_readings(precept[precept["topic"] == topic], precept_year)
    order = {key: n for n, key in enumerate(measures["measure_key"])}
    found = _against_last_year(precept, mine, order)
    declared = measures[(measures["briefing"] == "precept") & (measures["topic"] == topic)]
    missing = declared[~declared["measure_key"].isin(set(found["measure_key"]) if len(found) else set())]
    missing = missing.assign(required=missing["measure_key"].isin(PROPOSAL_REQUIRED))[["measure_key", "name", "unit", "required"]]
    return {
        "year": precept_year,
        "readings": found,
        "missing": missing.reset_index(drop=True),
        "complete": not bool(missing["required"].any()),
    }


def proposal(b: Briefing) -> dict:
    """This year's proposal as the papers public by the meeting give it (see proposal_facts),
    with `by_measure` (measure_key -> reading) for the sentences that name one figure."""
    facts = proposal_facts(b.readings, b.data.table("measures"), precept_year(b))
    facts["by_measure"] = {row["measure_key"]: row for row in facts["readings"].to_dict("records")}
    return facts


def draft_facts(readings_frame: pd.DataFrame, measures: pd.DataFrame, meeting_date: date, precept_year: str) -> dict:
    """Whether a precept briefing is a draft: no paper public by the meeting holds the
    year's proposal (pure; `readings_frame` holds only rows public by the meeting).
    `missing` names the required measures not found."""
    facts = proposal_facts(readings_frame, measures, precept_year)
    missing = facts["missing"]
    return {
        "draft": not facts["complete"],
        "meeting_date": meeting_date,
        "year": precept_year,
        "missing": list(missing[missing["required"]]["name"]),
        "missing_keys": list(missing[missing["required"]]["measure_key"]),
    }


def draft(b: Briefing) -> dict:
    """Whether this page is a draft for want of the proposal paper (a reserve meeting's page
    never is: it briefs on the path after a veto)."""
    facts = draft_facts(b.readings, b.data.table("measures"), b.meeting_date, precept_year(b))
    if is_reserve(b):
        facts["draft"] = False
    return facts


def analyst_warnings(paths, meeting_date: str, parameters: dict) -> list[str]:
    """Lines the build prints to the analyst for one precept briefing (never to members):
    one line when no paper public by the meeting holds the year's proposal."""
    from briefing.datasets import load_data

    if parameters.get("reserve_meeting"):
        return []
    day = date.fromisoformat(str(meeting_date))
    data = load_data(paths).cut(day)
    frame = readings.with_when(data.table("figures"), data.unfiltered("sources"))
    facts = draft_facts(frame, data.table("measures"), day, str(parameters["precept_year"]))
    if not facts["draft"]:
        return []
    return [
        f"{meeting_date} precept: no paper public by the meeting holds the {facts['year']} proposal"
        f" ({', '.join(facts['missing'])}); the page is marked DRAFT"
    ]


def history(b: Briefing) -> pd.DataFrame:
    """Readings from earlier budget rounds kept as history (the illustration an earlier
    survey gave residents): shown in the evidence, never in place of this year's proposal."""
    frame = b.trends("illustration")
    return frame if frame.empty else in_measure_order(b, frame)


def illustration(b: Briefing) -> dict | None:
    """The increase an earlier survey illustrated and its monthly cost to a Band D property
    (the first of each in `history`'s order), or None unless the papers give both."""
    frame = history(b)
    found = {name: _reading(frame, key) for name, key in (("increase", ILLUSTRATIVE_INCREASE), ("band_d", BAND_D_ILLUSTRATION))}
    return found if all(found.values()) else None


# ----- the cycle -------------------------------------------------------------------------------


def cycle(b: Briefing, year: str | None = None) -> pd.DataFrame:
    """This year's (or `year`'s) statutory steps as the papers public by the meeting record them."""
    frame = b.data.table("precept_cycle")
    return frame[frame["precept_year"] == (year or precept_year(b))].sort_values("step_date")


def previous_year(year: str) -> str:
    """'2023/24' for '2024/25'."""
    first = rules.precept_first_year(year) - 1
    return f"{first}/{(first + 1) % 100:02d}"


def decisions(b: Briefing) -> pd.DataFrame:
    """The Panel's precept decisions public by the meeting (data/precept_decisions.csv),
    oldest first, with `vetoed`."""
    frame = b.data.table("precept_decisions").sort_values(["meeting_date", "precept_year"])
    return frame.assign(vetoed=frame["outcome"] != "no veto")


def decision(b: Briefing) -> dict | None:
    """The Panel's recorded decision on this year's precept, if public by the meeting."""
    mine = decisions(b)
    mine = mine[mine["precept_year"] == precept_year(b)]
    return None if mine.empty else mine.iloc[-1].to_dict()


def vetoed(decision_row: dict | None) -> bool | None:
    """Whether a recorded decision was a veto (None while no decision is known)."""
    if decision_row is None:
        return None
    return decision_row["outcome"] in rules.VETO_OUTCOMES


def decision_path(b: Briefing) -> dict:
    """The path this year's precept took after the Panel's review, as the papers public by
    the meeting record it: the decision (None while not public), whether the reserve meeting
    is needed, and after a veto the revised precept set against the proposal with the
    direction SI 2012/2271 reg 5(3) requires (`check`; None while either amount is not in
    the papers)."""
    found = decision(b)
    was_vetoed = vetoed(found)
    facts = proposal(b)
    proposed = facts["by_measure"].get(BAND_D)
    revised_rows = year_readings(_precept_readings(b.readings), precept_year(b))
    revised_rows = revised_rows[revised_rows["measure_key"] == REVISED_BAND_D].sort_values(["when", "public_date", "figure_id"])
    revised = revised_rows.iloc[-1].to_dict() if len(revised_rows) else None
    check = None
    if was_vetoed and proposed is not None and revised is not None:
        check = rules.revised_precept_check(found["outcome"], proposed["value"], revised["value"])
    due = deadlines(b)
    return {
        "year": precept_year(b),
        "decision": found,
        "vetoed": was_vetoed,
        "reserve_needed": None if found is None else was_vetoed,
        "required_direction": rules.REVISED_DIRECTION.get(found["outcome"]) if was_vetoed else None,
        "proposed": proposed,
        "revised": revised,
        "check": check,
        "revised_deadline": due["revised_precept"],
        "second_report_deadline": due["panel_report_on_revised"],
        "issue_before": due["precept_issued"],
    }


def options(b: Briefing) -> pd.DataFrame:
    """The options open to the Panel on this year's proposal and what each leads to
    (rules.precept_options), with the votes a veto needs where the membership is public."""
    frame = pd.DataFrame([vars(option) for option in rules.precept_options(precept_year(b))])
    arithmetic = veto(b)
    needed = arithmetic["needed"] if arithmetic["declared"] else None
    return frame.assign(votes_needed=pd.Series([needed if votes == "two-thirds" else None for votes in frame["votes"]], dtype="object"))


def timetable(b: Briefing, year: str | None = None) -> pd.DataFrame:
    """Each statutory step of this year's (or `year`'s) cycle: its deadline, the date the
    papers record (blank where they record none), its status, and the paper that records it."""
    year = year or precept_year(b)
    recorded = {row["step"]: row for row in cycle(b, year).to_dict("records")}
    steps = {step: as_date(row["step_date"]) for step, row in recorded.items()}
    decided = decisions(b)
    decided = decided[decided["precept_year"] == year]
    rows = []
    for check in rules.check_timetable(year, steps, vetoed(decided.iloc[-1].to_dict()) if len(decided) else None):
        paper = recorded.get(check.deadline.step, {})
        rows.append(
            {
                "step": check.deadline.step,
                "description": check.deadline.description,
                "deadline": check.deadline.deadline,
                "bound": check.deadline.bound,
                "applies": check.deadline.applies,
                "actual": check.actual,
                "status": check.status,
                "source_id": paper.get("source_id"),
                "section": paper.get("section"),
            }
        )
    return pd.DataFrame(rows)


def deadlines(b: Briefing) -> dict:
    """This year's statutory deadlines by step (rules.precept_deadlines)."""
    return {d.step: d.deadline for d in rules.precept_deadlines(precept_year(b))}


def in_round(b: Briefing, frame: pd.DataFrame, rounds: int = 1) -> pd.DataFrame:
    """Rows public since the start of this year's budget round (`rounds`=2: last year's
    round too): what counts as this year's, or last time's, evidence rather than history."""
    _, opens, _ = budget_round(precept_year(b))
    if frame.empty:
        return frame
    return frame[frame["public_date"] >= pd.Timestamp(opens.replace(year=opens.year - (rounds - 1)))]


def papers_not_seen(b: Briefing) -> dict:
    """What the papers public by the meeting do not yet hold for this year's cycle, each
    computed from the data (`missing`: proposal, notification, survey, officers,
    collection, decision, revised precept), the newest paper public by the meeting and the deadlines."""
    steps = set(cycle(b)["step"])
    precept = _precept_readings(b.readings)
    this_round = in_round(b, precept)
    missing = {
        "proposal": not proposal(b)["complete"],
        "notification": "notification" not in steps,
        "survey": this_round[this_round["topic"] == "survey"].empty,
        "officers": this_round[this_round["topic"] == "workforce"].empty,
        "collection": this_round[this_round["topic"] == "council tax collection"].empty,
        "decision": decision(b) is None,
        "revised": year_readings(precept[precept["measure_key"] == REVISED_BAND_D], precept_year(b)).empty,
    }
    # What each page lists: a reserve meeting waits on the decision, the revised precept and the proposal.
    listed = (
        ("decision", "revised", "proposal")
        if is_reserve(b)
        else ("proposal", "notification", "survey", "officers", "collection", "decision")
    )
    return {
        "year": precept_year(b),
        "cycle_in_papers": not cycle(b).empty,
        "decision": decision(b),
        "missing": missing,
        "anything_missing": any(missing[key] for key in listed),
        "latest_paper": b.latest_paper_date(),
        "deadlines": deadlines(b),
        "previous_meeting": b.previous_meeting,
    }


def dated_topics(b: Briefing) -> dict:
    """The topics of this briefing's readings more than 12 months old, and the newest of
    their dates: what a question for current figures asks about."""
    old = b.dated_readings()
    if old.empty:
        return {"count": 0, "topics": [], "newest": None}
    return {"count": len(old), "topics": list(dict.fromkeys(old.sort_values("when")["topic"])), "newest": old["when"].max()}


# ----- the veto --------------------------------------------------------------------------------


def members(b: Briefing) -> pd.DataFrame:
    """The latest attendance list (present and giving apologies) public by the meeting:
    supporting evidence for the veto arithmetic, never its count."""
    frame = b.data.table("panel_members")
    if frame.empty:
        return frame
    return frame[frame["meeting_date"] == frame["meeting_date"].max()]


def veto(b: Briefing) -> dict:
    """The veto arithmetic: two-thirds of the persons who are members of the Panel at the
    time (Schedule 5, paragraph 4), counted from the membership panel.yaml declares on the
    meeting's date (`Panel.members_on`).

    With a declared membership: the votes needed, two-thirds as a fraction, how many members
    voting against or absent would block a veto, and the latest attendance list public by
    the meeting as supporting evidence (`attendance`, None when no minutes list one). With
    no member declared on that date, `by_size` gives the votes needed for Panels of 10 to 20.
    """
    declared = b.panel.members_on(b.meeting_date)
    by_size = pd.DataFrame({"members": list(VETO_TABLE_SIZES), "votes_needed": [rules.veto_votes_needed(n) for n in VETO_TABLE_SIZES]})
    listed = members(b)
    attendance = None
    if not listed.empty:
        attendance = {
            "meeting_date": listed["meeting_date"].iloc[0],
            "listed": len(listed),
            "present": int((listed["attendance"] == "present").sum()),
            "apologies": int((listed["attendance"] == "apologies").sum()),
            "row": listed.iloc[0].to_dict(),
        }
    if not declared:
        return {"declared": False, "by_size": by_size, "on": b.meeting_date, "attendance": attendance, "cites": []}
    count = len(declared)
    needed = rules.veto_votes_needed(count)
    return {
        "declared": True,
        "by_size": by_size,
        "on": b.meeting_date,
        "count": count,
        "needed": needed,
        "two_thirds": round(count * 2 / 3, 2),
        "blocking": count - needed + 1,
        "attendance": attendance,
        "cites": [attendance["row"]] if attendance else [],
    }


# ----- the survey ------------------------------------------------------------------------------


def survey_counts(b: Briefing) -> pd.DataFrame:
    """One row per precept survey the papers count: its latest count, the survey's title,
    launch and close dates, and `still_open` (the survey had not closed when counted, or the
    paper gives no close date). Oldest survey first. Each survey is its own subject, so two
    surveys are never read as a trend."""
    counts = b.topic("survey")
    counts = counts[counts["measure_key"] == SURVEY_RESPONSES]
    if counts.empty:
        return counts.assign(title=pd.Series(dtype="string"), still_open=pd.Series(dtype="bool"))
    latest = counts.sort_values(["when", "public_date"]).groupby("subject", sort=False).tail(1).sort_values("when")
    surveys = b.data.table("surveys").set_index("survey_id")
    close = latest["subject"].map(surveys["close_date"])
    return latest.assign(
        title=latest["subject"].map(surveys["title"]),
        launch_date=latest["subject"].map(surveys["launch_date"]),
        close_date=close,
        still_open=close.isna() | (close > latest["when"]),
    )


def latest_reading(b: Briefing, measure_key: str) -> dict | None:
    """The newest reading of a measure, whatever its subject (a measure kept per survey gives
    the latest survey's), with its trend; None when no paper public by the meeting has it."""
    frame = b.trends()
    frame = frame[frame["measure_key"] == measure_key] if len(frame) else frame
    return None if frame.empty else frame.sort_values(["when", "public_date"]).iloc[-1].to_dict()


def survey_fall(b: Briefing) -> dict | None:
    """The stated fall in responses to the latest counted survey on the year before, if public."""
    counts = survey_counts(b)
    return None if counts.empty else b.latest(SURVEY_FALL, counts["subject"].iloc[-1])


def survey_questions(b: Briefing) -> pd.DataFrame:
    """Agreement with each question of the latest survey whose shares the papers give."""
    frame = b.data.table("survey_questions")
    if frame.empty:
        return frame.assign(short=pd.Series(dtype="string"))
    latest = frame[frame["as_at"] == frame["as_at"].max()].sort_values("question_number")
    return latest.assign(short=[f"Q{int(n)}" for n in latest["question_number"]], when=latest["as_at"])


def survey_questions_chart(questions: pd.DataFrame):
    """Bars of the share who strongly agreed with each question (None without shares)."""
    if questions.empty:
        return None
    return charts.bar_chart(questions, "short", "strongly_agree_pct", "Strongly agree (%)", label="as_printed", sort=False)


# ----- officers and money ----------------------------------------------------------------------


def in_measure_order(b: Briefing, frame: pd.DataFrame) -> pd.DataFrame:
    """Readings newest first, then in the order of data/measures.csv (the analyst's order)."""
    order = {key: n for n, key in enumerate(b.data.table("measures")["measure_key"])}
    return (
        frame.assign(_order=frame["measure_key"].map(order)).sort_values(["when", "_order"], ascending=[False, True]).drop(columns="_order")
    )


def officers(b: Briefing) -> pd.DataFrame:
    """Each workforce measure's latest reading with its date, newest first."""
    frame = b.trends("workforce")
    return frame if frame.empty else in_measure_order(b, frame)


def collection_fund(b: Briefing) -> dict | None:
    """The forecast council tax collection surplus, the deficit it became and the swing
    between them (our sum), where the papers give both."""
    surplus, deficit = b.latest(COLLECTION_SURPLUS), b.latest(COLLECTION_DEFICIT)
    if surplus is None or deficit is None:
        return None
    return {"surplus": surplus, "deficit": deficit, "swing": surplus["value"] + deficit["value"]}


# ----- the last precept meeting ----------------------------------------------------------------


def precept_meetings(b: Briefing) -> list:
    """Earlier meetings whose agenda held the precept, public by this meeting."""
    items = b.data.table("agenda_items")
    mine = items[(items["briefing"] == "precept") & (items["meeting_date"] < pd.Timestamp(b.meeting_date))]
    return sorted(mine["meeting_date"].unique())


def members_questions(b: Briefing) -> pd.DataFrame:
    """Members' questions at the latest earlier precept meeting whose minutes are public,
    one row per topic in the order raised: who asked, who answered, what was said (`gists`)
    and the first question's row (`first`, for its citation)."""
    questions = b.data.table("questions")
    questions = questions[questions["meeting_date"].isin(precept_meetings(b))]
    columns = ["meeting_date", "topic", "asked_by", "answered_by", "gists", "first", "points"]
    if questions.empty:
        return pd.DataFrame(columns=columns)
    latest = questions[questions["meeting_date"] == questions["meeting_date"].max()].sort_values("question_number")
    rows = []
    for topic, group in latest.groupby("topic", sort=False):
        rows.append(
            {
                "meeting_date": group["meeting_date"].iloc[0],
                "topic": topic,
                "asked_by": list(dict.fromkeys(group["asked_by"])),
                "answered_by": list(dict.fromkeys(group["answered_by"])),
                "gists": list(group["gist"]),
                "first": group.iloc[0].to_dict(),
                "points": len(latest),
            }
        )
    return pd.DataFrame(rows, columns=columns)


# ----- the reserve meeting ---------------------------------------------------------------------


def reserve(b: Briefing) -> dict:
    """What a reserve meeting needs: the after-veto deadlines, the first meeting of this
    year's cycle, whether the meeting falls before the Commissioner's deadline for a
    revised precept, and whether the papers show the Panel's decision."""
    due = deadlines(b)
    return {
        "year": precept_year(b),
        "first_meeting": b.previous_meeting,
        "report_deadline": due["panel_report"],
        "revised_deadline": due["revised_precept"],
        "second_report_deadline": due["panel_report_on_revised"],
        "issue_before": due["precept_issued"],
        "before_revised_deadline": b.meeting_date < due["revised_precept"],
        "decision": decision(b),
        "latest_paper": b.latest_paper_date(),
    }


# ----- the page: evidence sections and the note -------------------------------------------------

# Lines of enquiry in the order they are ranked when drafted: the case for the proposal first,
# then the medium term, the public's voice, holding the Chief Constable to account for what the
# precept buys, the collection fund, and what came of last time's recommendation.
ENQUIRY_RANKING = ("case", "medium-term", "survey", "officers", "collection", "last-time")
RESERVE_ENQUIRY_RANKING = ("revised", "reasons", "services", "taxpayers", "timing")


def sections(b: Briefing) -> dict[str, dict]:
    """The facts of each evidence section, keyed by template, in the order the page shows
    them: the first meeting's sections, or the reserve meeting's short path after a veto."""
    timetable_frame = timetable(b)
    path = decision_path(b)
    if is_reserve(b):
        found = {"reserve_path": {"reserve": reserve(b), "path": path}}
        if path["reserve_needed"] is False:
            return found  # no veto: one line, nothing else
        return found | {
            "not_yet_available": {"unseen": papers_not_seen(b), "reserve": True, "dated": dated_topics(b)},
            "reserve_powers": {"reserve": reserve(b)},
            "reserve_timetable": {"timetable": timetable_frame, "reserve": reserve(b)},
            "reserve_look_for": {"reserve": reserve(b), "path": path},
            "shared/since_last": {"fresh": b.new_since_last()},
        }
    questions = survey_questions(b)
    return {
        "proposal": {"proposal": proposal(b), "draft": draft(b), "path": path, "decisions": decisions(b)},
        "not_yet_available": {"unseen": papers_not_seen(b), "reserve": False, "dated": dated_topics(b)},
        "timetable": {"timetable": timetable_frame, "year": precept_year(b)},
        "veto": {"veto": veto(b)},
        "survey": {
            "surveys": survey_counts(b),
            "fall": survey_fall(b),
            "questions": questions,
            "chart": survey_questions_chart(questions),
            "comments": latest_reading(b, SURVEY_COMMENTS),
        },
        "officers": {"officers": officers(b)},
        "money": {"collection": collection_fund(b)},
        "members_questions": {"questions": members_questions(b)},
        "history": {
            "history": history(b),
            "illustration": illustration(b),
            "last_year": previous_year(precept_year(b)),
            "last_cycle": timetable(b, previous_year(precept_year(b))) if len(cycle(b, previous_year(precept_year(b)))) else None,
        },
        **b.shared_sections(),
    }


def _reading(frame: pd.DataFrame, measure_key: str) -> dict | None:
    rows = frame[frame["measure_key"] == measure_key] if len(frame) else frame
    return None if rows.empty else rows.iloc[0].to_dict()


def drafted(b: Briefing, facts: dict[str, dict]) -> tuple[list, list]:
    """The precept note's lines drafted from the evidence's facts, and the Panel's options
    (words in templates/briefings/precept/note.html.j2). `Briefing.assemble_note` applies
    the officer's rows to them."""
    from dataclasses import replace

    if is_reserve(b):
        return _drafted_reserve(b, facts)
    found = facts["proposal"]["proposal"]["by_measure"]
    band = found.get(BAND_D)
    money = [found[key] for key in ("precept_income", "government_grant", "total_budget") if key in found]
    pressures = [found[key] for key in ("savings_planned", "reserves_use", "reserves_level", "medium_term_gap") if key in found]
    survey = facts["survey"]
    counts = in_round(b, survey["surveys"], rounds=2)
    latest_count = counts.iloc[-1].to_dict() if len(counts) else None
    views = [
        found_view
        for key in ("precept_survey_support_pct", "precept_survey_neutral_pct", "precept_survey_against_pct")
        if (found_view := b.latest(key))
    ]
    views = [row for row in views if len(in_round(b, pd.DataFrame([row])))]
    arithmetic = facts["veto"]["veto"]
    workforce = facts["officers"]["officers"]
    in_post, target = _reading(workforce, "officers_in_post"), _reading(workforce, "officer_target")
    if in_post is not None and in_round(b, pd.DataFrame([in_post]), rounds=2).empty:
        in_post = target = None  # older counts are history, not last time's
    collection = facts["money"]["collection"]
    deficit_said = b.statements("money")
    deficit_said = deficit_said[deficit_said["statement_id"] == "precept-chair-deficit"].to_dict("records")
    open_actions = b.actions()["open"]
    open_recommendations = open_actions[open_actions["kind"] == "recommendation"].to_dict("records")
    notification = facts["timetable"]["timetable"].set_index("step").loc["notification"].to_dict()
    year, is_draft = precept_year(b), facts["proposal"]["draft"]["draft"]

    issues, enquiries, requests = [], [], []
    if is_draft:
        issues.append(
            b.draft_line(
                "key_issue",
                "no-proposal",
                1,
                [],
                year=year,
                missing=facts["proposal"]["draft"]["missing"],
                due=notification["deadline"],
                whose="reading",
                evidence="proposal",
            )
        )
        requests.append(b.draft_line("request", "precept-report", 1, [], year=year))
        enquiries.append(b.draft_line("enquiry", "case", 0, [], band=None, limit=None, year=year, role="finance"))
    if band is not None:
        cites = [band] + [
            found[k] for k in ("precept_band_d_increase", "precept_band_d_increase_pct", "precept_referendum_limit") if k in found
        ]
        issues.append(
            b.draft_line(
                "key_issue",
                "proposal",
                1,
                cites,
                band=band,
                rise=found.get("precept_band_d_increase"),
                rise_pct=found.get("precept_band_d_increase_pct"),
                limit=found.get("precept_referendum_limit"),
                whose="report",
                evidence="proposal",
            )
        )
        enquiries.append(
            b.draft_line("enquiry", "case", 0, cites, band=band, limit=found.get("precept_referendum_limit"), year=year, role="finance")
        )
    if money:
        issues.append(b.draft_line("key_issue", "money", 2, money, rows=money, whose="report", evidence="proposal"))
    if pressures:
        issues.append(b.draft_line("key_issue", "pressures", 3, pressures, rows=pressures, whose="report", evidence="proposal"))
    gap = found.get("medium_term_gap")
    if gap is not None or deficit_said:
        enquiries.append(
            b.draft_line(
                "enquiry",
                "medium-term",
                0,
                [gap] if gap is not None else deficit_said,
                gap=gap,
                said=deficit_said[0] if deficit_said else None,
                role="finance",
            )
        )
    if latest_count is not None:
        cites = [latest_count] + views + ([survey["fall"]] if survey["fall"] else [])
        issues.append(
            b.draft_line(
                "key_issue",
                "survey",
                4,
                cites,
                count=latest_count,
                views=views,
                fall=survey["fall"],
                whose="member" if survey["fall"] else "report",
                evidence="survey",
            )
        )
        enquiries.append(
            b.draft_line("enquiry", "survey", 0, cites, count=latest_count, views=views, fall=survey["fall"], role="engagement")
        )
        if survey["fall"]:
            requests.append(b.draft_line("request", "earlier-survey", 3, [survey["fall"]], fall=survey["fall"]))
    if in_post is not None and target is not None:
        gap = _reading(workforce, "officer_gap")
        issues.append(
            b.draft_line("key_issue", "officers", 5, [target], in_post=in_post, target=target, gap=gap, whose="paper", evidence="officers")
        )
        enquiries.append(b.draft_line("enquiry", "officers", 0, [target], in_post=in_post, target=target, gap=gap, role="accountability"))
    if collection is not None:
        enquiries.append(b.draft_line("enquiry", "collection", 0, [collection["deficit"]], collection=collection, role="finance"))
    if open_recommendations:
        enquiries.append(b.draft_line("enquiry", "last-time", 0, [open_recommendations[0]], row=open_recommendations[0], role="plan"))
    issues.append(
        b.draft_line(
            "key_issue",
            "veto",
            6,
            arithmetic["cites"],
            veto=arithmetic,
            whose="law",
            evidence="veto",
        )
    )
    if arithmetic["declared"]:
        requests.append(b.draft_line("request", "membership", 4, arithmetic["cites"], veto=arithmetic))
    dated = dated_topics(b)
    if dated["count"]:
        requests.append(b.draft_line("request", "current-figures", 5, [], dated=dated))
    if is_draft and notification["actual"] is None and len(issues) < 3:
        issues.append(
            b.draft_line(
                "key_issue",
                "notification",
                7,
                [],
                due=notification["deadline"],
                meeting=b.meeting_date,
                whose="reading",
                evidence="timetable",
            )
        )

    # Five lines keep the note to five minutes; the last ranked is the first to go.
    ranked = sorted(enquiries, key=lambda line: ENQUIRY_RANKING.index(line.line_id))[:5]
    enquiries = [replace(line, rank=n) for n, line in enumerate(ranked, start=1)]
    return issues[:5] + enquiries + requests, precept_note_options(b, facts["veto"]["veto"])


def precept_note_options(b: Briefing, arithmetic: dict) -> list:
    """The options open to the Panel on the proposal (`options`), each with what it leads
    to, in the words of the precept note template."""
    return [
        b.option(row["option"].replace(" ", "-"), option=row, needed=row["votes_needed"], count=arithmetic.get("count"))
        for row in options(b).to_dict("records")
    ]


def _drafted_reserve(b: Briefing, facts: dict[str, dict]) -> tuple[list, list]:
    """The reserve meeting's note: the decision and the revised precept, the direction the
    Regulations require, and the Panel's second report (there is no second veto)."""
    path = facts["reserve_path"]["path"]
    decided = path["decision"]
    issues, enquiries, requests = [], [], []
    if decided is not None and not path["vetoed"]:
        issues.append(b.draft_line("key_issue", "not-needed", 1, [decided], path=path, whose="paper", evidence="reserve-path"))
        return issues, []
    issues.append(
        b.draft_line(
            "key_issue",
            "decision",
            1,
            [decided] if decided else [],
            path=path,
            whose="paper" if decided else "reading",
            evidence="reserve-path",
        )
    )
    revised_cites = [row for row in (path["revised"], path["proposed"]) if row is not None]
    issues.append(b.draft_line("key_issue", "direction", 2, revised_cites, path=path, whose="reading", evidence="reserve-path"))
    issues.append(b.draft_line("key_issue", "no-second-veto", 3, [], path=path, whose="law", evidence="reserve-powers"))
    enquiries.append(b.draft_line("enquiry", "revised", 1, revised_cites, path=path, role="finance"))
    enquiries.append(b.draft_line("enquiry", "reasons", 2, [decided] if decided else [], path=path, role="finance"))
    enquiries.append(b.draft_line("enquiry", "services", 3, revised_cites, path=path, role="accountability"))
    duties = b.data.table("statutory_duties")
    # The duty to hear council taxpayers on the precept, as the papers list it (by its words).
    taxpayers = duties[duties["duty"].str.contains("Council Taxpayers", case=False)].to_dict("records")
    enquiries.append(
        b.draft_line("enquiry", "taxpayers", 4, taxpayers[:1], path=path, duty=taxpayers[0] if taxpayers else None, role="engagement")
    )
    enquiries.append(b.draft_line("enquiry", "timing", 5, [], path=path, meeting=b.meeting_date, role="finance"))
    if path["revised"] is None:
        requests.append(b.draft_line("request", "response", 1, [], path=path))
    options = [b.option(option_id, path=path) for option_id in ("accept", "reject", "recommend-revised")]
    return issues + enquiries + requests, options


def draft_reasons(b: Briefing, facts: dict[str, dict]) -> tuple[str, ...]:
    """Why the note is a draft, in the words of the precept note template: no paper public
    by the meeting holds the year's proposal (empty when it is not a draft)."""
    from briefing import words

    if is_reserve(b) or not facts["proposal"]["draft"]["draft"]:
        return ()
    return (str(words.phrase("precept/note", "draft_reason", draft=facts["proposal"]["draft"])),)


def note(b: Briefing, drafted_lines: list, note_options: list, facts: dict[str, dict]):
    """The note: the drafted lines with the officer's rows applied (Briefing.assemble_note),
    marked a draft where the year's proposal is missing. At the reserve meeting the Panel
    reviews a revised precept, which it cannot veto: the item says so."""
    from dataclasses import replace

    assembled = b.assemble_note(drafted_lines, note_options, draft=draft_reasons(b, facts))
    return replace(assembled, item=replace(assembled.item, power="precept_revised")) if is_reserve(b) else assembled
