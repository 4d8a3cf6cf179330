"""The precept briefing's facts on the real data as of its three meetings (1 Feb 2023, the
first precept meeting whose papers we hold; 31 Jan 2024, the next cycle's first meeting;
14 Feb 2024, its reserve meeting), the data fixes they rest on, and a few page checks."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pandas as pd
import pytest

from briefing import precept, rules
from briefing.context import open_briefing

MEETINGS = {
    "2023-02-01": {"precept_year": "2023/24", "reserve_meeting": False},
    "2024-01-31": {"precept_year": "2024/25", "reserve_meeting": False},
    "2024-02-14": {"precept_year": "2024/25", "reserve_meeting": True},
}


def brief(day: str):
    return open_briefing("precept", day, agenda_item="", **MEETINGS[day])


@pytest.fixture(scope="module")
def feb_2023():
    return brief("2023-02-01")


@pytest.fixture(scope="module")
def jan_2024():
    return brief("2024-01-31")


@pytest.fixture(scope="module")
def reserve_2024():
    return brief("2024-02-14")


# ----- the cycle and what is not yet seen ----------------------------------------------------------


def test_a_future_cycle_has_every_step_not_yet_known(jan_2024):
    frame = precept.timetable(jan_2024)
    assert list(frame["step"]) == [d.step for d in rules.precept_deadlines("2024/25")]
    assert set(frame["status"]) == {"not yet known"}
    assert frame["actual"].isna().all()
    assert frame.set_index("step").loc["panel_report", "deadline"] == date(2024, 2, 8)


def test_the_papers_not_seen_are_computed_from_the_newest_public_paper(feb_2023, jan_2024):
    later = precept.papers_not_seen(jan_2024)
    assert later["latest_paper"] == date(2023, 3, 15)
    assert later["cycle_in_papers"] is False and later["decision"] is None
    # As of 1 Feb 2023 the newest public paper is the Board paper of January 2020: the
    # 15 March 2023 pack must not be known to that page.
    assert precept.papers_not_seen(feb_2023)["latest_paper"] == date(2020, 1, 23)


def test_decisions_know_their_precept_year(jan_2024):
    frame = precept.decisions(jan_2024)
    assert list(frame["precept_year"]) == ["2023/24"]
    assert precept.decision(jan_2024) is None
    assert precept.vetoed(frame.iloc[0].to_dict()) is False


def test_the_2023_24_decision_is_a_row_not_prose(jan_2024, feb_2023):
    """Minute 45 of 1 February 2023: the Panel unanimously agreed not to veto."""
    [row] = precept.decisions(jan_2024).to_dict("records")
    assert (row["precept_year"], row["outcome"], row["vote_as_printed"]) == ("2023/24", "no veto", "unanimously")
    assert row["meeting_date"] == pd.Timestamp("2023-02-01") and row["section"] == "minutes of 1 Feb 2023, minute 45"
    assert precept.decisions(feb_2023).empty, "the minutes of 1 February 2023 were published with the pack of 15 March 2023"


# ----- the proposal, the draft mark and the path after the review ------------------------------------


@pytest.mark.parametrize("day", ["2023-02-01", "2024-01-31"])
def test_no_shipped_paper_holds_a_proposal_so_the_first_meetings_are_drafts(day):
    briefing = brief(day)
    facts = precept.proposal(briefing)
    assert facts["readings"].empty and not facts["complete"]
    assert "precept_band_d" in set(facts["missing"]["measure_key"])
    draft = precept.draft(briefing)
    assert draft["draft"] is True and draft["missing_keys"] == ["precept_band_d"]


def test_the_reserve_meeting_is_never_a_draft(reserve_2024):
    assert precept.draft(reserve_2024)["draft"] is False


def test_the_analyst_is_warned_once_per_meeting_without_its_proposal(paths):
    [line] = precept.analyst_warnings(paths, "2023-02-01", {"precept_year": "2023/24", "reserve_meeting": False})
    assert line.startswith("2023-02-01 precept: no paper public by the meeting holds the 2023/24 proposal (Band D precept)")
    assert line.endswith("the page is marked DRAFT")
    assert precept.analyst_warnings(paths, "2024-02-14", {"precept_year": "2024/25", "reserve_meeting": True}) == []


def test_earlier_illustrations_are_history_not_the_proposal(feb_2023):
    assert set(precept.history(feb_2023)["measure_key"]) == {precept.ILLUSTRATIVE_INCREASE, precept.BAND_D_ILLUSTRATION}
    found = precept.illustration(feb_2023)
    assert (found["increase"]["measure_key"], found["band_d"]["measure_key"]) == (
        precept.ILLUSTRATIVE_INCREASE,
        precept.BAND_D_ILLUSTRATION,
    )


def test_no_illustration_without_both_readings(feb_2023, monkeypatch):
    monkeypatch.setattr(precept, "history", lambda b: pd.DataFrame(columns=["measure_key"]))
    assert precept.illustration(feb_2023) is None
    assert precept.proposal(feb_2023)["readings"].empty


def test_a_reading_belongs_to_the_budget_round_that_published_it():
    assert precept.budget_round("2024/25") == (date(2024, 4, 1), date(2023, 4, 1), date(2024, 3, 31))
    frame = pd.DataFrame(
        {
            "figure_id": ["this_year", "last_year_beside_it", "last_round", "next_round"],
            "when": pd.to_datetime(["2025-03-31", "2024-03-31", "2025-03-31", "2026-03-31"]),
            "public_date": pd.to_datetime(["2024-01-23", "2024-01-23", "2023-01-23", "2024-04-02"]),
        }
    )
    assert list(precept.year_readings(frame, "2024/25")["figure_id"]) == ["this_year"]


def test_the_path_without_a_decision_and_the_options(jan_2024):
    path = precept.decision_path(jan_2024)
    assert path["decision"] is None and path["reserve_needed"] is None and path["check"] is None
    options = precept.options(jan_2024).set_index("option")
    assert list(options["votes_needed"]) == [None, None, 9, 9]
    assert options.loc["veto too high", "revised_direction"] == "lower"


def test_the_timetable_says_the_precept_is_issued_before_1_march(jan_2024):
    issue = precept.timetable(jan_2024).set_index("step").loc["precept_issued"]
    assert (issue["bound"], issue["deadline"]) == ("before", date(2024, 3, 1))


# ----- the veto ---------------------------------------------------------------------------------


def test_veto_arithmetic_from_the_declared_membership(jan_2024):
    """The count is panel.yaml's membership on the meeting's date; the minutes' attendance
    list is kept as supporting evidence."""
    veto = precept.veto(jan_2024)
    assert veto["declared"] is True and veto["on"] == date(2024, 1, 31)
    assert veto["count"] == len(jan_2024.panel.members_on(date(2024, 1, 31))) == 13
    assert (veto["needed"], veto["blocking"], veto["two_thirds"]) == (9, 5, 8.67)
    attendance = veto["attendance"]
    assert (attendance["listed"], attendance["present"], attendance["apologies"]) == (13, 11, 2)
    assert veto["cites"] == [attendance["row"]]


def test_veto_counts_the_declared_membership_even_before_any_minutes_list_it(feb_2023):
    """No attendance list is public by 1 February 2023, but the declared membership is."""
    veto = precept.veto(feb_2023)
    assert veto["declared"] is True and veto["attendance"] is None and veto["cites"] == []
    assert (veto["count"], veto["needed"]) == (13, 9)


def test_veto_by_size_when_no_member_is_declared_on_the_date(feb_2023, monkeypatch):
    from briefing import panel as panel_identity

    declared = feb_2023.panel
    monkeypatch.setattr(panel_identity, "current", lambda paths=None: declared.model_copy(update={"membership": []}))
    veto = precept.veto(feb_2023)
    assert veto["declared"] is False
    sizes = veto["by_size"].set_index("members")["votes_needed"]
    assert sizes[13] == 9 and sizes[10] == 7 and sizes[20] == 14


# ----- the survey ---------------------------------------------------------------------------------


def test_survey_counts_are_one_per_survey_never_a_trend(jan_2024):
    counts = precept.survey_counts(jan_2024)
    assert list(counts["subject"]) == ["precept-2020-21", "precept-2023-24"]
    assert list(counts["value"]) == [1000, 640]
    assert list(counts["still_open"]) == [True, True]  # an early count; a survey with no close date
    trend = jan_2024.trends("survey")
    latest = trend[(trend["measure_key"] == precept.SURVEY_RESPONSES) & (trend["subject"] == "precept-2023-24")].iloc[0]
    assert latest["direction"] == "", "two surveys' counts at different stages are not a trend"


def test_as_of_1_feb_2023_the_survey_is_the_2020_early_count_only(feb_2023):
    counts = precept.survey_counts(feb_2023)
    assert list(counts["subject"]) == ["precept-2020-21"]
    assert feb_2023.latest(precept.SURVEY_RESPONSES, "precept-2023-24") is None
    assert precept.survey_fall(feb_2023) is None


def test_survey_fall_and_questions(jan_2024):
    fall = precept.survey_fall(jan_2024)
    assert fall["value"] == 60 and fall["as_at"] == pd.Timestamp("2023-02-01")
    questions = precept.survey_questions(jan_2024)
    assert list(questions["short"]) == ["Q1", "Q2", "Q3"]
    assert list(questions["strongly_agree_pct"]) == [72, 83, 76]


def test_comments_are_a_count_to_date(jan_2024):
    comments = precept.latest_reading(jan_2024, precept.SURVEY_COMMENTS)
    assert comments["value"] == 167
    assert "to date" in comments["name"] and "to date" in comments["label"]


def test_no_precept_measure_key_carries_a_year(paths):
    measures = pd.read_csv(paths.data / "measures.csv")
    keys = measures[measures["briefing"] == "precept"]["measure_key"]
    assert not [k for k in keys if re.search(r"(19|20)\d\d|_\d\d_\d\d", k)]


# ----- officers and money ---------------------------------------------------------------------


def test_officer_numbers_carry_the_date_the_chief_constable_gave_them(jan_2024):
    frame = precept.officers(jan_2024).set_index("measure_key")
    for key, value in (("officer_target", 1732), ("officer_gap", 33), ("officers_in_post", 1699)):
        row = frame.loc[key]
        assert row["value"] == value
        assert (row["reading"], row["as_at"], row["date_precision"]) == ("as_at", pd.Timestamp("2023-02-01"), "day")
    # Newest first, then in the register's order.
    assert list(frame.index[:3]) == ["officer_target", "officer_gap", "officers_in_post"]


def test_minute_figures_are_dated_to_the_meeting_that_heard_them(jan_2024):
    for key in (
        "social_care_separation_cost",
        "mental_health_vacancies_block",
        "collection_fund_deficit",
        "continuous_professional_development_units",
    ):
        assert jan_2024.latest(key)["when"] == pd.Timestamp("2023-02-01"), key


def test_collection_fund_swing(jan_2024, feb_2023):
    fund = precept.collection_fund(jan_2024)
    assert (fund["surplus"]["value"], fund["deficit"]["value"], fund["swing"]) == (200000, 300000, 500000)
    assert precept.collection_fund(feb_2023) is None


def test_councillor_counts_figures_say_whose_and_whose_money(jan_2024):
    said = jan_2024.statements("partner pressures")
    count = said[said["whose"].str.startswith("Councillor Count")]
    assert len(count) == 2
    assert all("council money, not police money" in text for text in count["text"])
    assert any("£8.5m" in text for text in count["text"]) and any("£150,000" in text for text in count["text"])
    for key in ("social_care_separation_cost", "mental_health_vacancies_block"):
        row = jan_2024.latest(key)
        assert row["topic"] == "partner pressures" and "Councillor Count" in row["name"] and "Councillor Count" in row["label"]


def test_missing_content_from_the_minutes_is_in_the_statements(jan_2024):
    money = jan_2024.statements("money").set_index("statement_id")
    assert "large deficit" in money.loc["precept-chair-deficit", "text"]
    assert money.loc["precept-chair-deficit", "section"].endswith("para 24")
    assert "needed before 2024" in money.loc["precept-call-handling-technology", "text"]
    assert money.loc["precept-call-handling-technology", "section"].endswith("para 7")


# ----- actions ------------------------------------------------------------------------------------


def test_only_the_action_sheets_recommendation_is_a_recommendation(jan_2024):
    mine = jan_2024.data.table("actions")
    mine = mine[(mine["briefing"] == "precept") & (mine["meeting_date"] == pd.Timestamp("2023-02-01"))]
    assert list(mine[mine["kind"] == "recommendation"]["action_id"]) == ["2023-02-01-02"]
    # The Chair's remarks are not actions, and a member's own offer is no undertaking.
    assert "action" not in set(mine["kind"])
    assert not mine["owner"].fillna("").str.contains("Councillor").any()
    requests = jan_2024.statements("requests")
    assert len(requests) == 2 and requests["whose"].str.contains("the Chair").all()
    offer = jan_2024.statements("partner pressures").set_index("statement_id").loc["precept-hogg-consultation-offer"]
    assert "his own offer" in offer["text"]


def test_open_actions_on_the_2024_page(jan_2024):
    open_ = jan_2024.actions()["open"]
    assert list(open_["kind"]) == ["recommendation", "undertaking", "undertaking", "undertaking"]
    assert set(open_["owner"]) == {"Commissioner", "Chief Constable"}


# ----- citations against the paper ------------------------------------------------------------------


def _paragraphs(text: str) -> dict[str, str]:
    """The numbered paragraphs ('8.5 ...') of a paper's text."""
    found = {}
    for match in re.finditer(r"(?ms)^\s*(\d+\.\d+)\s+(.*?)(?=^\s*\d+\.\d+\s|^\s*\d+\.\s+[A-Z]|\Z)", text):
        found[match.group(1)] = re.sub(r"\s+", " ", match.group(2))
    return found


