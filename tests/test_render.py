"""Rendering: the house template drops code, parameters and stderr, and adds structure."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from briefing.render import page_facts, render_notebook

PAGE = {"title": "Test briefing: 1 February 2023", "meeting_label": "Meeting of 1 February 2023", "footer": "Footer text"}


def executed_notebook():
    parameters = new_code_cell('meeting_date: str = "2023-02-01"  # ISO date', metadata={"tags": ["parameters"]})
    injected = new_code_cell('meeting_date = "2023-02-01"', metadata={"tags": ["injected-parameters"]})
    note = new_markdown_cell("Analyst note: secret working", metadata={"tags": ["analyst"]})
    header = new_code_cell(
        "show()",
        metadata={"tags": ["title"]},
        outputs=[new_output("display_data", data={"text/html": "<h1>Heading one</h1>", "text/plain": "x"})],
    )
    evidence = new_markdown_cell("## The evidence behind this note {#evidence}", metadata={"tags": ["evidence"]})
    warning = new_code_cell(
        "warn()", outputs=[new_output("stream", name="stderr", text="UserWarning: noisy\n"), new_output("stream", name="stdout", text="")]
    )
    section = new_markdown_cell("## Key points\n\nSome words.")
    again = new_markdown_cell("## Key points")
    cells = [note, parameters, injected, header, warning, evidence, section, again]
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index}"
    return new_notebook(cells=cells, metadata={"papermill": {"parameters": {"meeting_date": "2023-02-01"}}})


def test_page_has_no_code_parameters_or_stderr():
    html = render_notebook(executed_notebook(), PAGE)
    for absent in ("show()", "meeting_date", "UserWarning", "secret working", "In&nbsp;[", "<script", "<link"):
        assert absent not in html


def test_page_structure_and_contents():
    html = render_notebook(executed_notebook(), PAGE)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in html
    assert "<title>Test briefing: 1 February 2023</title>" in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html
    # The reading times follow the title; the evidence's contents list follows its heading.
    assert html.index("<h1>Heading one</h1>") < html.index('<p class="reading-time">Reading time: note ')
    assert '<h2 id="evidence">The evidence behind this note</h2>' in html
    assert html.index('id="evidence"') < html.index('<nav aria-label="Contents of the evidence" class="contents">')
    assert '<h2 id="key-points">Key points</h2>' in html and '<h2 id="key-points-2">' in html
    assert '<a href="#key-points">Key points</a>' in html and '<a href="#evidence">' not in html


def test_same_notebook_gives_same_bytes():
    assert render_notebook(executed_notebook(), PAGE) == render_notebook(nbformat.from_dict(executed_notebook()), PAGE)


def test_stamp_changes_only_with_content():
    first = render_notebook(executed_notebook(), PAGE)
    changed = executed_notebook()
    changed.cells[6].source = "## Key points\n\nOther words."
    assert render_notebook(changed, PAGE) != first


def test_a_section_whose_code_shows_nothing_is_left_out_with_its_heading():
    notebook = executed_notebook()
    shown = new_code_cell("render()", outputs=[new_output("display_data", data={"text/html": "<p>Reserve words</p>", "text/plain": "x"})])
    empty = [new_markdown_cell("## Veto arithmetic"), new_code_cell("None")]
    notebook.cells[5:5] = [*empty, new_markdown_cell("## What the Panel can do"), shown]
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"
    html = render_notebook(notebook, PAGE)
    assert "Veto arithmetic" not in html, "an empty section and its contents entry are left out"
    assert '<h2 id="what-the-panel-can-do">' in html and "Reserve words" in html
    assert '<h2 id="key-points-2">' in html, "a heading with no code cells is kept"


def test_reading_text_leaves_out_charts_and_collapsed_tables():
    from briefing.render import read_text

    html = "<p>The Commissioner&#39;s <b>plan</b></p><svg><text>42</text></svg><details><summary>Data</summary><table><tr><td>1</td></tr></table></details><p>ends</p>"
    assert read_text(html).split() == ["The", "Commissioner's", "plan", "ends"]


def test_the_house_template_registers_its_preprocessors_in_conf_json():
    import json

    from briefing.config import TEMPLATES_DIR

    conf = json.loads((TEMPLATES_DIR / "nbconvert" / "briefing" / "conf.json").read_text())
    types = [entry["type"] for _, entry in sorted(conf["preprocessors"].items())]
    assert types == ["briefing.render.RemoveStderr", "briefing.render.SectionHeadings"]


def test_what_a_cell_says_of_the_whole_page_is_read_from_its_display_metadata():
    from briefing.words import Section

    notebook = executed_notebook()
    assert page_facts(notebook) == {}
    html, metadata = Section("<h1>Draft: Heading</h1>", page={"draft": True})._repr_html_()
    notebook.cells[3].outputs = [new_output("display_data", data={"text/html": html}, metadata={"text/html": metadata})]
    assert page_facts(notebook) == {"draft": True}
    assert Section("<p>words</p>")._repr_html_() == "<p>words</p>"
