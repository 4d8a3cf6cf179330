"""Measure PDF text extraction on PDFs made from the shipped papers; writes docs/pdf-extraction.md.

pypdf and pdfplumber (on pdfminer.six) are each run, plain and in their layout modes, on the
fixture PDFs that tools/make_paper_pdfs.py prints from the shipped papers' text (two
columns, a table with numbered rows, landscape slides, hyphenated line ends). Every variant
gets the same tidying (line ends, form feeds between pages, hyphenation undone); then its
text is compared with the paper's stored text:

- reading order: difflib's similarity of the two word sequences (1.0 = same words, same order);
- units: how many of the paper's own numbered units the section index finds, in order;
- figures: how many of the numbers printed in the paper come out whole;
- speed: milliseconds per page, the best of five runs.

    .venv/bin/pip install pdfplumber    # not a dependency of the workbook: only this comparison needs it
    .venv/bin/python benchmarks/pdf_extraction.py [--output docs/pdf-extraction.md]
"""

from __future__ import annotations

import argparse
import difflib
import os
import platform
import re
import shutil
import time
from collections import Counter
from importlib.metadata import version
from pathlib import Path

from briefing.paper_index import PAGE_BREAK, build_index
from briefing.papers import _quiet_pdf_loggers, clean_page, dehyphenate

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "papers"
PAPERS = ROOT / "data" / "raw" / "papers"


def truth(name: str) -> str:
    if name == "pack.pdf":
        return (PAPERS / "pcp-2023-03-15-agenda-pack.txt").read_text(encoding="utf-8")
    if name == "comms.pdf":
        return (PAPERS / "pcp-2023-03-15-item06-communications-and-engagement.txt").read_text(encoding="utf-8")
    if name == "board-survey.pdf":
        return (PAPERS / "bcb-2020-01-23-communities-and-precept-survey.txt").read_text(encoding="utf-8")
    pack = (PAPERS / "pcp-2023-03-15-agenda-pack.txt").read_text(encoding="utf-8")
    return pack[
        pack.index("CAMBRIDGESHIRE POLICE AND CRIME \nPANEL \n \n\nAgenda Item No. 8") : pack.index(
            " CAMBRIDGESHIRE POLICE AND CRIME PANEL \n \n\nAgenda Item No.9"
        )
    ]


def pypdf_pages(path: Path, layout: bool) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return [page.extract_text(extraction_mode="layout") if layout else page.extract_text() for page in reader.pages]


def pdfplumber_pages(path: Path, layout: bool) -> list[str]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return [page.extract_text(layout=layout) or "" for page in pdf.pages]


VARIANTS = {
    "pypdf": lambda p: pypdf_pages(p, False),
    "pypdf (layout mode)": lambda p: pypdf_pages(p, True),
    "pdfplumber": lambda p: pdfplumber_pages(p, False),
    "pdfplumber (layout=True)": lambda p: pdfplumber_pages(p, True),
}


def words(text: str) -> list[str]:
    return re.findall(r"[\w£%.,’'-]+", re.sub(r"(?<=\w) (?=\w )", "", text).lower())


def numbers(text: str) -> Counter:
    return Counter(re.findall(r"(?<![\w.,])\d[\d,]*(?:\.\d+)?", re.sub(r"\s+", " ", text)))


def unit_numbers(text: str) -> dict[str, Counter]:
    """The numbers printed in each innermost unit of the text's section index."""
    index = build_index(text)
    result: dict[str, Counter] = {}
    for match in re.finditer(r"(?<![\w.,])\d[\d,]*(?:\.\d+)?", text):
        unit = index.innermost(match.start())
        if unit is not None and unit.start != match.start() and not text[unit.start : match.end()].strip().startswith(match.group()):
            result.setdefault(re.sub(r", slide \d+$", "", unit.unit), Counter())[match.group()] += 1
    return result


