"""The Culture Statement briefing's facts, on the real data as of the meeting of 15 March 2023,
with a few checks of the rendered sections."""

from __future__ import annotations

import html as html_module
import re

import pytest

from briefing import culture
from briefing.config import Paths
from briefing.context import open_briefing
from briefing.datasets import Data
from briefing.words import paper_date_text

MEETING = "2023-03-15"
PAPER_2017 = "pcp-2017-communities"


def text_of(markup) -> str:
    """Visible text of a fragment: tags and charts dropped, entities unescaped."""
    markup = re.sub(r"<svg.*?</svg>", "", str(markup), flags=re.S)
    return html_module.unescape(re.sub(r"<[^>]+>", "", markup))


def paper_text(source_id: str) -> str:
    """A raw paper's text with white space squeezed, as the trace check reads it."""
    paths = Paths.default()
    sources = open_briefing("culture", MEETING).everything.unfiltered("sources")
    name = sources[sources["source_id"] == source_id].iloc[0]["file_name"]
    return " ".join((paths.data / "raw" / "papers" / name).read_text(encoding="utf-8").split())


@pytest.fixture
def b():
    return open_briefing("culture", MEETING, agenda_item="8")


def asked(b) -> str:
    return " ".join(str(q.text) for q in b.questions)


# ----- words -----------------------------------------------------------------------------------


def test_words_that_stayed_are_fair_and_reactive(b):
    assert culture.word_changes(b)["stayed"] == ["reactive", "fair"]


def test_words_that_went_and_came(b):
    changes = culture.word_changes(b)
    assert changes["went"] == [
        "siloed",
        "defensive",
        "risk-averse",
        "chaotic",
        "friendly",
        "diverse",
        "cautious",
        "progressive",
        "supportive",
    ]
    assert changes["came"] == ["inclusive", "listening", "open", "innovative"]


def test_word_table_puts_the_three_lists_side_by_side(b):
    table = culture.word_table(culture.word_changes(b))
    assert list(table.columns) == ["went", "came", "stayed"]
    assert len(table) == 9
    assert list(table["stayed"][:2]) == ["reactive", "fair"] and set(table["stayed"][2:]) == {""}


def test_words_section_says_what_the_paper_gives_not_how_it_was_read(b):
    changes = culture.word_changes(b)
    page = text_of(
        b.render(
            "words", changes=changes, table=culture.word_table(changes), first_rows=culture.word_sources(b), check=culture.latest_check(b)
        )
    )
    for heading in ("(went)", "(came)", "(stayed)"):
        assert heading in page
    assert "how they wanted it to be" in page
    assert "Appendix A" in page
    assert "not reproduced" not in page and "text of the pack" not in page
    assert "How many people gave each word" in asked(b)


# ----- timeline, engagement, scores -----------------------------------------------------------


def test_timeline_marks_dates_printed_without_a_year(b):
    events = culture.timeline(b)
    assert list(events.loc[~events["year_printed"], "date_as_printed"]) == [
        "18th July",
        "11th August",
        "7th October",
        "26th October",
        "23 February",
    ]
    check = events[events["event"] == "check"].iloc[0]
    assert check["label"] == "Check with officers and staff"
    assert check["kind"] == "Check with staff"


def test_both_launch_dates_are_shown_and_asked_about(b):
    events = culture.timeline(b)
    launches = culture.launches(events)
    assert list(launches["date_as_printed"]) == ["towards the end of 2021", "July 2022"]
    page = text_of(b.render("timeline", events=events, chart=culture.timeline_chart(events), launches=launches))
    assert "Two launch dates" in page
    assert "SWP" in page and "does not say what SWP stands for" in page
    assert "(no month printed; drawn at October 2021)" in page
    assert "dates its launch both" in asked(b)


def test_staff_engaged_is_current_not_dated(b):
    row = b.latest(culture.STAFF_ENGAGED)
    assert row["value"] == 400 and row["qualifier"] == "over"
    assert not b.dated(row)


def test_score_summary_has_the_range_and_an_unprinted_scale(b):
    summary = culture.score_summary(culture.scores(b))
    assert (summary["lowest"]["as_printed"], summary["highest"]["as_printed"]) == ("9.00", "9.77")
    assert summary["count"] == 7 and not summary["scale_stated"]
    assert (summary["scale_min"], summary["scale_max"]) == (0, 10)


