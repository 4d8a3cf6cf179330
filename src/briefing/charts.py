"""Charts in GOV.UK / ONS style, drawn with Altair and embedded as static SVG.

Static SVG needs no script, works offline, prints, and keeps pages small. The chart_figure
macro (templates/briefings/macros.html.j2) wraps each chart in a <figure> with a title that
states the message, a subtitle, a text alternative, a source line and its data as a table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd
from markupsafe import Markup

# Okabe-Ito hues, distinguishable with the common colour-vision deficiencies; its yellow
# and sky blue are replaced by darker ochre and purple so every colour has at least 3:1
# contrast with the white background (WCAG 1.4.11). Legends, shapes and the data table
# carry the meaning too, never colour alone.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8F6A00", "#5E4FA2", "#000000"]
PRIMARY = "#1d4f91"
FONT = "Arial"


def base_config(chart):
    """House look: no chart title inside the SVG (it is in the HTML), plain axes."""
    return (
        chart.configure(font=FONT, background="white")
        .configure_view(stroke=None)
        .configure_axis(
            labelFontSize=12, titleFontSize=12, labelColor="#0b0c0c", titleColor="#0b0c0c", gridColor="#dddddd", domainColor="#6f777b"
        )
        .configure_legend(labelFontSize=12, titleFontSize=12)
    )


def to_svg(chart) -> str:
    """Render an Altair chart to SVG text (vl-convert, no browser, no network)."""
    import vl_convert

    spec = base_config(chart).to_dict()
    svg = vl_convert.vegalite_to_svg(spec)
    # Altair and Vega put no random ids in SVG output; keep it that way for stable bytes.
    return re.sub(r"\s+$", "", svg)


def accessible_svg(svg: str, label_id: str) -> Markup:
    """SVG labelled by the given element ids, with Vega's own ARIA tree hidden."""
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{label_id}" focusable="false" ', 1)
    # The marks are described by the text alternative; hide Vega's own ARIA tree.
    svg = re.sub(r'role="graphics-[a-z-]+"', 'aria-hidden="true"', svg)
    svg = re.sub(r' aria-roledescription="[^"]*"', "", svg)
    svg = re.sub(r' aria-label="[^"]*"', "", svg)
    return Markup(svg)


