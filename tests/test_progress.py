"""One progress interface: a display overrides what it shows; the rest does nothing."""

from __future__ import annotations

import logging

from briefing.progress import LogProgress, Progress


def test_the_base_progress_accepts_every_call_and_shows_nothing(tmp_path):
    progress = Progress()
    progress.stage("execute", "Executing", total=2)
    progress.advance("execute", "one")
    progress.done("execute", "done")
    progress.note("note")
    progress.fail("fail")
    progress.written([tmp_path / "a.html"])
    progress.close()


def test_log_progress_writes_one_line_per_stage_and_per_executed_briefing(caplog):
    progress = LogProgress()
    with caplog.at_level(logging.DEBUG, logger="briefing"):
        progress.stage("execute", "Executing 1 notebook(s)")
        progress.advance("execute", "2024-02-14 precept: executed in 1.0 s")
        progress.advance("render", "briefings/2024-02-14/precept.html")
        progress.done("execute", "1 notebook(s) executed")
    lines = [(record.levelno, record.getMessage()) for record in caplog.records]
    assert lines[0] == (logging.INFO, "[execute] 2024-02-14 precept: executed in 1.0 s")
    assert lines[1][0] == logging.DEBUG
    assert lines[2][1].startswith("[execute] 1 notebook(s) executed (") and lines[2][1].endswith(" s)")
