"""The Culture Statement briefing's facts, on the real data as of the meeting of 15 March 2023,
with a few checks of the rendered sections."""

from __future__ import annotations

import html as html_module
import re

import pytest

from briefing import culture
from briefing import note as notes
from briefing.config import Paths
from briefing.context import open_briefing
from briefing.datasets import Data
from briefing.words import paper_date_text

MEETING = "2023-03-15"
PAGE = Paths.default().root / "briefings" / MEETING / "culture.html"
NOTE_WORDS = 1000  # about five minutes at 200 words a minute
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


def planned(b) -> tuple[dict, list, notes.Note]:
    """The page as the notebook plans it: the sections' facts, the drafted lines, the note."""
    facts = culture.sections(b)
    drafted, options = culture.drafted(b, facts)
    note = b.assemble_note(drafted, options)
    b.plan(note, facts)
    return facts, drafted, note


@pytest.fixture(scope="module")
def note():
    return planned(open_briefing("culture", MEETING, agenda_item="8"))[2]


def plain(markup) -> str:
    return text_of(markup).strip()


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
    planned(b)
    page = text_of(b.section("words"))
    for heading in ("(went)", "(came)", "(stayed)"):
        assert heading in page
    assert "how they wanted it to be" in page
    assert "Appendix A" in page
    assert "not reproduced" not in page and "text of the pack" not in page


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


def test_both_launch_dates_are_shown(b):
    launches = culture.launches(culture.timeline(b))
    assert list(launches["date_as_printed"]) == ["towards the end of 2021", "July 2022"]
    planned(b)
    page = text_of(b.section("timeline"))
    assert "Two launch dates" in page
    assert "SWP" in page and "does not say what SWP stands for" in page
    assert "(no month printed; drawn at October 2021)" in page


def test_staff_engaged_is_current_not_dated(b):
    row = b.latest(culture.STAFF_ENGAGED)
    assert row["value"] == 400 and row["qualifier"] == "over"
    assert not b.dated(row)


def test_score_summary_has_the_range_and_an_unprinted_scale(b):
    summary = culture.score_summary(culture.scores(b))
    assert (summary["lowest"]["as_printed"], summary["highest"]["as_printed"]) == ("9.00", "9.77")
    assert summary["count"] == 7 and not summary["scale_stated"]
    assert (summary["scale_min"], summary["scale_max"]) == (0, 10)


def test_unstated_scale_is_flagged_and_asked_for_before_the_meeting(b):
    _, _, note = planned(b)
    page = text_of(b.section("scores"))
    assert "Scale not printed" in page
    assert "between 9.00 and 9.77" in page
    request = next(line for line in note.requests if line.line_id == "score-scale")
    assert "scale of the workshop feedback scores" in plain(request.text)


def test_latest_check_is_the_january_finding(b):
    check = culture.latest_check(b)
    assert "1/3" in check["title"] and check["date_precision"] == "month"
    planned(b)
    page = text_of(b.section("check"))
    assert "No count printed" in page and "January 2023" in page


# ----- blockers and impact ------------------------------------------------------------------


def test_blockers_are_one_sentence_not_a_table_of_blanks(b):
    blockers = culture.blockers(b)
    assert len(blockers) == 8
    planned(b)
    markup = str(b.section("blockers"))
    assert "<table" not in markup and "Not stated in the papers" not in markup
    page = text_of(markup)
    for blocker in blockers["blocker"]:
        assert blocker[1:] in page  # each named, first letter lowered mid-sentence
    assert "do not say what is being done about any of them" in page


def test_reading_the_unheaded_slide_as_roadshow_blockers_is_labelled_ours(b):
    # Appendix A prints the eight phrases after the roadshows slide ('AIMS: ... Identifying
    # blockers') with no heading and no attribution.
    said = b.statements("blockers").set_index("statement_id").loc["culture-blockers-our-reading"]
    assert said["whose"] == "our reading of the papers" and said["text"].startswith("Our reading:")
    assert (culture.blockers(b)["section"] == "item 8, Appendix A (unheaded slide after the roadshow dates slide)").all()
    facts, _, _ = planned(b)
    assert facts["blockers"]["aims"]["statement_id"] == "culture-blockers-our-reading"
    page = text_of(b.section("blockers"))
    assert "Staff at the roadshows raised" not in page and "blocker staff raised" not in page
    assert "with no heading" in page and "Our reading:" in page


def test_impact_measures_are_proxies_being_considered_not_promises(b):
    measures = culture.impact_measures(b)
    assert len(measures) == 6 and not measures["baseline_given"].any()
    planned(b)
    page = text_of(b.section("impact"))
    assert "No baseline" in page
    assert "None of the 6 proxies being considered" in page
    assert "promised" not in page and "7 measures" not in page


