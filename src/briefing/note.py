"""The note a scrutiny officer signs off: the five-minute briefing at the top of every page.

A note holds, in this order: the item (who presents it, what the Panel is asked to do and
its remit), last time (what the Panel decided or recommended when it last considered the
topic, and whether that was answered), three to five key issues (each saying whose claim
it is), five or six ranked lines of enquiry (each with a follow-up and the evidence that
prompts it), a short list of data to ask for before the meeting, and the options open to
the Panel.

Each topic module drafts its lines from the data as the records below; their words are
macros in the kind's `note.html.j2` template. The officer's own lines are rows of
data/note_lines.csv, validated like any other dataset: an officer's row adds a line,
rewords a drafted one (same `line_id`) or drops it (`drop` true), and its rank wins.
`assemble` applies those rows and ranks the result; nothing about the note is decided
while a page renders.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import pandas as pd
from markupsafe import Markup

# Whose claim a key issue is: the report's, a member's at a meeting, another paper's, the law
# (the statute or regulations the evidence section cites), or our reading of the papers
# (shared/note.html.j2 words each).
WHOSE = ("report", "member", "paper", "law", "reading")

# The parts of the Commissioner's role a line of enquiry can be addressed to: holding the
# Chief Constable to account, commissioning, engagement, the Plan, the budget and precept.
ROLES = ("accountability", "commissioning", "engagement", "plan", "finance")

# Parts of a note that the officer's rows in note_lines.csv can add to or change.
PARTS = ("key_issue", "enquiry", "request")

KEY_ISSUES = (3, 5)  # fewest and most key issues a note carries
ENQUIRIES = (5, 6)  # fewest and most ranked lines of enquiry


@dataclass(frozen=True)
class Cite:
    """Where a claim is printed: a paper and the paragraph, minute, slide or table."""

    source_id: str
    section: str

    @classmethod
    def of(cls, row) -> Cite:
        """The citation of a data row (any mapping with source_id and section)."""
        return cls(str(row["source_id"]), str(row["section"]))


@dataclass(frozen=True)
class Line:
    """One line of a note: a key issue, a line of enquiry or a request for data.

    `text` is the key issue, the question or the request, in members' words. A line of
    enquiry has a `follow_up` to ask if the first answer is vague or reassuring, the
    `prompt` (the evidence that prompts it) and the part of the Commissioner's `role` it
    is addressed to. A key issue says `whose` claim it is (a key of WHOSE) and which
    evidence section (`evidence`, a heading id) it draws on. `origin` is 'drafted' for a
    line drafted from the data, 'officer' for a row of note_lines.csv.
    """

    part: str
    line_id: str
    rank: int
    text: Markup
    cites: tuple[Cite, ...] = ()
    whose: str = ""
    follow_up: Markup = Markup("")
    prompt: Markup = Markup("")
    role: str = ""
    evidence: str = ""
    origin: str = "drafted"

    def __post_init__(self):
        if self.part not in PARTS:
            raise ValueError(f"unknown note part {self.part!r}: expected one of {', '.join(PARTS)}")
        if self.part == "key_issue" and self.whose not in WHOSE:
            raise ValueError(f"key issue {self.line_id!r} must say whose claim it is ({', '.join(WHOSE)}), not {self.whose!r}")
        if self.part == "enquiry" and self.role and self.role not in ROLES:
            raise ValueError(f"line of enquiry {self.line_id!r}: unknown role {self.role!r}")


@dataclass(frozen=True)
class Option:
    """A course open to the Panel on this item and what it leads to."""

    option_id: str
    text: Markup
    leads_to: Markup = Markup("")
    cites: tuple[Cite, ...] = ()


@dataclass(frozen=True)
class Item:
    """The item: its title and number, who presents it, what the Panel is asked to do
    (`asked_to`: note, review, recommend or veto) and its remit, each with its citations."""

    title: str = ""
    number: str = ""
    presenter: str = ""
    asked_to: str = ""
    ask_as_printed: str = ""
    remit_as_printed: str = ""
    power: str = "scrutiny"  # 'precept_veto' for the precept, else the general duty to scrutinise
    presenter_cites: tuple[Cite, ...] = ()
    ask_cites: tuple[Cite, ...] = ()
    remit_cites: tuple[Cite, ...] = ()


@dataclass(frozen=True)
class LastTime:
    """When the Panel last considered this topic: its `decisions`, and the recommendations,
    actions and undertakings it made, split by whether a paper shows them answered
    (`answered` rows) or not (`unanswered` rows)."""

    meeting_date: object = None
    answered: tuple[dict, ...] = ()
    unanswered: tuple[dict, ...] = ()
    decisions: tuple[dict, ...] = ()  # what the Panel decided, apart from what it asked of others

    @property
    def requests(self) -> tuple[dict, ...]:
        """Every recommendation, action and undertaking made, answered ones first."""
        return self.answered + self.unanswered

    @property
    def answered_share(self) -> str:
        """How many of the requests a paper answers: 'all', 'none', 'some' ('' when none was made)."""
        if not self.requests:
            return ""
        if not self.unanswered:
            return "all"
        return "some" if self.answered else "none"


@dataclass(frozen=True)
class Note:
    """Everything the note says, chosen and ranked before the page renders."""

    item: Item
    last_time: LastTime
    key_issues: tuple[Line, ...]
    enquiries: tuple[Line, ...]
    requests: tuple[Line, ...]
    options: tuple[Option, ...]
    draft: tuple[str, ...] = field(default=())  # why the note is a draft, if it is

    def lines(self) -> tuple[Line, ...]:
        """Every line in the order the note shows them."""
        return self.key_issues + self.enquiries + self.requests


def officer_lines(rows: pd.DataFrame) -> list[dict]:
    """The officer's rows of note_lines.csv for one meeting and briefing, as dicts."""
    return rows.sort_values(["part", "rank", "line_id"]).to_dict("records") if len(rows) else []


