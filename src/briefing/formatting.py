"""How figures and dates are written for lay readers (GOV.UK style)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

QUALIFIER_WORDS = {
    "exact": "",
    "approximately": "about ",
    "over": "over ",
    "under": "under ",
    "just over": "just over ",
    "up to": "up to ",
    "at least": "at least ",
}


def long_date(value) -> str:
    """'1 February 2023'."""
    value = as_date(value)
    return f"{value.day} {value.strftime('%B %Y')}" if value else "date not printed"


def short_date(value) -> str:
    """'1 Feb 2023'."""
    value = as_date(value)
    return f"{value.day} {value.strftime('%b %Y')}" if value else "date not printed"


def month_year(value) -> str:
    """'March 2023'."""
    value = as_date(value)
    return value.strftime("%B %Y") if value else "date not printed"


def as_date(value) -> date | None:
    """A date from a date, Timestamp, ISO string or missing value."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, date):
        return value
    if value is pd.NaT:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def number(value: float) -> str:
    """Thousands separated; decimals only where the figure has them."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not printed"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def money(value: float) -> str:
    """£1.8 million, £634,285, £5,000."""
    if value >= 1_000_000:
        millions = value / 1_000_000
        text = f"{millions:.1f}".rstrip("0").rstrip(".")
        return f"£{text} million"
    return f"£{number(value)}"


def figure_text(value: float, unit: str, qualifier: str = "exact") -> str:
    """A figure in words a panel member reads naturally: 'about 52,000 hours'."""
    prefix = QUALIFIER_WORDS.get(qualifier, "")
    if unit == "percent":
        body = f"{number(value)}%"
    elif unit == "gbp":
        body = money(value)
    elif unit == "pence":
        body = f"{number(value)}p"
    elif unit == "fte":
        body = f"{number(value)} full-time equivalent"
    elif unit == "hours":
        body = f"{number(value)} hours"
    elif unit == "views":
        body = f"{number(value)} views"
    else:
        body = number(value)
    return prefix + body


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 deliverable', '3 deliverables'."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{number(count)} {word}"


def months_between(earlier, later) -> int:
    """Whole months from `earlier` to `later`."""
    a, b = as_date(earlier), as_date(later)
    months = (b.year - a.year) * 12 + (b.month - a.month)
    if b.day < a.day:
        months -= 1
    return months
