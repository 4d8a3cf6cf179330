"""The communities briefing's facts, on the real data as of a meeting, and a few checks of
the rendered sections and page."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from briefing import communities, readings
from briefing.context import open_briefing
from briefing.datasets import Data
from briefing.words import short_when

MEETING = "2023-03-15"
OLD_PAPER = "pcp-2017-communities"


def text_of(section) -> str:
    """Visible text of a rendered section: tags and charts dropped, entities unescaped."""
    markup = re.sub(r"<svg.*?</svg>", "", str(section), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup)))


@pytest.fixture
def briefing(paths):
    return open_briefing("communities", MEETING, paths=paths, agenda_item="7")


def questions(briefing) -> list[str]:
    return [str(q.text) for q in briefing.questions]


# ----- the undated 2017 paper ------------------------------------------------------------------


def test_the_2017_paper_is_dated_no_earlier_than_october_2017_with_a_plain_note(briefing):
    paper = briefing.source(OLD_PAPER)
    assert paper["date_estimated"]
    # It gives call data to end September 2017 and reports the October 2017 website launch as done.
    assert paper["date"] >= pd.Timestamp("2017-10-01")
    note = paper["date_note"]
    assert "October 2017" in note and "June 2017" not in note
    for internal in ("workbook", "estimate", "long dated", "extracted", "dataset"):
        assert internal not in note.lower()


def test_no_row_from_the_2017_paper_is_public_before_the_paper(briefing):
    for name in briefing.everything.names:
        frame = briefing.everything.unfiltered(name)
        if "source_id" in frame.columns and "public_date" in frame.columns:
            cited = frame[frame["source_id"] == OLD_PAPER]
            assert (cited["public_date"] >= briefing.source(OLD_PAPER)["date"]).all(), name


def test_an_estimated_paper_date_is_never_printed_as_a_day(briefing):
    row = communities.citizens(briefing).set_index("measure_key").loc["neighbourhood_watch_members"].to_dict()
    assert short_when(row) == "about October 2017 (the paper is undated)"
    page = text_of(briefing.render("citizens", citizens=communities.citizens(briefing)))
    assert "Oct 2017" not in page.replace("October 2017", "")
    assert "31 October" not in page and "1 October" not in page


# ----- readings and dates -------------------------------------------------------------------------


def test_custody_visitor_counts_are_as_at_february_2023_not_a_day(briefing):
    row = briefing.latest("icv_active_volunteers")
    assert row["value"] == 19
    assert row["date_precision"] == "month"
    assert short_when(row) == "February 2023"


def test_citizens_figures_are_dated_except_the_custody_visitor_counts(briefing):
    frame = communities.citizens(briefing).set_index("measure_key")
    assert frame.loc["neighbourhood_watch_members", "dated"]
    assert frame.loc["speedwatch_members", "dated"]
    assert not frame.loc["icv_active_volunteers", "dated"]
    # Speedwatch: the same 2,000 in the 2017 and 2020 papers is a trend with no change.
    speedwatch = frame.loc["speedwatch_members"]
    assert speedwatch["readings"] == 2 and speedwatch["direction"] == "same" and speedwatch["previous_value"] == 2000


def test_measures_that_do_not_bear_on_the_item_are_shown_in_no_briefing(briefing):
    measures = briefing.everything.unfiltered("measures").set_index("measure_key")
    for key in ("calls_101_answered", "calls_999_answered", "constabulary_twitter_followers", "constabulary_facebook_friends"):
        assert measures.loc[key, "briefing"] == "none"
    shown = set(briefing.trends()["measure_key"])
    assert not {key for key in shown if key.startswith(("calls_", "constabulary_"))}
    assert "calls_101_answered" not in set(briefing.dated_readings()["measure_key"])
    # Their rows stay in the data, traced to the paper.
    figures = briefing.everything.unfiltered("figures")
    assert (figures["measure_key"] == "calls_101_answered").sum() == 1


def test_reader_facing_notes_carry_no_internal_wording(briefing):
    frame = briefing.readings[briefing.readings["briefing"] == "communities"]
    notes = " ".join(frame["note"].dropna()) + " " + " ".join(frame["label"]) + " " + " ".join(frame["name"])
    for internal in ("extracted text", "workbook", "Long dated", "dataset", "comms paper"):
        assert internal not in notes
    assert not frame["measure_key"].str.contains(r"20\d\d").any()


def test_rows_citing_the_2020_board_paper_point_to_the_paragraph_that_prints_them(briefing, paths):
    text = (paths.data / "raw" / "papers" / "bcb-2020-01-23-communities-and-precept-survey.txt").read_text(encoding="utf-8")
    paragraphs = dict(re.findall(r"^(\d+\.\d+) (.*?)(?=^\d+\.\d+ |\Z)", text, flags=re.S | re.M))
    rows = briefing.readings[
        (briefing.readings["briefing"] == "communities") & (briefing.readings["source_id"] == "bcb-2020-01-23-communities")
    ]
    assert len(rows)
    for row in rows.to_dict("records"):
        assert row["as_printed"] in paragraphs[row["section"].removeprefix("para ")], row["figure_id"]


# ----- money, posts and partners ----------------------------------------------------------------------


def test_money_for_local_problem_solving(briefing):
    frame = communities.money(briefing).set_index("measure_key")
    assert frame.loc["csp_local_crime_funding", "value"] == 730000
    assert frame.loc["csp_local_crime_funding", "qualifier"] == "up to"
    assert frame.loc["safer_communities_fund_max_bid", "value"] == 5000
    assert frame.loc[communities.NOT_SECURED, "value"] == 1_500_000


def test_unnamed_funded_posts_are_one_sentence_and_a_question(briefing):
    posts = communities.funded_posts(briefing)
    assert posts["posts"]["value"] == 4
    assert len(posts["areas"]) == 6 and posts["named"].empty
    assert posts["ends"]["date_as_printed"] == "March 2025"
    page = text_of(
        briefing.render(
            "money",
            money=communities.money(briefing),
            posts=posts,
            outcomes=communities.outcomes(briefing),
            not_secured_key=communities.NOT_SECURED,
        )
    )
    assert "Not stated in the papers" not in page
    assert "do not say which of the 6 areas" in page and "South Cambridgeshire" in page
    assert any(q.startswith("Which 4 CSP areas") for q in questions(briefing))
    assert any("Youth Fund" in q and "£730,000" in q for q in questions(briefing))
    assert any("£1.5 million" in q for q in questions(briefing))


def test_an_outcome_with_no_period_or_baseline_is_asked_about(briefing):
    outcomes = communities.outcomes(briefing).set_index("measure_key")
    assert not outcomes.loc["cambridge_cycle_theft_drop_pct", "baseline"]
    briefing.render(
        "money",
        money=communities.money(briefing),
        posts=communities.funded_posts(briefing),
        outcomes=outcomes.reset_index(),
        not_secured_key=communities.NOT_SECURED,
    )
    assert any("60% fall in cycle thefts in Cambridge" in q for q in questions(briefing))


def test_partnership_statements_from_item_7(briefing):
    said = briefing.statements("partnership").set_index("statement_id")
    assert said.loc["communities-no-holding-to-account", "section"] == "item 7, para 4.2"
    assert said.loc["communities-csp-scrutiny", "section"] == "item 7, para 7.1"
    assert "at least once a year" in said.loc["communities-csp-scrutiny", "text"]
    assert said.loc["communities-high-harms-board", "section"] == "item 7, para 4.5"
    assert "High Harms Board" in said.loc["communities-high-harms-board", "text"]
    page = text_of(briefing.render("partnership", funding=briefing.latest("csp_local_crime_funding")))
    assert "councillor members" in page
    assert any("hold the CSPs to account" in q for q in questions(briefing))


def test_statements_are_only_shown_once_public(paths):
    early = open_briefing("communities", "2023-02-01", paths=paths, agenda_item="")
    assert early.statements("partnership").empty
    assert "say nothing" in text_of(early.render("partnership", funding=None))


# ----- Safer Streets -------------------------------------------------------------------------------


def test_safer_streets_figures_are_corroborated_by_the_communications_report(briefing):
    frame = communities.safer_streets(briefing).set_index("measure_key")
    for key in ("safer_streets_total_investment", "safer_streets_rounds", "safer_streets_latest_round_value"):
        places = frame.loc[key, "also_in"]
        assert places, key
        assert {place["source_id"] for place in places} <= {"pcp-2023-03-15-pack", "pcp-2023-03-15-comms"}
    assert frame.loc["safer_streets_latest_round_value", "value"] == 634285
    assert not frame.loc["safer_streets_asb_officers", "also_in"]
    assert communities.disagreements(briefing, "safer streets") == []


def test_safer_streets_bid_is_attributed_as_the_paper_does(briefing):
    said = briefing.statements("safer streets").set_index("statement_id")
    bid = said.loc["communities-safer-streets-bid"]
    assert "the OPCC and the Constabulary on behalf of all partners" in bid["text"]
    assert (bid["source_id"], bid["section"]) == ("pcp-2023-03-15-comms", "para 7.2")
    page = text_of(briefing.render("safer_streets", safer_streets=communities.safer_streets(briefing), disagreements=[]))
    assert "Councils and the Commissioner bid" not in page
    assert "give the same values" in page and "Papers disagree" not in page


def test_a_safer_streets_disagreement_is_shown_side_by_side_and_asked_about(briefing):
    tables = {name: briefing.data.unfiltered(name) for name in briefing.data.names}
    figures = tables["figures"].copy()
    figures.loc[figures["figure_id"] == "comms_safer_streets_total_investment", "value"] = 1_900_000
    tables["figures"] = figures
    briefing.data = Data(tables, briefing.data.dictionary, briefing.data.as_of)
    briefing._readings = None
    found = communities.disagreements(briefing, "safer streets")
    assert len(found) == 1 and {row["value"] for row in found[0]} == {1_800_000, 1_900_000}
    page = text_of(briefing.render("safer_streets", safer_streets=communities.safer_streets(briefing), disagreements=found))
    assert "Papers disagree" in page and "£1.9 million" in page and "£1.8 million" in page
    assert any("Which is right" in q for q in questions(briefing))


# ----- Plan deliverables ---------------------------------------------------------------------------


def test_complete_means_the_reports_completed_lists_or_its_own_words(briefing):
    facts = communities.delivery(briefing)
    assert len(facts["all"]) == 43
    assert len(facts["completed"]) == 9
    # Listed as current, but the update itself says "now complete".
    assert len(facts["also_complete"]) == 2 and facts["also_complete"]["status_stated"].all()
    every = facts["all"].set_index("deliverable")
    measures = every.loc["Ensure Constabulary progress in cutting crime and delivery against the National Crime & Policing Measures"]
    assert "business as usual" in measures["status_evidence"]
    assert measures["status"] != "complete" and not measures["status_stated"]
    counts = communities.category_table(communities.category_counts(facts["all"])).set_index("theme")
    assert counts["completed"].sum() == 9 and counts["total"].sum() == 43
    assert counts.loc["Putting Communities First", ["completed", "current", "new"]].tolist() == [3, 4, 2]


def test_the_anti_social_behaviour_review_is_not_called_not_started(briefing):
    theme = communities.deliverables(briefing, communities.THEME).set_index("deliverable")
    asb = theme.loc["Respond to Governments Review of Anti-Social Behaviour"]
    assert asb["category"] == "new"
    assert asb["status"] == "waiting" and not asb["status_stated"]
    stalled = communities.delivery(briefing)["stalled"]
    assert set(stalled["deliverable"]) == {"Review of Victim and Witness Hub", "Review Major Incident Support Framework"}
    page = text_of(briefing.render("theme_deliverables", deliverables=theme.reset_index()))
    assert "not started" not in page.lower()
    assert "(our reading)" in page
    assert not any("Anti-Social Behaviour" in q and "not started" in q for q in questions(briefing))
    assert any("Anti-Social Behaviour" in q and "wait on work by others" in q for q in questions(briefing))


def test_each_date_in_an_update_says_what_it_is(briefing):
    theme = communities.deliverables(briefing, communities.THEME).set_index("deliverable")
    website = theme.loc["Scope out Visibility/Accessibility Assessment Framework"]
    assert (website["date_kind"], website["date_as_printed"]) == ("expected", "April 2023")
    assert "website" in website["date_what"]
    review = theme.loc["Respond to the Review into the role of Police and Crime Commissioner"]
    assert (review["date_kind"], review["date_as_printed"]) == ("awaited", "2022/23 Q4")
    assert "may be published" in review["date_what"]
    page = text_of(briefing.render("theme_deliverables", deliverables=theme.reset_index()))
    assert "The new website is expected to go live: April 2023" in page
    assert "Due" not in page


def test_only_a_due_date_can_be_missed(paths):
    later = open_briefing("communities", "2023-07-19", paths=paths, agenda_item="")
    late = set(communities.delivery(later)["late"]["deliverable"])
    assert {"Police Race Action Plan", "Drug strategy implementation"} <= late
    # The website's go-live and the national review's publication are not this work's due dates.
    assert "Scope out Visibility/Accessibility Assessment Framework" not in late
    assert "Respond to the Review into the role of Police and Crime Commissioner" not in late
    on_time = set(communities.delivery(open_briefing("communities", MEETING, paths=paths, agenda_item="7"))["late"]["deliverable"])
    assert not on_time  # every due quarter printed ends after 15 March 2023


def test_stalled_and_past_due_items_prompt_questions(paths):
    later = open_briefing("communities", "2023-07-19", paths=paths, agenda_item="")
    facts = communities.delivery(later)
    counts = communities.category_counts(facts["all"])
    later.render("delivery", facts=facts, table=communities.category_table(counts), chart=communities.delivery_chart(counts))
    asked = questions(later)
    assert any("Review Major Incident Support Framework" in q and "on hold" in q for q in asked)
    assert any("Police Race Action Plan" in q and "has it happened" in q for q in asked)


# ----- key points, questions, escaping and the page ---------------------------------------------------------


def key_points(briefing):
    return briefing.render(
        "key_points",
        funding=briefing.latest("csp_local_crime_funding"),
        posts=communities.funded_posts(briefing),
        safer_streets=communities.safer_streets(briefing),
        theme_deliverables=communities.deliverables(briefing, communities.THEME),
        citizens=communities.citizens(briefing),
        confidence=communities.confidence(briefing),
        not_secured=briefing.latest(communities.NOT_SECURED),
    )


def test_key_points_are_three_to_five_cited_sentences(briefing):
    markup = str(key_points(briefing))
    items = re.findall(r"<li>(.*?)</li>", markup, flags=re.S)
    assert 3 <= len(items) <= 5
    assert sum('class="cite"' in item for item in items) >= 3
    page = text_of(markup)
    assert "£730,000" in page and "£634,285" in page
    assert "3 as completed, 4 as current and 2 as new" in page


def test_confidence_figures_are_dated_and_asked_about(briefing):
    frame = communities.confidence(briefing).set_index("measure_key")
    assert frame.loc["confidence_feel_safe_pct", "value"] == 95.8
    assert frame.loc["hate_crime_peak_month", "value"] == 131
    assert short_when(frame.loc["hate_crime_peak_month"].to_dict()) == "June 2017"
    assert frame["dated"].all()
    page = text_of(briefing.render("confidence", confidence=frame.reset_index()))
    assert "Dated: June 2017" in page
    assert any("confidence survey" in q for q in questions(briefing))


def test_data_strings_are_escaped(briefing):
    theme = communities.deliverables(briefing, communities.THEME)
    hostile = theme.assign(summary="<b>bold</b> & more")
    markup = str(briefing.render("theme_deliverables", deliverables=hostile))
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in markup
    assert "<b>bold" not in markup


def test_before_the_papers_the_briefing_says_what_is_missing(paths):
    early = open_briefing("communities", "2023-02-01", paths=paths, agenda_item="")
    assert communities.money(early).empty
    assert communities.delivery(early)["all"].empty
    assert communities.funded_posts(early)["posts"] is None
    facts = communities.delivery(early)
    counts = communities.category_counts(facts["all"])
    assert "no Plan progress report" in text_of(early.render("delivery", facts=facts, table=communities.category_table(counts), chart=None))
    assert "no current figures for CSP funding" in text_of(key_points(early))


def test_readings_give_the_same_trend_as_the_topic_module(briefing):
    # The module adds to the shared readings; it does not recompute them.
    topic = briefing.topic("watch schemes")
    assert set(readings.trends(topic)["measure_key"]) == set(
        communities.citizens(briefing).query("topic == 'watch schemes'")["measure_key"]
    )


def test_the_circulated_page_is_no_longer_than_the_comms_page(pack):
    minutes = {}
    for kind in ("comms", "communities"):
        page = (pack.briefings / MEETING / f"{kind}.html").read_text(encoding="utf-8")
        minutes[kind] = int(re.search(r"Reading time: about (\d+) minute", page).group(1))
    assert minutes["communities"] <= minutes["comms"]


def test_the_circulated_page_carries_no_internal_wording(pack):
    page = text_of((pack.briefings / MEETING / "communities.html").read_text(encoding="utf-8"))
    for internal in ("extracted text", "Not stated in the papers", "Councils and the Commissioner bid", "pcp-20", "figure_id", "12 of 43"):
        assert internal not in page
    assert "February 2023" in page and "28 Feb" not in page


def test_a_date_in_an_update_must_say_what_it_is(data_copy):
    from briefing.validation import run_validation

    path = data_copy.data / "deliverables.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    website = frame.index[frame["deliverable"] == "Scope out Visibility/Accessibility Assessment Framework"][0]
    frame.loc[website, "date_kind"] = ""
    frame.to_csv(path, index=False, lineterminator="\n")
    found = [str(failure) for failure in run_validation(data_copy).failures]
    assert any(
        "deliverables.csv" in message and "date_as_printed" in message and f"Line(s) {website + 2}" in message for message in found
    ), found


def test_a_later_reading_of_a_measure_shows_as_a_trend_with_no_code_change(briefing):
    tables = {name: briefing.data.unfiltered(name) for name in briefing.data.names}
    figures = tables["figures"]
    later = figures[figures["figure_id"] == "neighbourhood_watch_members_2017"].assign(
        figure_id="neighbourhood_watch_members_next",
        value=9000.0,
        as_printed="9,000",
        source_id="pcp-2023-03-15-pack",
        section="item 7, para 5.6",
        public_date=pd.Timestamp(MEETING),
    )
    tables["figures"] = pd.concat([figures, later], ignore_index=True)
    briefing.data = Data(tables, briefing.data.dictionary, briefing.data.as_of)
    briefing._readings = None
    row = communities.citizens(briefing).set_index("measure_key").loc["neighbourhood_watch_members"]
    assert (row["value"], row["previous_value"], row["direction"], row["dated"]) == (9000, 8000, "up", False)
    page = text_of(briefing.render("citizens", citizens=communities.citizens(briefing)))
    assert "9,000" in page and "up from 8,000 as reported in the paper of about October 2017 (the paper is undated)" in page
