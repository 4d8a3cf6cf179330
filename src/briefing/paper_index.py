"""The section index of a paper: every citable unit, its span of text and its page.

A paper's stored text (data/raw/papers/<name>.txt) is read line by line and its own
numbering is followed: numbered headings (`5. THE APPROACH` → `section 5`), numbered
paragraphs (`5.4`, `5.3.1`), agenda items inside a pack (`Agenda Item No. 6` → `item 6`),
minutes (`minutes of 1 Feb 2023`), minute numbers and the numbered paragraphs within a
minute (`minute 45, para 3`), the attendance lists, an action log's numbered rows,
numbered points inside a paragraph, appendices, and an appendix's slides where the text
records page breaks (a form feed, as `briefing add-paper` writes). A number is taken as a
unit only where it continues the paper's own sequence, so a year at the start of a line or
a footnote's list is not mistaken for a heading.

Where the numbering is irregular the index says so in `note` rather than guessing: a
paragraph number printed twice, numbers printed one after another with no text between
them, a paragraph whose last bullet runs on after the next number, slides the text cannot
separate. Units nest: a unit's `parent` is the unit whose span holds it.

The index is stored beside the text as <name>.index.csv (columns in INDEX_COLUMNS) and
rebuilt by `briefing index-papers`; validation checks that it is up to date.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

INDEX_COLUMNS = ("unit", "kind", "label", "parent", "start", "end", "line", "page", "note")
INDEX_SUFFIX = ".index.csv"
PAGE_BREAK = "\f"

MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
ITEM_START = re.compile(r"^\s*Agenda\s+Item\s+(?:No\.?\s*)?(\d{1,2})\b(?!\.\d)", re.IGNORECASE)
MINUTES_START = re.compile(r"^\s*MINUTES\s+OF\s+(?:A|THE)\s+MEETING")
MINUTES_TITLE = re.compile(
    r"^\s*Minutes\s+of\s+(?:a|the)\s+(?:meeting\s+of\s+the|\w+(?:\s+\w+){0,4}\s+(?:Panel|Committee|Board))\b", re.IGNORECASE
)
REPORT_START = re.compile(r"^\s*REPORT\s+OF\s+THE\b.*\bPANEL\s*$", re.IGNORECASE)
LETTER_GREETING = re.compile(r"^\s*Dear\s+\w+", re.IGNORECASE)
DATE_TEXT = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTHS})\s*,?\s+(\d{{4}})\b", re.IGNORECASE)
HEADING = re.compile(r"^\s*(\d{1,2})(\.?)(?:\s+(\S.*?))?\s*$")
PARAGRAPH = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})(?:\.(\d{1,2}))?\.?(?=\s|$)(.*)$")
NUMBERED = re.compile(r"^\s*(\d{1,3})\.(?:\s+(\S.*?))?\s*$")
APPENDIX = re.compile(r"^\s*Appendix\s+([A-Z0-9]{1,2})\s*$", re.IGNORECASE)
ATTENDANCE = re.compile(r"^\s*(Members|Officers|Others)\s+Present\s*:", re.IGNORECASE)
ACTION_LOG = re.compile(r"^\s*ITEM\s+ACTION\s*$")
PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
MID_SENTENCE = re.compile(r"(?:,|\b(?:a|an|and|as|at|by|for|in|of|on|or|the|to|with))$", re.IGNORECASE)
BULLET_ONLY = re.compile(r"^\s*[•\-–\u2022\uf0b7]\s*$")

SLIDES_UNKNOWN = (
    "the stored text does not record where one slide ends and the next begins; cite the appendix and name the slide in brackets"
)
LEVELS = {
    "document": 0,
    "cover": 1,
    "heading": 1,
    "minute": 1,
    "attendance": 2,
    "table": 1,
    "appendix": 1,
    "paragraph": 2,
    "row": 2,
    "slide": 2,
    "point": 4,
}


@dataclass
class Unit:
    """One citable unit of a paper."""

    unit: str
    kind: str
    label: str
    start: int
    end: int = -1
    line: int = 0
    page: int | None = None
    note: str = ""
    parent: str = ""
    depth: int = 0

    def row(self) -> dict[str, str]:
        """The unit as a row of the index CSV."""
        return {
            "unit": self.unit,
            "kind": self.kind,
            "label": self.label,
            "parent": self.parent,
            "start": str(self.start),
            "end": str(self.end),
            "line": str(self.line),
            "page": "" if self.page is None else str(self.page),
            "note": self.note,
        }


@dataclass
class PaperIndex:
    """Every unit of one paper, in the order they start."""

    units: list[Unit] = field(default_factory=list)
    has_pages: bool = False
    _names: dict[str, list[Unit]] | None = field(default=None, repr=False, compare=False)

    def by_name(self) -> dict[str, list[Unit]]:
        """Units keyed by their normalised name (a name printed twice maps to both)."""
        if self._names is None:
            self._names = {}
            for unit in self.units:
                self._names.setdefault(normalise(unit.unit), []).append(unit)
        return self._names

    def innermost(self, offset: int) -> Unit | None:
        """The smallest unit whose span holds the character at `offset`."""
        best = None
        for unit in self.units:
            if unit.start <= offset < unit.end and (best is None or unit.end - unit.start <= best.end - best.start):
                best = unit
        return best


def normalise(name: str) -> str:
    """A unit name as compared: lower case, single spaces, plain apostrophes."""
    return re.sub(r"\s+", " ", name.replace("’", "'")).strip().lower()


def short_date(day: str, month: str, year: str) -> str:
    """'1 FEBRUARY 2023' → '1 Feb 2023', the form citations use."""
    parsed = datetime.strptime(f"{int(day)} {month.title()} {year}", "%d %B %Y")
    return f"{parsed.day} {parsed.strftime('%b')} {parsed.year}"


def _lines(text: str) -> list[tuple[int, int, int, str]]:
    """(line number, start offset, page, text) for every line; pages count form feeds."""
    result = []
    offset, page = 0, 1
    for number, raw in enumerate(text.split("\n"), start=1):
        lead = len(raw) - len(raw.lstrip(PAGE_BREAK))
        page += lead
        result.append((number, offset + lead, page, raw.replace(PAGE_BREAK, "")))
        page += raw.count(PAGE_BREAK) - lead
        offset += len(raw) + 1
    return result


def _next_nonblank(lines, position: int, limit: int = 6) -> list[str]:
    found = []
    for _, _, _, content in lines[position + 1 :]:
        if content.strip():
            found.append(content.strip())
            if len(found) >= limit:
                break
    return found


def _title(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" :;-–")


class _Builder:
    """Walks the lines once, following the paper's own numbering."""

    def __init__(self, text: str):
        self.text = text
        self.lines = _lines(text)
        self.units: list[Unit] = []
        self.has_pages = PAGE_BREAK in text
        self.document: Unit | None = None
        self.reset_scope()

    def reset_scope(self) -> None:
        self.heading = 0
        self.paragraph: tuple[int, ...] | None = None
        self.point = 0
        self.minute = 0
        self.minute_paragraph = 0
        self.in_minutes = False
        self.action_rows = 0
        self.in_action_log = False
        self.appendix: Unit | None = None
        self.slide_page: int | None = None
        self.covered = False

    def prefix(self) -> str:
        return f"{self.document.unit}, " if self.document else ""

    def add(self, name: str, kind: str, label: str, position: int, column: int = 0, note: str = "", depth: int | None = None) -> Unit:
        number, offset, page, _ = self.lines[position]
        if not label.strip():
            ahead = _next_nonblank(self.lines, position, 1)
            label = ahead[0] if ahead else ""
        unit = Unit(
            unit=name,
            kind=kind,
            label=_title(label),
            start=offset + column,
            line=number,
            page=page if self.has_pages else None,
            note=note,
            depth=LEVELS[kind] if depth is None else depth,
        )
        self.units.append(unit)
        return unit

    def start_document(self, name: str, label: str, position: int) -> None:
        self.reset_scope()
        self.document = self.add(name, "document", label, position)

    def build(self) -> PaperIndex:
        for position, (_, _, _, content) in enumerate(self.lines):
            if content.strip():
                self.read_line(position, content)
        self.close_spans()
        self.mark_irregular_numbering()
        return PaperIndex(units=self.units, has_pages=self.has_pages)

    def read_line(self, position: int, content: str) -> None:
        if self.detect_document(position, content):
            return
        if self.appendix is not None:
            self.read_appendix_line(position, content)
            return
        if self.in_minutes and self.read_minutes_line(position, content):
            return
        appendix = APPENDIX.match(content)
        if appendix and (self.heading or self.document):
            name = f"Appendix {appendix.group(1).upper()}"
            note = "" if self.has_pages else SLIDES_UNKNOWN
            self.appendix = self.add(self.prefix() + name, "appendix", name, position, note=note)
            return
        if self.read_numbered_line(position, content):
            return
        if not self.covered and not self.in_minutes and self.heading == 0 and not PAGE_NUMBER.match(content):
            self.covered = True
            self.add(self.prefix() + "cover", "cover", content, position)

    def detect_document(self, position: int, content: str) -> bool:
        item = ITEM_START.match(content)
        if item:
            title = next((t for t in _next_nonblank(self.lines, position, 12) if t.isupper() and len(t) > 12), "")
            self.start_document(f"item {int(item.group(1))}", title or content, position)
            return True
        if MINUTES_START.match(content) or (not self.in_minutes and MINUTES_TITLE.match(content)):
            ahead = " ".join([content, *_next_nonblank(self.lines, position, 4)])
            found = DATE_TEXT.search(ahead)
            if found and (MINUTES_START.match(content) or re.search(r"\b(?:Panel|Committee|Board)\b", ahead[: found.start()])):
                self.start_document(f"minutes of {short_date(*found.groups())}", _title(ahead[: found.end()]), position)
                self.in_minutes = True
                return True
        if REPORT_START.match(content):
            ahead = _next_nonblank(self.lines, position, 16)
            dated = next((DATE_TEXT.search(t) for t in ahead if t.lower().startswith("date of report") and DATE_TEXT.search(t)), None)
            if dated:
                self.start_document(f"Panel report of {short_date(*dated.groups())}", content, position)
                return True
        if LETTER_GREETING.match(content) and self.document is not None:
            before = [c.strip() for _, _, _, c in self.lines[max(0, position - 6) : position] if c.strip()]
            dated = next((DATE_TEXT.fullmatch(t) for t in reversed(before) if DATE_TEXT.fullmatch(t)), None)
            if dated:
                # The letterhead (sender, address, date) is printed above the greeting.
                head = next((p for p in range(max(0, position - 40), position) if "Office of the" in self.lines[p][3]), position)
                self.start_document(f"letter of {short_date(*dated.groups())}", content, head)
                return True
        return False

    def read_minutes_line(self, position: int, content: str) -> bool:
        attendance = ATTENDANCE.match(content)
        if attendance:
            name = f"{attendance.group(1).lower()} present"
            note = f"printed inside minute {self.minute} in the stored text (page layout)" if self.minute else ""
            self.add(self.prefix() + name, "attendance", name.capitalize(), position, note=note)
            return True
        if ACTION_LOG.match(content):
            self.in_action_log = True
            self.action_rows = 0
            self.add(self.prefix() + "action log", "table", "Action log", position)
            return True
        numbered = NUMBERED.match(content)
        if not numbered:
            return False
        number, rest = int(numbered.group(1)), numbered.group(2) or ""
        if self.in_action_log:
            if number == self.action_rows + 1:
                self.action_rows = number
                self.add(self.prefix() + f"action log, row {number}", "row", rest, position)
                return True
            return False
        if (self.minute == 0 and number >= 2 and rest[:1].isupper()) or (self.minute and number == self.minute + 1):
            self.minute = number
            self.minute_paragraph = 0
            self.add(self.prefix() + f"minute {number}", "minute", rest, position)
            return True
        if self.minute and number == self.minute_paragraph + 1:
            self.minute_paragraph = number
            self.add(self.prefix() + f"minute {self.minute}, para {number}", "paragraph", rest[:80], position)
            return True
        return False

    def read_appendix_line(self, position: int, content: str) -> None:
        if not self.has_pages:
            return
        number, offset, page, raw = self.lines[position]
        if page != self.slide_page:
            self.slide_page = page
            count = sum(1 for u in self.units if u.kind == "slide" and u.unit.startswith(self.appendix.unit + ","))
            self.add(f"{self.appendix.unit}, slide {count + 1}", "slide", content, position, column=len(raw) - len(raw.lstrip()))

    def read_numbered_line(self, position: int, content: str) -> bool:
        paragraph = PARAGRAPH.match(content)
        if paragraph:
            parts = tuple(int(p) for p in paragraph.groups()[:3] if p is not None)
            if self.accepts_paragraph(parts):
                if parts[0] != self.heading:
                    self.heading = parts[0]
                self.paragraph = parts
                self.point = 0
                name = "para " + ".".join(str(p) for p in parts)
                column = content.index(paragraph.group(1))
                self.add(self.prefix() + name, "paragraph", paragraph.group(4), position, column=column, depth=len(parts))
                return True
        numbered = NUMBERED.match(content)
        if (
            numbered
            and self.paragraph
            and int(numbered.group(1)) == self.point + 1
            and numbered.group(2)
            and not numbered.group(2).isupper()
        ):
            self.point += 1
            name = "para " + ".".join(str(p) for p in self.paragraph) + f", point {self.point}"
            self.add(self.prefix() + name, "point", numbered.group(2)[:80], position)
            return True
        heading = HEADING.match(content)
        if heading:
            number, dot, title = int(heading.group(1)), heading.group(2), heading.group(3) or ""
            restart = number == 1 and self.heading >= 2 and bool(dot)
            if number != self.heading + 1 and not restart:
                return False
            if not title:
                if not dot:
                    return False
                ahead = _next_nonblank(self.lines, position, 1)
                title = ahead[0] if ahead else ""
            if not title or PARAGRAPH.match(title) or not (title[:1].isupper()) or title.endswith((",", ";")):
                return False
            if not dot and not (title.isupper() or number > 1 or self.document is not None):
                return False
            if restart:
                if not title.isupper() or not any(re.match(r"^1\.1\b", t) for t in _next_nonblank(self.lines, position, 3)):
                    return False
                part = 1 + sum(1 for u in self.units if u.kind == "document" and u.unit.startswith("part "))
                self.start_document(f"part {part + 1}", title, position)
                self.document.note = (
                    f"the numbering starts again at 1 here with no agenda item heading before it (a second report?); "
                    f"its units are named 'part {part + 1}, …'"
                )
            self.heading = number
            self.paragraph = None
            self.point = 0
            self.covered = True
            self.add(self.prefix() + f"section {number}", "heading", title, position)
            return True
        return False

    def accepts_paragraph(self, parts: tuple[int, ...]) -> bool:
        """A paragraph number continues the sequence: same or next section, next number."""
        if parts[0] not in (self.heading, self.heading + 1) or parts[0] == 0 or parts[1] == 0:
            return False
        previous = self.paragraph
        if previous is None or previous[0] != parts[0]:
            return parts[1] <= 2 and len(parts) == 2
        if len(parts) == 3:
            if len(previous) == 3 and previous[:2] == parts[:2]:
                return parts[2] <= previous[2] + 2
            return parts[1] in (previous[1], previous[1] + 1) and parts[2] == 1
        # A paragraph may be printed twice (a typing slip): accept the same number again.
        return previous[1] <= parts[1] <= previous[1] + 3

    def close_spans(self) -> None:
        """Each unit ends where the next unit at its level or above begins, and never past the next document."""
        end_of_text = len(self.text)
        limits, next_document = [end_of_text] * len(self.units), end_of_text
        for position in range(len(self.units) - 1, -1, -1):
            limits[position] = next_document
            if self.units[position].kind == "document":
                next_document = self.units[position].start
        for position, unit in enumerate(self.units):
            unit.end = end_of_text if unit.kind == "document" else limits[position]
            for later in self.units[position + 1 :]:
                if later.start >= unit.end:
                    break
                if later.depth <= unit.depth or (unit.kind in ("attendance", "row", "table") and later.kind in ("minute", "attendance")):
                    unit.end = later.start
                    break
        for unit in self.units:
            if unit.kind == "point":
                unit.end = self.point_end(unit)
        open_units: list[Unit] = []
        for unit in self.units:
            open_units = [u for u in open_units if u.end > unit.start]
            holder = next((u for u in reversed(open_units) if u.depth < unit.depth and u.start <= unit.start and unit.end <= u.end), None)
            unit.parent = holder.unit if holder else ""
            open_units.append(unit)

    def point_end(self, unit: Unit) -> int:
        """A numbered point runs on over continuation lines, not into the paragraph's next sentence.

        A line starting with a capital ends the point unless the line before stops mid-sentence.
        """
        previous = ""
        for _, offset, _, content in self.lines[unit.line - 1 :]:
            if offset >= unit.end:
                break
            stripped = content.strip()
            if not stripped:
                continue
            if previous and stripped[:1].isupper() and not MID_SENTENCE.search(previous):
                return offset
            previous = stripped
        return unit.end

    def has_text(self, unit: Unit) -> bool:
        """True when the unit prints words of its own (not only page numbers or bullets)."""
        body = self.text[unit.start : unit.end]
        first, _, rest = body.partition("\n")
        own = re.sub(r"^\s*\d+(?:\.\d+)*\.?", "", first)
        lines = [line for line in [own, *rest.split("\n")] if line.strip()]
        return any(not PAGE_NUMBER.match(line) and not BULLET_ONLY.match(line) for line in lines)

    def mark_irregular_numbering(self) -> None:
        paragraphs = [u for u in self.units if u.kind == "paragraph"]
        seen: dict[str, list[Unit]] = {}
        for unit in paragraphs:
            seen.setdefault(normalise(unit.unit), []).append(unit)
        for units in seen.values():
            if len(units) > 1:
                lines = ", ".join(str(u.line) for u in units)
                for unit in units:
                    unit.note = _join(
                        unit.note, f"this number is printed {len(units)} times (lines {lines}); name the heading in brackets to cite one"
                    )
        run: list[Unit] = []
        for unit in paragraphs + [None]:
            if unit is not None and not self.has_text(unit) and unit.kind == "paragraph":
                run.append(unit)
                continue
            if run:
                group = run + ([unit] if unit is not None else [])
                numbers = ", ".join(u.unit.rsplit("para ", 1)[-1] for u in group)
                for member in group:
                    member.note = _join(
                        member.note,
                        f"paragraphs {numbers} are printed one after another with no text between them; the text that follows may belong to any of them: cite them as a range",
                    )
                run = []
        for before, after in zip(paragraphs, paragraphs[1:], strict=False):
            body = self.text[before.start : before.end].rstrip()
            last = body.rsplit("\n", 1)[-1]
            if BULLET_ONLY.match(last) and before.parent == after.parent:
                note = (
                    f"{before.unit.rsplit('para ', 1)[-1]} ends with a bullet whose text is printed after the number "
                    f"{after.unit.rsplit('para ', 1)[-1]}; the boundary between them is uncertain: cite them as a range"
                )
                before.note = _join(before.note, note)
                after.note = _join(after.note, note)