def test_unstated_scale_is_flagged_and_asked(b):
    scores = culture.scores(b)
    summary = culture.score_summary(scores)
    page = text_of(b.render("scores", scores=scores, summary=summary, chart=culture.scores_chart(scores, summary)))
    assert "Scale not printed" in page
    assert "between 9.00 and 9.77" in page
    assert "What scale were the workshop feedback scores on" in asked(b)


def test_latest_check_is_the_january_finding(b):
    check = culture.latest_check(b)
    assert "1/3" in check["title"] and check["date_precision"] == "month"
    page = text_of(b.render("check", check=check))
    assert "No count printed" in page and "January 2023" in page


# ----- blockers and impact ------------------------------------------------------------------


def test_blockers_are_one_sentence_not_a_table_of_blanks(b):
    blockers = culture.blockers(b)
    assert len(blockers) == 8
    markup = str(b.render("blockers", blockers=blockers))
    assert "<table" not in markup and "Not stated in the papers" not in markup
    page = text_of(markup)
    for blocker in blockers["blocker"]:
        assert blocker[1:] in page  # each named, first letter lowered mid-sentence
    assert "do not say what is being done about any of them" in page
    assert "issues listed in the appendix" in asked(b)


def test_reading_the_unheaded_slide_as_roadshow_blockers_is_labelled_ours(b):
    # Appendix A prints the eight phrases after the roadshows slide ('AIMS: ... Identifying
    # blockers') with no heading and no attribution.
    said = b.statements("blockers").set_index("statement_id").loc["culture-blockers-our-reading"]
    assert said["whose"] == "our reading of the papers" and said["text"].startswith("Our reading:")
    assert (culture.blockers(b)["section"] == "item 8, Appendix A (unheaded slide after the roadshows slide)").all()
    page = text_of(b.render("blockers", blockers=culture.blockers(b)))
    assert "Staff at the roadshows raised" not in page and "blocker staff raised" not in page
    assert "with no heading" in page and "Our reading:" in page
    assert "staff raised at the roadshows" not in asked(b)


def test_no_baseline_flag_and_questions(b):
    measures = culture.impact_measures(b)
    assert len(measures) == 6 and not measures["baseline_given"].any()
    page = text_of(b.render("impact", measures=measures))
    assert "No baseline" in page
    assert "None of the 6 proxies being considered" in page
    assert any("proxies being considered, with no baseline" in q.prompted_by for q in b.questions)


def test_impact_proxies_are_being_considered_not_promised_and_each_named_once(b):
    # Item 8 para 7.1: 'There are a range of proxies being considered like response rates
    # to surveys ... trust in their voice being heard and reacted to; PSD cases;
    # whistleblowing; attrition rates' and, for the public, 'PSD cases, Complaints
    # Resolution Team cases and obviously both by type'.
    measures = culture.impact_measures(b)
    psd = measures[measures["measure"].str.contains("PSD")]
    assert len(psd) == 1 and psd.iloc[0]["audience"] == "both"
    assert measures["measure"].str.split(r"[,;]").str[0].is_unique
    page = text_of(b.render("impact", measures=measures))
    assert "promised" not in page and "proxies being considered" in page
    assert page.count("PSD (Professional Standards Department) cases") == 1


def test_impact_section_carries_the_admission_it_is_hard_to_pin_down(b):
    said = b.statements("impact").set_index("statement_id")
    admission = said.loc["culture-impact-pin-down"]
    assert admission["section"] == "item 8, para 7.1 (Measuring Impact on the Public)"
    page = text_of(b.render("impact", measures=culture.impact_measures(b)))
    assert "very difficult to ever pin down to just the Culture Statement" in page
    assert "very difficult to pin down to the Culture Statement" in asked(b)


def test_embedding_names_the_culture_champion_and_professional_standards(b):
    said = b.statements("embedding").set_index("statement_id")
    champion = said.loc["culture-champion"]
    assert champion["section"] == "item 8, para 6.5"
    assert "dip sampling" in champion["text"] and "Professional Standards" in champion["text"]
    page = text_of(b.render("embedding"))
    assert "Culture Champion" in page
    assert "Culture Champion's dip sampling" in asked(b)


