"""The culture briefing's rules, run on the real data for the meeting of 15 March 2023."""

from __future__ import annotations

import pytest

from briefing import culture
from briefing.context import open_briefing
from briefing.datasets import Data

MEETING = "2023-03-15"


@pytest.fixture
def ctx():
    return open_briefing("culture", MEETING, agenda_item="8")


def questions(ctx) -> str:
    return " ".join(q.text for q in ctx.questions)


def test_words_that_stayed_are_fair_and_reactive(ctx):
    changes = culture.word_changes(ctx)
    assert set(changes["stayed"]) == {"fair", "reactive"}


def test_words_that_went_and_came(ctx):
    changes = culture.word_changes(ctx)
    assert set(changes["went"]) == {
        "siloed",
        "defensive",
        "risk-averse",
        "chaotic",
        "friendly",
        "diverse",
        "cautious",
        "progressive",
        "supportive",
    }
    assert set(changes["came"]) == {"inclusive", "listening", "open", "innovative"}
    assert not set(changes["went"]) & set(changes["came"])


def test_words_table_has_three_labelled_columns_and_the_caveat(ctx):
    html = str(culture.words(ctx))
    for heading in ("(went)", "(came)", "(stayed)"):
        assert heading in html
    assert "how they wanted it to be" in html


def test_no_baseline_flag_and_question(ctx):
    html = str(culture.impact_measures(ctx))
    assert "Measures promised without a baseline" in html
    assert "None of the 7 measures" in html
    assert any("measures promised without a baseline" in q.prompted_by for q in ctx.questions)


def test_unstated_scale_is_flagged_and_asked(ctx):
    html = str(culture.feedback_scores(ctx))
    assert "Scale not printed" in html
    assert "between 9.00 and 9.77" in html
    assert "What scale were the workshop feedback scores on" in questions(ctx)


def test_2017_representation_figures_are_marked_dated(ctx):
    for measure in culture.REPRESENTATION_MEASURES:
        row = ctx.figure(measure)
        assert row is not None, measure
        assert ctx.dated(row), measure
    html = str(culture.representation(ctx))
    assert "Dated: 1 Oct 2017" in html
    assert "10% to 12%" in html
    assert "current figures for Black and Minority Ethnic officers" in questions(ctx)


def test_staff_engaged_is_current_not_dated(ctx):
    row = ctx.figure("culture_staff_engaged")
    assert row["value"] == 400 and row["qualifier"] == "over"
    assert not ctx.dated(row)


def test_positive_action_percentage_does_not_match_its_counts(ctx):
    check = culture.representation_arithmetic(ctx)
    assert round(check["calculated"], 1) == 1.8
    assert check["differs"]
    assert "Check the arithmetic" in str(culture.representation(ctx))


def test_both_launch_dates_are_shown_and_asked_about(ctx):
    html = str(culture.timeline(ctx))
    assert "Two launch dates" in html
    assert "towards the end of 2021" in html and "July 2022" in html
    assert "SWP" in html and "not explained in the paper" in html
    assert "dates its launch both" in questions(ctx)


def test_blockers_each_have_no_response_recorded(ctx):
    html = str(culture.blockers(ctx))
    assert html.count("Not stated in the papers") == len(ctx.data.table("culture_blockers"))
    assert "blockers staff raised at the roadshows" in questions(ctx)


def test_january_check_says_no_count_printed(ctx):
    html = str(culture.january_check(ctx))
    assert "1/3" in html
    assert "No count printed" in html


def test_key_points_are_three_to_five_and_cited(ctx):
    html = str(culture.key_points(ctx))
    assert 3 <= html.count("<li>") <= 5
    assert html.count('class="cite"') >= 3
    assert "Deputy Chief Constable (DCC)" in html


def test_first_culture_briefing_says_so(ctx):
    assert ctx.previous_meeting is None
    assert "first briefing on this topic" in str(culture.since_last(ctx))


def test_data_text_is_escaped(ctx):
    tables = {name: ctx.data.unfiltered(name) for name in ctx.data.names}
    blockers = tables["culture_blockers"].copy()
    blockers.loc[0, "blocker"] = "<script>alert(1)</script> & more"
    tables["culture_blockers"] = blockers
    ctx.data = Data(tables, ctx.data.dictionary, ctx.data.as_of)
    html = str(culture.blockers(ctx))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
