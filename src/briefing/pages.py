"""Index pages: one per meeting (its agenda, linked to its briefings) and one for all meetings."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from briefing import labels, rules
from briefing import panel as panel_identity
from briefing.config import TEMPLATES_DIR
from briefing.datasets import Data
from briefing.kinds import KINDS
from briefing.params import MeetingParams
from briefing.render import house_css
from briefing.words import date_text as long_date


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader([str(TEMPLATES_DIR / "pages"), str(TEMPLATES_DIR)]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _text(value, default: str) -> str:
    return value if isinstance(value, str) and value.strip() else default


def meeting_facts(day, data: Data) -> dict:
    """What was public about a meeting by its own date: its details, its agenda, and whether
    that agenda is the meeting's own or the provisional one of an earlier forward plan.

    The same as-of rule as the briefings: nothing published after the meeting is used.
    """
    known = data.cut(day)
    meetings = known.table("meetings")
    row = meetings[meetings["meeting_date"] == pd.Timestamp(day)]
    agenda = known.table("agenda_items")
    agenda = agenda[agenda["meeting_date"] == pd.Timestamp(day)].sort_values("item_order")
    registry = data.unfiltered("sources")
    agenda_sources = registry[registry["source_id"].isin(agenda["source_id"])]
    own_papers = registry[registry["date"] == pd.Timestamp(day)]
    return {
        "meeting": row.iloc[0].to_dict() if not row.empty else {},
        "agenda": agenda.to_dict("records"),
        "agenda_sources": agenda_sources.to_dict("records"),
        "provisional": bool(len(agenda)) and bool((agenda_sources["date"] < pd.Timestamp(day)).all()),
        "has_own_papers": not own_papers.empty,
    }


def _render(template: str, **context) -> str:
    """Render an index template, stamped with a fingerprint of its own context."""
    import hashlib
    import json

    stamp = hashlib.sha256(json.dumps(context, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return _environment().get_template(template).render(css=house_css(), body=panel_identity.current().name, fingerprint=stamp, **context)


def meeting_index(params: MeetingParams, data: Data) -> str:
    """HTML of one meeting's page: details, agenda with links, briefings."""
    day = params.meeting_date
    facts = meeting_facts(day, data)
    needed = params.briefings.needed()
    items = [
        {
            "number": int(item["item_number"]) if pd.notna(item["item_number"]) else None,
            "title": item["title"],
            "href": f"{item['briefing']}.html" if item["briefing"] in needed else None,
            "briefing_title": KINDS[item["briefing"]].title if item["briefing"] in KINDS else "",
        }
        for item in facts["agenda"]
    ]
    meeting = facts["meeting"]
    return _render(
        "meeting_index.html.j2",
        title=labels.meeting_title(day),
        label=labels.meeting_label(day),
        time=_text(meeting.get("start_time"), ""),
        venue=_text(meeting.get("venue"), ""),
        papers_due=long_date(rules.papers_due(day)),
        clear_days=panel_identity.current().publication_clear_working_days,
        items=items,
        provisional=facts["provisional"],
        has_own_papers=facts["has_own_papers"],
        agenda_sources=[{"title": s["title"], "date": long_date(s["date"])} for s in facts["agenda_sources"]],
        briefings=[{"href": f"{kind}.html", "title": KINDS[kind].title} for kind in needed],
    )


def site_index(all_params: dict[str, MeetingParams], data: Data) -> str:
    """HTML of the page listing every meeting, newest first."""
    meetings = []
    for day in sorted(all_params, reverse=True):
        params = all_params[day]
        facts = meeting_facts(params.meeting_date, data)
        meetings.append(
            {
                "date": day,
                "label": labels.meeting_label(params.meeting_date),
                "kind_label": labels.kind_label(facts["meeting"].get("kind")),
                "briefings": [{"title": KINDS[k].title} for k in params.briefings.needed()],
                "has_own_papers": facts["has_own_papers"],
            }
        )
    return _render("site_index.html.j2", title=labels.site_title(), meetings=meetings)
