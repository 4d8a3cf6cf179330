"""Every figure a paper prints, found for the analyst: `briefing candidates ID`.

Each candidate is one printed figure with the unit and page it is printed in (from the
paper's section index), the sentence around it, a guess at its unit (count, percent, gbp,
pence, fte, hours, views, date) and its qualifier ("about" → approximately, "over",
"up to"), and the figures.csv rows that already cite it there. Paragraph numbers, cross
references ("see 9.1", "section 4.3"), web and e-mail addresses, telephone numbers and
postcodes are not figures and are left out; so is the word "one", which papers mostly
use as a pronoun.

`draft_rows` turns the candidates no row cites yet into rows in the layout of
data/figures.csv, read from its header when called, for the analyst to review; nothing
here writes to the datasets.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from briefing.citations import Paper, resolve
from briefing.paper_index import PAGE_BREAK
from briefing.printed import printed_at, squeeze
from briefing.trace import NUMBER_WORDS, numbers_in

MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
NUMBER_WORDS_PATTERN = "|".join(word for word in NUMBER_WORDS if word != "one")
FIGURE = re.compile(
    rf"""
    (?P<date>\b\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTHS}(?:,?\s+\d{{4}})?\b
      |\b{MONTHS},?\s+(?:\d{{1,2}},?\s+)?\d{{4}}\b
      |\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b
      |\b(?:19|20)\d{{2}}(?:\s?[/-]\s?\d{{2,4}})?\b)
    |(?P<gbp>£\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:bn|m|k)\b)?)
    |(?P<percent>(?<![\w.,])\d[\d,]*(?:\.\d+)?(?:\s?[-–]\s?\d+(?:\.\d+)?)?\s?%)
    |(?P<pence>(?<![\w.,])\d+(?:\.\d+)?p\b)
    |(?P<fte>(?<![\w.,])\d+(?:\.\d+)?\s?fte\b)
    |(?P<suffixed>(?<![\w.,£])\d[\d,]*(?:\.\d+)?(?:k|m|bn)\b)
    |(?P<number>(?<![\w,£/])(?<!\d\.)(?<!\d[-–])\d[\d,]*(?:\.\d+)?(?![\w/]|[.,]\d))
    |(?P<word>\b(?:{NUMBER_WORDS_PATTERN})\b)
    """,
    re.IGNORECASE | re.VERBOSE,
)
SPACED_NUMBER = re.compile(r"(?<![\w.])\d(?: ?[.,] ?\d| \d)+(?![\w])")
NOT_FIGURES = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+|\b0\d{3,4}\s\d{3}\s\d{4}\b|\b[A-Z]{1,2}\d{1,2}[A-Z]?\s\d[A-Z]{2}\b|PO Box \d+",
)
REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:section|sections|para|paras|paragraph|paragraphs|item|items|appendix|slide|slides|schedule|ss|s|see|minute|minutes|"
    r"page|pages|no|chapter|part|question|questions|point|round|phase|tier|level|band|act|order|regulations)\.?|\()\s*$",
    re.IGNORECASE,
)
QUALIFIERS = (
    ("just over", r"just\s+over"),
    ("at least", r"at\s+least"),
    ("up to", r"up\s+to"),
    ("over", r"over|more\s+than|in\s+excess\s+of|above"),
    ("under", r"under|less\s+than|fewer\s+than|below|almost|nearly"),
    ("approximately", r"about|around|approximately|approx\.?|c\.|circa|some|roughly|an\s+estimated"),
)
FOLLOWING_UNITS = {"hours": "hours", "hour": "hours", "views": "views", "view": "views"}


@dataclass
class Candidate:
    """One figure printed in a paper."""

    printed: str
    offset: int
    unit: str
    page: int | None
    sentence: str
    guess: str
    qualifier: str
    value: float | None
    cited_by: list[str] = field(default_factory=list)


def _sentence(text: str, start: int, end: int, bounds: tuple[int, int], width: int = 220) -> str:
    """The sentence around a figure, within its unit's `bounds`, on one line, cut to about `width` characters."""
    left = max(
        text.rfind(". ", 0, start), text.rfind("\n\n", 0, start), text.rfind(PAGE_BREAK, 0, start), text.rfind("•", 0, start), bounds[0] - 1
    )
    right_candidates = [p for p in (text.find(". ", end), text.find("\n\n", end), text.find("•", end)) if p != -1]
    right = min(right_candidates + [bounds[1] - 1]) if right_candidates else bounds[1] - 1
    sentence = re.sub(r"\s+", " ", text[left + 1 : right + 1]).strip(" .•")
    if len(sentence) > width:
        middle = sentence.find(re.sub(r"\s+", " ", text[start:end]))
        low = max(0, middle - width // 2)
        sentence = ("…" if low else "") + sentence[low : low + width].strip() + "…"
    return sentence


def _qualifier(text: str, start: int) -> str:
    before = re.sub(r"\s+", " ", text[max(0, start - 30) : start]).lower()
    for name, pattern in QUALIFIERS:
        if re.search(rf"(?:^|\W)(?:{pattern})\s*$", before):
            return name
    return "exact"


def _guess(kind: str, printed: str, text: str, end: int) -> str:
    if kind in ("date", "gbp", "percent", "pence", "fte"):
        return kind
    following = re.match(r"\s*([A-Za-z]+)", text[end : end + 20])
    if following and following.group(1).lower() in FOLLOWING_UNITS:
        return FOLLOWING_UNITS[following.group(1).lower()]
    return "count"


def _value(kind: str, printed: str) -> float | None:
    if kind == "date":
        return None
    if kind == "word":
        return float(NUMBER_WORDS[printed.lower()])
    numbers = numbers_in(printed)
    if not numbers:
        return None
    has_multiplier = re.search(r"\d\s?(?:k|m|bn)\b", printed, re.IGNORECASE)
    return numbers[1] if has_multiplier and len(numbers) > 1 else numbers[0]


def _excluded_spans(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in NOT_FIGURES.finditer(text)]


def _spaced_lines(text: str) -> list[tuple[int, int]]:
    """Spans of lines whose letters are spaced out (slide text), where figures read '9 . 6 2'."""
    spans, offset = [], 0
    for line in text.split("\n"):
        tokens = line.split()
        if len(tokens) >= 10 and sum(len(t) == 1 for t in tokens) / len(tokens) > 0.6:
            spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    return spans


def find_candidates(paper: Paper) -> list[Candidate]:
    """Every figure printed in a paper, in reading order, with its unit and page."""
    text, index = paper.text, paper.index
    excluded = _excluded_spans(text)
    markers = {u.start for u in index.units if u.kind in ("paragraph", "heading", "point", "row", "minute")}
    found: list[tuple[int, int, str, str]] = []
    spaced = _spaced_lines(text)
    for low, high in spaced:
        for match in SPACED_NUMBER.finditer(text, low, high):
            found.append((match.start(), match.end(), "number", squeeze(match.group())))
    for match in FIGURE.finditer(text):
        start, end = match.span()
        if any(low <= start < high for low, high in spaced) and match.lastgroup in ("number", "word"):
            continue
        if any(low <= start < high for low, high in excluded):
            continue
        if start in markers or any(m <= start < m + 8 and re.match(r"\s*\d+(?:\.\d+)*\.?\s*$", text[m:end]) for m in markers):
            continue
        if match.lastgroup in ("number", "word") and REFERENCE_BEFORE.search(text[max(0, start - 25) : start]):
            continue
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        if (
            match.lastgroup == "number"
            and not text[line_start:start].strip(" \f")
            and not text[end : line_end if line_end != -1 else None].strip()
        ):
            continue  # a number alone on its line is a page or slide number
        if (
            match.lastgroup == "date"
            and re.fullmatch(r"\d{4}", match.group())
            and re.search(r"\b(?:Act|Order|Regulations)\s*$", text[:start])
        ):
            continue
        found.append((start, end, match.lastgroup, re.sub(r"\s+", " ", match.group()).strip()))
    candidates = []
    for start, end, kind, printed in sorted(found):
        unit = index.innermost(start)
        candidates.append(
            Candidate(
                printed=printed,
                offset=start,
                unit=unit.unit if unit else "",
                page=(text.count(PAGE_BREAK, 0, start) + 1) if index.has_pages else None,
                sentence=_sentence(text, start, end, (unit.start, unit.end) if unit else (0, len(text))),
                guess=_guess(kind, printed, text, end),
                qualifier=_qualifier(text, start) if kind != "date" else "",
                value=_value(kind, printed),
            )
        )
    return candidates


def mark_cited(candidates: list[Candidate], paper: Paper, figures_csv: Path) -> None:
    """Fill each candidate's `cited_by` with the figures.csv rows that cite it where it is printed."""
    with open(figures_csv, encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row.get("source_id") == paper.source_id and row.get("as_printed")]
    for row in rows:
        offsets = printed_at(row["as_printed"], paper.text)
        resolution = resolve(row.get("section") or "", paper.index)
        if not resolution.error:
            offsets = [o for o in offsets if any(low <= o < high for low, high in resolution.spans)]
        for offset in offsets:
            end = offset + len(row["as_printed"])
            for candidate in candidates:
                if candidate.offset < end and offset < candidate.offset + len(candidate.printed) + 2:
                    if row["figure_id"] not in candidate.cited_by:
                        candidate.cited_by.append(row["figure_id"])


def draft_rows(candidates: list[Candidate], header: list[str], source_id: str, public_date: str) -> list[dict[str, str]]:
    """Rows in the figures.csv layout (`header`) for the candidates no row cites yet (dates left out)."""
    rows = []
    stem = re.sub(r"[^a-z0-9]+", "_", source_id.lower()).strip("_")
    for number, candidate in enumerate(candidates, start=1):
        if candidate.cited_by or candidate.guess == "date":
            continue
        values = {
            "figure_id": f"draft_{stem}_{number:03d}",
            "label": candidate.sentence[:160],
            "value": "" if candidate.value is None else f"{candidate.value:g}",
            "unit": candidate.guess,
            "qualifier": candidate.qualifier or "exact",
            "as_printed": candidate.printed,
            "note": "Draft from briefing candidates: check the figure, label, unit and qualifier against the paper.",
            "source_id": source_id,
            "section": candidate.unit,
            "public_date": public_date,
        }
        rows.append({column: values.get(column, "") for column in header})
    return rows
