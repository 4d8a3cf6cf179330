"""The briefing a notebook is assembling: its meeting, its data as of the meeting, its
note, the facts of its evidence sections and their footnotes. Notebooks open one with `open_briefing` and call its
section builders; the per-topic modules (precept, comms, communities, culture) add theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from markupsafe import Markup

from briefing import note as notes
from briefing import panel as panel_identity
from briefing import readings, rules, words
from briefing.config import Paths
from briefing.datasets import Data, load_data
from briefing.footnotes import Footnotes
from briefing.kinds import KINDS
from briefing.words import as_date

READING_MINUTES_WORDS = 200  # words a minute, for a reader of plain English on screen


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
    note: notes.Note | None = None
    sections: dict = field(default_factory=dict)
    footnotes: Footnotes | None = None
    _readings: pd.DataFrame | None = field(default=None, repr=False)
    _svgs: dict[str, str] = field(default_factory=dict, repr=False)
    _planned: dict[str, tuple] = field(default_factory=dict, repr=False)  # name: (template, words)

    # ----- sources -------------------------------------------------------------------------

    @property
    def panel(self) -> panel_identity.Panel:
        """The Panel this workbook serves (panel.yaml): its name, area, force and members."""
        return panel_identity.current(self.paths)

    def source(self, source_id: str) -> dict:
        """The register entry of a paper."""
        sources = self.everything.unfiltered("sources")
        row = sources[sources["source_id"] == source_id]
        if row.empty:
            raise KeyError(f"unknown source_id {source_id!r}")
        return row.iloc[0].to_dict()

    def plan(self, note: notes.Note, sections: dict[str, dict]) -> None:
        """Fix what the page shows before any of it renders: the note and each evidence
        section's facts (keyed by template name, in page order). The note and sections are
        worded once here, in page order, to number every citation they make; the cells
        then render with those numbers frozen."""
        self.note = note
        self.sections = dict(sections)
        recorder = Footnotes(recording=True)
        # Numbers are given in page order, so these words already carry the final numbers:
        # the cells show them rather than word the page a second time.
        self._planned = {"shared/note": self._render("shared/note", recorder, note=note)}
        for name, facts in self.sections.items():
            self._planned[name] = self._render(name, recorder, **facts)
        self.footnotes = recorder.frozen()

    def cited_sources(self) -> list[dict]:
        """Every source the page cites, numbered, with its paper's register entry."""
        cited = []
        explained: set[str] = set()
        for number, cite in self.footnotes or ():
            source_id, section = cite.source_id, cite.section
            entry = self.source(source_id)
            explain = bool(entry["date_estimated"]) and source_id not in explained
            explained.add(source_id)
            cited.append({"number": number, "section": section, "paper": entry, "explain_date": explain})
        return cited

    def sources(self) -> words.Section:
        """The numbered list of every source cited so far."""
        return self.render("shared/sources")

    # ----- the meeting ---------------------------------------------------------------------

    def agenda_item(self) -> dict | None:
        """This briefing's agenda item at this meeting, from an agenda public by the meeting."""
        items = self.data.table("agenda_items")
        mine = items[(items["meeting_date"] == pd.Timestamp(self.meeting_date)) & (items["briefing"] == self.kind)]
        return mine.iloc[0].to_dict() if not mine.empty else None

    def header_facts(self) -> dict:
        """What the title block says: meeting, agenda item, papers used and when due.

        The meeting's details come only from rows public by the meeting, like every figure.
        """
        item = self.agenda_item()
        meetings = self.data.table("meetings")
        row = meetings[meetings["meeting_date"] == pd.Timestamp(self.meeting_date)]
        meeting = row.iloc[0].to_dict() if not row.empty else {}
        return {
            "title": KINDS[self.kind].title,
            "body": self.panel.name,
            "meeting_date": self.meeting_date,
            "meeting": meeting,
            "item": item,
            "item_given": str(self.parameters.get("agenda_item") or "").strip(),
            "draft": bool(self.note and self.note.draft),
        }

    def item_facts(self) -> notes.Item:
        """The item as its report gives it: title, number, presenter, what the Panel is
        asked to do and its remit, from rows public by the meeting."""
        item = self.agenda_item() or {}
        asks = self.data.table("item_asks")
        mine = asks[(asks["meeting_date"] == self.meeting_date_stamp) & (asks["briefing"] == self.kind)]
        given = {row["part"]: row for row in mine.to_dict("records")}
        number = str(self.parameters.get("agenda_item") or "").strip()
        if not number and not words.missing(item.get("item_number")):
            number = str(item["item_number"])
        return notes.Item(
            title=str(item.get("title") or ""),
            number=number,
            presenter=str(given["presenter"]["text"]) if "presenter" in given else "",
            asked_to=str(given["ask"]["asked_to"]) if "ask" in given else "",
            ask_as_printed=str(given["ask"]["text"]) if "ask" in given else "",
            remit_as_printed=str(given["remit"]["text"]) if "remit" in given else "",
            power="precept_veto" if self.kind == "precept" else "scrutiny",
            presenter_cites=(notes.Cite.of(given["presenter"]),) if "presenter" in given else (),
            ask_cites=(notes.Cite.of(given["ask"]),) if "ask" in given else (),
            remit_cites=(notes.Cite.of(given["remit"]),) if "remit" in given else (),
        )

    def last_time(self) -> notes.LastTime:
        """The Panel's last consideration of this topic before this meeting: the decisions,
        recommendations and undertakings it made, split by whether a paper shows them answered."""
        frame = self.data.table("actions")
        mine = frame[(frame["briefing"] == self.kind) & (frame["meeting_date"] < self.meeting_date_stamp)]
        if mine.empty:
            return notes.LastTime()
        last = mine["meeting_date"].max()
        made = mine[mine["meeting_date"] == last].sort_values("action_id")
        decisions = made[made["kind"] == "decision"]
        made = made[made["kind"] != "decision"]
        answered = made[made["status"] == "closed"]
        answered = answered[answered["closed_meeting_date"] <= self.meeting_date_stamp]
        unanswered = made[~made["action_id"].isin(answered["action_id"])]
        return notes.LastTime(
            as_date(last), tuple(answered.to_dict("records")), tuple(unanswered.to_dict("records")), tuple(decisions.to_dict("records"))
        )

    def officer_lines(self) -> list[dict]:
        """The officer's own note lines for this meeting and briefing (data/note_lines.csv)."""
        lines = self.everything.unfiltered("note_lines")
        mine = lines[(lines["meeting_date"] == self.meeting_date_stamp) & (lines["briefing"] == self.kind)]
        return notes.officer_lines(mine)

    def draft_line(self, part: str, line_id: str, rank: int, cites=(), **facts) -> notes.Line:
        """A line of the note drafted from the data, in the words of this kind's note
        template: the macros `<part>_<line_id>_text`, `_follow_up` and `_prompt` (hyphens
        in the id become underscores: `enquiry_young_people_text`). `facts` go to the macros; `cites` are rows or Cites."""
        template = f"{KINDS[self.kind].templates}/note"
        macro = f"{part}_{line_id}".replace("-", "_")
        extra = {key: facts.pop(key) for key in ("whose", "role", "evidence") if key in facts}
        parts = {
            name: words.phrase(template, f"{macro}_{name}", **facts)
            for name in ("text", "follow_up", "prompt")
            if words.has_phrase(template, f"{macro}_{name}")
        }
        return notes.Line(
            part=part,
            line_id=line_id,
            rank=rank,
            cites=tuple(dict.fromkeys(c if isinstance(c, notes.Cite) else notes.Cite.of(c) for c in cites)),
            **parts,
            **extra,
        )

    def option(self, option_id: str, cites=(), **facts) -> notes.Option:
        """An option open to the Panel, in the words of the `option_<id>` and
        `option_<id>_leads_to` macros of this kind's note template (or the shared one)."""
        macro = f"option_{option_id.replace('-', '_')}"
        template = f"{KINDS[self.kind].templates}/note"
        if not words.has_phrase(template, macro):
            template = "shared/options"
        leads_to = words.phrase(template, f"{macro}_leads_to", **facts) if words.has_phrase(template, f"{macro}_leads_to") else Markup("")
        return notes.Option(
            option_id,
            words.phrase(template, macro, **facts),
            leads_to,
            tuple(c if isinstance(c, notes.Cite) else notes.Cite.of(c) for c in cites),
        )

    def assemble_note(self, drafted: list[notes.Line], options: list[notes.Option], draft: tuple[str, ...] = ()) -> notes.Note:
        """The note: the item, last time, and the drafted lines with the officer's rows
        applied and ranked (see `note.assemble`)."""
        lines = notes.assemble(drafted, self.officer_lines())
        return notes.Note(
            item=self.item_facts(),
            last_time=self.last_time(),
            key_issues=notes.of_part(lines, "key_issue"),
            enquiries=notes.of_part(lines, "enquiry"),
            requests=notes.of_part(lines, "request"),
            options=tuple(options),
            draft=tuple(draft),
        )

    def note_section(self) -> words.Section:
        """The note, rendered: the five-minute briefing at the top of the page."""
        if self.note is None:
            raise RuntimeError("the page has not been planned: run the cell with briefing.plan(note, sections) first")
        return self._planned_words("shared/note", note=self.note)

    def section(self, name: str) -> words.Section:
        """One evidence section, rendered from the facts the page was planned with."""
        return self._planned_words(name, **self.sections[name])

    def _planned_words(self, name: str, **facts) -> words.Section:
        """The words planning gave a section; worded again only when its template file has
        changed since (an analyst editing it in JupyterLab)."""
        template, worded = self._planned.get(name, (None, None))
        if template is not None and template.is_up_to_date:
            return worded
        return self.render(name, **facts)

    def header(self) -> words.Section:
        """Title block: Panel, meeting date and agenda item; it tells the renderer whether
        the page is a draft, so the page's title says so too."""
        facts = self.header_facts()
        # Said only of a draft, so a final page's outputs (and its fingerprint) stay as they were.
        return words.Section(self.render("shared/header", facts=facts).markup, page={"draft": True} if facts["draft"] else None)

    # ----- figures ------------------------------------------------------------------------------

    # ----- readings ----------------------------------------------------------------------------

    @property
    def readings(self) -> pd.DataFrame:
        """Every public figure of this briefing's measures (and those it borrows, see
        `kinds.Kind.borrows`) as a reading, with the date it describes (`when`). Read by row,
        so an edit to another briefing's figure does not re-execute this one."""
        if self._readings is None:
            figures = self.data.rows("figures", briefing=list(KINDS[self.kind].reads))
            self._readings = readings.with_when(figures, self.everything.unfiltered("sources"))
        return self._readings

    def topic(self, topic: str) -> pd.DataFrame:
        """This briefing's readings of one topic, oldest first."""
        frame = self.readings
        frame = frame[(frame["briefing"] == self.kind) & (frame["topic"] == topic)]
        return frame.sort_values(["when", "public_date", "figure_id"])

    def trends(self, topic: str | None = None) -> pd.DataFrame:
        """Each measure of this briefing (or one topic): latest reading, previous one and the change."""
        frame = self.readings[self.readings["briefing"] == self.kind]
        if topic is not None:
            frame = frame[frame["topic"] == topic]
        return readings.trends(frame)

    def latest(self, measure_key: str, subject: str | None = None) -> dict | None:
        """The latest reading of one measure public by the meeting, with its trend (None when
        no paper has printed it yet). Without `subject`, the latest of any subject (the
        newest survey, say)."""
        rows = readings.history(self.readings, measure_key, subject)
        if rows.empty:
            return None
        trends = readings.trends(rows).sort_values(["when", "public_date", "figure_id"])
        return trends.iloc[-1].to_dict()

    def disagreements(self) -> list[pd.DataFrame]:
        """The readings of this briefing on which its papers disagree."""
        return readings.disagreements(self.readings[self.readings["briefing"] == self.kind])

    def dated_readings(self) -> pd.DataFrame:
        """This briefing's latest readings that are more than 12 months older than the meeting."""
        latest = self.trends()
        if latest.empty:
            return latest
        return latest[[self.dated(row) for row in latest.to_dict("records")]].sort_values(["when", "figure_id"])

    def new_since_last(self, datasets: tuple[str, ...] = ("figures", "expected_dates", "actions")) -> dict[str, pd.DataFrame]:
        """This briefing's rows that became public since the last meeting with it, by dataset."""
        fresh = {}
        for name in datasets:
            frame = self.readings if name == "figures" else self.data.table(name)
            if "briefing" in frame.columns:
                frame = frame[frame["briefing"] == self.kind]
            fresh[name] = rules.new_since(frame, self.previous_meeting, self.meeting_date)
        return fresh

    def papers_for_meeting(self) -> pd.DataFrame:
        """The papers published for this meeting (their date is the meeting's)."""
        sources = self.everything.unfiltered("sources")
        return sources[sources["date"] == pd.Timestamp(self.meeting_date)]

    @property
    def meeting_date_stamp(self) -> pd.Timestamp:
        """The meeting date as a Timestamp, to compare with dates in the data."""
        return pd.Timestamp(self.meeting_date)

    def statements(self, topic: str) -> pd.DataFrame:
        """What the papers public by the meeting say on one topic of this briefing."""
        frame = self.data.table("statements")
        return frame[(frame["briefing"] == self.kind) & (frame["topic"] == topic)]

    def survey(self, survey_id: str) -> dict | None:
        """A survey's register entry, or None when no paper public by the meeting names it."""
        surveys = self.data.table("surveys")
        mine = surveys[surveys["survey_id"] == survey_id]
        return None if mine.empty else mine.iloc[0].to_dict()

    def expected(self, measure_key: str) -> pd.DataFrame:
        """The expected dates of one event given by papers public by the meeting."""
        dates = self.data.table("expected_dates")
        return dates[dates["measure_key"] == measure_key]

    def date_disagreements(self) -> list[dict]:
        """Each expected date on which this briefing's papers disagree: the rows, and whether
        every one of those papers was published for this meeting."""
        frame = self.data.table("expected_dates")
        frame = frame[frame["briefing"] == self.kind]
        found = []
        for key, group in frame.groupby("measure_key", sort=True):
            if group["expected_date"].nunique() > 1 and group["source_id"].nunique() > 1:
                for_meeting = bool((group["public_date"] == pd.Timestamp(self.meeting_date)).all())
                found.append({"measure_key": key, "rows": group.to_dict("records"), "for_this_meeting": for_meeting})
        return found

    # ----- words -----------------------------------------------------------------------------

    def render(self, name: str, **facts) -> words.Section:
        """Render a section template with the page's frozen footnote numbers.

        `name` is a template in this kind's folder ('outputs' is templates/briefings/comms/
        outputs.html.j2 for comms) or a shared one ('shared/sources').
        """
        if self.footnotes is None:
            # One section tried on its own (in a test, or by an analyst) numbers its own
            # footnotes as it renders; a planned page never does.
            self.footnotes = Footnotes(recording=True)
        return self._render(name, self.footnotes, **facts)[1]

    def _render(self, name: str, footnotes: Footnotes, **facts) -> tuple:
        """The template of a section and its words."""
        path = name if "/" in name else f"{KINDS[self.kind].templates}/{name}"
        template = words.environment().get_template(f"{path}.html.j2")
        return template, words.Section(template.render(b=self, footnotes=footnotes, **facts).strip())

    def svg(self, chart, labelled_by: str) -> Markup:
        """An Altair chart as accessible inline SVG, labelled by the ids given (each chart
        is drawn once per page, even when a section is worded again)."""
        from briefing import charts

        key = chart.to_json(sort_keys=True)
        if key not in self._svgs:
            self._svgs[key] = charts.to_svg(chart)
        return charts.accessible_svg(self._svgs[key], labelled_by)

    # ----- flags -----------------------------------------------------------------------------

    @property
    def dated_after_months(self) -> int:
        """How many months older than the meeting a figure must be to be marked dated."""
        return rules.DATED_AFTER_MONTHS

    def dated(self, row) -> bool:
        """True when the row's figure is more than `dated_after_months` older than the meeting."""
        return rules.is_dated(rules.figure_date(row), self.meeting_date)

    # ----- actions and changes ---------------------------------------------------------------

    def latest_paper_date(self) -> date | None:
        """The date of the newest paper in the workbook that is public by the meeting."""
        sources = self.everything.unfiltered("sources")
        public = sources[sources["date"] <= pd.Timestamp(self.meeting_date)]
        return as_date(public["date"].max()) if len(public) else None

    def actions(self) -> dict:
        """This topic's open decisions, recommendations, actions and undertakings, and those
        closed since the last meeting on it. `age` is days from the meeting that made it."""
        frame = self.data.table("actions")
        mine = frame[frame["briefing"] == self.kind].sort_values(["meeting_date", "action_id"])
        open_ = mine[mine["status"] == "open"]
        open_ = open_.assign(age=[(self.meeting_date - as_date(d)).days for d in open_["meeting_date"]])
        since = pd.Timestamp(self.previous_meeting or date(1900, 1, 1))
        closed = mine[(mine["status"] == "closed") & (mine["closed_meeting_date"] > since)]
        closed = closed[closed["closed_meeting_date"] <= pd.Timestamp(self.meeting_date)]
        return {"open": open_, "closed": closed, "latest_paper": self.latest_paper_date()}

    def shared_sections(self) -> dict[str, dict]:
        """The facts of the evidence sections every briefing ends with: dated figures, what
        is new since the last meeting on the topic, and open actions (keyed by template)."""
        return {
            "shared/dated": {"dated": self.dated_readings()},
            "shared/since_last": {"fresh": self.new_since_last()},
            "shared/actions": {"facts": self.actions()},
        }

    def scrutiny_options(self) -> list[notes.Option]:
        """The options open to the Panel on an item it is asked to note: note it, make
        recommendations, or ask for a further report (words in shared/options.html.j2)."""
        return [self.option("note"), self.option("recommend"), self.option("report_back")]


def open_briefing(kind: str, meeting_date: str, paths: Paths | None = None, **parameters) -> Briefing:
    """Validate the data (once per data version), load it as of the meeting, and start a briefing.

    Stops with the same plain message as `briefing validate` when the data is invalid.
    """
    from briefing.charts import use_notebook_renderer
    from briefing.params import load_all_params
    from briefing.validation import ensure_valid

    use_notebook_renderer()
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
