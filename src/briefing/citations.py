"""Citations checked to the paragraph: a row's `section` resolved to units of its paper's index.

A `section` is written as a reader would cite it, and read here as locators separated by
commas, outermost first: `item 7, para 6.2`, `minutes of 1 Feb 2023, minute 45, para 3`,
`paras 7.1-7.2`, `item 8, para 7.1 and Appendix A`. Words in brackets are a note for the
reader (`para 5.4 (completed deliverables)`); where the paper prints the same number twice,
the note picks the unit whose heading it names. Plural and range forms are read as the
reader means them: `minutes 42 and 43`, `paras 10.3-10.4` (one span, from the first
paragraph's start to the last one's end).

`resolve` returns the spans of text the citation covers, or the reason it does not
resolve. `check` loads every paper's stored index (and fails when it is missing or out of
date), then checks every row of every dataset: its `section` must resolve, and a printed
figure must occur inside the cited span; otherwise the failure names where the figure is
printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from briefing.errors import Failure
from briefing.paper_index import PaperIndex, Unit, build_index, index_csv, index_path, normalise, read_index
from briefing.printed import printed_at

KEYWORD = re.compile(r"\s+(?=paras?\b|paragraphs?\b|minutes?\s+\d|slides?\s+\d|points?\s+\d|rows?\s+\d|appendix\s)", re.IGNORECASE)
ITEMS = re.compile(r"^items?\s+(\d+)\s*(?:-|–|to)\s*(\d+)$")
RANGE = re.compile(r"^(?:paras?|paragraphs?|sections?)\s+(\d+(?:\.\d+)*)\s*(?:-|–|to)\s*(\d+(?:\.\d+)*)$")
PARAGRAPH = re.compile(r"^(?:paras?|paragraphs?|sections?)\s+(\d+(?:\.\d+)+)$")
WHOLE_NUMBER = re.compile(r"^(paras?|paragraphs?|sections?)\s+(\d+)$")
MINUTES = re.compile(r"^minutes?\s+(\d+)((?:\s*(?:,|and)\s*\d+)*)$")
SLIDE = re.compile(r"^slides?\s+(\d+)$")
COVER_WORDS = {"cover", "report cover", "header", "front page", "title page"}


@dataclass
class Resolution:
    """What a `section` covers in its paper: units and character spans, or why it does not resolve."""

    units: list[list[Unit]] = field(default_factory=list)
    error: str | None = None

    @property
    def spans(self) -> list[tuple[int, int]]:
        return [(group[0].start, group[-1].end) for group in self.units]

    @property
    def names(self) -> list[str]:
        return [group[0].unit if len(group) == 1 else f"{group[0].unit} to {group[-1].unit}" for group in self.units]


@dataclass
class Paper:
    """A registered paper's stored text and its section index."""

    source_id: str
    text: str
    index: PaperIndex


def split_top_level(text: str, separator: str = ",") -> list[str]:
    """`text` split on `separator` outside brackets."""
    parts, depth, current = [], 0, ""
    for character in text:
        depth += character == "("
        depth -= character == ")"
        if character == separator and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += character
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def strip_notes(part: str) -> tuple[str, list[str]]:
    """A locator without its bracketed notes, and the notes."""
    notes, depth, kept, note = [], 0, "", ""
    for character in part:
        if character == "(":
            if depth:
                note += character
            depth += 1
            continue
        if character == ")" and depth:
            depth -= 1
            if depth:
                note += character
            else:
                notes.append(note.strip())
                note = ""
            continue
        if depth:
            note += character
        else:
            kept += character
    return re.sub(r"\s+", " ", kept).strip(), notes


