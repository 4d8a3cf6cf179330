"""What a kernel imports before it is handed a notebook."""

from __future__ import annotations

import sys

from briefing import words
from briefing.kinds import KINDS
from briefing.warmup import warm_up


def test_warm_up_imports_every_topic_module_and_starts_vl_convert():
    warm_up()
    for kind in KINDS.values():
        assert kind.module in sys.modules
    assert "vl_convert" in sys.modules and "briefing.context" in sys.modules


def test_warm_up_compiles_every_section_template_so_a_notebook_finds_them_ready():
    environment = words.environment()
    environment.cache.clear()
    warm_up()
    compiled = {name for _, name in environment.cache}
    assert compiled == set(environment.list_templates(extensions=["j2"]))
    assert {"shared/note.html.j2", "comms/outputs.html.j2", "precept/note.html.j2"} <= compiled
