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


@pytest.fixture
def facts(briefing):
    return communities.sections(briefing)


@pytest.fixture
def note(briefing, facts):
    drafted, options = communities.drafted(briefing, facts)
    return briefing.assemble_note(drafted, options)


def words_of(line) -> str:
    """A note line's words: its text, follow-up and prompt, tags dropped."""
    return " ".join(str(part.striptags()) for part in (line.text, line.follow_up, line.prompt))


def lines(note, part: str) -> dict:
    """The note's lines of one part, by line id."""
    return {line.line_id: line for line in note.lines() if line.part == part}


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
    assert short_when(row) == "as reported in the paper of October 2017 or later (undated)"
    page = text_of(briefing.render("citizens", citizens=communities.citizens(briefing)))
    assert "Oct 2017" not in page.replace("October 2017", "")


def test_the_undated_2017_paper_is_dated_october_2017_or_later_never_about(briefing):
    # Its date note: call figures to the end of September 2017 and the website of October
    # 2017 already launched, "so it was written in October 2017 or later".
    assert "October 2017 or later" in briefing.source(OLD_PAPER)["date_note"]
    page = text_of(briefing.render("citizens", citizens=communities.citizens(briefing)))
    assert "Dated: paper of October 2017 or later (undated)" in page
    assert "about October 2017" not in page
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


def test_unnamed_funded_posts_are_one_sentence_and_a_request(briefing, facts, note):
    posts = communities.funded_posts(briefing)
    assert posts["posts"]["value"] == 4
    assert len(posts["areas"]) == 6 and posts["named"].empty
    assert posts["ends"]["date_as_printed"] == "March 2025"
    page = text_of(briefing.render("money", **facts["money"]))
    assert "Not stated in the papers" not in page
    assert "do not say which of the 6 areas" in page and "South Cambridgeshire" in page
    requests = lines(note, "request")
    assert words_of(requests["funded-posts"]).startswith("Which 4 of the 6 CSP areas")
    assert "Youth Fund" in words_of(requests["spend"]) and "£730,000" in words_of(requests["spend"])


def test_an_outcome_with_no_period_or_baseline_is_asked_about(briefing, note):
    outcomes = communities.outcomes(briefing).set_index("measure_key")
    assert not outcomes.loc["cambridge_cycle_theft_drop_pct", "baseline"]
    assert "60% fall in cycle thefts in Cambridge" in words_of(lines(note, "request")["baseline"])
    # The line of enquiry is about the Commissioner's oversight of the police, not the figure.
    accountability = lines(note, "enquiry")["accountability"]
    assert accountability.role == "accountability" and "hold the Chief Constable to account" in str(accountability.text)


def test_partnership_statements_from_item_7(briefing, facts, note):
    said = briefing.statements("partnership").set_index("statement_id")
    assert said.loc["communities-no-holding-to-account", "section"] == "item 7, para 4.2"
    assert said.loc["communities-csp-scrutiny", "section"] == "item 7, para 7.1"
    assert "at least once a year" in said.loc["communities-csp-scrutiny", "text"]
    assert said.loc["communities-high-harms-board", "section"] == "item 7, para 4.5"
    assert "High Harms Board" in said.loc["communities-high-harms-board", "text"]
    page = text_of(briefing.render("partnership", **facts["partnership"]))
    assert "councillor members" in page
    assert "hold the CSPs to account" in str(lines(note, "enquiry")["partners"].text)


def test_statements_are_only_shown_once_public(paths):
    early = open_briefing("communities", "2023-02-01", paths=paths, agenda_item="")
    assert early.statements("partnership").empty
    assert "say nothing" in text_of(early.render("partnership", **communities.sections(early)["partnership"]))


# ----- Safer Streets -------------------------------------------------------------------------------