def locators(part: str, in_minute: bool) -> list[tuple[str, str | None]]:
    """A written locator as unit names: (name, last name of a range or None)."""
    text = normalise(part)
    if text in COVER_WORDS:
        return [("cover", None)]
    found = ITEMS.match(text)
    if found:
        return [(f"item {found.group(1)}", f"item {found.group(2)}")]
    found = RANGE.match(text)
    if found:
        kind = "para" if "." in found.group(1) or in_minute else "section"
        return [(f"{kind} {found.group(1)}", f"{kind} {found.group(2)}")]
    found = PARAGRAPH.match(text)
    if found:
        return [(f"para {found.group(1)}", None)]
    found = WHOLE_NUMBER.match(text)
    if found:
        kind = "para" if in_minute else "section"
        return [(f"{kind} {found.group(2)}", None)]
    found = MINUTES.match(text)
    if found:
        numbers = [found.group(1), *re.findall(r"\d+", found.group(2) or "")]
        return [(f"minute {n}", None) for n in numbers]
    found = SLIDE.match(text)
    if found:
        return [(f"slide {found.group(1)}", None)]
    return [(re.sub(r"\s+", " ", part).strip(), None)]


def _pick(candidates: list[Unit], notes: list[str], index: PaperIndex) -> list[Unit]:
    """Among units printed with the same number, the one a bracketed note names."""
    if len(candidates) < 2 or not notes:
        return candidates
    labels = {u.unit: u.label for u in index.units}
    wanted = [normalise(n) for n in notes]
    chosen = [u for u in candidates if any(w and (w in normalise(u.label) or w in normalise(labels.get(u.parent, ""))) for w in wanted)]
    return chosen if len(chosen) == 1 else candidates


def resolve(section: str, index: PaperIndex) -> Resolution:
    """The units a `section` value cites in a paper, or why it cites none."""
    names = index.by_name()
    parts = split_top_level(section or "")
    if not parts:
        return Resolution(error="the section is blank")
    scope: list[str] = []
    for part in parts[:-1]:
        locator, _ = strip_notes(part)
        if not locator:
            return Resolution(error=f"'{part}' names no unit")
        for piece in _pieces(locator):
            scope.extend(name for name, _ in locators(piece, in_minute=_in_minute(scope)))
    result = Resolution()
    for alternative in _alternatives(parts[-1]):
        locator, notes = strip_notes(alternative)
        if not locator:
            return Resolution(error=f"'{alternative}' names no unit")
        pieces = _pieces(locator)
        local = list(scope)
        for piece in pieces[:-1]:
            local.extend(name for name, _ in locators(piece, in_minute=_in_minute(local)))
        local = [_document_by_date(name, index) for name in local]
        prefix = ", ".join(local + [""]) if local else ""
        for first, last in locators(pieces[-1], _in_minute(local)):
            found = names.get(normalise(prefix + _document_by_date(first, index)))
            if not found:
                return Resolution(error=f"the paper's index has no unit '{prefix}{first}'{_nearby(prefix, first, index)}")
            found = _pick(found, notes, index)
            if last is None:
                for unit in found:
                    result.units.append([unit])
                continue
            ends = names.get(normalise(prefix + last))
            if not ends:
                return Resolution(error=f"the paper's index has no unit '{prefix}{last}'{_nearby(prefix, last, index)}")
            start, end = found[0], _pick(ends, notes, index)[-1]
            if end.start < start.start or start.parent != end.parent:
                return Resolution(error=f"'{first}' to '{last}' is not a range of consecutive units")
            result.units.append([start, end])
    return result


def _in_minute(scope: list[str]) -> bool:
    return any(name.startswith("minute ") for name in scope)


def _pieces(locator: str) -> list[str]:
    """'item 8 Appendix A slide 3' → ['item 8', 'Appendix A', 'slide 3']: locators written without commas."""
    return [piece for piece in KEYWORD.split(locator) if piece.strip()]


def _alternatives(part: str) -> list[str]:
    """'minutes 42 and 43' → ['minutes 42', 'minutes 43']; 'para 7.1 and Appendix A' → both."""
    alternatives: list[str] = []
    for piece in split_top_level(re.sub(r"\s+and\s+", ",", part), ","):
        if re.fullmatch(r"\d+(?:\.\d+)*", piece) and alternatives:
            keyword = re.match(r"^\s*([A-Za-z]+)\s", alternatives[-1])
            piece = f"{keyword.group(1)} {piece}" if keyword else piece
        alternatives.append(piece)
    return alternatives