def _join(first: str, second: str) -> str:
    return f"{first}; {second}" if first else second


def build_index(text: str) -> PaperIndex:
    """The section index of a paper's stored text."""
    return _Builder(text).build()


def index_path(text_path: Path) -> Path:
    """Where a paper's index is stored: beside its text, <name>.index.csv."""
    text_path = Path(text_path)
    return text_path.with_name(text_path.stem + INDEX_SUFFIX)


def index_csv(index: PaperIndex) -> str:
    """The index as CSV text (stable, so a rebuild of unchanged text gives the same bytes)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=INDEX_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for unit in index.units:
        writer.writerow(unit.row())
    return buffer.getvalue()


def read_index(path: Path) -> PaperIndex:
    """A stored index read back."""
    units = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            units.append(
                Unit(
                    unit=row["unit"],
                    kind=row["kind"],
                    label=row["label"],
                    parent=row["parent"],
                    start=int(row["start"]),
                    end=int(row["end"]),
                    line=int(row["line"]),
                    page=int(row["page"]) if row["page"] else None,
                    note=row["note"],
                    depth=LEVELS.get(row["kind"], 2)
                    + (row["unit"].rsplit("para ", 1)[-1].count(".") - 1 if row["kind"] == "paragraph" else 0),
                )
            )
    return PaperIndex(units=units, has_pages=any(u.page is not None for u in units))


def write_index(text_path: Path) -> tuple[Path, PaperIndex, bool]:
    """Rebuild and store the index of the paper at `text_path`.

    Returns the index path, the index, and whether the stored file changed. The file is
    left read-only, like the text it indexes.
    """
    text_path = Path(text_path)
    index = build_index(text_path.read_text(encoding="utf-8"))
    target = index_path(text_path)
    content = index_csv(index)
    if target.exists() and target.read_text(encoding="utf-8") == content:
        return target, index, False
    if target.exists():
        target.chmod(0o644)
    target.write_text(content, encoding="utf-8")
    target.chmod(0o444)
    return target, index, True
