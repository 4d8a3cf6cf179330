"""The briefing a notebook is assembling: its meeting, its data as of the meeting, its
citations, flags and questions. Notebooks open one with `open_briefing` and call its
section builders; the per-topic modules (precept, comms, communities, culture) add theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from markupsafe import Markup

from briefing import readings, rules, words
from briefing.config import Paths
from briefing.datasets import Data, load_data
from briefing.kinds import BODY, KINDS
from briefing.words import as_date

READING_MINUTES_WORDS = 200  # words a minute, for a reader of plain English on screen


@dataclass
class Question:
    """A question members may wish to ask, with the figure that prompted it."""

    text: str
    prompted_by: str
    row: dict | None = None


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
    _readings: pd.DataFrame | None = field(default=None, repr=False)

    # ----- sources -------------------------------------------------------------------------

    def source(self, source_id: str) -> dict:
        """The register entry of a paper."""
        sources = self.everything.unfiltered("sources")
        row = sources[sources["source_id"] == source_id]
        if row.empty:
            raise KeyError(f"unknown source_id {source_id!r}")
        return row.iloc[0].to_dict()

    def cite_number(self, source_id: str, section: str) -> int:
        """The footnote number of a paper and section (numbered in order of first citation)."""
        key = (str(source_id), str(section))
        if key not in self.citations:
            self.citations.append(key)
        return self.citations.index(key) + 1

    def cited_sources(self) -> list[dict]:
        """Every source cited so far, numbered, with its paper's register entry."""
        cited = []
        explained: set[str] = set()
        for number, (source_id, section) in enumerate(self.citations, start=1):
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

    def figures_as_at(self) -> date | None:
        """The latest date on which a paper this briefing can use became public."""
        latest = self.data.latest_public_date()
        return as_date(latest) if latest is not None else None

    def header_facts(self, draft: bool = False) -> dict:
        """What the title block says: meeting, agenda item, papers used and when due, and
        whether the page is a draft (a topic's own check, e.g. precept.draft).

        The meeting's details come only from rows public by the meeting, like every figure.
        """
        item = self.agenda_item()
        meetings = self.data.table("meetings")
        row = meetings[meetings["meeting_date"] == pd.Timestamp(self.meeting_date)]
        meeting = row.iloc[0].to_dict() if not row.empty else {}
        return {
            "title": KINDS[self.kind].title,
            "body": BODY,
            "meeting_date": self.meeting_date,
            "meeting": meeting,
            "item": item,
            "item_given": str(self.parameters.get("agenda_item") or "").strip(),
            "figures_as_at": self.figures_as_at(),
            "papers_due": rules.papers_due(self.meeting_date),
            "draft": draft,
        }

    def header(self, draft: bool = False) -> words.Section:
        """Title block: Panel, meeting date, agenda item, figures as at, papers due; a draft
        says so in its title."""
        return self.render("shared/header", facts=self.header_facts(draft))

    # ----- figures ------------------------------------------------------------------------------

    # ----- readings ----------------------------------------------------------------------------

    @property
    def readings(self) -> pd.DataFrame:
        """Every public figure as a reading, with the date it describes (`when`)."""
        if self._readings is None:
            self._readings = readings.with_when(self.data.table("figures"), self.everything.unfiltered("sources"))
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
        """Render a section template with this briefing's facts.

        `name` is a template in this kind's folder ('outputs' is templates/briefings/comms/
        outputs.html.j2 for comms) or a shared one ('shared/questions').
        """
        path = name if "/" in name else f"{KINDS[self.kind].templates}/{name}"
        template = words.environment().get_template(f"{path}.html.j2")
        return words.Section(template.render(b=self, **facts).strip())

    def svg(self, chart, labelled_by: str) -> Markup:
        """An Altair chart as accessible inline SVG, labelled by the ids given."""
        from briefing import charts

        return charts.accessible_svg(charts.to_svg(chart), labelled_by)

    # ----- flags and questions ---------------------------------------------------------------

    def dated(self, row) -> bool:
        """True when the row's figure is more than 12 months older than the meeting."""
        return rules.is_dated(rules.figure_date(row), self.meeting_date)

    def ask(self, text: str, prompted_by: str, row=None) -> None:
        """Add a question members may wish to ask, citing the row that prompted it."""
        text = Markup(text) if isinstance(text, Markup) else str(text)
        if all(str(q.text) != str(text) for q in self.questions):
            self.questions.append(Question(text, prompted_by, row=None if row is None else dict(row)))

    def questions_list(self) -> words.Section:
        """The questions the sections raised, each with the figure that prompted it."""
        return self.render("shared/questions")

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

    def open_actions(self) -> words.Section:
        """Open decisions, recommendations, actions and undertakings on this topic."""
        return self.render("shared/actions", facts=self.actions())

    def dated_figures(self) -> words.Section:
        """Flags for this briefing's figures more than 12 months older than the meeting."""
        return self.render("shared/dated", dated=self.dated_readings())

    def since_last(self) -> words.Section:
        """What became public since the last meeting with this briefing."""
        return self.render("shared/since_last", fresh=self.new_since_last())


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
