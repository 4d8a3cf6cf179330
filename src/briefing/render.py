"""Rendering an executed notebook to a self-contained HTML page with the house template.

Everything is done through nbconvert's own mechanisms: the house template folder
(templates/nbconvert/briefing, extending `lab`), exporter settings that drop input and
prompts, and preprocessors that drop the parameters cells and anything written to
stderr, and that give each section heading an id for the contents list.
"""

from __future__ import annotations

import re
from functools import lru_cache

import nbformat
from markupsafe import escape
from nbconvert.preprocessors import Preprocessor
from traitlets import Set

from briefing.components import slug
from briefing.config import NBCONVERT_TEMPLATE, TEMPLATES_DIR

HIDDEN_TAGS = {"parameters", "injected-parameters", "remove-cell"}
SECTION_HEADING = re.compile(r"^##\s+(?P<text>[^#].*?)\s*$", re.MULTILINE)


class RemoveTaggedCells(Preprocessor):
    """Drop cells carrying any of `tags` (the parameters cells, analyst-only cells)."""

    tags = Set(HIDDEN_TAGS).tag(config=True)

    def preprocess(self, nb, resources):
        nb.cells = [cell for cell in nb.cells if not (set(cell.get("metadata", {}).get("tags", [])) & self.tags)]
        return nb, resources


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

            def heading(match):
                text = match.group("text")
                anchor = base = slug(text)
                number = 2
                while anchor in used:
                    anchor, number = f"{base}-{number}", number + 1
                used.add(anchor)
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
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        embed_images=True,
    )
    exporter.register_preprocessor(RemoveTaggedCells, enabled=True)
    exporter.register_preprocessor(RemoveStderr, enabled=True)
    exporter.register_preprocessor(SectionHeadings, enabled=True)
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


def render_notebook(notebook: nbformat.NotebookNode, page: dict) -> str:
    """HTML of an executed notebook; `page` supplies title, meeting label and footer."""
    notebook = nbformat.from_dict(notebook)
    notebook.metadata["briefing"] = dict(page)
    # Volatile execution records must not reach the page.
    notebook.metadata.pop("papermill", None)
    for cell in notebook.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    notebook.cells = [c for c in notebook.cells if not set(c.get("metadata", {}).get("tags", [])) & HIDDEN_TAGS]
    stamp = content_fingerprint(notebook, page)
    body, _ = _exporter().from_notebook_node(notebook, resources={"house_css": house_css(), "build_fingerprint": stamp})
    return body