def test_safer_streets_figures_are_corroborated_by_the_communications_report(briefing):
    frame = communities.safer_streets(briefing).set_index("measure_key")
    for key in ("safer_streets_total_investment", "safer_streets_rounds"):
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
    page = text_of(
        briefing.render(
            "safer_streets",
            safer_streets=communities.safer_streets(briefing),
            disagreements=[],
            statements=briefing.statements("safer streets"),
        )
    )
    assert "Councils and the Commissioner bid" not in page
    assert "print the same 2 figures" in page and "Papers disagree" not in page


def test_the_latest_safer_streets_award_is_shown_as_each_paper_prints_it(briefing):
    # Item 7 para 6.2: 'In the latest round, in July 2022, £634,285k was secured'; item 6
    # para 7.2: '£634,285 of improvements ... over 15 months in Peterborough and Wisbech'.
    frame = communities.safer_streets(briefing).set_index("measure_key")
    latest = frame.loc["safer_streets_latest_round_value"]
    assert not latest["also_in"]
    (other,) = latest["printed_differently"]
    assert {latest["as_printed"], other["as_printed"]} == {"£634,285", "£634,285k"}
    assert "July 2022" in other["label"] and "July 2022" in other["note"]
    page = text_of(
        briefing.render(
            "safer_streets",
            safer_streets=communities.safer_streets(briefing),
            disagreements=[],
            statements=briefing.statements("safer streets"),
        )
    )
    assert "Printed differently" in page and "prints “£634,285k”" in page and "July 2022" in page
    assert "give the same values" not in page


def test_a_safer_streets_disagreement_is_shown_side_by_side_and_asked_about(briefing):
    tables = {name: briefing.data.unfiltered(name) for name in briefing.data.names}
    figures = tables["figures"].copy()
    figures.loc[figures["figure_id"] == "comms_safer_streets_total_investment", "value"] = 1_900_000
    tables["figures"] = figures
    briefing.data = Data(tables, briefing.data.dictionary, briefing.data.as_of)
    briefing._readings = None
    found = communities.disagreements(briefing, "safer streets")
    assert len(found) == 1 and {row["value"] for row in found[0]} == {1_800_000, 1_900_000}
    facts = communities.sections(briefing)
    page = text_of(briefing.render("safer_streets", **facts["safer_streets"]))
    assert "Papers disagree" in page and "£1.9 million" in page and "£1.8 million" in page
    drafted, _ = communities.drafted(briefing, facts)
    (request,) = [line for line in drafted if line.line_id == "safer-streets-disagree"]
    assert request.part == "request" and "£1.9 million or £1.8 million" in words_of(request)


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


def test_the_anti_social_behaviour_review_is_not_called_not_started(briefing, note):
    theme = communities.deliverables(briefing, communities.theme(briefing)).set_index("deliverable")
    asb = theme.loc["Respond to Governments Review of Anti-Social Behaviour"]
    assert asb["category"] == "new"
    assert asb["status"] == "waiting" and not asb["status_stated"]
    stalled = communities.delivery(briefing)["stalled"]
    assert set(stalled["deliverable"]) == {"Review of Victim and Witness Hub", "Review Major Incident Support Framework"}
    page = text_of(briefing.render("theme_deliverables", deliverables=theme.reset_index()))
    assert "not started" not in page.lower()
    assert "(our reading)" in page
    plan = words_of(lines(note, "enquiry")["plan"])
    assert "Anti-Social Behaviour" in plan and "wait on work by others" in plan and "Our reading" in plan
    assert not any("not started" in words_of(line) for line in note.lines())


def test_each_date_in_an_update_says_what_it_is(briefing):
    theme = communities.deliverables(briefing, communities.theme(briefing)).set_index("deliverable")
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


def test_stalled_and_past_due_items_are_shown_in_the_evidence(paths):
    later = open_briefing("communities", "2023-07-19", paths=paths, agenda_item="")
    page = text_of(later.render("delivery", **communities.sections(later)["delivery"]))
    assert "not started or on hold" in page and "Review Major Incident Support Framework" in page
    assert "Due date passed" in page and "Police Race Action Plan" in page


# ----- the note, escaping and the page ---------------------------------------------------------

