"""The precept briefing: the proposal, the statutory timetable, the veto arithmetic, the
public survey, the Band D illustration, workforce and money context, and the members'
questions at the last precept meeting. For a future cycle it says which figures are not
yet in the papers instead of presenting last year's as current.
"""

from __future__ import annotations

import pandas as pd

from briefing import charts, rules
from briefing.components import Html, badge, bullet_list, flag, join, paragraph, table, tag
from briefing.context import Briefing
from briefing.formatting import as_date, figure_text, long_date, number, short_date

STATUS_KIND = {"on time": "ok", "late": "late", "not yet known": "dated", "not needed": "ok", "early": "late"}


def _cycle(ctx: Briefing) -> dict:
    cycle = ctx.data.table("precept_cycle")
    mine = cycle[cycle["precept_year"] == ctx.parameters["precept_year"]]
    return {row["step"]: row for _, row in mine.iterrows()}


def _decision(ctx: Briefing):
    """The Panel's recorded decision on this year's precept, if public by the meeting."""
    actions = ctx.data.table("actions")
    decisions = actions[(actions["kind"] == "decision") & (actions["briefing"] == "precept")]
    year_start = pd.Timestamp(rules.precept_first_year(ctx.parameters["precept_year"]), 1, 1)
    decisions = decisions[(decisions["meeting_date"] >= year_start) & (decisions["meeting_date"] < year_start + pd.DateOffset(years=1))]
    return decisions.iloc[-1] if len(decisions) else None


def _members(ctx: Briefing) -> pd.DataFrame:
    """The latest membership and attendance list public by the meeting."""
    members = ctx.data.table("panel_members")
    if members.empty:
        return members
    latest = members["meeting_date"].max()
    return members[members["meeting_date"] == latest]


def is_future_cycle(ctx: Briefing) -> bool:
    """True when the papers hold no record yet of this year's cycle."""
    return not _cycle(ctx)


def key_points(ctx: Briefing) -> Html:
    """Three to five plain-English sentences, figures first."""
    year = ctx.parameters["precept_year"]
    points = []
    decision = _decision(ctx)
    if is_future_cycle(ctx):
        points.append(
            join(
                [
                    f"The papers available by this meeting do not yet give the proposed {year} precept, its notification date or this year's survey results; they are listed below as not yet available."
                ]
            )
        )
    else:
        cycle = _cycle(ctx)
        if "notification" in cycle:
            points.append(
                join(
                    [
                        f"The Commissioner notified the Panel of the proposed {year} precept on {long_date(cycle['notification']['step_date'])}",
                        ctx.cite_row(cycle["notification"]),
                        ".",
                    ]
                )
            )
    if decision is not None:
        points.append(
            join(
                [
                    f"The Panel {decision['vote'] or ''} agreed not to veto the {year} precept on {long_date(decision['meeting_date'])}".replace(
                        "  ", " "
                    ),
                    ctx.cite_row(decision),
                    ".",
                ]
            )
        )
    responses = ctx.figure("precept_survey_2023_24_responses")
    fall = ctx.figure("precept_survey_response_change_2023_24")
    if responses is not None:
        sentence = [f"The 2023/24 precept survey drew {number(responses['value'])} responses", ctx.cite_row(responses)]
        if fall is not None:
            sentence += [f", and members were told responses fell by {number(fall['value'])}% on the year before", ctx.cite_row(fall)]
        points.append(join(sentence + ["."]))
    else:
        earlier = ctx.figure("precept_survey_2020_21_responses")
        if earlier is not None:
            points.append(
                join(
                    [
                        f"The most recent survey count in the papers is from the 2020/21 survey: {figure_text(earlier['value'], earlier['unit'], earlier['qualifier'])} responses by {long_date(earlier['period_end'])}",
                        ctx.cite_row(earlier),
                        ctx.dated_badge(earlier),
                        ".",
                    ]
                )
            )
    in_post = ctx.figure("officers_in_post")
    target = ctx.figure("officer_target")
    if in_post is not None and target is not None:
        points.append(
            join(
                [
                    f"The force had about {number(in_post['value'])} officers against a target of {number(target['value'])}",
                    ctx.cite_row(target),
                    ".",
                ]
            )
        )
    members = _members(ctx)
    if len(members):
        points.append(
            f"A veto needs at least {rules.veto_votes_needed(len(members))} votes if the Panel has {len(members)} members (the number the latest minutes list)."
        )
    else:
        points.append("A veto needs at least two-thirds of the Panel's members; the papers available do not yet list the membership.")
    return bullet_list(points[:5], class_="key-points")