def test_board_paper_figures_and_statements_cite_the_paragraph_that_prints_them(paths):
    """The 2020 Board paper's figures are each found in the paragraph they cite (para 8.5
    holds the uplift and the 1,500 officers; the Band D illustration is 8.6, the early count 8.7)."""
    paragraphs = _paragraphs((paths.data / "raw" / "papers" / "bcb-2020-01-23-communities-and-precept-survey.txt").read_text())
    figures = pd.read_csv(paths.data / "figures.csv", dtype=str)
    measures = pd.read_csv(paths.data / "measures.csv", dtype=str)
    mine = figures.merge(measures, on="measure_key")
    mine = mine[(mine["briefing"] == "precept") & (mine["source_id"] == "bcb-2020-01-23-communities")]
    assert len(mine) >= 7
    for row in mine.to_dict("records"):
        number = row["section"].removeprefix("para ")
        assert row["as_printed"] in paragraphs[number], f"{row['figure_id']}: {row['as_printed']!r} is not in para {number}"
    assert {r["figure_id"] for r in mine.to_dict("records") if r["section"] == "para 8.5"} == {
        "officer_uplift_local_allocation_2020",
        "officer_uplift_national_target",
        "officers_existing_2020",
    }


def test_minute_statements_quote_their_own_paragraph(paths):
    pack = (paths.data / "raw" / "papers" / "pcp-2023-03-15-agenda-pack.txt").read_text()
    minute = re.sub(r"\s+", " ", pack.split("45. Precept Report 2023/24", 1)[1].split("46. Meeting Dates", 1)[0])
    paras = dict(re.findall(r"(?:^| )(\d{1,2})\. (.*?)(?= \d{1,2}\. [A-Z]|$)", minute))
    statements = pd.read_csv(paths.data / "statements.csv", dtype=str)
    checks = {
        "precept-count-separation-cost": ["Councillor Count", "£8.5m"],
        "precept-count-mental-health-block": ["£150,000"],
        "precept-call-handling-technology": ["needed before 2024"],
        "precept-chair-deficit": ["large deficit"],
        "precept-hogg-consultation-offer": ["happy to discuss with the Chief"],
        "precept-chair-other-agencies": ["Edward Leigh stated the Panel"],
        "precept-chair-collaborations": ["Edward Leigh stated it would be useful"],
    }
    for statement_id, phrases in checks.items():
        row = statements.set_index("statement_id").loc[statement_id]
        number = row["section"].rsplit("para ", 1)[1]
        for phrase in phrases:
            assert phrase in paras[number], f"{statement_id}: {phrase!r} not in minute 45 para {number}"