OLD_PAPERS = ("pcp-2017-communities", "bcb-2020-01-23-communities")


def test_the_note_has_three_to_five_key_issues_each_saying_whose_claim_with_a_citation(note):
    assert 3 <= len(note.key_issues) <= 5
    for line in note.key_issues:
        assert line.whose in ("report", "member", "paper", "reading") and line.cites, line.line_id
        assert line.evidence, line.line_id
    issues = lines(note, "key_issue")
    assert "£730,000" in words_of(issues["funding"]) and "£1.8 million" in words_of(issues["safer-streets"])
    assert "3 completed, 4 current and 2 new" in words_of(issues["plan"]) and issues["plan"].whose == "paper"


def test_each_key_issue_links_to_a_heading_of_the_evidence(note, paths):
    notebook = (paths.notebooks / "communities.ipynb").read_text(encoding="utf-8")
    headings = set(re.findall(r"\{#([a-z0-9-]+)\}", notebook))
    assert "evidence" in headings
    assert {line.evidence for line in note.key_issues} <= headings


def test_five_or_six_ranked_lines_of_enquiry_each_with_a_follow_up_a_role_and_a_citation(note):
    assert 5 <= len(note.enquiries) <= 6
    assert [line.rank for line in note.enquiries] == list(range(1, len(note.enquiries) + 1))
    ids = [line.line_id for line in note.enquiries]
    assert ids == sorted(ids, key=communities.ENQUIRY_RANKING.index)
    for line in note.enquiries:
        assert str(line.follow_up) and line.role and line.cites, line.line_id
    # The Panel scrutinises the Commissioner: questions about the force ask how the
    # Commissioner holds the Chief Constable to account.
    assert "accountability" in {line.role for line in note.enquiries}
    assert all("Commissioner" in str(line.text) for line in note.enquiries)


def test_no_line_of_enquiry_is_a_bare_request_for_data(note):
    for line in note.enquiries:
        text = str(line.text.striptags())
        assert text.endswith("?"), line.line_id
        assert not re.match(r"(Which|Can|Could|Please|How many|How much|When|What is the)\b", text), line.line_id
        assert re.search(
            r"how does the Commissioner know|what difference|how does the Commissioner|how will the Commissioner", text, re.I
        ), line.line_id
    assert len(note.requests) >= 1
    assert all(line.part == "request" for line in note.requests)


def test_the_note_keeps_other_themes_and_old_papers_out_of_its_key_issues(note):
    # The £1.5m for domestic abuse perpetrator work is another Plan theme's; the 2017 and
    # 2020 papers are not raised by item 7.
    for line in note.key_issues:
        assert not {cite.source_id for cite in line.cites} & set(OLD_PAPERS), line.line_id
    for line in note.lines():
        assert not {cite.source_id for cite in line.cites} & set(OLD_PAPERS), line.line_id
        assert "£1.5" not in words_of(line), line.line_id
        assert ("pcp-2023-03-15-plan-delivery", "para 5.3") not in {(c.source_id, c.section) for c in line.cites}, line.line_id


def test_last_time_is_the_last_meeting_on_the_topic_and_whether_a_paper_answers_it(note):
    last = note.last_time
    assert str(last.meeting_date) == "2022-11-23"
    made = last.answered + last.unanswered
    assert len(made) == 3 and {row["kind"] for row in made} == {"action"}
    assert all(row["status"] == "closed" for row in last.answered)


def test_an_officers_row_adds_a_line_of_enquiry_and_drops_a_drafted_one(briefing, data_copy):
    import shutil

    with open(data_copy.data / "note_lines.csv", "a", encoding="utf-8") as rows:
        rows.write(
            "2023-03-15,communities,enquiry,confidence,2,,,engagement,How does the Commissioner know whether residents feel safer?,,,\n"
        )
        rows.write("2023-03-15,communities,enquiry,plan,1,true,,,,,,\n")
    shutil.copytree(briefing.paths.params, data_copy.data.parent / "params")
    copy = open_briefing("communities", MEETING, paths=data_copy, agenda_item="7")
    note = copy.assemble_note(*communities.drafted(copy, communities.sections(copy)))
    ids = [line.line_id for line in note.enquiries]
    assert ids[1] == "confidence" and note.enquiries[1].origin == "officer"
    assert "plan" not in ids and len(ids) == 5