def test_impact_proxies_are_being_considered_not_promised_and_each_named_once(b):
    # Item 8 para 7.1: 'There are a range of proxies being considered like response rates
    # to surveys ... trust in their voice being heard and reacted to; PSD cases;
    # whistleblowing; attrition rates' and, for the public, 'PSD cases, Complaints
    # Resolution Team cases and obviously both by type'.
    measures = culture.impact_measures(b)
    psd = measures[measures["measure"].str.contains("PSD")]
    assert len(psd) == 1 and psd.iloc[0]["audience"] == "both"
    assert measures["measure"].str.split(r"[,;]").str[0].is_unique
    planned(b)
    page = text_of(b.section("impact"))
    assert "promised" not in page and "proxies being considered" in page
    assert page.count("PSD (Professional Standards Department) cases") == 1


def test_impact_section_carries_the_admission_it_is_hard_to_pin_down(b):
    said = b.statements("impact").set_index("statement_id")
    admission = said.loc["culture-impact-pin-down"]
    assert admission["section"] == "item 8, para 7.1 (Measuring Impact on the Public)"
    facts, _, _ = planned(b)
    assert facts["impact"]["admission"]["statement_id"] == "culture-impact-pin-down"
    assert "very difficult to ever pin down to just the Culture Statement" in text_of(b.section("impact"))


def test_embedding_names_the_culture_champion_and_professional_standards(b):
    said = b.statements("embedding").set_index("statement_id")
    champion = said.loc["culture-champion"]
    assert champion["section"] == "item 8, para 6.5"
    assert "dip sampling" in champion["text"] and "Professional Standards" in champion["text"]
    facts, _, _ = planned(b)
    assert facts["embedding"]["champion"]["statement_id"] == "culture-champion"
    assert "Culture Champion" in text_of(b.section("embedding"))


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
    planned(b)
    page = text_of(b.section("representation"))
    paper = b.source(PAPER_2017)
    assert paper["date_estimated"]
    assert f"Dated: paper of {paper_date_text(paper['date'], True)}" in page
    assert not re.search(r"Dated: \d{1,2} ", page)
    assert "10% to 12%" in page
    assert "Check the arithmetic" in page and "1.8%" in page


# ----- the note ---------------------------------------------------------------------------------


def test_the_note_has_three_to_five_key_issues_each_saying_whose_and_cited(note):
    assert 3 <= len(note.key_issues) <= 5
    for line in note.key_issues:
        assert line.whose in notes.WHOSE and line.cites, line.line_id
        assert line.evidence in EVIDENCE_IDS, line.line_id


def test_the_blockers_are_linked_to_the_roadshows_only_as_our_reading(note):
    blockers = [line for line in note.key_issues if line.line_id == "blockers"]
    for line in blockers:
        assert line.whose == "reading"
        assert "Staff at the roadshows raised" not in plain(line.text)
        assert "with no heading saying what they are or who raised them" in plain(line.text)
        assert "We read them as blockers raised at the" in plain(line.text)


def test_impact_measures_are_proxies_being_considered_not_promised_measures(note):
    proxies = next(line for line in note.key_issues if line.line_id == "proxies")
    text = plain(proxies.text)
    assert "proxies being considered" in text
    assert "promised" not in text and "7 measures" not in text
    assert {cite.section for cite in proxies.cites} >= {"item 8, para 7.1 (Measuring the Impact (Internal))"}


def test_the_representation_figures_are_another_papers_and_dated(note):
    issue = next(line for line in note.key_issues if line.line_id == "representation")
    assert issue.whose == "paper"
    assert "2.6%" in plain(issue.text) and "9.7%" in plain(issue.text)
    assert "No paper for this meeting gives current figures" in plain(issue.text)


def test_five_or_six_ranked_enquiries_each_with_a_follow_up_a_role_and_a_cite(note):
    assert 5 <= len(note.enquiries) <= 6
    assert [line.rank for line in note.enquiries] == list(range(1, len(note.enquiries) + 1))
    for line in note.enquiries:
        assert plain(line.follow_up) and line.role in notes.ROLES and line.cites, line.line_id
        assert plain(line.text).endswith("?") and plain(line.follow_up).endswith("?"), line.line_id
    drafted_order = [line.line_id for line in note.enquiries]
    assert drafted_order == sorted(drafted_order, key=culture.ENQUIRY_RANKING.index)


def test_no_enquiry_is_a_bare_request_for_figures(note):
    for line in note.enquiries:
        opening = plain(line.text).lower()
        assert not opening.startswith(("how many", "what are the current figures", "what scale", "on what date")), line.line_id
    assert len(note.requests) >= 1
    for line in note.requests:
        assert line.cites and not plain(line.text).endswith("?")


def test_most_enquiries_are_about_the_commissioners_oversight_of_the_force(note):
    roles = [line.role for line in note.enquiries]
    assert roles.count("accountability") > len(roles) / 2
    for line in note.enquiries:
        text = plain(line.text)
        assert "Commissioner" in text, line.line_id
        assert not re.search(r"\b(he|she|his|her|him)\b", text + " " + plain(line.follow_up), flags=re.I), line.line_id
    top = plain(note.enquiries[0].text)
    assert top.startswith("How will the Commissioner know whether the Culture Statement has changed")


