"""The precept briefing's facts: the statutory timetable, the veto arithmetic, the public
survey, officer numbers, the money risks raised at the last precept meeting, members'
questions there, the papers the briefing has not seen yet and, for a reserve meeting, what
the Panel can do after a veto.

Every function returns data (frames and small records); the words are in
templates/briefings/precept/. Measures are found by topic in data/measures.csv, so a new
reading or a new measure of a topic appears with no change here.
"""

from __future__ import annotations

import pandas as pd

from briefing import charts, rules
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


def precept_year(b: Briefing) -> str:
    """The financial year of the precept under review, e.g. '2024/25'."""
    return str(b.parameters["precept_year"])


def is_reserve(b: Briefing) -> bool:
    """True for the reserve meeting, held only if the Panel vetoes the proposed precept."""
    return bool(b.parameters.get("reserve_meeting"))


# ----- the cycle -------------------------------------------------------------------------------


def cycle(b: Briefing) -> pd.DataFrame:
    """This year's statutory steps as the papers public by the meeting record them."""
    frame = b.data.table("precept_cycle")
    return frame[frame["precept_year"] == precept_year(b)].sort_values("step_date")


def decisions(b: Briefing) -> pd.DataFrame:
    """The Panel's recorded precept decisions public by the meeting, with the precept year
    each was about (the decision of February 2023 is on the 2023/24 precept)."""
    actions = b.data.table("actions")
    found = actions[(actions["kind"] == "decision") & (actions["briefing"] == "precept")].sort_values("meeting_date")
    years = [f"{day.year}/{(day.year + 1) % 100:02d}" for day in found["meeting_date"]]
    return found.assign(precept_year=years)


def decision(b: Briefing) -> dict | None:
    """The Panel's recorded decision on this year's precept, if public by the meeting."""
    mine = decisions(b)
    mine = mine[mine["precept_year"] == precept_year(b)]
    return None if mine.empty else mine.iloc[-1].to_dict()


def vetoed(decision_row: dict | None) -> bool | None:
    """Whether a recorded decision was a veto (None while no decision is known)."""
    if decision_row is None:
        return None
    text = str(decision_row["text"]).lower()
    return not ("not to" in text or "not exercise" in text or "not to use" in text)


def timetable(b: Briefing) -> pd.DataFrame:
    """Each statutory step of this year's cycle: its deadline, the date the papers record
    (blank where they record none), its status, and the paper that records it."""
    recorded = {row["step"]: row for row in cycle(b).to_dict("records")}
    steps = {step: as_date(row["step_date"]) for step, row in recorded.items()}
    rows = []
    for check in rules.check_timetable(precept_year(b), steps, vetoed(decision(b))):
        paper = recorded.get(check.deadline.step, {})
        rows.append(
            {
                "step": check.deadline.step,
                "description": check.deadline.description,
                "deadline": check.deadline.deadline,
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


def papers_not_seen(b: Briefing) -> dict:
    """What this briefing cannot yet see: whether this year's cycle is in the papers, the
    newest paper public by the meeting (anything later is unseen), and the deadlines the
    unseen papers are due by."""
    return {
        "year": precept_year(b),
        "cycle_in_papers": not cycle(b).empty,
        "decision": decision(b),
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
    """The latest list of members (present and giving apologies) public by the meeting."""
    frame = b.data.table("panel_members")
    if frame.empty:
        return frame
    return frame[frame["meeting_date"] == frame["meeting_date"].max()]


def veto(b: Briefing) -> dict:
    """The veto arithmetic: two-thirds of the persons who are members of the Panel.

    With a membership list public, the votes needed if that list is the whole Panel and how
    many members voting against or absent would block a veto; without one, `by_size` gives
    the votes needed for Panels of 10 to 20.
    """
    listed = members(b)
    by_size = pd.DataFrame({"members": list(VETO_TABLE_SIZES), "votes_needed": [rules.veto_votes_needed(n) for n in VETO_TABLE_SIZES]})
    if listed.empty:
        return {"listed": False, "by_size": by_size}
    count = len(listed)
    needed = rules.veto_votes_needed(count)
    return {
        "listed": True,
        "by_size": by_size,
        "count": count,
        "present": int((listed["attendance"] == "present").sum()),
        "apologies": int((listed["attendance"] == "apologies").sum()),
        "needed": needed,
        "two_thirds": round(count * 2 / 3, 2),
        "blocking": count - needed + 1,
        "meeting_date": listed["meeting_date"].iloc[0],
        "row": listed.iloc[0].to_dict(),
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
        "issue_from": due["precept_issued"],
        "before_revised_deadline": b.meeting_date < due["revised_precept"],
        "decision": decision(b),
        "latest_paper": b.latest_paper_date(),
    }
