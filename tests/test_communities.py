"""Rules of the communities briefing, checked on the real data for 15 March 2023."""

from __future__ import annotations

import pytest

from briefing import communities
from briefing.context import open_briefing

MEETING = "2023-03-15"


@pytest.fixture(scope="module")
def opened():
    return open_briefing("communities", MEETING, agenda_item="7")


@pytest.fixture
def ctx(opened):
    # A fresh question and citation list per test, over data loaded once.
    opened.questions = []
    opened.citations = []
    return opened


def questions(ctx) -> list[str]:
    return [q.text for q in ctx.questions]


def test_status_counts_match_the_deliverables_dataset(ctx):
    counts = communities.status_counts(ctx)
    deliverables = ctx.data.table("deliverables")
    expected = deliverables.groupby(["theme", "status"]).size()
    for (theme, status), number in expected.items():
        row = counts[(counts["theme"] == theme) & (counts["status"] == status)]
        assert int(row["count"].iloc[0]) == number
    assert counts["count"].sum() == len(deliverables)
    assert set(counts["theme"]) == set(communities.PLAN_THEMES)
    assert list(counts.columns) == ["theme", "status", "count", "status_order"]


def test_not_started_and_on_hold_items_are_named_with_their_themes(ctx):
    stalled = communities.stalled_deliverables(ctx)
    assert set(stalled["deliverable"]) == {
        "Respond to Governments Review of Anti-Social Behaviour",
        "Review of Victim and Witness Hub",
        "Review Major Incident Support Framework",
    }
    page = str(communities.delivery_overview(ctx))
    for _, row in stalled.iterrows():
        assert row["deliverable"] in page
        assert f"({row['theme']})" in page
    assert any("Review Major Incident Support Framework" in q and "on hold" in q for q in questions(ctx))


def test_rescheduled_items_are_flagged_and_asked_about(ctx):
    page = str(communities.delivery_overview(ctx))
    assert "Rescheduled" in page
    assert any("Business Engagement" in q and "rescheduled" in q for q in questions(ctx))


def test_items_past_their_due_quarter_and_not_complete_are_asked_about(ctx):
    late = set(communities.overdue_deliverables(ctx)["deliverable"])
    # Printed as due "2022/23 Q3/Q4": due by the end of Q4, which has not ended by 15 March 2023.
    assert "Police Race Action Plan" not in late
    # Due in 2022/23 Q4, which has not ended by 15 March 2023.
    assert "Drug strategy implementation" not in late
    assert "Respond to the Review into the role of Police and Crime Commissioner" not in late
    assert not any("Police Race Action Plan" in q for q in questions(ctx))


def test_items_become_overdue_once_their_quarter_ends(paths):
    later = open_briefing("communities", "2023-07-19", paths=paths, agenda_item="")
    late = set(communities.overdue_deliverables(later)["deliverable"])
    assert {"Police Race Action Plan", "Drug strategy implementation"} <= late
    communities.delivery_overview(later)
    assert any("Police Race Action Plan" in q.text for q in later.questions)


def test_unnamed_funded_csps_prompt_a_question(ctx):
    assert communities.funded_csps_named(ctx) == 0
    page = str(communities.csp_areas(ctx))
    for area in ["Cambridge City", "East Cambridgeshire", "Fenland", "Huntingdonshire", "Peterborough", "South Cambridgeshire"]:
        assert area in page
    assert "Not stated in the papers" in page
    assert any(q.startswith("Which 4 CSP areas") for q in questions(ctx))


def test_dated_figures_are_labelled_flagged_and_asked_about(ctx):
    dated = set(communities.dated_rows(ctx)["figure_id"])
    assert "neighbourhood_watch_members_2017" in dated
    assert "speedwatch_members_2020" in dated
    assert "icv_active_volunteers_2023" not in dated
    page = str(communities.citizens_in_policing(ctx))
    assert "Dated: about Oct 2017 (paper&#39;s date estimated)" in page
    assert 'class="flag"' in page
    assert any("current numbers" in q for q in questions(ctx))
    assert "Dated" in str(communities.dated_figures(ctx))


def test_speedwatch_shows_both_papers(ctx):
    page = str(communities.citizens_in_policing(ctx))
    assert "Members of the public signed up to Speedwatch" in page
    assert "Speedwatch members" in page
    assert "both give 2,000 members" in page


def test_outcome_without_baseline_and_money_not_secured_prompt_questions(ctx):
    communities.confidence_and_outcomes(ctx)
    communities.local_funding(ctx)
    asked = questions(ctx)
    assert any("cycle thefts in Cambridge fall by 60%" in q for q in asked)
    assert any("£1.5 million" in q for q in asked)
    assert any("Youth Fund" in q for q in asked)


def test_safer_streets_papers_agree_and_say_so(ctx):
    assert communities.safer_streets_agreement(ctx) is True
    page = str(communities.safer_streets(ctx))
    assert "£634,285" in page
    assert "Agree" in page
    assert "Papers disagree" not in page


def test_key_points_are_three_to_five_cited_sentences(ctx):
    page = str(communities.key_points(ctx))
    assert 3 <= page.count("<li>") <= 5
    assert page.count('class="cite"') >= 3
    assert "£730,000" in page


def test_every_question_cites_the_row_that_prompted_it(ctx):
    for builder in (
        communities.local_funding,
        communities.csp_areas,
        communities.citizens_in_policing,
        communities.confidence_and_outcomes,
        communities.delivery_overview,
    ):
        builder(ctx)
    assert len(ctx.questions) >= 10
    assert all(str(q.citation) for q in ctx.questions)


def test_data_strings_are_escaped(paths):
    fresh = open_briefing("communities", "2023-03-15", paths=paths, agenda_item="7")
    frame = fresh.everything.unfiltered("deliverables")
    hostile = frame.assign(summary=frame["summary"].where(frame["theme"] != "Putting Communities First", "<b>bold</b> & more"))
    fresh.data._tables["deliverables"] = hostile
    page = str(communities.theme_deliverables(fresh))
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in page
    assert "<b>bold" not in page


def test_before_the_papers_the_briefing_says_what_is_missing():
    early = open_briefing("communities", "2023-02-01", agenda_item="")
    assert "no Plan progress report" in str(communities.delivery_overview(early))
    assert "do not list the CSP areas" in str(communities.csp_areas(early))
    assert "no figures on money" in str(communities.local_funding(early))
    assert "no current figures for CSP funding" in str(communities.key_points(early))