def test_last_time_is_the_panels_request_of_1_february(note):
    last = note.last_time
    assert str(last.meeting_date) == "2023-02-01"
    rows = last.answered + last.unanswered
    assert any("Culture Statement" in row["text"] for row in rows)


def test_the_item_is_noting_a_report_of_the_commissioner(note):
    assert note.item.asked_to == "note" and note.item.number == "8"
    assert [cite.section for cite in note.item.ask_cites] == ["item 8, para 2.1"]


def test_options_are_noting_recommending_and_a_further_report(note):
    assert [option.option_id for option in note.options] == ["note", "recommend", "report_back"]


def test_lines_are_drafted_only_from_facts_public_by_the_meeting():
    early = open_briefing("culture", "2023-02-01")
    drafted, _ = culture.drafted(early, culture.sections(early))
    assert {line.line_id for line in drafted} == {"representation", "representation-now"}


def test_an_officers_row_rewords_and_outranks_a_drafted_enquiry(b):
    facts = culture.sections(b)
    drafted, options = culture.drafted(b, facts)
    officer = {"part": "enquiry", "line_id": "representation", "rank": 0, "drop": False, "text": "Officer's own question?", "role": "plan"}
    lines = notes.assemble(drafted, [officer])
    enquiries = notes.of_part(lines, "enquiry")
    assert enquiries[0].line_id == "representation" and enquiries[0].origin == "officer"
    assert plain(enquiries[0].follow_up) and enquiries[0].cites


def test_the_notebook_is_note_first_with_a_heading_id_per_section():
    import nbformat

    notebook = nbformat.read(Paths.default().notebooks / "culture.ipynb", as_version=4)
    sources = [cell.source for cell in notebook.cells]
    assert not any("m.question" in source or "key_points" in source for source in sources)
    tags = [cell.metadata.get("tags", []) for cell in notebook.cells]
    title = next(n for n, tag in enumerate(tags) if "title" in tag)
    evidence = next(n for n, tag in enumerate(tags) if "evidence" in tag)
    assert "briefing.note_section()" in sources[title + 1] and title < evidence
    headings = [source for source in sources[evidence + 1 :] if source.startswith("## ")]
    assert all(re.search(r"\{#[a-z0-9-]+\}$", heading) for heading in headings)
    assert headings[-1] == "## Sources {#sources}"
    assert set(EVIDENCE_IDS) <= {re.search(r"\{#([a-z0-9-]+)\}$", heading).group(1) for heading in headings}


EVIDENCE_IDS = ("commitments", "timeline", "engagement", "scores", "embedding", "words", "blockers", "impact", "check", "representation")


@pytest.mark.skipif(not PAGE.exists(), reason="the 2023-03-15 culture page is not built")
def test_the_note_on_the_built_page_reads_in_five_minutes():
    page = PAGE.read_text(encoding="utf-8")
    assert 'id="evidence"' in page
    before = page.split("<body", 1)[1].split('id="evidence"', 1)[0]
    before = re.sub(r"<(style|script)\b.*?</\1>", " ", before, flags=re.S)
    words = len(text_of(before).split())
    assert words <= NOTE_WORDS, words
    assert "Key issues" in text_of(before) and "Lines of enquiry" in text_of(before)
    assert "Answered: Answered" not in text_of(before)


# ----- the page as a whole --------------------------------------------------------------------


def sections(b) -> str:
    """Every culture evidence section rendered as the notebook renders it, after planning."""
    facts, _, _ = planned(b)
    return "\n".join(str(b.section(name)) for name in facts if not name.startswith("shared/"))


def test_sections_render_in_any_order_with_the_footnotes_fixed_when_planned(b):
    facts, _, _ = planned(b)
    names = list(facts)
    forward = {name: str(b.section(name)) for name in names}
    numbered = list(b.footnotes)
    backward = {name: str(b.section(name)) for name in reversed(names)}
    assert forward == backward and list(b.footnotes) == numbered
    page = str(b.note_section()) + "".join(forward.values())
    assert {int(n) for n in re.findall(r'href="#source-(\d+)"', page)} == {number for number, _ in b.footnotes}


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
    since = text_of(b.render("shared/since_last", **b.shared_sections()["shared/since_last"]))
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
    planned(early)
    assert "list no blockers" in text_of(early.section("blockers"))


def test_data_text_is_escaped(b):
    tables = {name: b.data.unfiltered(name) for name in b.data.names}
    blockers = tables["culture_blockers"].copy()
    blockers.loc[0, "blocker"] = "<script>alert(1)</script> & more"
    tables["culture_blockers"] = blockers
    b.data = Data(tables, b.data.dictionary, b.data.as_of)
    planned(b)
    markup = str(b.section("blockers")) + str(b.note_section())
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
    _, _, note = planned(later)
    page = text_of(later.section("engagement"))
    assert re.search(r"21\[\d+\] Leadership and Culture workshops delivered", page)
    issue = next(line for line in note.key_issues if line.line_id == "representation")
    assert "9% of the workforce (up from 2.6%)" in plain(issue.text)
    assert "No paper for this meeting gives current figures" not in plain(issue.text)