def test_every_quotation_in_a_culture_statement_is_in_its_paper(b):
    statements = b.everything.unfiltered("statements")
    mine = statements[statements["briefing"] == "culture"]
    assert len(mine) >= 10
    for row in mine.to_dict("records"):
        for quoted in re.findall(r"\u201c([^\u201d]+)\u201d", row["text"]):
            assert quoted in paper_text(row["source_id"]), (row["statement_id"], quoted)


# ----- workforce representation ----------------------------------------------------------------


def test_representation_merges_the_printed_range_and_marks_every_reading_dated(b):
    frame = culture.representation(b)
    assert len(frame) == 8
    assert frame["dated"].all()
    ranged = frame[frame["range_high"].notna()]
    assert len(ranged) == 1
    row = ranged.iloc[0]
    assert (row["value"], row["range_high"]) == (10, 12)
    assert row["name"] == "Share of applicants from BME communities in previous recruitment rounds"


def test_representation_age_counts_whole_years_from_the_newest_reading(b):
    age = culture.representation_age(b, culture.representation(b))
    assert age["all"] and age["count"] == 8
    assert age["years"] == 5
    assert not age["from_this_meeting"]
    assert [paper["source_id"] for paper in age["papers"]] == [PAPER_2017]


def test_positive_action_percentage_does_not_match_its_counts(b):
    check = culture.representation_arithmetic(b)
    assert check["calculated"] == 1.8
    assert check["differs"]
    assert check["printed"]["as_printed"] == "3%" and check["recruited"]["as_printed"] == "five"


def test_an_estimated_paper_date_is_never_printed_as_a_day(b):
    frame = culture.representation(b)
    page = text_of(
        b.render(
            "representation", readings=frame, age=culture.representation_age(b, frame), arithmetic=culture.representation_arithmetic(b)
        )
    )
    paper = b.source(PAPER_2017)
    assert paper["date_estimated"]
    assert f"Dated: paper of {paper_date_text(paper['date'], True)}" in page
    assert not re.search(r"Dated: \d{1,2} ", page)
    assert "10% to 12%" in page
    assert "Check the arithmetic" in page and "1.8%" in page
    assert "current figures for Black and Minority Ethnic officers" in asked(b)


# ----- the page as a whole --------------------------------------------------------------------


def sections(b) -> str:
    """Every culture section rendered as the notebook renders it."""
    engaged = b.latest(culture.STAFF_ENGAGED)
    scores = culture.scores(b)
    summary = culture.score_summary(scores)
    check = culture.latest_check(b)
    impact = culture.impact_measures(b)
    events = culture.timeline(b)
    changes = culture.word_changes(b)
    frame = culture.representation(b)
    parts = [
        b.render(
            "key_points",
            engaged=engaged,
            summary=summary,
            check=check,
            impact=impact,
            officers=b.latest("bme_officers_pct"),
            county=b.latest("county_bme_population_pct"),
        ),
        b.render("commitments"),
        b.render("timeline", events=events, chart=culture.timeline_chart(events), launches=culture.launches(events)),
        b.render("engagement", engaged=engaged),
        b.render("scores", scores=scores, summary=summary, chart=culture.scores_chart(scores, summary)),
        b.render("embedding"),
        b.render("words", changes=changes, table=culture.word_table(changes), first_rows=culture.word_sources(b), check=check),
        b.render("blockers", blockers=culture.blockers(b)),
        b.render("impact", measures=impact),
        b.render("check", check=check),
        b.render(
            "representation", readings=frame, age=culture.representation_age(b, frame), arithmetic=culture.representation_arithmetic(b)
        ),
    ]
    return "\n".join(str(part) for part in parts)


def test_key_points_are_three_to_five_and_cited(b):
    markup = sections(b).split("</ul>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", markup, flags=re.S)
    assert 3 <= len(items) <= 5
    assert all('class="cite"' in item for item in items)
    assert "Deputy Chief Constable (DCC)" in markup


def test_no_internal_wording_reaches_members(b):
    page = text_of(sections(b))
    for word in ("extracted text", "workbook", "dataset", "source_id", "pcp-20", "culture-", "Dated Dated", "rule applied"):
        assert word not in page, word
    assert "<strong>" not in page and "&lt;" not in page