# ----- the reserve meeting ----------------------------------------------------------------------


def test_reserve_meeting_facts(reserve_2024):
    facts = precept.reserve(reserve_2024)
    assert precept.is_reserve(reserve_2024)
    assert facts["first_meeting"] == date(2024, 1, 31)
    assert (facts["revised_deadline"], facts["second_report_deadline"]) == (date(2024, 2, 15), date(2024, 2, 22))
    assert facts["before_revised_deadline"] is True
    assert facts["decision"] is None


# ----- pages ------------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Visible text of a page by h2 section id, and each question's text."""

    def __init__(self):
        super().__init__()
        self.sections, self.current, self.skip = {"top": []}, "top", 0
        self.questions, self.in_question = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("style", "script", "svg"):
            self.skip += 1
        if tag == "h2":
            self.current = attrs.get("id", "untitled")
            self.sections[self.current] = []
        if tag == "li" and self.current == "questions-members-may-wish-to-ask":
            self.questions.append("")
            self.in_question = True
        if tag == "span" and attrs.get("class") == "prompted-by":
            self.in_question = False

    def handle_endtag(self, tag):
        if tag in ("style", "script", "svg"):
            self.skip -= 1

    def handle_data(self, data):
        if self.skip:
            return
        self.sections[self.current].append(data)
        if self.in_question and self.questions:
            self.questions[-1] += data


