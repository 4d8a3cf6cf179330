"""Rendering an executed notebook to a self-contained HTML page with the house template.

Everything is done through nbconvert's own mechanisms: the house template folder
(templates/nbconvert/briefing, extending `lab`), exporter settings that drop input and
prompts, and preprocessors that drop the parameters cells and anything written to
stderr, and that give each section heading an id for the contents list (registered in
the template's conf.json, which nbconvert reads).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

import nbformat
from markupsafe import escape
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from briefing.config import NBCONVERT_TEMPLATE, TEMPLATES_DIR
from briefing.words import slug

# Cells that never circulate: the parameters papermill reads and injects, and the cells
# that show the analyst a section's frame and chart.
HIDDEN_TAGS = {"parameters", "injected-parameters", "analyst"}
# '## Heading' or '## Heading {#id}': a section of the evidence, with an id the note links to.
SECTION_HEADING = re.compile(r"^##\s+(?P<text>[^#].*?)(?:\s*\{#(?P<id>[a-z0-9-]+)\})?\s*$", re.MULTILINE)
# The cell that opens the evidence after the note; the contents list follows it.
EVIDENCE_TAG = "evidence"
WORDS_PER_MINUTE = 200


class RemoveStderr(Preprocessor):
    """Drop stderr streams (warnings, progress bars) so they never reach a member."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        return cell, resources


class SectionHeadings(Preprocessor):
    """Turn each markdown '## Heading' into an h2 with a stable id and list it as contents."""

    def preprocess(self, nb, resources):
        contents = []
        used: set[str] = set()
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue

            evidence = EVIDENCE_TAG in cell.metadata.get("tags", [])

            def heading(match, evidence=evidence):
                text = match.group("text")
                anchor = base = match.group("id") or slug(text)
                number = 2
                while anchor in used:
                    anchor, number = f"{base}-{number}", number + 1
                used.add(anchor)
                if not evidence:
                    contents.append({"id": anchor, "text": text})
                return f'<h2 id="{anchor}">{escape(text)}</h2>'

            cell.source = SECTION_HEADING.sub(heading, cell.source)
        nb.metadata.setdefault("briefing", {})["contents"] = contents
        return nb, resources


@lru_cache(maxsize=1)
def house_css() -> str:
    """The house stylesheet shared by briefings and index pages."""
    return (TEMPLATES_DIR / "static" / "house.css").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name=NBCONVERT_TEMPLATE,
        extra_template_basedirs=[str(TEMPLATES_DIR / "nbconvert")],
        extra_template_paths=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        embed_images=True,
    )
    return exporter


def content_fingerprint(notebook: nbformat.NotebookNode, page: dict) -> str:
    """A stamp derived from what the page shows: cell sources, outputs and page details.

    It changes only when the page's content changes, so a code or data change that does
    not alter a page leaves that page's bytes alone.
    """
    import hashlib
    import json

    digest = hashlib.sha256(json.dumps(page, sort_keys=True).encode())
    for cell in notebook.cells:
        digest.update(cell.cell_type.encode())
        digest.update(cell.source.encode())
        digest.update(json.dumps(cell.get("outputs", []), sort_keys=True, default=str).encode())
    digest.update(house_css().encode())
    return digest.hexdigest()[:16]


def _hide_analyst_cells(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without the cells tagged never to circulate (nbconvert's own preprocessor)."""
    remover = TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS, enabled=True)
    notebook, _ = remover.preprocess(notebook, {})
    return notebook


def _drop_empty_sections(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without the sections whose code cells all show nothing.

    A section (a '## Heading' cell and the cells up to the next one) that has code cells
    but no output for this meeting is left out with its heading: a reserve meeting's page
    leaves out the first precept meeting's sections, and the contents list follows.
    """
    sections: list[list] = [[]]
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and SECTION_HEADING.fullmatch(cell.source.strip()):
            sections.append([])
        sections[-1].append(cell)

    def empty(section) -> bool:
        code = [c for c in section if c.cell_type == "code"]
        heading_only = all(c.cell_type == "code" for c in section[1:])
        return bool(code) and heading_only and not any(c.get("outputs") for c in code)

    notebook.cells = [cell for n, section in enumerate(sections) if n == 0 or not empty(section) for cell in section]
    return notebook


class _ReadText(HTMLParser):
    """The words of an HTML fragment a reader reads through: not charts (svg), and not the
    collapsed data tables (details) that repeat a chart for those who want it."""

    SKIPPED = ("svg", "details")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in self.SKIPPED

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        self.skipping -= tag in self.SKIPPED and self.skipping > 0

    def handle_data(self, data):
        if not self.skipping:
            self.words.append(data)


def read_text(html: str) -> str:
    """The text of an HTML fragment that a reader reads through (see `_ReadText`)."""
    reader = _ReadText()
    reader.feed(html)
    reader.close()
    return " ".join(reader.words)


def _minutes(words: int) -> int:
    return max(1, -(-words // WORDS_PER_MINUTE))


def note_words(notebook: nbformat.NotebookNode) -> int:
    """Words a member reads in the note: every cell before the one that opens the evidence."""
    cells = []
    for cell in notebook.cells:
        if EVIDENCE_TAG in cell.metadata.get("tags", []):
            break
        cells.append(cell)
    return page_words(nbformat.from_dict({**notebook, "cells": cells}))


def reading_minutes(notebook: nbformat.NotebookNode) -> dict:
    """Minutes to read the note and the whole page, at a steady reading pace, rounded up."""
    return {"note": _minutes(note_words(notebook)), "page": _minutes(page_words(notebook))}


def page_words(notebook: nbformat.NotebookNode) -> int:
    """Words a page shows (collapsed data tables, which repeat a chart, are not counted)."""
    texts = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            texts.append(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts.append(read_text(str(data.get("text/html", ""))))
    return len(re.sub(r"\{#[a-z0-9-]+\}", " ", " ".join(texts)).split())


def page_facts(notebook: nbformat.NotebookNode) -> dict:
    """What the notebook's cells say about the whole page (`words.Section(page=...)`): the
    display metadata under "briefing" of its outputs, merged in cell order."""
    facts: dict = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            facts.update(output.get("metadata", {}).get("text/html", {}).get("briefing", {}))
    return facts


def render_notebook(notebook: nbformat.NotebookNode, page: dict) -> str:
    """HTML of an executed notebook; `page` supplies title, meeting label and footer."""
    notebook = nbformat.from_dict(notebook)
    notebook.metadata["briefing"] = dict(page)
    # Volatile execution records must not reach the page.
    notebook.metadata.pop("papermill", None)
    for cell in notebook.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    notebook = _drop_empty_sections(_hide_analyst_cells(notebook))
    notebook.metadata["briefing"]["reading_minutes"] = reading_minutes(notebook)
    stamp = content_fingerprint(notebook, page)
    body, _ = _exporter().from_notebook_node(notebook, resources={"house_css": house_css(), "build_fingerprint": stamp})
    return body
