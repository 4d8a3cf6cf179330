"""Papers in: `briefing add-paper` on real PDFs printed from the shipped papers, and every bad input.

The PDFs under tests/fixtures/papers/ were printed by headless Chromium from the shipped
papers' text (tools/make_paper_pdfs.py): comms.pdf is item 6 of 15 March 2023 with two
columns, hyphenated line ends and a landscape slide; board-survey.pdf has a table with
numbered rows; culture.pdf has an appendix of slides; scanned.pdf is an image only.
"""

from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.paper_index import PAGE_BREAK, build_index, read_index
from briefing.papers import PaperError, add_paper, dehyphenate, pages_without_text, pdf_pages, read_paper, text_from_pdf

FIXTURES = Path(__file__).parent / "fixtures" / "papers"


def snapshot(paths) -> dict[str, bytes]:
    """Every file under the data folder with its bytes: 'changes nothing' is checked against this."""
    return {str(p.relative_to(paths.data)): p.read_bytes() for p in sorted(paths.data.rglob("*")) if p.is_file()}


def add(paths, pdf="comms.pdf", source_id="pcp-2023-03-15-comms-pdf", **options):
    return add_paper(
        paths,
        FIXTURES / pdf,
        source_id,
        options.pop("paper_date", "2023-03-15"),
        options.pop("title", "The Commissioner's approach to communications and engagement"),
        options.pop("body", "panel"),
        **options,
    )


@pytest.fixture
def encrypted_pdf(tmp_path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(FIXTURES / "board-survey.pdf")))
    writer.encrypt(user_password="panel", owner_password="panel", algorithm="AES-128")
    target = tmp_path / "encrypted.pdf"
    with open(target, "wb") as handle:
        writer.write(handle)
    return target


def test_a_pdf_is_added_with_its_text_pages_index_and_register_row(data_copy):
    added = add(data_copy, agenda_item="6")
    text = added.text_path.read_text(encoding="utf-8")
    assert added.text_path == data_copy.raw_papers / "pcp-2023-03-15-comms-pdf.txt"
    assert added.pages == 7 and text.count(PAGE_BREAK) == 6
    flat = " ".join(text.split())
    assert "40 press releases" in flat and "In total, 640 people responded to the survey." in flat
    for path in (added.text_path, added.index_path):
        assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), f"{path.name} is writable"
    row = (data_copy.data / "sources.csv").read_text(encoding="utf-8").splitlines()[-1]
    digest = hashlib.sha256((FIXTURES / "comms.pdf").read_bytes()).hexdigest()
    assert row.startswith(
        "pcp-2023-03-15-comms-pdf,The Commissioner's approach to communications and engagement,panel,2023-03-15,false,,6,"
    )
    assert f"pcp-2023-03-15-comms-pdf.txt,comms.pdf,{digest}," in row


def test_the_index_of_an_added_pdf_has_the_papers_own_numbers_and_pages(data_copy):
    added = add(data_copy)
    index = read_index(added.index_path)
    names = [u.unit for u in index.units]
    shipped = build_index((data_copy.raw_papers / "pcp-2023-03-15-item06-communications-and-engagement.txt").read_text(encoding="utf-8"))
    for unit in shipped.units:
        if unit.kind in ("paragraph", "heading"):
            assert unit.unit in names, f"{unit.unit} is missing from the PDF's index"
    by_name = {u.unit: u for u in index.units}
    assert by_name["para 1.1"].page == 1
    assert by_name["para 5.4"].page == 2
    assert by_name["Appendix 1, slide 1"].page == 7


def test_two_columns_keep_their_reading_order(data_copy):
    """Sections 5 and 6 are printed in two columns: para 5.4's list must read top to bottom."""
    added = add(data_copy)
    text = added.text_path.read_text(encoding="utf-8")
    unit = next(u for u in read_index(added.index_path).units if u.unit == "para 5.4")
    body = " ".join(text[unit.start : unit.end].split())
    order = ["40 press releases", "472 social media posts", "116 responses", "50 public engagement", "Five District Days", "Six local"]
    positions = [body.find(item) for item in order]
    assert -1 not in positions and positions == sorted(positions), positions


def test_a_table_keeps_each_numbered_row_whole():
    text, pages = text_from_pdf(FIXTURES / "board-survey.pdf")
    index = build_index(text)
    points = {u.unit: text[u.start : u.end] for u in index.units if u.kind == "point"}
    assert list(points) == ["para 8.7, point 1", "para 8.7, point 2", "para 8.7, point 3"]
    points = {name: " ".join(body.split()) for name, body in points.items()}
    assert "(72%)" in points["para 8.7, point 1"] and "visibility in your community is important?" in points["para 8.7, point 1"]
    assert "(83%)" in points["para 8.7, point 2"]
    assert "(76%)" in points["para 8.7, point 3"]


def test_slides_of_an_appendix_are_indexed_one_a_page():
    text, pages = text_from_pdf(FIXTURES / "culture.pdf")
    index = build_index(text)
    slides = [u for u in index.units if u.kind == "slide"]
    assert slides and all(u.unit.startswith("item 8, Appendix A, slide ") for u in slides)
    assert [u.page for u in slides] == list(range(slides[0].page, slides[0].page + len(slides)))
    roadshow = next(u for u in slides if "DCC Roadshow" in text[u.start : u.end])
    assert "18th July Parkside" in text[roadshow.start : roadshow.end]