def page(pack, day: str) -> _Page:
    parsed = _Page()
    parsed.feed((pack.briefings / day / "precept.html").read_text(encoding="utf-8"))
    return parsed


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def planned_note(briefing):
    facts = precept.sections(briefing)
    drafted, options = precept.drafted(briefing, facts)
    return precept.note(briefing, drafted, options, facts)


def test_reserve_page_repeats_none_of_the_first_meetings_questions(pack, jan_2024, reserve_2024):
    first = {str(line.text) for line in planned_note(jan_2024).enquiries}
    reserve = planned_note(reserve_2024)
    asked = [str(line.text) for line in reserve.enquiries]
    assert first and asked
    assert not set(asked) & first
    assert not any("notif" in q for q in asked), "the reserve meeting must not ask when the Commissioner will notify the Panel"
    sections = page(pack, "2024-02-14").sections
    assert "veto" not in sections and "members-questions" not in sections


def test_reserve_page_is_a_short_page_of_its_own(pack):
    reserve = page(pack, "2024-02-14")
    text = _norm(" ".join(" ".join(parts) for parts in reserve.sections.values()))
    assert "15 February 2024" in text and "22 February 2024" in text
    assert "accepts or rejects the revised precept" in text and "does not prevent the Commissioner from issuing" in text
    assert "no second veto" in text
    assert "9 votes" not in text and "two-thirds" not in text
    first = _norm(" ".join(" ".join(parts) for parts in page(pack, "2024-01-31").sections.values()))
    assert len(text) < len(first) / 3


