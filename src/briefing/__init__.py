"""Panel briefing workbook: validated data, parameterised notebooks, offline HTML briefings."""

import sys

__version__ = "0.4.0"  # as pyproject.toml (tests/test_environment.py checks)

# jsonschema imports the optional rfc3987-syntax package (pulled in by JupyterLab's
# jupyter-events) and builds a parsing grammar at import: 1-3 s in every process that
# imports altair, papermill or nbformat. It serves only the "iri" and "iri-reference"
# format checks, which no schema used here has (Vega-Lite and nbformat use "uri" and
# "uri-reference", checked by rfc3986-validator), so skipping it changes no check.
# A process that has already imported it keeps it.
sys.modules.setdefault("rfc3987_syntax", None)