def proposal(ctx: Briefing) -> Html:
    """What the papers say of the proposal and the decision."""
    year = ctx.parameters["precept_year"]
    parts = [
        flag(
            "Not in the papers",
            f"The papers in this workbook do not print the amount of the proposed {year} precept or its Band D figure. "
            "Members should take these from the Commissioner's precept report itself.",
        )
    ]
    illustration = ctx.figure("precept_illustration_band_d_monthly_pence")
    increase = ctx.figure("precept_illustration_increase_pct")
    if illustration is not None and increase is not None:
        parts.append(
            paragraph(
                "For scale, the 2020/21 survey told residents that a ",
                tag("strong", f"{number(increase['value'])}% increase"),
                " would cost ",
                tag("strong", f"{number(illustration['value'])}p a month"),
                " for a Band D property",
                ctx.cite_row(illustration),
                ctx.dated_badge(illustration),
                ". This is an illustration from an earlier year, not this year's proposal.",
            )
        )
    decision = _decision(ctx)
    if decision is not None:
        parts.append(
            paragraph(
                "Decision: ",
                tag("strong", decision["text"]),
                f" (vote: {decision['vote'] or 'not recorded'}; {long_date(decision['meeting_date'])})",
                ctx.cite_row(decision),
                ".",
            )
        )
    else:
        parts.append(paragraph(f"No decision on the {year} precept is recorded in the papers available by this meeting."))
    history = ctx.data.table("actions")
    history = history[(history["kind"] == "decision") & (history["briefing"] == "precept")]
    if decision is None and len(history):
        rows = [
            (short_date(r["meeting_date"]), join([r["text"], ctx.cite_row(r)]), r["vote"] or "not recorded") for _, r in history.iterrows()
        ]
        parts.append(table(rows, ["Meeting", "Decision", "Vote"], caption="Earlier precept decisions in the papers"))
    return join(parts)


def timetable(ctx: Briefing) -> Html:
    """Statutory deadlines set against the real dates of this year's cycle."""
    year = ctx.parameters["precept_year"]
    cycle = _cycle(ctx)
    steps = {name: as_date(row["step_date"]) for name, row in cycle.items()}
    decision = _decision(ctx)
    vetoed = None if decision is None else ("not to" not in decision["text"].lower() and "not exercise" not in decision["text"].lower())
    checks = rules.check_timetable(year, steps, vetoed)
    rows = []
    for check in checks:
        actual = check.actual
        cited = join([short_date(actual), ctx.cite_row(cycle[check.deadline.step])]) if actual else "not in the papers yet"
        rows.append(
            (
                check.deadline.description,
                long_date(check.deadline.deadline),
                cited,
                badge(check.status, STATUS_KIND.get(check.status, "dated")),
            )
        )
    parts = [
        paragraph(
            "The Police Reform and Social Responsibility Act 2011 (Schedule 5) and the Police and Crime Panels (Precepts and Chief "
            "Constable Appointments) Regulations 2012 set these deadlines. 'Not needed' means the step applies only after a veto."
        ),
        table(rows, ["Step", "Deadline", "Date in the papers", "Status"], caption=f"Statutory timetable for the {year} precept"),
    ]
    meeting = as_date(ctx.meeting_date)
    report_deadline = checks[1].deadline.deadline
    if meeting > report_deadline:
        parts.append(
            flag(
                "Timetable",
                f"This meeting ({long_date(meeting)}) is after the {long_date(report_deadline)} deadline for the Panel's report; if the Panel vetoes late, the Commissioner may issue the proposed precept.",
            )
        )
    if ctx.parameters.get("reserve_meeting"):
        revised = checks[2].deadline.deadline
        parts.append(
            flag(
                "Reserve meeting",
                f"This meeting is held only if the Panel vetoes. After a veto the Commissioner has until {long_date(revised)} to send a revised precept and the Panel "
                f"must report on it by {long_date(checks[3].deadline.deadline)}. "
                + (
                    f"Because this meeting is on {long_date(meeting)}, it can consider a revised precept only if the Commissioner sends it by then."
                    if meeting <= revised
                    else ""
                ),
            )
        )
    if "notification" not in cycle:
        ctx.ask(
            f"When will the Commissioner notify the Panel of the proposed {year} precept, given the 1 February deadline?",
            "no notification date in the papers yet",
        )
    return join(parts)