@pytest.mark.parametrize("day", list(MEETINGS))
def test_the_note_reads_in_five_minutes_or_less(pack, day):
    html = (pack.briefings / day / "precept.html").read_text(encoding="utf-8")
    minutes = re.search(r"Reading time: note (\d+) min", html)
    assert minutes and int(minutes.group(1)) <= 5


@pytest.mark.parametrize("day", list(MEETINGS))
def test_no_page_says_the_precept_may_be_issued_from_1_march(pack, day):
    text = _norm(" ".join(" ".join(parts) for parts in page(pack, day).sections.values()))
    assert "may be issued from" not in text
    assert "Before 1 March" in text


@pytest.mark.parametrize(("day", "draft"), [("2023-02-01", True), ("2024-01-31", True), ("2024-02-14", False)])
def test_a_first_meeting_without_its_proposal_is_a_draft_in_its_title_and_key_points(pack, day, draft):
    parsed = page(pack, day)
    html = (pack.briefings / day / "precept.html").read_text(encoding="utf-8")
    title = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    assert title.startswith("Draft: ") is draft
    assert ("Draft:" in _norm(" ".join(parsed.sections["key-issues"]))) is draft


@pytest.mark.parametrize("day", list(MEETINGS))
def test_no_markup_or_internal_labels_reach_the_page(pack, day):
    text = _norm(" ".join(" ".join(parts) for parts in page(pack, day).sections.values()))
    for bad in ("<strong>", "&lt;", "&gt;", "Dated Dated", "Dated: Dated", "pcc response", "panel report on", "extracted text"):
        assert bad not in text, f"{day}: {bad!r} on the page"
    assert not re.search(r"\b(precept|bcb|pcp)-\d{4}", text), f"{day}: an id reached the page"


def test_the_2024_first_meeting_page_says_who_said_what_and_when(pack):
    text = _norm(" ".join(" ".join(parts) for parts in page(pack, "2024-01-31").sections.values()))
    assert "Councillor Count said separating adult and children's services" in text
    assert "1,699" in text and "as at 1 February 2023" in text
    assert "167 comments to date" in text
    assert "needed before 2024" in text and "large deficit" in text
    assert "against just over 1,000" not in text, "two surveys' counts must not be framed as a comparison"
    assert "These are not yet in the papers public by this meeting, the newest of which is from 15 March 2023" in text
    assert "this briefing has seen" not in text and "our subtraction" not in text


def test_the_1_feb_2023_page_shows_nothing_published_later(pack):
    text = _norm(" ".join(" ".join(parts) for parts in page(pack, "2023-02-01").sections.values()))
    for later in ("640", "1,732", "£8.5", "Councillor Count", "15 March 2023", "2 February 2023", "23 January 2023"):
        assert not re.search(rf"(?<![\d,£]){re.escape(later)}", text), f"{later!r} was first published after 1 February 2023"