def _document_by_date(name: str, index: PaperIndex) -> str:
    """A document inside a pack named in other words but by its date: 'Panel precept report of
    2 Feb 2023' is the pack's 'Panel report of 2 Feb 2023' when no other document carries that date."""
    if normalise(name) in index.by_name():
        return name
    dated = re.search(r"\bof\s+(\d{1,2} [A-Za-z]{3} \d{4})$", name.strip())
    if not dated:
        return name
    documents = [u.unit for u in index.units if u.kind == "document" and normalise(u.unit).endswith(" of " + normalise(dated.group(1)))]
    return documents[0] if len(documents) == 1 else name


def _nearby(prefix: str, wanted: str, index: PaperIndex) -> str:
    """What a locator that names no unit may have meant: units of its kind in its scope, or why there are none."""
    scope = normalise(prefix)
    kind = wanted.split(" ")[0]
    holder = index.by_name().get(normalise(prefix.rstrip(", ")))
    if holder and holder[0].note:
        return f" ({holder[0].unit}: {holder[0].note})"
    relative = [u.unit[len(prefix) :] for u in index.units if normalise(u.unit).startswith(scope)]
    options = [name for name in relative if "," not in name and name.startswith(kind + " ")]
    if not options:
        options = [name for name in relative if "," not in name] or [u.unit for u in index.units if u.depth == 0]
    options = list(dict.fromkeys(options))
    if len(options) > 10:
        options = options[:3] + ["…"] + options[-4:]
    return f" (units here: {', '.join(options)})" if options else ""


def where_printed(printed: str, paper: Paper) -> list[str]:
    """The innermost units in which a figure is printed, in reading order."""
    places: list[str] = []
    for offset in printed_at(printed, paper.text):
        unit = paper.index.innermost(offset)
        name = unit.unit if unit else "text before the first indexed unit"
        if name not in places:
            places.append(name)
    return places


def within(printed: str, resolution: Resolution, paper: Paper) -> bool:
    """True when the figure is printed inside one of the spans the citation covers."""
    return any(start <= offset < end for offset in printed_at(printed, paper.text) for start, end in resolution.spans)


def load_papers(data_dir: Path, sources) -> tuple[dict[str, Paper], list]:
    """Every registered paper's text and stored index, with failures for missing or stale indexes."""
    papers: dict[str, Paper] = {}
    failures = []
    if sources is None:
        return papers, failures
    frame = sources.frame
    for position, (source_id, file_name) in enumerate(zip(frame["source_id"], frame["file_name"], strict=True)):
        if not file_name:
            continue
        text_path = Path(data_dir) / "raw" / "papers" / file_name
        if not text_path.exists():
            continue  # reported by the trace check's own rules
        text = text_path.read_text(encoding="utf-8")
        stored = index_path(text_path)
        fresh = build_index(text)
        line = [sources.line_of(position)]
        if not stored.exists():
            failures.append(
                Failure(
                    sources.dataset.file,
                    "file_name",
                    f"the paper has no section index (data/raw/papers/{stored.name}); run 'briefing index-papers'",
                    [file_name],
                    line,
                )
            )
            index = fresh
        else:
            if stored.read_text(encoding="utf-8") != index_csv(fresh):
                failures.append(
                    Failure(
                        sources.dataset.file,
                        "file_name",
                        f"the section index data/raw/papers/{stored.name} does not match the paper's text; run 'briefing index-papers'",
                        [file_name],
                        line,
                    )
                )
            index = read_index(stored)
        papers[source_id] = Paper(source_id=source_id, text=text, index=index)
    return papers, failures


def section_failures(table, papers: dict[str, Paper]) -> list:
    """Failures for rows of one dataset whose `section` does not resolve in the paper they cite."""
    frame = table.frame
    if "section" not in frame.columns or "source_id" not in frame.columns:
        return []
    failures = []
    for index, (source_id, section) in enumerate(zip(frame["source_id"], frame["section"], strict=True)):
        paper = papers.get(source_id)
        if paper is None or not section:
            continue  # a dangling source_id or a blank section is reported by the suites
        resolution = resolve(section, paper.index)
        if resolution.error:
            failures.append(
                Failure(
                    table.dataset.file,
                    "section",
                    f"the section does not resolve to a unit of {source_id}: {resolution.error}",
                    [section],
                    [table.line_of(index)],
                )
            )
    return failures