def test_hyphenation_at_line_ends_is_undone():
    assert dehyphenate("the commu-\nnications team") == "the communications team"
    assert dehyphenate("anti-\nsocial behaviour") == "anti-social behaviour"
    assert dehyphenate("serious violence-\nrelated issues") == "serious violence-related issues"
    assert dehyphenate("a hare-coursing event and hare-\ncoursing") == "a hare-coursing event and hare-coursing"
    assert dehyphenate("Police and Crime Plan 2021-\n24") == "Police and Crime Plan 2021-\n24"
    raw = "\n".join(pdf_pages(FIXTURES / "comms.pdf"))
    assert len(re.findall(r"[a-z]-\n[a-z]", raw)) >= 4, "the fixture should break words at line ends"
    text, _ = text_from_pdf(FIXTURES / "comms.pdf")
    assert "violence-related" in text and "pre-recorded" in text
    shipped = (Path(__file__).parents[1] / "data/raw/papers/pcp-2023-03-15-item06-communications-and-engagement.txt").read_text(
        encoding="utf-8"
    )
    long_words = set(re.findall(r"\b[a-z]{11,}\b", shipped))
    missing = sorted(w for w in long_words if w not in text)
    assert not missing, f"words lost to hyphenation: {missing}"


def test_utf8_text_is_added_as_it_is(data_copy, tmp_path):
    source = tmp_path / "minutes.txt"
    source.write_text("1. PURPOSE\n\n1.1 The Panel noted 12 items.\n", encoding="utf-8")
    added = add_paper(data_copy, source, "pcp-2024-01-31-note", "2024-01-31", "A short note", "panel")
    assert added.pages is None
    assert added.text_path.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")
    assert [u.unit for u in added.index.units] == ["section 1", "para 1.1"]


@pytest.mark.parametrize(
    ("case", "needle"),
    [
        ("existing id", "already registered in data/sources.csv"),
        ("scanned", "no text layer"),
        ("encrypted", "encrypted"),
        ("not a pdf", "not a PDF or a UTF-8 text file"),
        ("not utf-8", "not a PDF or a UTF-8 text file"),
        ("broken pdf", "the PDF cannot be read"),
        ("estimated date without a note", "--date-note"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(data_copy, tmp_path, encrypted_pdf, case, needle):
    before = snapshot(data_copy)
    source_id, path, options = "pcp-2024-01-31-new", FIXTURES / "comms.pdf", {}
    if case == "existing id":
        source_id = "pcp-2023-03-15-comms"
    elif case == "scanned":
        path = FIXTURES / "scanned.pdf"
    elif case == "encrypted":
        path = encrypted_pdf
    elif case == "not a pdf":
        path = tmp_path / "photo.pdf"
        path.write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(64))
    elif case == "not utf-8":
        path = tmp_path / "paper.txt"
        path.write_bytes("Précept report".encode("latin-1"))
    elif case == "broken pdf":
        path = tmp_path / "cut.pdf"
        path.write_bytes((FIXTURES / "comms.pdf").read_bytes()[:900])
    elif case == "estimated date without a note":
        options = {"date_estimated": True}
    with pytest.raises(PaperError) as raised:
        add_paper(data_copy, path, source_id, "2024-01-31", "A paper", "panel", **options)
    message = str(raised.value)
    assert needle in message and "\n" not in message
    assert snapshot(data_copy) == before


def test_the_command_refuses_bad_input_with_one_line_and_exit_2(data_copy, monkeypatch):
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(data_copy.data))
    before = snapshot(data_copy)
    result = CliRunner().invoke(
        main,
        ["add-paper", str(FIXTURES / "scanned.pdf"), "--id", "bcb-2020-scan", "--date", "2020-01-23", "--title", "Scan", "--body", "board"],
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("briefing: ") and "scanned.pdf" in lines[0] and "no text layer" in lines[0]
    assert snapshot(data_copy) == before


def test_the_command_adds_a_pdf_and_says_what_to_do_next(data_copy, monkeypatch):
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(data_copy.data))
    result = CliRunner().invoke(
        main,
        [
            "add-paper", str(FIXTURES / "comms.pdf"), "--id", "pcp-2023-03-15-comms-pdf", "--date", "2023-03-15",
            "--title", "Communications and engagement", "--body", "panel", "--item", "6",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Added pcp-2023-03-15-comms-pdf: 7 page(s)" in result.output
    assert "Next: briefing candidates pcp-2023-03-15-comms-pdf" in result.output


def test_pages_without_text_are_named():
    assert pages_without_text("1.1 The Panel noted.\n\f\n\f3.1 The Board agreed the plan.") == [2]
    assert pages_without_text("no page breaks") == []


def test_read_paper_names_a_missing_file(tmp_path):
    with pytest.raises(PaperError, match="no such file"):
        read_paper(tmp_path / "absent.pdf")


@pytest.mark.parametrize(
    ("command", "words"), [("add-paper", "data/sources.csv"), ("index-papers", "section index"), ("candidates", "--csv")]
)
def test_each_paper_command_has_help(command, words):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and words in result.output