def test_the_request_for_current_figures_cites_no_single_paragraph(jan_2024):
    """It used to cite para 8.5 of the 2020 Board paper (the uplift) for a question about the
    survey and the Band D illustration too (paras 8.6 to 8.8); it is now a request for data,
    before the meeting, naming what prompted it."""
    [request] = [line for line in planned_note(jan_2024).requests if line.line_id == "current-figures"]
    assert request.cites == ()
    text = str(request.text)
    assert "survey results" in text and "officer numbers" in text and "Band D" in text
    assert precept.dated_topics(jan_2024)["count"] == 8


def test_the_2024_first_meeting_page_keeps_every_key_figure(pack):
    text = _norm(" ".join(" ".join(parts) for parts in page(pack, "2024-01-31").sections.values()))
    for figure in (
        "640",
        "60%",
        "1,699",
        "1,732",
        "33",
        "9 votes",
        "13 members",
        "37p a month",
        "2% increase",
        "just over 1,000",
        "72%",
        "83%",
        "76%",
        "167",
        "1,500",
        "20,000",
        "62",
        "£200,000",
        "£300,000",
        "£500,000",
        "£8.5m",
        "£150,000",
        "24 points",
    ):
        assert figure in text, figure


def test_without_a_veto_the_reserve_page_is_one_line():
    """As of 15 March 2023 the minutes record the 2023/24 decision: no veto, so a reserve
    meeting for that cycle is not needed, and its page says so in one line."""
    briefing = open_briefing("precept", "2023-03-15", agenda_item="", precept_year="2023/24", reserve_meeting=True)
    facts = precept.sections(briefing)
    path = facts["reserve_path"]["path"]
    assert (path["vetoed"], path["reserve_needed"], path["check"]) == (False, False, None)
    assert list(facts) == ["reserve_path"], "no veto: nothing but the one line"
    note = planned_note(briefing)
    [issue] = note.key_issues
    text = _norm(re.sub(r"<[^>]+>", " ", str(issue.text)))
    assert (
        text
        == "The Panel did not veto the proposed 2023/24 precept at its meeting of 1 February 2023, so this reserve meeting is not needed."
    )
    assert not note.enquiries and not note.options
    briefing.plan(note, facts)
    section = str(briefing.section("reserve_path"))
    assert "<li>" not in section and "so this reserve meeting is not needed" in section


def test_the_note_ranks_lines_of_enquiry_at_the_commissioners_role(jan_2024):
    note = planned_note(jan_2024)
    assert note.draft and "2024/25" in note.draft[0]
    assert 3 <= len(note.key_issues) <= 5 and all(line.whose for line in note.key_issues)
    assert [line.rank for line in note.enquiries] == list(range(1, len(note.enquiries) + 1))
    assert 5 <= len(note.enquiries) <= 6
    assert all(str(line.follow_up).endswith("?") and line.role for line in note.enquiries)
    assert any(line.role == "accountability" for line in note.enquiries)
    assert [o.option_id for o in note.options] == ["support", "recommend-changes", "veto-too-high", "veto-too-low"]
    assert "cannot veto again" in str(note.options[2].leads_to) and "lower" in str(note.options[2].leads_to)
    assert "9 votes" in str(note.options[2].text)


def test_the_veto_rule_is_labelled_as_the_laws_not_our_reading(jan_2024):
    note = planned_note(jan_2024)
    veto = next(line for line in note.key_issues if line.line_id == "veto")
    assert veto.whose == "law" and "9 votes" in str(veto.text)
    assert all(line.whose != "law" for line in note.key_issues if line.line_id != "veto")


def test_last_years_cycle_is_history_with_each_step_on_time(jan_2024):
    """The 31 January 2024 page shows the 2023/24 cycle as the papers record it: notified on
    23 January 2023 and reported on 2 February 2023, both on time; no veto, so no revised precept."""
    history = precept.sections(jan_2024)["history"]
    assert history["last_year"] == "2023/24"
    steps = history["last_cycle"].set_index("step")
    assert (steps.loc["notification", "actual"], steps.loc["notification", "status"]) == (date(2023, 1, 23), "on time")
    assert (steps.loc["panel_report", "actual"], steps.loc["panel_report", "status"]) == (date(2023, 2, 2), "on time")
    assert steps.loc["revised_precept", "status"] == "not needed"