def test_no_date_is_written_more_precisely_than_its_paper(b):
    page = text_of(sections(b))
    assert "1 Oct 2017" not in page and "1 October 2017" not in page
    assert "towards the end of 2021" in page


def test_first_culture_briefing_marks_nothing_as_new_without_talking_about_itself(b):
    assert b.previous_meeting is None
    since = text_of(b.since_last())
    assert "none is marked as new since an earlier meeting" in since
    assert "briefing" not in since and "series" not in since


def test_the_header_holds_the_meeting_and_item_not_the_workbook_settings(b):
    header = text_of(b.header())
    assert "15 March 2023" in header and "Item 8" in header
    assert "Papers used" not in header and "Briefing due" not in header


def test_sections_do_not_talk_about_the_workbook(b):
    page = text_of(sections(b))
    for words in ("this briefing has", "has not checked", "(our sum)", "first briefing"):
        assert words not in page


def test_before_the_culture_report_is_public_only_the_2017_figures_show():
    early = open_briefing("culture", "2023-02-01")
    assert culture.timeline(early).empty and culture.latest_check(early) is None
    assert early.latest(culture.STAFF_ENGAGED) is None
    assert early.statements("embedding").empty
    assert len(culture.representation(early)) == 8
    assert "list no blockers" in text_of(early.render("blockers", blockers=culture.blockers(early)))


def test_data_text_is_escaped(b):
    tables = {name: b.data.unfiltered(name) for name in b.data.names}
    blockers = tables["culture_blockers"].copy()
    blockers.loc[0, "blocker"] = "<script>alert(1)</script> & more"
    tables["culture_blockers"] = blockers
    b.data = Data(tables, b.data.dictionary, b.data.as_of)
    markup = str(b.render("blockers", blockers=culture.blockers(b)))
    assert "<script>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in markup


# ----- a later paper, with no change to the code ------------------------------------------------


def add_rows(path, rows: list[dict]) -> None:
    """Append rows to a CSV under the copied data folder, in its own column order."""
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        columns = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writerows([{column: row.get(column, "") for column in columns} for row in rows])


def test_a_new_reading_and_a_new_measure_appear_from_the_data_alone(data_copy):
    pack = {"source_id": "pcp-2023-03-15-pack", "public_date": MEETING, "qualifier": "exact", "reading": "as_at"}
    add_rows(
        data_copy.data / "measures.csv",
        [
            {
                "measure_key": "culture_workshops_delivered",
                "briefing": "culture",
                "topic": "engagement",
                "name": "Leadership and Culture workshops delivered",
                "unit": "count",
            }
        ],
    )
    add_rows(
        data_copy.data / "figures.csv",
        [
            {
                **pack,
                "figure_id": "culture_workshops_delivered_test",
                "measure_key": "culture_workshops_delivered",
                "label": "Leadership and Culture workshops delivered",
                "value": "21",
                "as_printed": "21",
                "section": "item 8, para 7.1",
            },
            {
                **pack,
                "figure_id": "bme_officers_pct_test",
                "measure_key": "bme_officers_pct",
                "label": "BME police officer posts as a share of the workforce",
                "value": "9",
                "as_printed": "9.00",
                "as_at": "2023-03-01",
                "date_precision": "month",
                "section": "item 8, Appendix A",
            },
        ],
    )
    later = open_briefing("culture", MEETING, paths=data_copy, agenda_item="8")
    frame = culture.representation(later)
    officers = frame[frame["measure_key"] == "bme_officers_pct"].iloc[0]
    assert (officers["value"], officers["previous_value"], officers["direction"]) == (9, 2.6, "up")
    assert not officers["dated"]
    age = culture.representation_age(later, frame)
    assert age["count"] == 7 and not age["all"] and age["from_this_meeting"]
    page = text_of(later.render("engagement", engaged=later.latest(culture.STAFF_ENGAGED)))
    assert re.search(r"21\[\d+\] Leadership and Culture workshops delivered", page)
    points = text_of(
        later.render(
            "key_points",
            engaged=later.latest(culture.STAFF_ENGAGED),
            summary=None,
            check=None,
            impact=culture.impact_measures(later).iloc[0:0],
            officers=later.latest("bme_officers_pct"),
            county=later.latest("county_bme_population_pct"),
        )
    )
    assert "9% of the workforce (up from 2.6%" in points