def measure(name: str, variant: str, folder: Path = FIXTURES) -> dict:
    path = folder / name
    extract = VARIANTS[variant]
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        pages = extract(path)
        timings.append(time.perf_counter() - started)
    text = dehyphenate(("\n" + PAGE_BREAK).join(clean_page(p) for p in pages))
    expected = truth(name)
    order = difflib.SequenceMatcher(None, words(expected), words(text), autojunk=False).ratio()
    wanted = [u.unit for u in build_index(expected).units if u.kind in ("paragraph", "heading", "point", "appendix")]
    got = [u.unit for u in build_index(text).units if u.kind in ("paragraph", "heading", "point", "appendix")]
    in_order = difflib.SequenceMatcher(None, wanted, got, autojunk=False).get_matching_blocks()
    units_found = sum(block.size for block in in_order)
    figures, found = numbers(expected), numbers(text)
    figures_found = sum(min(count, found[number]) for number, count in figures.items())
    placed = sum(
        sum(min(count, theirs[number]) for number, count in ours.items())
        for name, ours in unit_numbers(expected).items()
        for theirs in [unit_numbers(text).get(name, Counter())]
    )
    return {
        "order": order,
        "units": f"{units_found}/{len(wanted)}",
        "figures": f"{figures_found}/{sum(figures.values())}",
        "placed": f"{placed}/{sum(sum(c.values()) for c in unit_numbers(expected).values())}",
        "ms_per_page": 1000 * min(timings) / len(pages),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "docs" / "pdf-extraction.md"))
    options = parser.parse_args()
    _quiet_pdf_loggers()
    try:
        import pdfplumber  # noqa: F401
    except ImportError:
        raise SystemExit("pdf_extraction: install pdfplumber to compare it (.venv/bin/pip install pdfplumber)") from None
    import sys
    import tempfile

    sys.path.insert(0, str(ROOT / "tools"))
    import make_paper_pdfs

    work = Path(tempfile.mkdtemp(prefix="pdf-extraction-"))
    load_before = os.getloadavg()[0]
    make_paper_pdfs.print_pdf(make_paper_pdfs.pack_html(), work / "pack.pdf", work)
    rows = []
    for name, folder in (("comms.pdf", FIXTURES), ("board-survey.pdf", FIXTURES), ("culture.pdf", FIXTURES), ("pack.pdf", work)):
        for variant in VARIANTS:
            result = measure(name, variant, folder)
            rows.append(
                f"| {name} | {variant} | {result['order']:.3f} | {result['units']} | {result['figures']} | {result['placed']} | {result['ms_per_page']:.0f} |"
            )
            print(rows[-1], flush=True)
    shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()[0]
    report = [
        "# PDF text extraction: pypdf or pdfplumber",
        "",
        "`briefing add-paper` reads PDFs with **pypdf**. This is the measurement behind that choice, made by",
        "`benchmarks/pdf_extraction.py` on the PDFs `tools/make_paper_pdfs.py` prints with headless Chromium from the",
        "shipped papers' text (the fixtures under `tests/fixtures/papers/`):",
        "",
        "- `comms.pdf`: item 6 of 15 March 2023, 7 pages, sections 5 and 6 in two columns, words hyphenated at line ends,",
        "  Appendix 1 as a landscape slide;",
        "- `board-survey.pdf`: the Board paper of 23 January 2020, 4 pages, para 8.7's questions as a table with numbered rows;",
        "- `culture.pdf`: item 8 of 15 March 2023, 15 pages, Appendix A as landscape slides;",
        "- `pack.pdf`: the whole agenda pack of 15 March 2023, 38 pages, line for line as stored (printed by the",
        "  benchmark itself with `make_paper_pdfs.py --pack`; too big to keep as a fixture).",
        "",
        "Each variant's text gets the same tidying (page breaks, line ends, hyphenation undone) and is compared",
        "with the paper's stored text. *Reading order* is difflib's similarity of the two word sequences",
        "(1 = the same words in the same order); *units* counts the paper's own numbered headings, paragraphs,",
        "points and appendices the section index finds in order; *figures* counts the numbers printed in the",
        "paper that come out whole; *figures in their unit* counts those the index of the extracted text places",
        "in the same unit as the index of the stored text does (what the citation check relies on);",
        "*ms/page* is the best of five runs.",
        "",
        "| PDF | library | reading order | units | figures | figures in their unit | ms/page |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        "## Reading the results",
        "",
        "pdfplumber orders characters by their position on the page, so the lines of two columns interleave:",
        "on `comms.pdf` the two-column pages lose their reading order and a quarter of the figures land in",
        "the wrong paragraph, which the citation check cannot forgive. pypdf's layout mode does the same. In the",
        "table, pdfplumber prints each percentage on the first line of its question (`...police office",
        "visibility in your (72%)` / `community is important?`), still inside the right numbered row; pypdf",
        "keeps each cell whole. Plain pypdf follows the order the page draws its text, which for PDFs printed",
        "from Word or a browser, as council papers are, is normally reading order; it is three to five times faster here",
        "and needs no further packages (pdfplumber brings pdfminer.six, pypdfium2 and Pillow). On",
        "`culture.pdf` all four variants agree; the few figures placed differently from the stored text",
        "are slide numbers and a date that the HTML rendering moved, not extraction errors. On the",
        "single-column `pack.pdf` all four find every unit and place every figure; only speed differs.",
        "",
        "Neither library undoes hyphenation; `briefing.papers.dehyphenate` does, for both: `commun-` / `ication`",
        "becomes `communication`, while a hyphen the paper prints elsewhere, or after a compound prefix or before a",
        "compound ending (`pre-recorded`, `violence-related`), is kept. pypdf leaves ligatures (`ﬃ`) as printed",
        "and pdfplumber spells them out; `briefing.papers.clean_page` spells them out for both.",
        "",
        f"Measured on {platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
        f"pypdf {version('pypdf')}, pdfplumber {version('pdfplumber')} (pdfminer.six {version('pdfminer.six')}), "
        f"{os.cpu_count()} cores, 1-minute load average {load_before:.1f} before and {load_after:.1f} after "
        "(the timings are wall-clock; compare the libraries with each other, not with another run).",
        "",
    ]
    Path(options.output).write_text("\n".join(report), encoding="utf-8")
    print(f"wrote {options.output}")


if __name__ == "__main__":
    main()
