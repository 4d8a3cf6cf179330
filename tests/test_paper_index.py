"""The section index: the shipped papers' own numbering, their irregular layouts, and the stored files."""

from __future__ import annotations

import pytest

from briefing.paper_index import build_index, index_csv, index_path, read_index

PAPERS = {
    "comms": "pcp-2023-03-15-item06-communications-and-engagement.txt",
    "pack": "pcp-2023-03-15-agenda-pack.txt",
    "board": "bcb-2020-01-23-communities-and-precept-survey.txt",
    "2017": "pcp-2017-communities-theme-monitoring.txt",
    "plan": "pcp-2023-03-15-item09-plan-delivery-progress.txt",
}


@pytest.fixture(scope="module")
def indexes(paths):
    result = {}
    for key, name in PAPERS.items():
        text = (paths.raw_papers / name).read_text(encoding="utf-8")
        result[key] = (text, build_index(text))
    return result


def units(indexes, key):
    text, index = indexes[key]
    return {u.unit: u for u in index.units}


def body(indexes, key, name):
    text, index = indexes[key]
    unit = next(u for u in index.units if u.unit == name)
    return " ".join(text[unit.start : unit.end].split())


def test_a_report_keeps_its_own_headings_and_paragraph_numbers(indexes):
    found = units(indexes, "comms")
    assert [n for n in found if n.startswith("para 5.")] == ["para 5.1", "para 5.2", "para 5.3", "para 5.4"]
    assert found["section 5"].label == "THE APPROACH" and found["section 10"].label == "DIGITAL ENGAGEMENT"
    assert found["para 5.4"].parent == "section 5"
    assert body(indexes, "comms", "para 5.4").startswith("5.4 Output between March 2022 and end of February 2023 • 40 press releases")
    assert "6. SURVEYS" not in body(indexes, "comms", "para 5.4")


def test_a_pack_is_indexed_by_its_documents_and_agenda_items(indexes):
    found = units(indexes, "pack")
    documents = [u.unit for u in indexes["pack"][1].units if u.kind == "document"]
    assert documents == [
        "minutes of 1 Feb 2023", "Panel report of 2 Feb 2023", "letter of 3 Feb 2023",
        "item 6", "item 7", "item 8", "item 9", "item 10",
    ]  # fmt: skip
    assert found["item 6, para 5.4"].parent == "item 6, section 5"
    assert "£634,285k" in body(indexes, "pack", "item 7, para 6.2")
    assert "5.3.1 The Deputy Chief Constable" in body(indexes, "pack", "item 8, para 5.3")


def test_minutes_have_minute_numbers_and_numbered_paragraphs_within_a_minute(indexes):
    found = units(indexes, "pack")
    minutes = [u.unit.rsplit(", ", 1)[-1] for u in indexes["pack"][1].units if u.kind == "minute"]
    assert minutes == [f"minute {n}" for n in range(40, 47)]
    paragraphs = [n for n in found if n.startswith("minutes of 1 Feb 2023, minute 45, para ")]
    assert len(paragraphs) == 24
    assert body(indexes, "pack", "minutes of 1 Feb 2023, minute 45, para 2").startswith(
        "2. Councillor Ferguson stated there had been a 60%"
    )
    assert found["minutes of 1 Feb 2023, members present"].note.startswith("printed inside minute 43")
    assert [n for n in found if "action log, row" in n] == [
        "minutes of 1 Feb 2023, action log, row 1",
        "minutes of 1 Feb 2023, action log, row 2",
    ]


def test_a_paragraph_number_printed_twice_is_flagged_not_guessed(indexes):
    twice = [u for u in indexes["pack"][1].units if u.unit == "item 8, para 7.1"]
    assert len(twice) == 2
    assert all("printed 2 times" in u.note for u in twice)
    assert twice[1].label == "Measuring Impact on the Public"


def test_numbers_printed_with_no_text_between_are_flagged(indexes):
    found = units(indexes, "2017")
    for name in ("para 8.5", "para 8.6", "para 10.3", "para 10.4", "para 7.3", "para 7.4", "para 7.5"):
        assert "no text between them" in found[name].note, name
    assert "95.8%" in body(indexes, "2017", "para 8.8") and "95.8%" not in body(indexes, "2017", "para 8.7")


def test_a_bullet_running_on_past_the_next_number_is_flagged(indexes):
    found = units(indexes, "2017")
    assert "boundary between them is uncertain" in found["para 7.1"].note
    assert "boundary between them is uncertain" in found["para 7.2"].note
    assert "123,498" in body(indexes, "2017", "para 7.1") and "327,132" in body(indexes, "2017", "para 7.2")


def test_an_appendix_without_page_breaks_says_slides_cannot_be_told_apart(indexes):
    appendix = units(indexes, "pack")["item 8, Appendix A"]
    assert "does not record where one slide ends" in appendix.note
    assert "DCC Roadshow" in body(indexes, "pack", "item 8, Appendix A")