def bar_chart(
    frame: pd.DataFrame, category: str, value: str, value_title: str, label: str | None = None, sort: bool = True, height_per_bar: int = 28
):
    """Horizontal bars with direct labels (the value printed at the end of each bar)."""
    import altair as alt

    order = "-x" if sort else None
    label = label or value
    frame = frame[list(dict.fromkeys([category, value, label]))]
    bars = (
        alt.Chart(frame)
        .mark_bar(color=PRIMARY)
        .encode(
            y=alt.Y(f"{category}:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(grid=False, labels=False, ticks=False)),
        )
    )
    labels = bars.mark_text(align="left", dx=4, color="#0b0c0c", fontSize=12).encode(text=f"{label}:N")
    return (bars + labels).properties(width=300, height=max(60, height_per_bar * len(frame)))


def timeline_chart(frame: pd.DataFrame, date_field: str, label_field: str, kind_field: str, label_limit: int = 280):
    """Events on a time axis, each labelled directly; shape and colour both mark the kind."""
    import altair as alt

    kinds = sorted(frame[kind_field].unique())
    frame = frame[[date_field, label_field, kind_field]].assign(**{date_field: frame[date_field].dt.strftime("%Y-%m-%d")})
    base = alt.Chart(frame).encode(
        x=alt.X(f"{date_field}:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=6)),
        y=alt.Y(f"{label_field}:N", sort=None, title=None, axis=alt.Axis(labelLimit=label_limit)),
    )
    legend = alt.Legend(title="Kind of event", orient="bottom", columns=3)
    points = base.mark_point(size=90, filled=True).encode(
        color=alt.Color(f"{kind_field}:N", scale=alt.Scale(domain=kinds, range=PALETTE[: len(kinds)]), legend=legend),
        shape=alt.Shape(f"{kind_field}:N", scale=alt.Scale(domain=kinds), legend=legend),
    )
    return points.properties(width=280, height=max(80, 24 * len(frame)))


def dot_scale_chart(frame: pd.DataFrame, category: str, value: str, low: float, high: float, value_title: str, label_limit: int = 300):
    """Dots on a fixed scale from `low` to `high`, with values printed beside them."""
    import altair as alt

    frame = frame[[category, value]]
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{category}:N", sort=None, title=None, axis=alt.Axis(labelLimit=label_limit)),
        x=alt.X(f"{value}:Q", scale=alt.Scale(domain=[low, high]), title=value_title),
    )
    dots = base.mark_point(filled=True, size=80, color=PRIMARY)
    labels = base.mark_text(align="right", dx=-8, fontSize=12, color="#0b0c0c").encode(text=alt.Text(f"{value}:Q", format=".2f"))
    return (dots + labels).properties(width=260, height=max(80, 30 * len(frame)))


def stacked_status_chart(
    frame: pd.DataFrame, category: str, status: str, count: str, statuses: Sequence[str], category_order: Sequence[str] | None = None
):
    """Counts by category split by status; each status has its own colour and a legend
    with text, and the counts are in the table beneath."""
    import altair as alt

    return (
        alt.Chart(frame)
        .mark_bar(stroke="white", strokeWidth=1)
        .encode(
            y=alt.Y(
                f"{category}:N", title=None, sort=list(category_order) if category_order else "ascending", axis=alt.Axis(labelLimit=260)
            ),
            x=alt.X(f"sum({count}):Q", title="Number of deliverables"),
            color=alt.Color(
                f"{status}:N",
                scale=alt.Scale(domain=list(statuses), range=PALETTE[: len(statuses)]),
                legend=alt.Legend(title="Status", orient="bottom", columns=3),
            ),
            order=alt.Order("status_order:Q"),
        )
        .properties(width=300, height=36 * frame[category].nunique())
    )


def grouped_bar_chart(frame: pd.DataFrame, category: str, value: str, group: str, value_title: str, height_per_bar: int = 22):
    """Horizontal bars, one per group (e.g. period) within each category, each labelled with
    its value; colour and the legend both name the group, and so does the data table."""
    import altair as alt

    groups = list(dict.fromkeys(frame[group]))
    frame = frame[[category, value, group]]
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{category}:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset(f"{group}:N", sort=groups),
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(grid=False, labels=False, ticks=False)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            f"{group}:N",
            sort=groups,
            scale=alt.Scale(domain=groups, range=PALETTE[: len(groups)]),
            legend=alt.Legend(title=None, orient="bottom"),
        )
    )
    labels = base.mark_text(align="left", dx=4, color="#0b0c0c", fontSize=11).encode(text=alt.Text(f"{value}:Q", format=","))
    return (bars + labels).properties(width=300, height=max(60, height_per_bar * len(frame)))


VEGA_LITE_IN_JUPYTERLAB = "application/vnd.vegalite.v5+json"


def _notebook_renderer(spec: dict) -> dict:
    """JupyterLab draws Vega-Lite itself (offline, no CDN), from its v5 mimetype; the specs
    used here need nothing newer. Executed notebooks keep this output, which is valid
    nbformat and never reaches a circulated page (those cells are tagged analyst)."""
    return {VEGA_LITE_IN_JUPYTERLAB: {**spec, "$schema": "https://vega.github.io/schema/vega-lite/v5.json"}, "text/plain": "<chart>"}


def use_notebook_renderer() -> None:
    """Show Altair charts as live charts in JupyterLab, with no network."""
    import altair as alt

    if "briefing" not in alt.renderers.names():
        alt.renderers.register("briefing", _notebook_renderer)
    alt.renderers.enable("briefing")