def veto(ctx: Briefing) -> Html:
    """The veto arithmetic: two-thirds of the persons who are members at the time."""
    members = _members(ctx)
    parts = [
        paragraph(
            "A veto needs at least two-thirds of the persons who are members of the Panel at the time of the decision, "
            "whether or not they attend. Fractions round up: a Panel of 13 needs 9 votes (two-thirds of 13 is 8.67)."
        )
    ]
    if len(members):
        meeting = as_date(members["meeting_date"].iloc[0])
        present = int((members["attendance"] == "present").sum())
        count = len(members)
        needed = rules.veto_votes_needed(count)
        first = members.iloc[0]
        parts.append(
            paragraph(
                f"The minutes of {long_date(meeting)} list {count} members ({present} present, {count - present} giving apologies)",
                ctx.cite_row(first),
                f". If that is the whole membership, a veto needs {tag('strong', str(needed))} votes, and {count - needed + 1} members voting against or absent would block one.",
            )
        )
        parts.append(
            flag(
                "Check",
                "The minutes list those present and apologies, not the full membership; the secretariat should confirm the number of members on the day.",
            )
        )
        ctx.ask(
            "How many persons are members of the Panel today, so that the votes needed for a veto are known before the vote?",
            f"the minutes of {short_date(meeting)} list {count} members but not the full membership",
            first,
        )
    else:
        rows = [(str(n), str(rules.veto_votes_needed(n))) for n in range(10, 21)]
        parts.append(paragraph("The papers available by this meeting do not list the Panel's membership. For a Panel of 10 to 20 members:"))
        parts.append(table(rows, ["Members", "Votes needed to veto"], caption="Votes needed to veto by size of Panel", numeric=(1,)))
    return join(parts)


def survey(ctx: Briefing) -> Html:
    """The public survey: responses across years, the fall, agreement with each question."""
    parts = []
    rows = []
    for measure, label in (("precept_survey_2020_21_responses", "2020/21"), ("precept_survey_2023_24_responses", "2023/24")):
        row = ctx.figure(measure)
        if row is not None:
            rows.append(
                {"survey": label, "responses": row["value"], "label": figure_text(row["value"], row["unit"], row["qualifier"]), "row": row}
            )
    if rows:
        frame = pd.DataFrame(rows)
        chart = charts.bar_chart(frame, "survey", "responses", "Responses", label="label", sort=False)
        sources = "; ".join(ctx.source_text(r["row"]["source_id"], r["row"]["section"]) for r in rows)
        for r in rows:
            ctx.cite_row(r["row"])
        latest = rows[-1]
        message = f"The {latest['survey']} precept survey drew {latest['label']} responses" + (
            f", against {rows[0]['label']} in {rows[0]['survey']}" if len(rows) > 1 else ""
        )
        parts.append(
            charts.figure(
                chart,
                charts.ChartText(
                    title=message,
                    subtitle="Responses to the Commissioner's precept survey, Cambridgeshire and Peterborough, by survey year (2020/21 counted to 15 January 2020)",
                    alt=". ".join(f"{r['survey']}: {r['label']} responses" for r in rows)
                    + ". The papers give no count for the years in between.",
                    source=sources,
                ),
                frame.assign(responses=frame["label"]),
                ["survey", "responses"],
            )
        )
        if len(rows) > 1:
            parts.append(
                paragraph(
                    "The two counts are not like for like: the 2020/21 figure is an early count part-way through the survey, and the papers give no count for 2021/22 or 2022/23."
                )
            )
    fall = ctx.figure("precept_survey_response_change_2023_24")
    if fall is not None:
        parts.append(
            paragraph(
                "At the 1 February 2023 meeting a member said responses had fallen by ",
                ctx.say("precept_survey_response_change_2023_24"),
                " on the previous year. The papers do not print the previous year's count, so the fall cannot be checked.",
            )
        )
        ctx.ask(
            "How many people answered the 2022/23 precept survey, so the Panel can check the reported 60% fall, and what will change to lift responses?",
            "a 60% fall in responses with no earlier count printed",
            fall,
        )
    questions = ctx.data.table("survey_questions")
    if len(questions):
        frame = questions.assign(label=questions["as_printed"], short=[f"Q{int(n)}" for n in questions["question_number"]])
        chart = charts.bar_chart(frame, "short", "strongly_agree_pct", "Strongly agree (%)", label="label", sort=False)
        first = questions.iloc[0]
        parts.append(
            charts.figure(
                chart,
                charts.ChartText(
                    title="Most respondents strongly agreed with each of the three 2020/21 survey questions",
                    subtitle=f"Share of respondents selecting 'strongly agree', precept survey 2020/21, responses to {long_date(first['as_at'])}",
                    alt="; ".join(
                        f"Question {int(r['question_number'])}, {r['question']}: {r['as_printed']} strongly agree"
                        for _, r in questions.iterrows()
                    ),
                    source=ctx.source_text(first["source_id"], first["section"]),
                ),
                frame.assign(question=[f"Q{int(n)}: {q}" for n, q in zip(frame["question_number"], frame["question"], strict=True)]),
                ["question", "label"],
            )
        )
        ctx.cite_row(first)
        if ctx.dated(first.to_dict() | {"period_end": first["as_at"]}):
            parts.append(
                flag(
                    "Dated",
                    "These shares are from January 2020, more than 12 months before this meeting. The papers give no shares for later surveys.",
                )
            )
    comments = ctx.figure("precept_survey_2020_21_comments")
    if comments is not None:
        parts.append(
            paragraph(
                "The 2020/21 survey also drew ",
                ctx.say("precept_survey_2020_21_comments"),
                " comments, with police visibility among the most common.",
            )
        )
    if not parts:
        parts.append(paragraph("No precept survey results are in the papers available by this meeting."))
    return join(parts)


