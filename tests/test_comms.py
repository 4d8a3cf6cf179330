"""Rules of the communications and engagement briefing, on the real data for 15 March 2023."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from briefing import comms
from briefing.context import open_briefing
from briefing.datasets import Data

MEETING = "2023-03-15"


def text_of(html) -> str:
    """Visible text of a fragment: tags and charts dropped, entities unescaped."""
    import html as html_module

    markup = re.sub(r"<svg.*?</svg>", "", str(html), flags=re.S)
    return html_module.unescape(re.sub(r"<[^>]+>", "", markup))


@pytest.fixture
def briefing():
    return open_briefing("comms", MEETING, agenda_item="6")


def question_texts(briefing) -> list[str]:
    return [q.text for q in briefing.questions]


def test_key_points_lead_with_the_survey_count_and_the_fall(briefing):
    points = text_of(comms.key_points(briefing))
    assert "640" in points
    assert "60%" in points
    assert "472 social media posts" in points
    assert "750" in points
    assert 3 <= str(comms.key_points(briefing)).count("<li>") <= 5


def test_every_key_point_carries_a_citation(briefing):
    items = re.findall(r"<li>(.*?)</li>", str(comms.key_points(briefing)), flags=re.S)
    assert items and all('class="cite"' in item for item in items)


def test_website_disagreement_shows_both_months_and_asks_which_is_right(briefing):
    page = text_of(comms.website(briefing))
    assert "April 2023" in page and "May 2023" in page
    assert "Papers disagree" in page
    question = [q for q in question_texts(briefing) if "website" in q]
    assert len(question) == 1
    # The label keeps its capitals: "the Commissioner", not "the commissioner".
    assert "Commissioner's new" in question[0] and "commissioner's" not in question[0]
    assert "May 2023" in question[0] and "April 2023" in question[0]


def test_duties_with_only_indirect_evidence_prompt_questions(briefing):
    page = text_of(comms.duties(briefing))
    assert page.count("Indirect only") == 2
    asked = question_texts(briefing)
    assert any("views of victims of crime" in q for q in asked)
    assert any("publish specified information" in q for q in asked)
    # Duties with direct evidence do not prompt a question.
    assert not any("precept proposals" in q for q in asked)


def test_a_duty_with_no_evidence_prompts_a_question(briefing):
    tables = {name: briefing.data.unfiltered(name) for name in briefing.data.names}
    duties = tables["statutory_duties"].copy()
    duties.loc[duties["duty_id"] == 1, "evidence"] = pd.NA
    tables["statutory_duties"] = duties
    briefing.data = Data(tables, briefing.data.dictionary, briefing.data.as_of)
    page = text_of(comms.duties(briefing))
    assert "None given" in page
    assert any(
        "duty to obtain the views of local people on policing" in q and "The papers give none" in q for q in question_texts(briefing)
    )


def test_evidence_strength_reads_the_evidence_text():
    assert comms.evidence_strength({"evidence": None}) == "none"
    assert comms.evidence_strength({"evidence": "  "}) == "none"
    assert comms.evidence_strength({"evidence": "Only indirect: shared with providers."}) == "indirect"
    assert comms.evidence_strength({"evidence": "This paper gives no direct evidence: it reports a website."}) == "indirect"
    assert comms.evidence_strength({"evidence": "640 people responded (para 6.2)."}) == "direct"


def test_no_internal_ids_reach_the_page(briefing):
    page = text_of(comms.duties(briefing)) + text_of(comms.reach(briefing)) + text_of(comms.precept_survey(briefing))
    assert "pcp-2023-03-15" not in page
    assert "precept-2023-24" not in page


def test_survey_fall_is_caveated_and_questioned(briefing):
    page = text_of(comms.precept_survey(briefing))
    assert "640" in page and "60%" in page
    assert "cannot be checked" in page
    assert "Neighbourhood Alert" in page  # one of the ways it was promoted
    assert any("60% fall" in q for q in question_texts(briefing))


def test_dated_reach_figures_are_badged_and_said_to_be_the_constabularys(briefing):
    html = str(comms.reach(briefing))
    page = text_of(html)
    assert html.count("Dated: ") == 2
    assert "The Constabulary's, not the Commissioner's" in page
    assert any("Commissioner's own social media accounts" in q for q in question_texts(briefing))


def test_newsletter_with_one_data_point_is_flagged(briefing):
    assert comms.data_points(briefing, "comms_newsletter_subscribers") == 1
    page = text_of(comms.newsletter(briefing))
    assert "750" in page and "One figure only" in page
    assert any("newsletter at launch" in q for q in question_texts(briefing))


def test_team_size_flags_the_officer_who_joins_in_march(briefing):
    page = text_of(comms.team(briefing))
    assert "1.9 full-time equivalent" in page
    assert "March 2023" in page


def test_outputs_chart_marks_the_shorter_district_days_period(briefing):
    frame = comms.outputs_frame(briefing)
    assert set(frame["Number"]) == {40, 472, 116, 50, 5, 6}
    district = frame[frame["Output"].str.startswith("District Days")].iloc[0]
    assert "only" in district["Output"]
    html = str(comms.outputs(briefing))
    assert "<svg" in html and "Show the data for this chart" in html


def test_youth_listening_project(briefing):
    page = text_of(comms.young_people(briefing))
    assert "1,574" in page
    assert "Community Safety Partnership (CSP)" in page


def test_first_comms_briefing_says_so(briefing):
    assert "first briefing on this topic" in text_of(comms.since_last(briefing))


def test_before_the_paper_is_public_nothing_from_it_is_shown():
    early = open_briefing("comms", "2023-02-01")
    assert "640" not in text_of(comms.key_points(early))
    assert "give no date for the new website" in text_of(comms.website(early))
    assert "do not list" in text_of(comms.duties(early))
