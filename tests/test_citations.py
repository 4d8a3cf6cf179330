"""Citations checked to the paragraph: `section` values resolve to indexed units, and a printed
figure must be printed inside the unit its row cites."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.citations import Paper, resolve, where_printed, within
from briefing.datasets import read_raw
from briefing.paper_index import build_index, index_path
from briefing.schema import load_dictionary
from briefing.trace import trace_failures
from briefing.validation import run_validation

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pack(paths) -> Paper:
    text = (paths.raw_papers / "pcp-2023-03-15-agenda-pack.txt").read_text(encoding="utf-8")
    return Paper("pcp-2023-03-15-pack", text, build_index(text))


@pytest.fixture(scope="module")
def report_2017(paths) -> Paper:
    text = (paths.raw_papers / "pcp-2017-communities-theme-monitoring.txt").read_text(encoding="utf-8")
    return Paper("pcp-2017-communities", text, build_index(text))


def names(section, paper):
    resolution = resolve(section, paper.index)
    assert resolution.error is None, resolution.error
    return resolution.names


def failures(paths):
    dictionary = load_dictionary(paths.dictionary)
    tables = {name: read_raw(dataset, paths.data) for name, dataset in dictionary.datasets.items()}
    return [str(f) for f in trace_failures(paths, dictionary, tables)]


def edit_figure(paths, figure_id, column, value):
    path = paths.data / "figures.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    row = next(r for r in rows[1:] if r[header.index("figure_id")] == figure_id)
    row[header.index(column)] = value
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return 1 + rows.index(row)


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("item 7, para 6.2", ["item 7, para 6.2"]),
        ("item 8, para 5.3.1", ["item 8, para 5.3.1"]),
        ("minutes of 1 Feb 2023, minute 45, para 3", ["minutes of 1 Feb 2023, minute 45, para 3"]),
        ("minutes of 1 Feb 2023, minute 45 (decision)", ["minutes of 1 Feb 2023, minute 45"]),
        ("minutes of 1 Feb 2023, minutes 42 and 43", ["minutes of 1 Feb 2023, minute 42", "minutes of 1 Feb 2023, minute 43"]),
        ("minutes of 1 Feb 2023, members present", ["minutes of 1 Feb 2023, members present"]),
        ("item 8, Appendix A (blockers slide)", ["item 8, Appendix A"]),
        ("item 8, report cover and para 4.2", ["item 8, cover", "item 8, para 4.2"]),
        ("item 8, para 7.1 (Measuring Impact on the Public)", ["item 8, para 7.1"]),
        ("Panel precept report of 2 Feb 2023", ["Panel report of 2 Feb 2023"]),
        ("Commissioner's reply of 3 Feb 2023", ["letter of 3 Feb 2023"]),
        ("item 10 (forward plan)", ["item 10"]),
        ("items 6-10", ["item 6 to item 10"]),
        ("item 7 para 6.2", ["item 7, para 6.2"]),
        ("minutes of 1 Feb 2023 minute 45 para 3", ["minutes of 1 Feb 2023, minute 45, para 3"]),
    ],
)
def test_sections_as_shipped_resolve_to_units(pack, section, expected):
    assert names(section, pack) == expected


def test_a_range_covers_its_paragraphs_and_a_bracket_note_picks_one_of_a_number_printed_twice(pack, report_2017):
    assert names("paras 7.1-7.2", report_2017) == ["para 7.1 to para 7.2"]
    resolution = resolve("paras 7.1-7.2", report_2017.index)
    assert within("327,132", resolution, report_2017) and within("123,498", resolution, report_2017)
    both = resolve("item 8, para 7.1", pack.index)
    assert len(both.units) == 2  # printed twice and no note: the citation covers both
    public = resolve("item 8, para 7.1 (Measuring Impact on the Public)", pack.index)
    assert len(public.units) == 1 and public.units[0][0].label == "Measuring Impact on the Public"


def test_a_section_that_names_no_unit_says_which_units_there_are(pack):
    resolution = resolve("item 7, para 9.4", pack.index)
    assert "no unit 'item 7, para 9.4'" in resolution.error and "para 6.2" in resolution.error
    assert resolve("", pack.index).error == "the section is blank"


def test_a_slide_resolves_where_pages_are_known_and_says_why_not_where_they_are_not(pack):
    from briefing.papers import text_from_pdf

    error = resolve("item 8, Appendix A slide 3", pack.index).error
    assert "does not record where one slide ends" in error
    text, _ = text_from_pdf(ROOT / "tests/fixtures/papers/culture.pdf")
    culture = Paper("culture", text, build_index(text))
    resolution = resolve("item 8, Appendix A, slide 4", culture.index)
    assert resolution.error is None and within("18th July Parkside", resolution, culture)
    assert where_printed("9.62", culture) == ["item 8, Appendix A, slide 8"]


def test_where_a_figure_is_printed(pack):
    assert where_printed("£634,285", pack) == ["item 6, para 7.2"]
    assert where_printed("£634,285k", pack) == ["item 7, para 6.2"]


def test_the_shipped_citations_all_resolve_and_their_figures_lie_inside(paths):
    assert failures(paths) == []


def test_a_figure_cited_to_the_wrong_paragraph_is_rejected_naming_where_it_is_printed(data_copy):
    line = edit_figure(data_copy, "comms_press_releases_2022_23", "section", "para 6.2")
    found = failures(data_copy)
    assert found == [
        "data/figures.csv, column 'as_printed': the figure is printed in para 5.4, not para 6.2 (pcp-2023-03-15-comms); "
        f"correct the section or the figure. Offending value(s): '40'. Line(s) {line}."
    ]


def test_a_short_figure_from_another_paragraph_is_caught(data_copy):
    """'three' printed elsewhere in the paper no longer passes for a paragraph that does not print it."""
    edit_figure(data_copy, "safer_streets_asb_officers", "as_printed", "Three")
    edit_figure(data_copy, "safer_streets_asb_officers", "value", "3")
    [message] = failures(data_copy)
    assert "the figure is printed in" in message and "not item 7, para 6.2 (pcp-2023-03-15-pack)" in message


def test_a_section_that_does_not_resolve_is_rejected(data_copy):
    line = edit_figure(data_copy, "comms_press_releases_2022_23", "section", "para 5.9")
    [message] = failures(data_copy)
    assert message.startswith("data/figures.csv, column 'section': the section does not resolve to a unit of pcp-2023-03-15-comms")
    assert f"Line(s) {line}." in message


def test_a_missing_or_stale_index_is_rejected(data_copy):
    comms = data_copy.raw_papers / "pcp-2023-03-15-item06-communications-and-engagement.txt"
    index_path(comms).unlink()
    [message] = failures(data_copy)
    assert "data/sources.csv, column 'file_name': the paper has no section index" in message and "briefing index-papers" in message
    pack_text = data_copy.raw_papers / "pcp-2023-03-15-agenda-pack.txt"
    pack_text.write_text(pack_text.read_text(encoding="utf-8").replace("5.4 Output", "5.5 Output"), encoding="utf-8")
    assert any("does not match the paper's text" in m for m in failures(data_copy))


def test_validation_reports_the_wrong_paragraph(data_copy):
    edit_figure(data_copy, "comms_press_releases_2022_23", "section", "para 6.2")
    report = run_validation(data_copy)
    assert [str(f) for f in report.failures if "printed in para 5.4, not para 6.2" in str(f)]


def test_the_migration_is_applied_and_rerunning_it_changes_nothing():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "migrate_citations.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "nothing to migrate" in result.stdout


def test_the_migration_touches_only_the_cells_it_names(data_copy, monkeypatch):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import migrate_citations
    finally:
        sys.path.remove(str(ROOT / "tools"))
    figures = data_copy.data / "figures.csv"
    original = figures.read_bytes()
    edit_figure(data_copy, "pack_safer_streets_latest_round", "as_printed", "£634,285")
    assert migrate_citations.migrate(data_copy.data, check=True) == [
        "data/figures.csv pack_safer_streets_latest_round as_printed: '£634,285' -> '£634,285k'"
    ]
    migrate_citations.migrate(data_copy.data)
    assert figures.read_bytes() == original
    assert migrate_citations.migrate(data_copy.data) == []


def test_a_figure_of_an_added_pdf_cited_to_the_wrong_paragraph_names_where_it_is_printed(data_copy):
    from briefing.papers import add_paper

    add_paper(data_copy, ROOT / "tests/fixtures/papers/comms.pdf", "pcp-2023-03-15-comms-pdf", "2023-03-15", "Communications", "panel")
    assert failures(data_copy) == []
    path = data_copy.data / "figures.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    row = dict.fromkeys(header, "")
    row.update(
        figure_id="pdf_social_media_posts", briefing="comms", topic="outputs", measure_key="pdf_social_media_posts",
        label="Social media posts", value="472", unit="count", qualifier="exact", as_printed="472",
        source_id="pcp-2023-03-15-comms-pdf", section="para 6.2", public_date="2023-03-15",
    )  # fmt: skip
    with open(path, "a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow([row[c] for c in header])
    [message] = failures(data_copy)
    assert "the figure is printed in para 5.4, not para 6.2 (pcp-2023-03-15-comms-pdf)" in message