def workforce(ctx: Briefing) -> Html:
    """Officer numbers: target, gap and the national uplift."""
    items = [
        join(["Officer target: ", ctx.say("officer_target")]),
        join(["Officers short of the target: ", ctx.say("officer_gap")]),
        join(["Officers in post (target less the gap, our calculation): ", ctx.say("officers_in_post")]),
        join(["Officers before the national uplift (2020): ", ctx.say("officers_existing_2020")]),
        join(
            [
                "New officers from the national uplift of ",
                ctx.say("officer_uplift_national_target"),
                " (local share): ",
                ctx.say("officer_uplift_local_allocation"),
            ]
        ),
    ]
    return bullet_list(items)


def money_risks(ctx: Briefing) -> Html:
    """Money risks raised at the precept meeting."""
    items = []
    deficit = ctx.figure("collection_fund_deficit")
    surplus = ctx.figure("collection_fund_forecast_surplus")
    if deficit is not None and surplus is not None:
        swing = deficit["value"] + surplus["value"]
        items.append(
            join(
                [
                    "Council tax collection: a forecast surplus of ",
                    ctx.say("collection_fund_forecast_surplus"),
                    " became a deficit of ",
                    ctx.say("collection_fund_deficit"),
                    f", a swing of {figure_text(swing, 'gbp')} (our sum).",
                ]
            )
        )
        ctx.ask(
            "What collection fund deficit is assumed for next year, after the £200,000 forecast surplus became a £300,000 deficit?",
            "a swing of £500,000 in council tax collection",
            deficit,
        )
    pay = ctx.data.table("questions")
    pay_rows = pay[pay["topic"].str.contains("Pay", case=False, na=False)]
    if len(pay_rows):
        row = pay_rows.iloc[0]
        items.append(
            join(
                [
                    "Pay: the Commissioner said the pay assumption was not realistic given inflation; the papers give no figure for it",
                    ctx.cite_row(row),
                    ".",
                ]
            )
        )
        ctx.ask(
            "What pay award does the budget assume, and what would each extra 1% cost?",
            "the Commissioner called the pay assumption not realistic, with no figure given",
            row,
        )
    split = ctx.figure("social_care_separation_cost")
    if split is not None:
        items.append(
            join(
                [
                    "Splitting council services: separating adult and children's services from Peterborough City Council would cost Cambridgeshire County Council ",
                    ctx.say("social_care_separation_cost"),
                    "; the cost to policing is not estimated.",
                ]
            )
        )
    block = ctx.figure("mental_health_vacancies_block")
    if block is not None:
        items.append(
            join(
                [
                    "Mental health: a ",
                    ctx.say("mental_health_vacancies_block"),
                    " block on County Council mental health vacancies, which may add to police demand.",
                ]
            )
        )
    if not items:
        return paragraph("No money risks are recorded in the papers available by this meeting.")
    return bullet_list(items)


