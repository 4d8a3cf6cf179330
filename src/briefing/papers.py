"""Papers in: a PDF or text paper turned into stored text, a section index and a register row.

`add_paper` is what `briefing add-paper` runs. It reads the file first and writes nothing
until everything is known to be good: the id is new, the file is a PDF with a text layer
(not encrypted, not a scan) or UTF-8 text, and the register row is valid. Then it writes
data/raw/papers/<id>.txt (read-only), its index <id>.index.csv beside it, and appends one
row to data/sources.csv with the original's name and SHA-256. If any write fails, what was
written is removed again.

PDF text comes from pypdf (chosen by measurement, see docs/pdf-extraction.md): page by
page, in the order the page draws its text, which keeps columns and table cells in reading
order. Pages are separated by a form feed, so the index knows each unit's page; words
broken with a hyphen at a line end are joined again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from briefing import panel as panel_identity
from briefing.config import Paths
from briefing.errors import PaperError
from briefing.paper_index import PAGE_BREAK, PaperIndex, build_index, index_csv, index_path

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Fewer letters than this on an average page means there is no real text layer: a scan,
# or a PDF of images with a stray page number.
MIN_LETTERS_PER_PAGE = 40
# Prefixes written with a hyphen in English compounds: a line-end hyphen after one of these
# is the word's own hyphen, not a break ("anti-\nsocial" stays "anti-social").
COMPOUND_PREFIXES = {
    "anti", "co", "cross", "ex", "full", "high", "inter", "long", "low", "mid", "multi", "non", "part",
    "post", "pre", "re", "self", "short", "sub", "well", "year", "face", "grass", "first", "top", "on",
}  # fmt: skip
COMPOUND_ENDINGS = {
    "related", "based", "led", "term", "wide", "scale", "time", "level", "making", "owned", "funded", "focused",
    "specific", "friendly", "free", "up", "off", "in", "out", "on", "year", "month", "day", "week", "hand", "house",
}  # fmt: skip
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
LINE_END_HYPHEN = re.compile(r"([A-Za-z]+)[-\u00ad]\n[ \t]*([a-z]+)")


@dataclass
class AddedPaper:
    """What `add_paper` wrote."""

    source_id: str
    text_path: Path
    index_path: Path
    pages: int | None
    index: PaperIndex
    sha256: str
    pages_without_text: list[int]


def _quiet_pdf_loggers() -> None:
    """The PDF libraries log recoverable oddities of real PDFs; a good run prints nothing."""
    for name in ("pypdf", "pdfminer", "pdfplumber"):
        logging.getLogger(name).setLevel(logging.ERROR)


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF, in the order the page draws it (pypdf).

    Raises PaperError for an encrypted PDF or one pypdf cannot read.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    _quiet_pdf_loggers()
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise PaperError(
                f"{path}: the PDF is encrypted (password-protected); ask for an unprotected copy, or save it unprotected first"
            )
        return [page.extract_text() or "" for page in reader.pages]
    except PaperError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise PaperError(f"{path}: the PDF cannot be read ({error})") from None


def dehyphenate(text: str) -> str:
    """Join words a line break split with a hyphen: 'commu-\\nnications' → 'communications'.

    The hyphen is kept, with the line joined, where it is the word's own: the paper prints the
    hyphenated form elsewhere, or the first part is a compound prefix ('anti-', 'pre-') or the
    second a compound ending ('-related', '-based'). A second half starting with a capital or
    a digit is never joined.
    """
    elsewhere = set(re.findall(r"\b[A-Za-z]+-[a-z]+\b", text))

    def join(match: re.Match) -> str:
        first, second = match.group(1), match.group(2)
        if f"{first}-{second}" in elsewhere or first.lower() in COMPOUND_PREFIXES or second in COMPOUND_ENDINGS:
            return f"{first}-{second}"
        return first + second

    return LINE_END_HYPHEN.sub(join, text)


def clean_page(text: str) -> str:
    """One page's text tidied: ligatures spelt out ('oﬃce' → 'office'), no trailing blanks, no form feeds inside."""
    text = text.translate(LIGATURES).replace(PAGE_BREAK, "\n").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def text_from_pdf(path: Path) -> tuple[str, int]:
    """A PDF's text, pages separated by a form feed, hyphenation undone; and its page count.

    Raises PaperError when the PDF has no text layer (a scan).
    """
    pages = [clean_page(page) for page in pdf_pages(path)]
    letters = sum(len(re.findall(r"[A-Za-z]", page)) for page in pages)
    if not pages or letters < MIN_LETTERS_PER_PAGE * len(pages) / 2:
        raise PaperError(
            f"{path}: the PDF has no text layer (it looks like a scan: {letters} letters on {len(pages)} page(s)); "
            "ask for the original PDF, or run it through OCR first"
        )
    return dehyphenate(("\n" + PAGE_BREAK).join(pages)) + "\n", len(pages)


