"""The words around the facts: the Jinja environment every sentence a reader sees is
written in, with filters that write numbers, money, dates, periods and lists in GOV.UK
style (Babel, en_GB).

Templates live under templates/briefings/: one folder per kind of briefing, `shared/` for
sections every briefing has, and `macros.html.j2` for the elements (citation, badge, flag,
figure, data table, chart figure, question). Autoescaping is on, so text from the data is
always shown as text and never becomes markup.
"""

from __future__ import annotations

import math
import re
from datetime import date
from functools import lru_cache

import pandas as pd
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_compact_decimal, format_currency, format_decimal
from markupsafe import Markup, escape

from briefing import panel as panel_identity
from briefing.config import TEMPLATES_DIR

LOCALE = "en_GB"

QUALIFIER_WORDS = {
    "exact": "",
    "approximately": "about ",
    "over": "over ",
    "under": "under ",
    "just over": "just over ",
    "up to": "up to ",
    "at least": "at least ",
}

UNIT_WORDS = {
    "percent": "{}%",
    "pence": "{}p",
    "fte": "{} full-time equivalent",
    "hours": "{} hours",
    "views": "{} views",
}


class Section:
    """A rendered piece of a briefing: JupyterLab shows it and nbconvert renders it as HTML.

    `page` holds facts about the whole page that the renderer needs (whether it is a draft),
    kept with the output in the executed notebook as display metadata under "briefing"."""

    def __init__(self, markup: str, page: dict | None = None):
        self.markup = Markup(markup)
        self.page = page

    def _repr_html_(self):
        if self.page is None:
            return str(self.markup)
        return str(self.markup), {"briefing": dict(self.page)}

    def __html__(self) -> str:
        return str(self.markup)

    def __str__(self) -> str:
        return str(self.markup)

    def __repr__(self) -> str:
        return f"Section({len(self.markup)} characters)"


# ----- values ------------------------------------------------------------------------------


def as_date(value) -> date | None:
    """A date from a date, Timestamp, ISO string or missing value."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def missing(value) -> bool:
    """True for None, NaN, NaT and pandas' NA."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value) -> str:
    """'1,574', '1.9', '25.9': thousands separated, decimals only where the figure has them."""
    if missing(value):
        return "not printed"
    return format_decimal(value, locale=LOCALE)


def money(value) -> str:
    """'£1.8 million', '£634,285', '£5,000'."""
    if abs(value) >= 1_000_000:
        return "£" + format_compact_decimal(value, format_type="long", locale=LOCALE, fraction_digits=1)
    return format_currency(value, "GBP", locale=LOCALE, format="¤#,##0.##", currency_digits=False)


def figure_text(value, unit: str, qualifier: str = "exact") -> str:
    """A figure as a lay reader reads it: 'about 52,000 hours', 'just over 1,000', '£1.8 million'."""
    prefix = QUALIFIER_WORDS.get(qualifier if isinstance(qualifier, str) else "exact", "")
    body = money(value) if unit == "gbp" else UNIT_WORDS.get(unit, "{}").format(number(value))
    return prefix + body


def change_text(change, unit: str) -> str:
    """The size of a change, without its sign: '21', '3.2 percentage points', '£200,000'."""
    size = abs(change)
    if unit == "percent":
        return f"{number(size)} percentage points"
    return figure_text(size, unit)


# ----- dates and periods ---------------------------------------------------------------------

DATE_PATTERNS = {"day": "d MMMM y", "month": "MMMM y", "year": "y", "short": "d MMM y"}


def date_text(value, precision: str | None = "day") -> str:
    """A date no more precise than its paper: '1 February 2023', 'February 2023', '2016'."""
    day = as_date(value)
    if day is None:
        return "date not printed"
    if precision == "approximate":
        return "about " + format_date(day, DATE_PATTERNS["month"], locale=LOCALE)
    return format_date(day, DATE_PATTERNS.get(precision or "day", DATE_PATTERNS["day"]), locale=LOCALE)


def period_text(start, end, precision: str | None = "month") -> str:
    """'2022/23' for an April-to-March year, '2016' for a calendar year, 'June 2017' for
    one month, else 'March 2022 to February 2023' at the paper's precision."""
    start, end = as_date(start), as_date(end)
    if start is None or end is None:
        return "period not printed"
    next_day = end + pd.Timedelta(days=1)
    whole_months = start.day == 1 and next_day.day == 1
    if whole_months and start.month == 4 and end.month == 3 and end.year == start.year + 1:
        return f"{start.year}/{end.year % 100:02d}"
    if whole_months and start.month == 1 and end.month == 12 and end.year == start.year:
        return str(start.year)
    if whole_months and (start.year, start.month) == (end.year, end.month):
        return date_text(start, "month")
    if precision == "day":
        if start.year == end.year and start.month == end.month:
            return f"{start.day} to {date_text(end, 'day')}"
        return f"{date_text(start, 'day')} to {date_text(end, 'day')}"
    if precision == "year":
        return f"{start.year} to {end.year}"
    if start.year == end.year:
        return f"{format_date(start, 'MMMM', locale=LOCALE)} to {date_text(end, 'month')}"
    return f"{date_text(start, 'month')} to {date_text(end, 'month')}"