def test_a_figure_from_another_plan_theme_is_labelled_in_the_evidence(briefing, facts):
    page = text_of(briefing.render("money", **facts["money"]))
    assert "£1.5 million" in page and "Reported under another Plan theme, “Supporting Victims and Witnesses”" in page


def test_the_note_speaks_of_the_commissioner_without_pronouns(note):
    for line in note.lines():
        assert not re.search(r"\b(he|his|him|she|her)\b", words_of(line), re.I), line.line_id


def test_each_line_is_drafted_only_from_facts_that_exist(paths):
    early = open_briefing("communities", "2023-02-01", paths=paths, agenda_item="")
    drafted, _ = communities.drafted(early, communities.sections(early))
    # Before item 7 is public there is nothing to draft on funding, partners, Safer Streets or the Plan.
    assert not [line for line in drafted if line.part == "key_issue"]
    assert not drafted


def test_confidence_figures_are_dated_and_kept_out_of_the_note(briefing, note):
    frame = communities.confidence(briefing).set_index("measure_key")
    assert frame.loc["confidence_feel_safe_pct", "value"] == 95.8
    assert frame.loc["hate_crime_peak_month", "value"] == 131
    assert short_when(frame.loc["hate_crime_peak_month"].to_dict()) == "June 2017"
    assert frame["dated"].all()
    page = text_of(briefing.render("confidence", confidence=frame.reset_index()))
    assert "Dated: June 2017" in page
    # Item 7 does not raise them: the 2017 figures stay in the evidence.
    assert not any(cite.source_id in OLD_PAPERS for line in note.lines() for cite in line.cites)


def test_data_strings_are_escaped(briefing):
    theme = communities.deliverables(briefing, communities.theme(briefing))
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
        minutes[kind] = int(re.search(r"whole page (\d+) min", page).group(1))
    assert minutes["communities"] <= minutes["comms"]


def test_the_note_on_the_page_is_at_most_1000_words(pack):
    page = (pack.briefings / MEETING / "communities.html").read_text(encoding="utf-8")
    before, found, _ = page.partition('id="evidence"')
    assert found
    body = re.sub(r"<(style|script|title)\b.*?</\1>", " ", before, flags=re.S)
    assert len(text_of(body).split()) <= 1000
    assert re.search(r"Reading time: note [1-5] min,", page)


def test_no_template_adds_a_question_while_rendering(paths):
    folder = paths.root / "src" / "briefing" / "templates" / "briefings" / "communities"
    assert not (folder / "key_points.html.j2").exists()
    for template in folder.glob("*.html.j2"):
        assert "m.question" not in template.read_text(encoding="utf-8"), template.name


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
    assert "9,000" in page and "up from 8,000 as reported in the paper of October 2017 or later (undated)" in page


# ----- actions carried from earlier meetings -------------------------------------------------------


def test_an_action_is_closed_only_where_a_paper_prints_its_answer(briefing):
    # Minute 43 of 1 Feb 2023: "The Commissioner addressed points/questions raised at the
    # previous meeting". On Safer Streets cameras it prints "Too early for any statistics";
    # on CSPs it prints an answer: "Local Authorities hold CSPs ... to account".
    actions = briefing.actions()
    assert list(actions["open"]["action_id"]) == ["2022-11-23-02"]
    assert list(actions["closed"]["action_id"]) == ["2022-11-23-04", "2022-11-23-06"]
    assert actions["closed"]["closed_note"].str.startswith("Answered").all()
    every = briefing.everything.unfiltered("actions")
    closed = every[every["status"] == "closed"]
    assert not closed["closed_note"].str.contains("Addressed|added to the agenda", case=False).any()
    assert set(every[every["status"] == "open"]["action_id"]) >= {"2022-11-23-01", "2022-11-23-02", "2022-11-23-03"}