def pages_without_text(text: str) -> list[int]:
    """Pages (from 1) of a PDF's stored text with next to no letters: scanned pages or images."""
    if PAGE_BREAK not in text:
        return []
    return [number for number, page in enumerate(text.split(PAGE_BREAK), start=1) if len(re.findall(r"[A-Za-z]", page)) < 10]


def read_paper(path: Path) -> tuple[str, int | None]:
    """The text of a PDF or UTF-8 text file, and its page count (None for text)."""
    path = Path(path)
    if not path.is_file():
        raise PaperError(f"{path}: no such file")
    data = path.read_bytes()
    if data.lstrip()[:5] == b"%PDF-":
        return text_from_pdf(path)
    if b"\x00" in data:
        raise PaperError(f"{path}: not a PDF or a UTF-8 text file (it holds binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PaperError(f"{path}: not a PDF or a UTF-8 text file (byte {error.start} is not UTF-8)") from None
    if not re.search(r"[A-Za-z]{3}", text):
        raise PaperError(f"{path}: the file holds no text")
    return text.replace("\r\n", "\n"), None


def _sources_rows(paths: Paths) -> tuple[list[str], list[dict[str, str]]]:
    with open(paths.data / "sources.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _csv_line(header: list[str], row: dict[str, str], ending: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=ending).writerow([row.get(column, "") for column in header])
    return buffer.getvalue()


def add_paper(
    paths: Paths,
    source: Path,
    source_id: str,
    paper_date: str,
    title: str,
    body: str,
    agenda_item: str = "",
    date_estimated: bool = False,
    date_note: str = "",
    contents: str = "",
) -> AddedPaper:
    """Add a paper: stored text, section index and one row of data/sources.csv, or nothing.

    Raises PaperError (naming the file or option) for bad input; nothing is written then.
    """
    source = Path(source)
    if not ID_PATTERN.match(source_id or ""):
        raise PaperError(f"--id {source_id!r}: use lower-case letters, digits and single hyphens, e.g. pcp-2024-03-13-pack")
    try:
        date.fromisoformat(paper_date)
    except ValueError:
        raise PaperError(f"--date {paper_date!r}: not a date written YYYY-MM-DD") from None
    bodies = panel_identity.current(paths).body_ids
    if body not in bodies:
        raise PaperError(f"--body {body!r}: must be one of the bodies in panel.yaml: {', '.join(bodies)}")
    if date_estimated and not date_note.strip():
        raise PaperError("--date-estimated needs --date-note saying why the date is an estimate")
    if not title.strip():
        raise PaperError("--title: the paper's title is required")
    header, rows = _sources_rows(paths)
    if any(row.get("source_id") == source_id for row in rows):
        raise PaperError(f"--id {source_id}: already registered in data/sources.csv; choose another id")
    text_path = paths.raw_papers / f"{source_id}.txt"
    if text_path.exists() or index_path(text_path).exists():
        raise PaperError(f"--id {source_id}: data/raw/papers/{text_path.name} already exists; choose another id")
    text, pages = read_paper(source)
    index = build_index(text)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    row = {
        "source_id": source_id,
        "title": title.strip(),
        "body": body,
        "date": paper_date,
        "date_estimated": "true" if date_estimated else "false",
        "date_note": date_note.strip(),
        "agenda_item": agenda_item.strip(),
        "file_name": text_path.name,
        "original_file_name": source.name,
        "original_sha256": digest,
        "contents": contents.strip() or title.strip(),
    }
    missing = [column for column in ("source_id", "file_name") if column not in header]
    if missing:
        raise PaperError(f"data/sources.csv: the header lacks {', '.join(missing)}; restore it from git")
    register = paths.data / "sources.csv"
    with open(register, encoding="utf-8", newline="") as handle:
        existing = handle.read()
    ending = "\r\n" if "\r\n" in existing else "\n"
    written: list[Path] = []
    try:
        paths.raw_papers.mkdir(parents=True, exist_ok=True)
        for target, content in ((text_path, text), (index_path(text_path), index_csv(index))):
            with open(target, "x", encoding="utf-8", newline="") as handle:
                written.append(target)
                handle.write(content)
            target.chmod(0o444)
        with open(register, "a", encoding="utf-8", newline="") as handle:
            if existing and not existing.endswith(("\n", "\r")):
                handle.write(ending)
            handle.write(_csv_line(header, row, ending))
    except OSError as error:
        for target in written:
            target.chmod(0o644)
            target.unlink(missing_ok=True)
        with open(register, "w", encoding="utf-8", newline="") as handle:
            handle.write(existing)
        raise PaperError(f"could not write the paper ({error}); nothing was added") from None
    return AddedPaper(source_id, text_path, index_path(text_path), pages, index, digest, pages_without_text(text))


def index_papers(paths: Paths) -> list[tuple[Path, PaperIndex, bool]]:
    """Rebuild the stored index of every registered paper; returns (index path, index, changed)."""
    from briefing.paper_index import write_index

    _, rows = _sources_rows(paths)
    results = []
    for row in rows:
        text_path = paths.raw_papers / (row.get("file_name") or "")
        if row.get("file_name") and text_path.is_file():
            results.append(write_index(text_path))
    return results