def members_questions(ctx: Briefing) -> Html:
    """Members' questions at the last precept meeting, grouped by topic, with who answered."""
    questions = ctx.data.table("questions")
    meetings = ctx.everything.unfiltered("agenda_items")
    precept_meetings = set(meetings[meetings["briefing"] == "precept"]["meeting_date"])
    questions = questions[questions["meeting_date"].isin(precept_meetings) & (questions["meeting_date"] < pd.Timestamp(ctx.meeting_date))]
    if questions.empty:
        return paragraph(
            "The papers available by this meeting hold no minutes of an earlier precept meeting, so there are no earlier questions to show."
        )
    latest = questions["meeting_date"].max()
    questions = questions[questions["meeting_date"] == latest].sort_values("question_number")
    grouped = questions.groupby("topic", sort=False)
    rows = []
    for topic, group in grouped:
        askers = ", ".join(dict.fromkeys(group["asked_by"]))
        answered = ", ".join(dict.fromkeys(group["answered_by"]))
        gists = join([join([g, " "]) for g in group["gist"]])
        rows.append((topic, askers, answered, join([gists, ctx.cite_row(group.iloc[0])])))
    intro = paragraph(f"At the precept meeting of {long_date(latest)} members raised {len(questions)} points. Grouped by topic:")
    return intro + table(
        rows,
        ["Topic", "Asked by", "Answered by", "What was said"],
        caption=f"Members' questions at the precept meeting of {short_date(latest)}",
    )


def not_yet_available(ctx: Briefing) -> Html:
    """For a future cycle: the figures the Panel needs that are not yet in the papers."""
    year = ctx.parameters["precept_year"]
    if not is_future_cycle(ctx):
        return paragraph(f"The papers hold this year's ({year}) cycle; see the timetable above.")
    items = [
        f"The proposed {year} precept and its Band D amount.",
        f"The date the Commissioner notified the Panel of the {year} proposal (due by 1 February).",
        f"Results of the {year} precept survey: responses, comments and agreement with each question.",
        f"Officer numbers against target for {year}.",
        "The collection fund position and the pay assumption in the budget.",
        f"The Panel's decision on the {year} precept.",
    ]
    return Html(
        tag(
            "div",
            paragraph(
                "These figures are not yet in the papers in the workbook. Earlier years' figures elsewhere in this briefing are history, not this year's position:"
            ).markup
            + bullet_list(items).markup,
            class_="not-available",
        )
    )


def since_last(ctx: Briefing) -> Html:
    """What changed since the last precept meeting."""

    def describe(name, fresh):
        if name == "figures":
            return [join([r["label"], ": ", ctx.say(r["measure_key"])]) for _, r in fresh[fresh["briefing"] == "precept"].iterrows()]
        if name == "questions":
            return [f"Minutes of {short_date(fresh['meeting_date'].iloc[0])}: {len(fresh)} members' questions and comments."]
        if name == "actions":
            return [
                join([r["kind"].capitalize(), ": ", r["text"], ctx.cite_row(r)])
                for _, r in fresh[fresh["briefing"] == "precept"].iterrows()
            ]
        if name == "precept_cycle":
            return [
                join([f"{r['precept_year']} cycle: {r['step'].replace('_', ' ')} on {short_date(r['step_date'])}", ctx.cite_row(r)])
                for _, r in fresh.iterrows()
            ]
        return []

    return ctx.since_last_meeting(["precept_cycle", "actions", "figures", "questions"], describe)


def dated_figures(ctx: Briefing) -> Html:
    """Flags for figures in this briefing more than 12 months older than the meeting."""
    old = [r for _, r in ctx.dated_rows("precept").iterrows()]
    if not old:
        return paragraph("No figure in this briefing is more than 12 months older than the meeting.")
    newest_old = max(as_date(rules.figure_date(r)) for r in old)
    first = old[0]
    ctx.ask(
        "Can the Commissioner give current figures for the survey, officer numbers and the Band D cost, in place of those from earlier years?",
        f"{len(old)} figures in this briefing date from {short_date(newest_old)} or before",
        first,
    )
    return flag(
        "Dated", f"{len(old)} of this briefing's figures are more than 12 months older than the meeting; each carries a 'Dated' label."
    )
