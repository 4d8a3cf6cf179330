"""Index pages: one per meeting (its agenda, linked to its briefings) and one for all meetings."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from briefing import rules
from briefing.config import TEMPLATES_DIR
from briefing.kinds import BODY, KINDS
from briefing.datasets import Data
from briefing.formatting import long_date
from briefing.params import MeetingParams
from briefing.render import house_css

KIND_LABELS = {
    "precept": "precept meeting",
    "agm": "annual meeting",
    "reserve": "reserve meeting, held only if the Panel vetoes the precept",
}


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader([str(TEMPLATES_DIR / "pages"), str(TEMPLATES_DIR)]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _meeting_row(data: Data, day) -> dict:
    meetings = data.unfiltered("meetings")
    row = meetings[meetings["meeting_date"] == pd.Timestamp(day)]
    return row.iloc[0].to_dict() if not row.empty else {}


def _text(value, default: str) -> str:
    return value if isinstance(value, str) and value.strip() else default


def _render(template: str, **context) -> str:
    """Render an index template, stamped with a fingerprint of its own context."""
    import hashlib
    import json

    stamp = hashlib.sha256(json.dumps(context, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return _environment().get_template(template).render(css=house_css(), body=BODY, fingerprint=stamp, **context)


def meeting_index(params: MeetingParams, data: Data) -> str:
    """HTML of one meeting's page: details, agenda with links, briefings."""
    day = params.meeting_date
    meeting = _meeting_row(data, day)
    agenda = data.unfiltered("agenda_items")
    agenda = agenda[agenda["meeting_date"] == pd.Timestamp(day)].sort_values("item_order")
    needed = params.briefings.needed()
    items, sources = [], []
    for _, item in agenda.iterrows():
        kind = item["briefing"]
        href = f"{kind}.html" if kind in needed else None
        number = int(item["item_number"]) if pd.notna(item["item_number"]) else None
        items.append({"number": number, "title": item["title"], "href": href, "briefing_title": KINDS[kind].title if kind in KINDS else ""})
        if item["source_id"] not in sources:
            sources.append(item["source_id"])
    source_names = []
    registry = data.unfiltered("sources")
    for source_id in sources:
        entry = registry[registry["source_id"] == source_id].iloc[0]
        source_names.append(f"{entry['title']} ({long_date(entry['date'])})")
    return _render(
        "meeting_index.html.j2",
        title=f"Meeting of {long_date(day)}: briefings for the {BODY}",
        label=f"Meeting of {long_date(day)}",
        time=_text(meeting.get("start_time"), "not printed"),
        venue=_text(meeting.get("venue"), "not printed"),
        note=_text(meeting.get("note"), ""),
        papers_due=long_date(rules.papers_due(day)),
        items=items,
        agenda_source="; ".join(source_names),
        briefings=[{"href": f"{kind}.html", "title": KINDS[kind].title} for kind in needed],
    )


def site_index(all_params: dict[str, MeetingParams], data: Data) -> str:
    """HTML of the page listing every meeting, newest first."""
    meetings = []
    for day in sorted(all_params, reverse=True):
        params = all_params[day]
        row = _meeting_row(data, params.meeting_date)
        meetings.append(
            {
                "date": day,
                "label": f"Meeting of {long_date(params.meeting_date)}",
                "kind_label": KIND_LABELS.get(row.get("kind"), ""),
                "briefings": [{"title": KINDS[k].title} for k in params.briefings.needed()],
            }
        )
    return _render("site_index.html.j2", title=f"Briefings for the {BODY}", meetings=meetings)