def test_the_actions_section_says_no_answer_in_the_papers_and_never_this_briefing(briefing):
    page = text_of(briefing.render("shared/actions", **briefing.shared_sections()["shared/actions"]))
    assert "1 item on this topic from earlier meetings has no answer in the papers" in page
    assert "too early for any statistics" in page
    assert "Answered in the papers:" in page
    for machinery in ("this briefing", "first briefing", "closed 1 February"):
        assert machinery not in page


def test_a_deliverable_put_back_carries_the_reports_own_word(briefing):
    # Item 9 para 5.1, Business Engagement: 'A planned Business Community event was
    # postponed.' Para 5.3, Victim and Witness Hub: 'Rescheduled to progress deliverable in
    # Q1/Q2, 2023/24.'
    put_back = communities.delivery(briefing)["put_back"].set_index("deliverable")["put_back"]
    assert put_back.to_dict() == {"Business Engagement": "postponed", "Review of Victim and Witness Hub": "rescheduled"}
    page = text_of(briefing.render("theme_deliverables", deliverables=communities.deliverables(briefing, communities.theme(briefing))))
    assert "Postponed" in page and "Rescheduled" not in page


def test_custody_visitor_figures_are_not_all_current(briefing):
    # 2017 paper, para 10.7: 'Last year (April 2016 to March 2017) ICVs spent more than 124
    # hours in custody suites, visiting 489 detainees.' Item 9 para 5.4: 'As of February
    # 2023 there remains 19 active volunteers'.
    frame = communities.citizens(briefing).set_index("measure_key")
    for key in ("icv_hours_in_custody", "icv_detainees_visited"):
        assert (frame.loc[key, "period_start"], frame.loc[key, "period_end"]) == (pd.Timestamp("2016-04-01"), pd.Timestamp("2017-03-31"))
        assert frame.loc[key, "dated"]
    assert not frame.loc["icv_active_volunteers", "dated"]
    assert not frame["subject_current"].any()
    page = text_of(briefing.render("citizens", citizens=communities.citizens(briefing)))
    assert "Only those on Independent Custody Visitors are recent" not in page
    assert "Of the 5 figures on Independent Custody Visitors, 3 are recent (February 2023)" in page
    assert "The other 2 are from 2016/17" in page


def test_each_figure_says_which_paper_and_plan_theme_it_comes_from(briefing):
    # Item 9 para 5.3, headed 'Victims and Witnesses – Priorities for Action': bids into the
    # Domestic Abuse Perpetrator Fund 'if successful would bring an additional £1.5m into the
    # county over two years'.
    money = communities.money(briefing).set_index("measure_key")
    assert money.loc["da_perpetrator_fund_potential", "plan_theme"] == "Supporting Victims and Witnesses"
    assert money.loc["da_perpetrator_fund_potential", "other_theme"]
    assert briefing.latest(communities.NOT_SECURED)["plan_theme"] == "Supporting Victims and Witnesses"
    assert money.loc["csp_local_crime_funding", "plan_theme"] == communities.theme(briefing)
    assert not money.loc["csp_local_crime_funding", "other_theme"]
    # 2017 and 2020 material is marked by its paper, so the note can leave it to the evidence.
    frames = [communities.citizens(briefing), communities.confidence(briefing), money, communities.safer_streets(briefing)]
    every = pd.concat(frames)
    assert every["source_id"].notna().all()
    older = every[~every["from_this_meeting"]]
    assert set(older["source_id"]) == {OLD_PAPER, "bcb-2020-01-23-communities"}
    assert (older["paper_date"] < pd.Timestamp(MEETING)).all()
    assert every[every["from_this_meeting"]]["paper_date"].eq(pd.Timestamp(MEETING)).all()
