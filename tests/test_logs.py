"""A build's log: library warnings and records to the file, the build's own lines to the console."""

from __future__ import annotations

import logging
import warnings

from briefing.config import Paths
from briefing.logs import KEPT_BUILD_LOGS, build_log


def test_warnings_and_library_records_are_kept_in_the_build_log(tmp_path):
    paths = Paths.default(tmp_path)
    with build_log(paths) as log_file:
        warnings.warn("a deprecated option", UserWarning, stacklevel=1)
        logging.getLogger("jupyter_client").warning("a message arrived late")
    kept = log_file.read_text()
    assert "a deprecated option" in kept and "a message arrived late" in kept
    assert warnings.showwarning is not None and warnings.showwarning.__module__ != "briefing.logs"


def test_only_the_newest_build_logs_are_kept(tmp_path):
    paths = Paths.default(tmp_path)
    paths.logs.mkdir(parents=True)
    for number in range(KEPT_BUILD_LOGS + 5):
        (paths.logs / f"build-old-{number:03d}.log").write_text("")
    with build_log(paths):
        pass
    assert len(list(paths.logs.glob("build-*.log"))) == KEPT_BUILD_LOGS
