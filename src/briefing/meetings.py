"""Starting a meeting's params from the forward plan (meetings.csv and agenda_items.csv)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from briefing.config import Paths
from briefing.datasets import load_data
from briefing.errors import ParamsError
from briefing.params import MeetingParams


def precept_year_for(meeting_date: date) -> str:
    """The precept year a January-March meeting reviews: 2024/25 for February 2024."""
    start = meeting_date.year if meeting_date.month <= 3 else meeting_date.year + 1
    return f"{start}/{(start + 1) % 100:02d}"


def params_from_forward_plan(paths: Paths, meeting_date: date) -> tuple[MeetingParams, list[str]]:
    """Params for a meeting from its agenda in the forward plan, and notes for the analyst."""
    data = load_data(paths)
    meetings = data.unfiltered("meetings")
    meeting = meetings[meetings["meeting_date"] == pd.Timestamp(meeting_date)]
    if meeting.empty:
        known = ", ".join(d.date().isoformat() for d in meetings["meeting_date"] if d.date() >= meeting_date.replace(month=1, day=1))
        raise ParamsError(
            f"{meeting_date.isoformat()} is not a meeting in data/meetings.csv; add it (and its agenda to data/agenda_items.csv) "
            f"from the forward plan first. Meetings listed from that year: {known or 'none'}"
        )
    kind = meeting.iloc[0]["kind"]
    items = data.unfiltered("agenda_items")
    items = items[items["meeting_date"] == pd.Timestamp(meeting_date)].sort_values("item_order")
    briefings: dict[str, dict] = {}
    notes = []
    for _, item in items.iterrows():
        topic = item["briefing"]
        if topic == "none" or topic in briefings:
            continue
        number = "" if pd.isna(item["item_number"]) else str(int(item["item_number"]))
        entry = {"agenda_item": number}
        if topic == "precept":
            entry["precept_year"] = precept_year_for(meeting_date)
            entry["reserve_meeting"] = kind == "reserve"
            notes.append(f"precept_year set to {entry['precept_year']}; check it against the Commissioner's report")
        briefings[topic] = entry
        if not number:
            notes.append(f"agenda item number for '{item['title']}' is not printed yet; fill in agenda_item when the agenda is published")
    if items.empty:
        notes.append("the forward plan lists no agenda for this meeting yet, so no briefings are set")
    params = MeetingParams.model_validate({"meeting_date": meeting_date, "briefings": briefings})
    return params, notes
