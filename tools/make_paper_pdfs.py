"""Make PDFs from the shipped papers' text, as a council's agenda software would print them.

The PDFs are test fixtures and the material of the extraction measurement
(docs/pdf-extraction.md): real PDFs with a text layer, printed by headless Chromium from an
HTML rendering of a shipped paper's stored text. Each one exercises a layout the papers use:

- comms.pdf: item 6 of 15 March 2023 (pcp-2023-03-15-comms) with its own paragraph numbers,
  sections 5 and 6 set in two columns, words hyphenated at line ends, and its Appendix 1
  as a landscape slide;
- board-survey.pdf: the Board paper of 23 January 2020, whose para 8.7 questions are set
  as a table with numbered rows;
- culture.pdf: item 8 of 15 March 2023 (the Culture Statement) with its Appendix A as
  landscape slides, one slide a page;
- scanned.pdf: a page of board-survey.pdf as an image only, with no text layer;
- pack.pdf (only with --pack; about 470 KB, so not kept as a fixture): the whole agenda pack
  of 15 March 2023, each stored line a printed line, each document on a new page.

    .venv/bin/python tools/make_paper_pdfs.py tests/fixtures/papers
    .venv/bin/python tools/make_paper_pdfs.py --pack /tmp/papers

Needs /usr/bin/chromium and poppler's pdftoppm (Debian packages chromium, poppler-utils).
"""

from __future__ import annotations

import base64
import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAPERS = ROOT / "data" / "raw" / "papers"
BLOCK_START = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,2}\.?)(\s|$)|^[•–\-\uf0b7]|^Agenda Item|^Appendix")
HEADING = re.compile(r"^\d{1,2}\.?\s+[A-Z][A-Z &’'‘\-–,/()]+$")

STYLE = """
@page { size: A4; margin: 18mm 20mm; }
@page slide { size: A4 landscape; margin: 15mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; line-height: 1.35; }
h1 { font-size: 14pt; } h2 { font-size: 11.5pt; margin: 1.1em 0 0.4em; }
p { margin: 0 0 0.55em; text-align: left; }
.columns { column-count: 2; column-gap: 9mm; }
.slide { page: slide; break-before: page; font-size: 17pt; line-height: 1.3; }
.slide h2 { font-size: 24pt; }
table { border-collapse: collapse; margin: 0.5em 0 0.8em; }
td, th { border: 1px solid #444; padding: 4px 6px; vertical-align: top; }
"""


def blocks(text: str) -> list[str]:
    """The stored text as blocks: a new block at each paragraph number, bullet or heading."""
    found: list[str] = []
    for line in text.replace("\f", "\n").split("\n"):
        line = re.sub(r"\s+", " ", line.replace("\uf0b7", "•")).strip()
        if not line:
            continue
        if not found or BLOCK_START.match(line) or HEADING.match(line):
            found.append(line)
        else:
            found[-1] += " " + line
    return found


def paragraph(block: str, hyphenate: bool) -> str:
    """A block as HTML; with `hyphenate`, its first long word is broken at a line end with a hyphen."""
    escaped = html.escape(block)
    if hyphenate:
        word = next((w for w in re.findall(r"\b[a-z]{11,}\b", block)), None)
        if word:
            cut = len(word) // 2
            escaped = escaped.replace(word, f"{word[:cut]}-<br>{word[cut:]}", 1)
    if HEADING.match(block) or re.fullmatch(r"\d{1,2}\.? [A-Z].{0,60}", block) and block.isupper():
        return f"<h2>{escaped}</h2>"
    return f"<p>{escaped}</p>"