def test_numbered_points_inside_a_paragraph(indexes):
    found = units(indexes, "board")
    assert [n for n in found if "point" in n] == ["para 8.7, point 1", "para 8.7, point 2", "para 8.7, point 3"]
    assert body(indexes, "board", "para 8.7, point 3").endswith("(76%)")


def test_numbers_that_break_the_sequence_are_not_units(indexes):
    found = units(indexes, "plan")
    assert "section 2002" not in found and not any("2002" in name for name in found)
    # The footnote's list 1-6 is a list of points, not heading 6.
    assert found["section 6"].label == "MONITORING DELIVERY OF THE PLAN"
    assert "para 5.5, point 6" in found and "Board (BCB)" not in body(indexes, "plan", "para 5.5, point 6")


def test_every_stored_index_matches_a_rebuild_of_its_text(paths):
    for name in PAPERS.values():
        text_path = paths.raw_papers / name
        stored = index_path(text_path)
        assert stored.exists(), f"{stored.name} is missing: run briefing index-papers"
        assert stored.read_text(encoding="utf-8") == index_csv(build_index(text_path.read_text(encoding="utf-8")))


def test_a_stored_index_reads_back_as_built(paths):
    text_path = paths.raw_papers / PAPERS["pack"]
    built = build_index(text_path.read_text(encoding="utf-8"))
    read = read_index(index_path(text_path))
    assert [(u.unit, u.kind, u.start, u.end, u.parent, u.note) for u in read.units] == [
        (u.unit, u.kind, u.start, u.end, u.parent, u.note) for u in built.units
    ]


def test_numbering_that_restarts_without_an_item_heading_becomes_a_named_part():
    text = (
        "1. PURPOSE\n1.1 The first report.\n2. BACKGROUND\n2.1 More.\n"
        "1. PURPOSE\n1.1 The second report.\n2. RECOMMENDATION\n2.1 Note it.\n"
        "Minutes of the meeting held on 20 July 2022 were agreed as a record.\n"
        "Minutes of a meeting of the Cambridgeshire Police and Crime Panel held on 19 July 2023\n"
        "5. Apologies for Absence\nApologies were received.\n"
    )
    index = build_index(text)
    assert [u.unit for u in index.units] == [
        "section 1", "para 1.1", "section 2", "para 2.1",
        "part 2", "part 2, section 1", "part 2, para 1.1", "part 2, section 2", "part 2, para 2.1",
        "minutes of 19 Jul 2023", "minutes of 19 Jul 2023, minute 5",
    ]  # fmt: skip
    assert "numbering starts again" in index.units[4].note


def test_index_papers_rewrites_a_missing_index_and_leaves_fresh_ones(data_copy, monkeypatch):
    from click.testing import CliRunner

    from briefing.cli import main

    monkeypatch.setenv("BRIEFING_DATA_DIR", str(data_copy.data))
    target = index_path(data_copy.raw_papers / PAPERS["board"])
    target.unlink()
    result = CliRunner().invoke(main, ["index-papers"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines].count("rewritten") == 1 and len(lines) == len(PAPERS)
    assert f"rewritten  data/raw/papers/{target.name}  48 units, 0 with a note" in lines
    assert target.exists()


@pytest.mark.slow
def test_a_pdf_of_the_whole_pack_indexes_as_its_stored_text_does(paths, tmp_path):
    """The agenda pack printed to PDF (38 pages) gives the same units as its stored text, with pages."""
    import shutil
    import sys

    from briefing.papers import text_from_pdf

    if not shutil.which("chromium"):
        pytest.skip("needs chromium to print the pack (Debian package chromium)")
    sys.path.insert(0, str(paths.root / "tools"))
    try:
        import make_paper_pdfs
    finally:
        sys.path.remove(str(paths.root / "tools"))
    make_paper_pdfs.print_pdf(make_paper_pdfs.pack_html(), tmp_path / "pack.pdf", tmp_path)
    text, pages = text_from_pdf(tmp_path / "pack.pdf")
    from_pdf = build_index(text)
    stored = build_index((paths.raw_papers / PAPERS["pack"]).read_text(encoding="utf-8"))
    slides = [u.unit for u in from_pdf.units if u.kind == "slide"]
    assert [u.unit for u in from_pdf.units if u.kind != "slide"] == [u.unit for u in stored.units]
    assert slides[:2] == ["item 6, Appendix 1, slide 1", "item 8, Appendix A, slide 1"]
    by_name = {u.unit: u for u in from_pdf.units}
    assert by_name["minutes of 1 Feb 2023"].page == 2 and by_name["item 10"].page < pages
    assert 1 < by_name["item 6, para 5.4"].page < by_name["item 7, para 6.2"].page < by_name["item 9, para 5.4"].page
