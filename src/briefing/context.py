"""The briefing a notebook is assembling: its meeting, its data as of the meeting, its
citations, flags and questions. Notebooks open one with `open_briefing` and call its
section builders; the per-topic modules (precept, comms, communities, culture) add theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from markupsafe import Markup

from briefing import rules
from briefing.components import Html, badge, bullet_list, flag, join, paragraph, tag
from briefing.config import Paths
from briefing.datasets import Data, load_data
from briefing.formatting import as_date, long_date, short_date

BRIEFING_TITLES = {
    "precept": "Precept briefing",
    "comms": "Communications and engagement briefing",
    "communities": "Communities briefing",
    "culture": "Culture Statement briefing",
}
BODY = "Cambridgeshire Police and Crime Panel"


@dataclass
class Question:
    """A question members may wish to ask, with the figure that prompted it."""

    text: str
    prompted_by: str
    citation: Markup = Markup("")


@dataclass
class Briefing:
    """One briefing being assembled for one meeting."""

    kind: str
    meeting_date: date
    parameters: dict
    data: Data  # rows public on or before the meeting
    everything: Data  # every row, for the meeting's own agenda
    paths: Paths
    previous_meeting: date | None
    citations: list[tuple[str, str]] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)

    # ----- sources -------------------------------------------------------------------------

    def source(self, source_id: str) -> dict:
        """The register entry of a paper."""
        sources = self.everything.unfiltered("sources")
        row = sources[sources["source_id"] == source_id]
        if row.empty:
            raise KeyError(f"unknown source_id {source_id!r}")
        return row.iloc[0].to_dict()

    def source_name(self, source_id: str) -> str:
        """'Panel paper, 15 Mar 2023, item 6: The Commissioner's approach...'."""
        entry = self.source(source_id)
        body = "Panel paper" if entry["body"] == "panel" else "Business Coordination Board paper"
        when = short_date(entry["date"]) + (" (date estimated)" if entry["date_estimated"] else "")
        item = f", item {entry['agenda_item']}" if isinstance(entry.get("agenda_item"), str) and entry["agenda_item"] else ""
        return f"{body}, {when}{item}: {entry['title']}"

    def cite(self, source_id: str, section: str) -> Markup:
        """A numbered footnote marker for a figure; the source list shows the paper and section."""
        key = (str(source_id), str(section))
        if key not in self.citations:
            self.citations.append(key)
        number = self.citations.index(key) + 1
        return tag("sup", tag("a", f"[{number}]", href=f"#source-{number}", aria_label=f"Source {number}"), class_="cite")

    def cite_row(self, row) -> Markup:
        """Footnote for a dataset row (uses its source_id and section)."""
        return self.cite(row["source_id"], row["section"])

    def source_text(self, source_id: str, section: str) -> str:
        """Plain-text citation: paper and section."""
        return f"{self.source_name(source_id)}, {section}"

    def sources(self) -> Html:
        """The numbered list of every source cited so far."""
        if not self.citations:
            return paragraph("No figures from the papers are cited in this briefing.")
        items = []
        explained: set[str] = set()
        for number, (source_id, section) in enumerate(self.citations, start=1):
            entry = self.source(source_id)
            note = ""
            if entry["date_estimated"] and isinstance(entry.get("date_note"), str) and source_id not in explained:
                note = " The date of this paper is estimated: " + entry["date_note"]
                explained.add(source_id)
            items.append(tag("li", join([self.source_name(source_id), ", ", section, ".", note]), id=f"source-{number}"))
        intro = paragraph(
            "Each number in square brackets links here. The papers are kept, as extracted text, in the workbook's data folder "
            "under the file names in its register of sources."
        )
        return intro + Html(tag("div", tag("ol", Markup("").join(items)), class_="sources"))

    # ----- the meeting ---------------------------------------------------------------------

    def agenda_item(self) -> dict | None:
        """This briefing's agenda item at this meeting, from the agenda."""
        items = self.everything.unfiltered("agenda_items")
        mine = items[(items["meeting_date"] == pd.Timestamp(self.meeting_date)) & (items["briefing"] == self.kind)]
        return mine.iloc[0].to_dict() if not mine.empty else None

    def meeting(self) -> dict | None:
        """The meeting's row from meetings.csv."""
        meetings = self.everything.unfiltered("meetings")
        row = meetings[meetings["meeting_date"] == pd.Timestamp(self.meeting_date)]
        return row.iloc[0].to_dict() if not row.empty else None

    def figures_as_at(self) -> date | None:
        """The latest date on which a paper this briefing can use became public."""
        latest = self.data.latest_public_date()
        return as_date(latest) if latest is not None else None

    def header(self) -> Html:
        """Title block: Panel, meeting date, agenda item, figures as at, papers due."""
        item = self.agenda_item()
        meeting = self.meeting() or {}
        agenda = "not on the agenda in the papers"
        given = str(self.parameters.get("agenda_item") or "").strip()
        if item:
            if given:
                agenda = f"Item {given}: {item['title']}"
            elif pd.notna(item.get("item_number")):
                agenda = f"Item {int(item['item_number'])}: {item['title']}"
            elif pd.notna(item.get("minute_number")):
                agenda = f"Minute {int(item['minute_number'])} (agenda item number not printed): {item['title']}"
            else:
                agenda = item["title"]
        as_at = self.figures_as_at()
        venue = meeting.get("venue") if isinstance(meeting.get("venue"), str) else "not printed"
        time = meeting.get("start_time") if isinstance(meeting.get("start_time"), str) else "not printed"
        facts = [
            ("Meeting", f"{BODY}, {long_date(self.meeting_date)}, {time}, {venue}"),
            ("Agenda item", agenda),
            ("Figures as at", f"{long_date(as_at)} (only papers public by the meeting date are used)" if as_at else "no papers yet"),
            (
                "Briefing due",
                f"{long_date(rules.papers_due(self.meeting_date))} (papers are published five clear working days before the meeting)",
            ),
        ]
        meta = Markup("").join(tag("div", tag("dt", k + ":") + tag("dd", v)) for k, v in facts)
        return Html(
            tag("p", BODY, class_="meta")
            + tag("h1", f"{BRIEFING_TITLES[self.kind]}: {long_date(self.meeting_date)}")
            + tag("dl", meta, class_="meta")
        )

    # ----- figures ------------------------------------------------------------------------------

    def figure(self, measure_key: str) -> dict | None:
        """The latest public row stating `measure_key` (None when no paper has printed it yet)."""
        frame = self.data.table("figures")
        rows = frame[frame["measure_key"] == measure_key]
        if rows.empty:
            return None
        rows = rows.assign(_when=rows["period_end"].fillna(rows["public_date"]))
        return rows.sort_values(["_when", "public_date", "figure_id"]).iloc[-1].to_dict()

    def value(self, measure_key: str) -> float | None:
        """The number of the latest row stating `measure_key`."""
        row = self.figure(measure_key)
        return None if row is None else float(row["value"])

    def say(self, measure_key: str, missing: str = "not printed in the papers available by this meeting") -> Markup:
        """A figure in words with its citation and a 'Dated' label when old; or `missing`."""
        from briefing.formatting import figure_text

        row = self.figure(measure_key)
        if row is None:
            return Markup(tag("em", missing))
        text = figure_text(row["value"], row["unit"], row["qualifier"])
        return tag("strong", text) + self.cite_row(row) + self.dated_badge(row)

    def figure_history(self, measure_key: str) -> pd.DataFrame:
        """Every public row stating `measure_key`, oldest first (one per paper that prints it)."""
        frame = self.data.table("figures")
        return frame[frame["measure_key"] == measure_key].sort_values(["public_date", "figure_id"])

    def dated_rows(self, briefing: str) -> pd.DataFrame:
        """One briefing's public figures more than 12 months older than the meeting, oldest first."""
        frame = self.figure_rows(briefing=briefing)
        return frame[[self.dated(row.to_dict()) for _, row in frame.iterrows()]]

    def figure_rows(self, topic: str | None = None, briefing: str | None = None) -> pd.DataFrame:
        """Public figures of one topic and/or briefing, oldest first."""
        frame = self.data.table("figures")
        if topic is not None:
            frame = frame[frame["topic"] == topic]
        if briefing is not None:
            frame = frame[frame["briefing"] == briefing]
        return frame.sort_values(["public_date", "figure_id"])

    # ----- flags and questions ---------------------------------------------------------------

    def dated(self, row) -> bool:
        """True when the row's figure is more than 12 months older than the meeting."""
        return rules.is_dated(rules.figure_date(row), self.meeting_date)

    def dated_badge(self, row) -> Markup:
        """'Dated' label with the figure's date, or nothing for a current figure."""
        if not self.dated(row):
            return Markup("")
        when = rules.figure_date(row)
        label = f"Dated: {short_date(when)}"
        if not isinstance(row.get("period_end"), pd.Timestamp) or pd.isna(row.get("period_end")):
            entry = self.source(row["source_id"])
            if entry["date_estimated"]:
                label = f"Dated: about {when.strftime('%b %Y')} (paper's date estimated)"
        return Markup(" ") + badge(label, "dated")

    def ask(self, text: str, prompted_by: str, row=None) -> None:
        """Add a question members may wish to ask, citing what prompted it."""
        citation = self.cite_row(row) if row is not None else Markup("")
        if all(q.text != text for q in self.questions):
            self.questions.append(Question(text, prompted_by, citation))

    def questions_list(self) -> Html:
        """The generated questions, each with the figure that prompted it."""
        if not self.questions:
            return paragraph("The rules found nothing in this briefing's figures that calls for a question.")
        items = [
            tag("li", tag("span", q.text) + tag("span", join(["Prompted by: ", q.prompted_by, q.citation]), class_="prompted-by"))
            for q in self.questions
        ]
        return Html(tag("div", tag("ol", Markup("").join(items)), class_="questions"))

    def contradiction_flags(self, frame: pd.DataFrame, key: str, value: str, render_value, label: str, noun: str = "figures") -> Html:
        """Side-by-side panels for each fact the papers state differently, and a question."""
        found = rules.contradictions(frame, key, value)
        if not found:
            return Html("")
        parts = []
        for group in found.values():
            panels = Markup("").join(
                tag(
                    "div",
                    tag("p", join([tag("strong", render_value(row)), self.cite_row(row)]))
                    + tag("p", self.source_text(row["source_id"], row["section"])),
                )
                for _, row in group.iterrows()
            )
            first = group.iloc[0]
            parts.append(flag("Papers disagree", f"{first[label]}: the papers give different {noun}."))
            parts.append(Html(tag("div", panels, class_="side-by-side")))
            values = " or ".join(render_value(r) for _, r in group.iterrows())
            self.ask(f"The papers disagree on this ({first[label]}): which is right, {values}?", f"two papers disagree ({values})", first)
        return join(parts)

    # ----- actions and changes ---------------------------------------------------------------

    def open_actions(self) -> Html:
        """Open decisions, recommendations, actions and undertakings on this topic."""
        actions = self.data.table("actions")
        mine = actions[(actions["briefing"] == self.kind)]
        open_ = mine[mine["status"] == "open"]
        closed_recent = mine[
            (mine["status"] == "closed") & (mine["closed_meeting_date"] > pd.Timestamp(self.previous_meeting or date(1900, 1, 1)))
        ]
        closed_recent = closed_recent[closed_recent["closed_meeting_date"] <= pd.Timestamp(self.meeting_date)]
        parts = []
        if open_.empty:
            parts.append(paragraph("No actions or recommendations on this topic are open in the papers available."))
        else:
            rows = []
            for _, row in open_.sort_values(["meeting_date", "action_id"]).iterrows():
                owner = row["owner"] if isinstance(row.get("owner"), str) else "not named"
                age = (self.meeting_date - as_date(row["meeting_date"])).days
                rows.append(
                    tag(
                        "li",
                        join(
                            [
                                badge(row["kind"].capitalize(), "dated"),
                                " ",
                                row["text"],
                                f" (made {short_date(row['meeting_date'])}; owner: {owner})",
                                self.cite_row(row),
                            ]
                        ),
                    )
                )
                if row["kind"] in ("recommendation", "undertaking", "action") and age > 60:
                    self.ask(
                        f"What has happened to the {row['kind']} made on {short_date(row['meeting_date'])}: {row['text'].rstrip('.')}?",
                        f"open for {age} days with no report of it in the papers",
                        row,
                    )
            parts.append(paragraph(f"{len(open_)} open on this topic, carried from earlier meetings until the papers show them closed:"))
            parts.append(Html(tag("ul", Markup("").join(rows))))
        if not closed_recent.empty:
            items = [
                join([row["text"], f" (closed {short_date(row['closed_meeting_date'])})", self.cite_row(row)])
                for _, row in closed_recent.iterrows()
            ]
            since = "since the last meeting on this topic" if self.previous_meeting else "before this first briefing on the topic"
            parts.append(paragraph(f"Closed {since}:"))
            parts.append(bullet_list(items))
        return join(parts)

    def since_last_meeting(self, datasets: list[str], describe) -> Html:
        """What became public since the last meeting with this briefing.

        `describe(name, frame)` turns the new rows of one dataset into list items.
        """
        if self.previous_meeting is None:
            intro = paragraph(
                "This is the first briefing on this topic in the workbook, so everything here is new to this series of briefings."
            )
            return intro
        items = []
        for name in datasets:
            fresh = rules.new_since(self.data.table(name), self.previous_meeting, self.meeting_date)
            if len(fresh):
                items += describe(name, fresh)
        intro = paragraph(f"The last meeting with this briefing was on {long_date(self.previous_meeting)}.")
        if not items:
            return intro + paragraph("No paper published since then adds to or changes this briefing's figures.")
        return intro + paragraph("Published since then:") + bullet_list(items)


def open_briefing(kind: str, meeting_date: str, paths: Paths | None = None, **parameters) -> Briefing:
    """Validate the data (once per data version), load it as of the meeting, and start a briefing.

    Stops with the same plain message as `briefing validate` when the data is invalid.
    """
    from briefing.params import load_all_params
    from briefing.validation import ensure_valid

    paths = paths or Paths.default()
    ensure_valid(paths)
    day = date.fromisoformat(str(meeting_date))
    everything = load_data(paths)
    earlier = []
    if paths.params.exists():
        earlier = [p.meeting_date for p in load_all_params(paths.params).values() if getattr(p.briefings, kind) is not None]
    return Briefing(
        kind=kind,
        meeting_date=day,
        parameters=dict(parameters),
        data=everything.cut(day),
        everything=everything,
        paths=paths,
        previous_meeting=rules.previous_meeting(earlier, day),
    )
