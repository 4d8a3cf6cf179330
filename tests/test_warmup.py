"""What a kernel imports before it is handed a notebook."""

from __future__ import annotations

import sys

from briefing.kinds import KINDS
from briefing.warmup import warm_up


def test_warm_up_imports_every_topic_module_and_starts_vl_convert():
    warm_up()
    for kind in KINDS.values():
        assert kind.module in sys.modules
    assert "vl_convert" in sys.modules and "briefing.context" in sys.modules
