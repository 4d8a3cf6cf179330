"""What a kernel does before it is handed a notebook: import the libraries every briefing
uses, compile the section templates, and draw one tiny chart so vl-convert's JavaScript
engine is running. No notebook code runs and no data is read, so a kernel may warm up while
the data is being validated. (Jinja checks each template's file when it is used, so an
edit made after the warm-up still reaches the page.)"""

from __future__ import annotations

import importlib

from briefing import words
from briefing.kinds import KINDS

MODULES = (
    "altair",
    "pandas",
    "vl_convert",
    "holidays",
    "holidays.countries.united_kingdom",
    "briefing.charts",
    "briefing.context",
    "briefing.params",
    "briefing.validation",
    "briefing.words",
)
TINY_CHART = {"data": {"values": [{"a": 1}]}, "mark": "bar", "encoding": {"x": {"field": "a", "type": "quantitative"}}}


def warm_up() -> None:
    """Import every module a briefing notebook uses, compile the section templates and start
    vl-convert's engine."""
    for name in MODULES + tuple(kind.module for kind in KINDS.values()):
        importlib.import_module(name)
    environment = words.environment()
    for template in environment.list_templates(extensions=["j2"]):
        environment.get_template(template)
    importlib.import_module("vl_convert").vegalite_to_svg(TINY_CHART)
