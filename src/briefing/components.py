"""HTML building blocks for briefings. Every string from the data is escaped here.

Builders return `Html`, which notebooks display and nbconvert renders as HTML. Text
goes through `markupsafe.escape`; only markup built in this module is trusted, so a
`<script>` or `javascript:` link in a dataset is shown as text and never runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape


def slug(text: str) -> str:
    """An id for a heading or chart: lower case words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


class Html:
    """A fragment of trusted HTML that Jupyter displays as rich output."""

    def __init__(self, markup: str | Markup):
        self.markup = Markup(markup)

    def _repr_html_(self) -> str:
        return str(self.markup)

    def __html__(self) -> str:
        return str(self.markup)

    def __str__(self) -> str:
        return str(self.markup)

    def __repr__(self) -> str:
        # What a console shows; circulated pages use the HTML.
        return f"Html({len(self.markup)} characters)"

    def __add__(self, other: Html) -> Html:
        return Html(self.markup + Markup(str(other)))


def join(parts: Iterable) -> Html:
    """Concatenate fragments (strings are escaped)."""
    return Html(Markup("").join(p if isinstance(p, (Html, Markup)) else escape(p) for p in parts))


def tag(name: str, content="", **attributes) -> Markup:
    """An element; attribute values and string content are escaped."""
    attrs = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{escape(value)}"'
        for key, value in attributes.items()
        if value is not None and value is not False
    )
    inner = content if isinstance(content, (Markup, Html)) else escape(content)
    return Markup(f"<{name}{attrs}>{inner}</{name}>")


def paragraph(*parts, class_: str | None = None) -> Html:
    """A paragraph of escaped text and trusted fragments."""
    return Html(tag("p", join(parts), class_=class_))


def bullet_list(items: Iterable, class_: str | None = None, ordered: bool = False) -> Html:
    """A list; each item is text or a fragment."""
    inner = Markup("").join(tag("li", join(item if isinstance(item, (list, tuple)) else [item])) for item in items)
    return Html(tag("ol" if ordered else "ul", inner, class_=class_))


def heading(level: int, text: str, id_: str | None = None) -> Html:
    """A heading element."""
    return Html(tag(f"h{level}", text, id=id_))


def flag(label: str, *parts) -> Html:
    """A highlighted flag: a text label (never colour alone) and its explanation."""
    return Html(tag("div", tag("span", label, class_="flag-label") + join(parts).markup, class_="flag"))


def badge(text: str, kind: str) -> Markup:
    """A short status word shown as a bordered label (text carries the meaning)."""
    return tag("span", text, class_=f"tag tag-{kind}")


def table(
    rows: Sequence[Sequence],
    columns: Sequence[str],
    caption: str,
    numeric: Sequence[int] = (),
    row_headers: bool = True,
) -> Html:
    """A data table with caption and header cells (scope set); cells escaped."""
    head = Markup("").join(tag("th", c, scope="col", class_="number" if i in numeric else None) for i, c in enumerate(columns))
    body = Markup("")
    for row in rows:
        cells = Markup("")
        for i, value in enumerate(row):
            content = value if isinstance(value, (Html, Markup)) else escape("" if value is None else value)
            if i == 0 and row_headers:
                cells += tag("th", Markup(content), scope="row")
            else:
                cells += tag("td", Markup(content), class_="number" if i in numeric else None)
        body += tag("tr", cells)
    markup = tag("caption", caption) + tag("thead", tag("tr", head)) + tag("tbody", body)
    # On a narrow screen a wide table scrolls inside this region, which keyboard users
    # must be able to focus to scroll.
    return Html(tag("div", tag("table", markup), class_="table-wrap", tabindex="0", role="region", aria_label=caption))


def details(summary: str, content: Html) -> Html:
    """A collapsible block (opened for print by the stylesheet)."""
    return Html(tag("details", tag("summary", summary) + Markup(str(content))))