def page(title: str, body: str) -> str:
    return f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{html.escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>'


def comms_html() -> str:
    text = (PAPERS / "pcp-2023-03-15-item06-communications-and-engagement.txt").read_text(encoding="utf-8")
    parts, in_columns = ["<h1>Police and Crime Commissioner's approach to communications and engagement</h1>"], False
    for number, block in enumerate(blocks(text)):
        if re.match(r"^5\.? ?(THE APPROACH)?$", block) or block.startswith("5. THE APPROACH"):
            parts.append('<div class="columns">')
            in_columns = True
        if in_columns and block.startswith("7. WORKING"):
            parts.append("</div>")
            in_columns = False
        if block.startswith("Appendix 1 is a visual"):
            parts.append(paragraph(block, False))
            parts.append(
                '<section class="slide"><h2>Appendix 1</h2><p>Tactical Delivery of Communications and Engagement '
                "on behalf of the Police and Crime Commissioner</p></section>"
            )
            continue
        parts.append(paragraph(block, hyphenate=number % 4 == 2))
    return page("Item 6", "\n".join(parts))


def board_html() -> str:
    text = (PAPERS / "bcb-2020-01-23-communities-and-precept-survey.txt").read_text(encoding="utf-8")
    parts, rows = ["<h1>Business Coordination Board, 23 January 2020</h1>"], []
    for number, block in enumerate(blocks(text)):
        question = re.match(r"^(\d)\. (.*?) \((\d+%)\)$", block)
        if question:
            rows.append(f"<tr><td>{question.group(1)}.</td><td>{html.escape(question.group(2))}</td><td>({question.group(3)})</td></tr>")
            continue
        if rows:
            parts.append("<table><tr><th>No.</th><th>Question</th><th>Strongly agree</th></tr>" + "".join(rows) + "</table>")
            rows = []
        parts.append(paragraph(block, hyphenate=number % 5 == 3))
    return page("Board paper", "\n".join(parts))


def culture_html() -> str:
    pack = (PAPERS / "pcp-2023-03-15-agenda-pack.txt").read_text(encoding="utf-8")
    start = pack.index("CAMBRIDGESHIRE POLICE AND CRIME \nPANEL \n \n\nAgenda Item No. 8")
    end = pack.index(" CAMBRIDGESHIRE POLICE AND CRIME PANEL \n \n\nAgenda Item No.9")
    item = pack[start:end]
    report, _, appendix = item.partition(" Appendix A \n")
    parts = [paragraph(block, False) for block in blocks(report)]
    slides = re.split(r"\n(?= \S)", "Appendix A \n" + appendix)
    for slide in slides:
        lines = [html.escape(line.strip()) for line in slide.split("\n") if line.strip()]
        if lines:
            parts.append(
                '<section class="slide"><h2>' + lines[0] + "</h2>" + "".join(f"<p>{line}</p>" for line in lines[1:]) + "</section>"
            )
    return page("Item 8", "\n".join(parts))


def pack_html() -> str:
    """The whole agenda pack, line for line as stored, each document starting a page."""
    text = (PAPERS / "pcp-2023-03-15-agenda-pack.txt").read_text(encoding="utf-8")
    parts = []
    for line in text.split("\n"):
        line = re.sub(r"\s+", " ", line.replace("\uf0b7", "•")).strip()
        if not line:
            continue
        if re.match(r"^(?:Agenda Item|AGENDA ITEM|MINUTES OF A MEETING|REPORT OF THE)", line):
            parts.append('<div style="break-before: page"></div>')
        parts.append(f"<div>{html.escape(line)}</div>")
    return page("Agenda pack", "\n".join(parts))


def print_pdf(markup: str, target: Path, work: Path) -> None:
    source = work / (target.stem + ".html")
    source.write_text(markup, encoding="utf-8")
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri()],
        check=True,
        capture_output=True,
    )


def scanned(source_pdf: Path, target: Path, work: Path) -> None:
    """A page of `source_pdf` as a grey image only: what a scanner gives."""
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "50", "-gray", "-png", str(source_pdf), str(work / "scan")], check=True)
    image = next(work.glob("scan*.png"))
    data = base64.b64encode(image.read_bytes()).decode()
    markup = page("Scan", f'<img alt="" style="width:100%" src="data:image/png;base64,{data}">')
    print_pdf(markup, target, work)


def main(folder: str, pack: bool = False) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        print_pdf(comms_html(), out / "comms.pdf", work)
        print_pdf(board_html(), out / "board-survey.pdf", work)
        print_pdf(culture_html(), out / "culture.pdf", work)
        scanned(out / "board-survey.pdf", out / "scanned.pdf", work)
        if pack:
            print_pdf(pack_html(), out / "pack.pdf", work)
    for path in sorted(out.glob("*.pdf")):
        print(f"{path}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    if not shutil.which("chromium"):
        sys.exit("make_paper_pdfs: needs chromium on PATH")
    arguments = [a for a in sys.argv[1:] if a != "--pack"]
    main(arguments[0] if arguments else "tests/fixtures/papers", pack="--pack" in sys.argv[1:])
