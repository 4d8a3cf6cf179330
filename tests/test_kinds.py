"""The registry of kinds of briefing: each names its notebook, module and templates."""

from __future__ import annotations

import importlib

from briefing import kinds


def test_every_kind_has_its_notebook_module_and_templates(paths):
    for kind in kinds.KINDS.values():
        assert (paths.notebooks / kind.notebook).exists()
        importlib.import_module(kind.module)
        assert kinds.title(kind.name) == kind.title
    assert kinds.NAMES == tuple(kinds.KINDS)


def test_a_kind_reads_its_own_measures_and_those_it_borrows():
    from briefing.kinds import KINDS

    assert KINDS["comms"].reads == ("comms", "precept")
    assert KINDS["culture"].reads == ("culture",)
