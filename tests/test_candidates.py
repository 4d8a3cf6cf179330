"""`briefing candidates`: every figure a paper prints, in its unit, with a guessed unit and qualifier."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.candidates import draft_rows, find_candidates, mark_cited
from briefing.citations import Paper
from briefing.cli import main
from briefing.paper_index import build_index
from briefing.papers import add_paper, text_from_pdf

FIXTURES = Path(__file__).parent / "fixtures" / "papers"
PARA_5_4 = ["March 2022", "February 2023", "40", "472", "three", "500k", "116", "50", "Five", "January, 1 2023", "Six"]


def paper(paths, name, source_id) -> Paper:
    text = (paths.raw_papers / name).read_text(encoding="utf-8")
    return Paper(source_id, text, build_index(text))


@pytest.fixture(scope="module")
def comms_pdf() -> Paper:
    text, _ = text_from_pdf(FIXTURES / "comms.pdf")
    return Paper("pcp-2023-03-15-comms-pdf", text, build_index(text))


def test_every_figure_of_para_5_4_is_listed_under_para_5_4_from_the_pdf(comms_pdf):
    found = find_candidates(comms_pdf)
    assert [c.printed for c in found if c.unit == "para 5.4"] == PARA_5_4
    assert all(c.page == 2 for c in found if c.unit == "para 5.4")
    assert not [c for c in found if c.unit != "para 5.4" and c.printed in ("472", "500k", "116")]


def test_the_same_figures_from_the_stored_text(paths):
    found = find_candidates(paper(paths, "pcp-2023-03-15-item06-communications-and-engagement.txt", "pcp-2023-03-15-comms"))
    assert [c.printed for c in found if c.unit == "para 5.4"] == PARA_5_4
    assert all(c.page is None for c in found)


def test_units_qualifiers_and_sentences_are_guessed(paths, comms_pdf):
    by_printed = {c.printed: c for c in find_candidates(comms_pdf)}
    assert (by_printed["500k"].guess, by_printed["500k"].value) == ("views", 500_000)
    assert (by_printed["£1.8m"].guess, by_printed["£1.8m"].value) == ("gbp", 1_800_000)
    assert (by_printed["1.9 fte"].guess, by_printed["1.9 fte"].value) == ("fte", 1.9)
    assert (by_printed["15,500"].qualifier, by_printed["15,500"].value) == ("approximately", 15500)
    assert by_printed["650k"].qualifier == "over"
    assert by_printed["21 December, 2022"].guess == "date"
    assert by_printed["472"].sentence.startswith("472 social media posts (across three separate channels")
    pack = {c.printed: c for c in find_candidates(paper(paths, "pcp-2023-03-15-agenda-pack.txt", "pcp-2023-03-15-pack"))}
    assert (pack["£730,000"].qualifier, pack["£730,000"].unit) == ("up to", "item 7, para 5.1")
    board = {c.printed: c for c in find_candidates(paper(paths, "bcb-2020-01-23-communities-and-precept-survey.txt", "bcb"))}
    assert (board["37p"].guess, board["37p"].value) == ("pence", 37)
    assert (board["72%"].guess, board["72%"].unit) == ("percent", "para 8.7, point 1")
    assert board["1,000"].qualifier == "just over"


def test_references_addresses_and_paragraph_numbers_are_not_figures(paths):
    found = find_candidates(paper(paths, "pcp-2023-03-15-agenda-pack.txt", "pcp-2023-03-15-pack"))
    printed = {c.printed for c in found}
    assert "0300 333 3456" not in printed and "3456" not in printed and "688" not in printed
    assert not [c for c in found if c.unit == "item 6, para 6.1" and c.printed == "4.3"]
    assert not [c for c in found if c.printed in ("5.4", "6.2") and c.unit.endswith(c.printed)]


def test_spaced_out_slide_scores_are_read_whole(paths):
    found = find_candidates(paper(paths, "pcp-2023-03-15-agenda-pack.txt", "pcp-2023-03-15-pack"))
    scores = [c.printed for c in found if c.unit == "item 8, Appendix A" and c.printed.startswith("9.")]
    assert scores[:3] == ["9.62", "9.54", "9.69"]


def test_rows_that_already_cite_a_figure_are_named(paths):
    comms = paper(paths, "pcp-2023-03-15-item06-communications-and-engagement.txt", "pcp-2023-03-15-comms")
    found = find_candidates(comms)
    mark_cited(found, comms, paths.data / "figures.csv")
    by_printed = {c.printed: c for c in found if c.unit == "para 5.4"}
    assert by_printed["472"].cited_by == ["comms_social_media_posts_2022_23"]
    assert by_printed["Six"].cited_by == ["comms_precept_leaflets"]


def test_draft_rows_follow_the_figures_header_read_at_run_time(comms_pdf):
    found = find_candidates(comms_pdf)
    header = ["figure_id", "briefing", "value", "unit", "qualifier", "as_printed", "reading_time", "source_id", "section", "public_date"]
    rows = draft_rows(found, header, "pcp-2023-03-15-comms-pdf", "2023-03-15")
    assert all(list(row) == header for row in rows)
    row = next(r for r in rows if r["as_printed"] == "472")
    assert row["section"] == "para 5.4" and row["value"] == "472" and row["unit"] == "count" and row["reading_time"] == ""
    assert not [r for r in rows if r["as_printed"] == "21 December, 2022"]


def test_the_command_lists_candidates_and_writes_drafts_without_touching_the_data(data_copy, monkeypatch, tmp_path):
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(data_copy.data))
    add_paper(data_copy, FIXTURES / "comms.pdf", "pcp-2023-03-15-comms-pdf", "2023-03-15", "Communications", "panel")
    figures_before = (data_copy.data / "figures.csv").read_bytes()
    drafts = tmp_path / "drafts.csv"
    result = CliRunner().invoke(main, ["candidates", "pcp-2023-03-15-comms-pdf", "--csv", str(drafts)])
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.stdout.splitlines() if line.startswith("para 5.4\t")]
    assert [line[2] for line in lines] == PARA_5_4 and all(line[1] == "p.2" for line in lines)
    with open(drafts, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == next(csv.reader(open(data_copy.data / "figures.csv", encoding="utf-8")))
        assert any(row["as_printed"] == "£634,285" and row["section"] == "para 7.2" for row in reader)
    assert (data_copy.data / "figures.csv").read_bytes() == figures_before


def test_an_unknown_paper_is_refused(data_copy, monkeypatch):
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(data_copy.data))
    result = CliRunner().invoke(main, ["candidates", "pcp-1999-nothing"])
    assert result.exit_code == 2 and "pcp-1999-nothing is not a paper in data/sources.csv" in result.output