def assemble(drafted: list[Line], officer: list[dict]) -> list[Line]:
    """Apply the officer's rows to the drafted lines and rank the result.

    The ranking rule: an officer's row replaces the drafted line with the same `line_id`
    (its words, follow-up and rank win; a blank follow-up keeps the drafted one) or drops
    it (`drop` true); a row with a new `line_id` adds a line. Lines are then ordered by
    rank, an officer's line before a drafted line of the same rank, then by line id, and
    renumbered 1, 2, 3… within each part.
    """
    by_id = {(line.part, line.line_id): line for line in drafted}
    for row in officer:
        key = (row["part"], row["line_id"])
        if bool(row.get("drop")):
            by_id.pop(key, None)
            continue
        base = by_id.get(key)
        cites = (Cite.of(row),) if isinstance(row.get("source_id"), str) and row["source_id"] else ()
        follow_up = row.get("follow_up")
        follow_up = Markup.escape(follow_up) if isinstance(follow_up, str) and follow_up else (base.follow_up if base else Markup(""))
        whose = row.get("whose") if isinstance(row.get("whose"), str) and row.get("whose") else (base.whose if base else "reading")
        by_id[key] = Line(
            part=row["part"],
            line_id=row["line_id"],
            rank=int(row["rank"]),
            text=Markup.escape(row["text"]),
            cites=cites or (base.cites if base else ()),
            whose=whose if row["part"] == "key_issue" else "",
            follow_up=follow_up,
            prompt=base.prompt if base else Markup(""),
            role=row.get("role") if isinstance(row.get("role"), str) and row.get("role") else (base.role if base else ""),
            evidence=base.evidence if base else "",
            origin="officer",
        )
    ranked = sorted(by_id.values(), key=lambda line: (PARTS.index(line.part), line.rank, line.origin != "officer", line.line_id))
    result, counters = [], dict.fromkeys(PARTS, 0)
    for line in ranked:
        counters[line.part] += 1
        result.append(replace(line, rank=counters[line.part]))
    return result


def of_part(lines: list[Line], part: str) -> tuple[Line, ...]:
    """The lines of one part, in rank order."""
    return tuple(line for line in lines if line.part == part)


def frame(lines) -> pd.DataFrame:
    """Lines as a frame for the analyst: part, rank, id, origin, words and citations."""
    columns = ["part", "rank", "line_id", "origin", "whose", "role", "text", "follow_up", "prompt", "cites"]
    rows = []
    for line in lines:
        row = asdict(line)
        row["cites"] = "; ".join(f"{c['source_id']}, {c['section']}" for c in row["cites"])
        for name in ("text", "follow_up", "prompt"):
            row[name] = Markup(row[name]).striptags()
        rows.append({name: row[name] for name in columns})
    return pd.DataFrame(rows, columns=columns)
