"""The communications and engagement briefing's facts, on the real data as of 15 March 2023.

Rules are tested on the frames and records the module returns; a few checks render a
section to make sure the words and the questions follow from those facts.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from briefing import comms
from briefing import note as notes
from briefing.context import open_briefing
from briefing.note import Cite
from briefing.words import short_when

MEETING = "2023-03-15"


@pytest.fixture
def briefing():
    return open_briefing("comms", MEETING, agenda_item="6")


def visible_text(section) -> str:
    """What a member reads in a rendered section: no tags, no charts, entities unescaped."""
    import html

    markup = re.sub(r"<svg.*?</svg>", "", str(section), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_outputs_are_the_latest_counts_of_the_outputs_topic(briefing):
    outputs = comms.outputs(briefing).set_index("measure_key")
    assert outputs.loc["comms_press_releases", "value"] == 40
    assert outputs.loc["comms_social_media_posts", "value"] == 472
    assert outputs.loc["comms_social_media_posts", "period"] == "March 2022 to February 2023"
    # No earlier year in the shipped papers: nothing to compare with.
    assert outputs["previous_value"].isna().all() and (outputs["direction"] == "").all()


def test_an_output_counted_over_a_shorter_period_is_not_current(briefing):
    outputs = comms.outputs(briefing).set_index("measure_key")
    assert not outputs.loc["comms_district_days", "current"]
    assert outputs.loc["comms_press_releases", "current"]
    long = comms.outputs_long(comms.outputs(briefing))
    assert "District Days" not in set(long["Output"])
    assert set(long["Period"]) == {"March 2022 to February 2023"}


def test_district_days_are_part_of_the_latest_period_not_missing_from_it(briefing):
    # Item 6 para 5.4, 'Output between March 2022 and end of February 2023', lists 'Five
    # District Days (Cambridge, South and East Cambs, Fenland and Huntingdonshire since
    # January, 1 2023)'.
    outputs = comms.outputs(briefing).set_index("measure_key")
    assert outputs.loc["comms_district_days", "part_period"]
    assert not outputs["part_period"].drop("comms_district_days").any()
    assert "Peterborough is not among them" in outputs.loc["comms_district_days", "note"]
    frame = comms.outputs(briefing)
    long = comms.outputs_long(frame)
    page = " ".join(visible_text(briefing.render("outputs", outputs=frame, long=long, chart=comms.outputs_chart(long))).split())
    assert "does not count District Days" not in page
    assert "District Days among its outputs in March 2022 to February 2023, but all of them in January to February 2023" in page
    assert "it counts none before January 2023" in page
    duty = briefing.data.table("statutory_duties").set_index("duty_id").loc[1, "evidence"]
    assert "five District Days since January 2023" in duty and "District Days between March 2022" not in duty


def test_reach_lists_people_before_plays(briefing):
    reach = comms.reach(briefing)
    units = list(reach["unit"])
    assert units.index("views") > max(i for i, unit in enumerate(units) if unit == "count")
    # The 2017 Constabulary follower counts do not bear on the Commissioner's own reach.
    assert not reach["measure_key"].str.startswith("constabulary_").any()


def test_one_reels_views_are_a_reading_to_date_not_a_count_for_a_period(briefing):
    reel = briefing.latest("comms_instagram_reel_views")
    assert reel["reading"] == "as_at" and pd.isna(reel["period_start"]) and pd.isna(reel["period_end"])


def test_evidence_strength_reads_the_evidence_text():
    assert comms.evidence_strength({"evidence": "Only indirect: the survey was shared"}) == "indirect"
    assert comms.evidence_strength({"evidence": "No direct evidence: a website"}) == "indirect"
    assert comms.evidence_strength({"evidence": ""}) == "none"
    assert comms.evidence_strength({"evidence": "Public surveys are named (para 6.1)"}) == "direct"


def test_duties_carry_their_evidence_strength_and_every_place_it_is_printed(briefing):
    duties = comms.duties(briefing).set_index("duty_id")
    assert list(duties["strength"].value_counts().sort_index().items()) == [("direct", 5), ("indirect", 2)]
    # Evidence in the agenda pack is cited to the pack, not to the report.
    places = duties.loc[2, "evidence_cites"]
    assert {"source_id": "pcp-2023-03-15-pack", "section": "item 7, para 4.3"} in places
    assert all(place["source_id"].startswith("pcp-2023-03-15") for places in duties["evidence_cites"] for place in places)


def test_the_website_dates_disagree_between_two_papers_for_this_meeting(briefing):
    found = briefing.date_disagreements()
    assert [f["measure_key"] for f in found] == ["new_website_go_live"]
    assert found[0]["for_this_meeting"]
    assert {row["date_as_printed"] for row in found[0]["rows"]} == {"April 2023", "May 2023"}


def test_promotion_channels_are_split_from_the_survey_note(briefing):
    promotion = comms.promotion(briefing.survey("precept-2023-24"))
    assert len(promotion["channels"]) == 10
    assert all(channel[:1].isupper() for channel in promotion["channels"])


def test_survey_fall_is_a_members_claim_as_at_the_meeting_it_was_made(briefing):
    survey = comms.precept_survey(briefing)
    fall = survey["fall"]
    assert fall["value"] == 60 and fall["as_at"] == pd.Timestamp("2023-02-01")
    text = visible_text(briefing.render("precept_survey", **survey))
    assert "at the meeting of 1 February 2023" in text and "cannot be checked" in text


def test_the_newest_precept_survey_is_reported_with_the_previous_one_apart(briefing):
    survey = comms.precept_survey(briefing)
    assert survey["survey"]["survey_id"] == "precept-2023-24" and survey["responses"]["value"] == 640
    # A different survey is a different subject: shown as the earlier survey, never as a trend.
    assert survey["earlier"]["subject"] == "precept-2020-21" and survey["responses"]["direction"] == ""


def test_what_the_report_says_of_the_website_is_its_own_words_cited_to_its_paragraph(briefing):
    said = comms.sections(briefing)["website"]["said"]
    assert list(said["statement_id"]) == ["comms-website-accessibility"]
    assert (said.iloc[0]["source_id"], said.iloc[0]["section"]) == ("pcp-2023-03-15-comms", "para 10.3")
    briefing.plan(briefing.assemble_note(*comms.drafted(briefing, comms.sections(briefing))), comms.sections(briefing))
    section = str(briefing.section("website"))
    assert section.startswith("<p>The report says the new website") and 'class="cite"' in section.split("</p>")[0]


@pytest.fixture
def note(briefing):
    sections = comms.sections(briefing)
    drafted, options = comms.drafted(briefing, sections)
    return briefing.assemble_note(drafted, options)


# A line of enquiry is an open question about outcomes, not a request for a figure.
DATA_REQUEST = re.compile(
    r"^(how many|what (is|was|were) the (number|count)|please (provide|send)|can the panel (have|see)|provide)\b", re.I
)


def test_the_note_has_three_to_five_key_issues_each_saying_whose_claim_it_is(note):
    assert 3 <= len(note.key_issues) <= 5
    assert all(line.whose in notes.WHOSE and line.cites and line.evidence for line in note.key_issues)
    whose = {line.line_id: line.whose for line in note.key_issues}
    # The 60% fall is a member's claim at a meeting; the duties count is our reading of the papers.
    assert whose["survey"] == "member" and whose["duties"] == "reading" and whose["outputs"] == "report"


def test_the_key_issues_carry_the_key_figures_with_their_citations(note):
    text = " ".join(visible_text(line.text) for line in note.key_issues)
    for figure in ("472", "640", "60%", "April 2023", "May 2023"):
        assert figure in text
    survey = next(line for line in note.key_issues if line.line_id == "survey")
    # The Commissioner's answer on the fall, from the minutes, is part of the issue.
    assert "asked for feedback, and this may have put residents off" in visible_text(survey.text)
    assert Cite("pcp-2023-03-15-pack", "minutes of 1 Feb 2023, minute 45, para 2") in survey.cites


def test_five_or_six_ranked_lines_of_enquiry_each_with_a_follow_up_and_its_evidence(note):
    assert 5 <= len(note.enquiries) <= 6
    assert [line.rank for line in note.enquiries] == list(range(1, len(note.enquiries) + 1))
    assert [line.line_id for line in note.enquiries] == [i for i in comms.ENQUIRY_RANKING if i in {line.line_id for line in note.enquiries}]
    for line in note.enquiries:
        question = visible_text(line.text)
        assert question.endswith("?") and "Commissioner" in question
        assert not DATA_REQUEST.match(question), question
        assert visible_text(line.follow_up).endswith("?") and line.cites and line.role in notes.ROLES
    assert any(line.role == "accountability" for line in note.enquiries)


def test_requests_for_figures_are_listed_apart_for_before_the_meeting(note):
    requests = [visible_text(line.text) for line in note.requests]
    assert any("last year's precept survey" in r for r in requests)
    assert any("year before" in r for r in requests)


def test_an_officers_row_outranks_the_drafted_line(briefing, data_copy):
    import shutil

    from briefing.context import open_briefing as open_copy

    with open(data_copy.data / "note_lines.csv", "a", encoding="utf-8") as rows:
        rows.write("2023-03-15,comms,enquiry,survey,1,,,finance,How will the Commissioner make next year's survey count?,,,\n")
        rows.write("2023-03-15,comms,enquiry,website,1,true,,,,,,\n")
    shutil.copytree(briefing.paths.params, data_copy.data.parent / "params")
    copy = open_copy("comms", MEETING, paths=data_copy, agenda_item="6")
    sections = comms.sections(copy)
    note = copy.assemble_note(*comms.drafted(copy, sections))
    assert note.enquiries[0].line_id == "survey" and note.enquiries[0].origin == "officer"
    assert visible_text(note.enquiries[0].text) == "How will the Commissioner make next year's survey count?"
    assert "website" not in {line.line_id for line in note.enquiries}


def test_before_the_paper_is_public_nothing_from_it_is_shown():
    early = open_briefing("comms", "2023-02-01", agenda_item="6")
    assert comms.outputs(early).empty
    assert comms.duties(early).empty
    assert early.latest("comms_newsletter_subscribers") is None
    assert early.date_disagreements() == []


def test_reach_figures_the_paper_does_not_date_say_which_paper_reports_them(briefing):
    # Paras 10.2 (750 newsletter subscribers), 6.2 (c.15,500 Neighbourhood Alert
    # subscribers) and 8.1 / 5.4 (reel views 'to date') print no as-at date.
    reach = comms.reach(briefing)
    page = " ".join(visible_text(briefing.render("reach", reach=reach)).split())
    for measure in ("comms_newsletter_subscribers", "neighbourhood_alert_subscribers", "comms_footprints_reel_views"):
        row = reach.set_index("measure_key").loc[measure].to_dict()
        assert short_when(row) == "as reported in the paper of 15 March 2023"
    assert page.count("as reported in the paper of 15 March 2023") == 4
    # The one reading with a period keeps it.
    assert "March 2022 to February 2023" in page


def test_the_youth_listening_insights_are_reported_delivered_not_due(briefing):
    # Item 9 para 5.2, under 'Completed deliverables / activities of note': 'Youth
    # listening project ... Insights and analysis delivered during Q4 2022-23.'
    assert briefing.expected("youth_listening_insights").empty
    assert briefing.everything.unfiltered("expected_dates")["date_as_printed"].ne("Q4 2022-23").all()
    found = comms.young_people(briefing)["deliverable"]
    assert found["category"] == "completed" and found["status"] == "complete"
    assert "delivered during Q4 2022-23" in found["status_evidence"]
    sections = comms.sections(briefing)
    briefing.plan(briefing.assemble_note(*comms.drafted(briefing, sections)), sections)
    page = " ".join(visible_text(briefing.section("young_people")).split())
    assert "youth listening project as completed" in page and "insights delivered in Q4 2022-23" in page
    line = next(line for line in briefing.note.enquiries if line.line_id == "young-people")
    prompt = visible_text(line.prompt)
    assert "completed" in prompt and "due" not in prompt


def test_the_commissioners_answer_on_the_fall_in_responses_is_shown_as_his(briefing):
    # Minutes of 1 Feb 2023, minute 45, para 2: 'The survey had changed, it had asked for
    # feedback, and this may have put residents off from completing the survey.'
    said = briefing.statements("precept survey").set_index("statement_id").loc["comms-survey-fall-answer"]
    assert said["whose"] == "the Commissioner, in the minutes"
    assert said["section"] == "minutes of 1 Feb 2023, minute 45, para 2"
    assert "asked for feedback" in said["text"] and "may have put residents off" in said["text"]
    page = " ".join(visible_text(briefing.render("precept_survey", **comms.precept_survey(briefing))).split())
    assert "the Commissioner said the survey did not go wrong" in page


def test_surveys_are_a_primary_vehicle_not_the_main_way(briefing):
    # Item 6 para 6.1: 'A primary vehicle for the Commissioner to carry out these duties is
    # by conducting public surveys.'
    said = briefing.statements("surveys").set_index("statement_id").loc["comms-surveys-not-consultations", "text"]
    assert "“a primary vehicle”" in said
    page = " ".join(visible_text(briefing.render("precept_survey", **comms.precept_survey(briefing))).split())
    for overstated in ("main way", "the main", "primary way"):
        assert overstated not in page and overstated not in said
    evidence = " ".join(briefing.data.table("statutory_duties")["evidence"].dropna())
    assert "the primary vehicle" not in evidence and "main way" not in evidence
