"""Reader-facing words the package passes to page templates: titles, labels and the
footer. The words live in templates/pages/labels.txt.j2 and footer.txt.j2; this module only
renders them (plain text: the page templates escape it where it lands)."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from briefing import panel as panel_identity
from briefing.config import TEMPLATES_DIR
from briefing.kinds import KINDS
from briefing.words import date_text


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # Plain text, not HTML: the page templates that show these words escape them.
    return Environment(loader=FileSystemLoader(str(TEMPLATES_DIR / "pages")), undefined=StrictUndefined, autoescape=False)  # noqa: S701


def _body() -> str:
    """The Panel's name, from the workbook's panel.yaml."""
    return panel_identity.current().name


def _macros():
    return _environment().get_template("labels.txt.j2").module


def footer(meeting_date) -> str:
    """The footer of a briefing page: who it is for and the as-of rule for its meeting."""
    return _environment().get_template("footer.txt.j2").render(body=_body(), day=date_text(meeting_date)).strip()


def meeting_label(day) -> str:
    """'Meeting of 15 March 2023'."""
    return str(_macros().meeting_label(date_text(day)))


def briefing_page(meeting_date, kind: str, draft: bool = False) -> dict:
    """The title, meeting label and footer of one briefing page (a draft's title says so)."""
    day = date_text(meeting_date)
    return {
        "title": str(_macros().briefing_title(KINDS[kind].title, day, _body(), draft)),
        "meeting_label": meeting_label(meeting_date),
        "footer": footer(meeting_date),
    }


def meeting_title(day) -> str:
    """The title of a meeting's index page."""
    return str(_macros().meeting_title(date_text(day), _body()))


def site_title() -> str:
    """The title of the page listing every meeting."""
    return str(_macros().site_title(_body()))


def kind_label(kind) -> str:
    """What kind of meeting it is, in words ('' for an ordinary meeting)."""
    return str(_macros().kind_label(kind))