def when_text(reading) -> str:
    """When a reading is from, as its paper gives it: 'in 2022/23', 'as at February 2023',
    'as reported in the paper of 23 January 2020', 'as reported in the paper of October 2017 or later (undated)'."""
    if reading.get("reading") == "period":
        return "in " + period_text(reading["period_start"], reading["period_end"], reading.get("date_precision"))
    if not missing(reading.get("as_at")):
        return "as at " + date_text(reading["as_at"], reading.get("date_precision") or "day")
    return "as reported in the paper of " + paper_date_text(reading.get("paper_date"), bool(reading.get("paper_date_estimated")))


def paper_date_text(value, estimated: bool = False) -> str:
    """A paper's date; an undated paper's is the earliest month the evidence allows, and says
    so: 'October 2017 or later (undated)'."""
    if estimated:
        return f"{date_text(value, 'month')} or later (undated)"
    return date_text(value, "day")


def short_when(reading) -> str:
    """A reading's period or date in few words, for a table cell or chart label: '2022/23',
    'February 2023'. A reading the paper gives no date for keeps 'as reported in the paper
    of ...': the paper's date alone would read as the figure's own."""
    return re.sub(r"^(in|as at) ", "", when_text(reading))


def dated_label(reading) -> str:
    """The date on a reading's 'Dated' label: its period or date, or 'paper of 23 January
    2020' where the paper gives the figure no date of its own."""
    return re.sub(r"^as reported in the paper of ", "paper of ", short_when(reading))


# ----- lists and words -------------------------------------------------------------------------


def and_list(items, style: str = "standard") -> Markup:
    """'a, b and c' (style 'or': 'a, b or c'); items are escaped unless already markup."""
    items = [escape(item) for item in items]
    if not items:
        return Markup("")
    return Markup(format_list(items, style=style, locale=LOCALE))


def _keep_kind(original, text: str):
    """`text` as markup when `original` was markup (already escaped), else as plain text."""
    return Markup(text) if isinstance(original, Markup) else text


def sentence_case(text: str) -> str:
    """First letter upper case, the rest as written."""
    plain = str(text)
    return _keep_kind(text, plain[:1].upper() + plain[1:])


def lower_first(text: str) -> str:
    """First letter lower case for use mid-sentence, unless the text opens with an acronym or
    is a name ('District Days', 'Neighbourhood Alert subscribers')."""
    plain = str(text)
    first, *rest = plain.split(" ")
    if first not in ("The", "A", "An") and (first.isupper() or first[1:2].isupper() or any(word[:1].isupper() for word in rest[:2])):
        return _keep_kind(text, plain)
    return _keep_kind(text, plain[:1].lower() + plain[1:])


def slug(text: str) -> str:
    """An id for a heading or chart: lower case words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "section"


def records(frame) -> list[dict]:
    """A frame's rows as dicts, for a template to loop over."""
    if frame is None:
        return []
    if isinstance(frame, pd.DataFrame):
        return frame.to_dict("records")
    return list(frame)


def plural(count, singular: str, plural_form: str | None = None) -> str:
    """'1 deliverable', '3 deliverables'."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{number(count)} {word}"


@lru_cache(maxsize=1)
def environment():
    """The Jinja environment for briefing sections (autoescaping always on)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR / "briefings")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
    )
    env.filters.update(
        number=number,
        money=money,
        change=change_text,
        date=date_text,
        period=period_text,
        when=when_text,
        short_when=short_when,
        dated_label=dated_label,
        paper_date=paper_date_text,
        and_list=and_list,
        or_list=lambda items: and_list(items, style="or"),
        sentence_case=sentence_case,
        lower_first=lower_first,
        slug=slug,
        records=records,
        plural=plural,
        missing=missing,
        figure_text=lambda row: figure_text(row["value"], row["unit"], row.get("qualifier", "exact")),
    )
    env.tests["missing"] = missing
    env.globals["panel"] = panel_identity.CURRENT  # the Panel's names, from panel.yaml
    return env


def phrase(template: str, macro: str, **facts) -> Markup:
    """The words of one macro of a template, e.g. a drafted line of a note.

    `template` is a path under templates/briefings/ without its suffix ('comms/note');
    the macro receives `facts` and returns autoescaped markup.
    """
    module = environment().get_template(f"{template}.html.j2").module
    return Markup(getattr(module, macro)(**facts)).strip()


def has_phrase(template: str, macro: str) -> bool:
    """True when the template defines the macro."""
    return hasattr(environment().get_template(f"{template}.html.j2").module, macro)
