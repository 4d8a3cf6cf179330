"""Charts: static, accessible SVG with stable bytes."""

from __future__ import annotations

import pandas as pd

from briefing import charts


def test_a_bar_chart_renders_to_the_same_accessible_svg_twice():
    frame = pd.DataFrame({"channel": ["Facebook", "Instagram"], "posts": [200, 272]})
    first = charts.accessible_svg(charts.to_svg(charts.bar_chart(frame, "channel", "posts", "Posts")), "chart-title")
    second = charts.accessible_svg(charts.to_svg(charts.bar_chart(frame, "channel", "posts", "Posts")), "chart-title")
    assert first == second
    assert first.startswith('<svg role="img" aria-labelledby="chart-title"')
    assert 'role="graphics-' not in first and "aria-roledescription" not in first


def test_analysts_see_live_charts_in_jupyterlab_offline():
    import altair as alt

    charts.use_notebook_renderer()
    assert alt.renderers.active == "briefing"
    bundle = charts._notebook_renderer({"mark": "bar"})
    assert charts.VEGA_LITE_IN_JUPYTERLAB in bundle and "text/plain" in bundle
