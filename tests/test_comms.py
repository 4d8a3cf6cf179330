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
    assert "feedback request may have deterred residents" in visible_text(survey.text)
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
