"""The build's validation stage: validate the data once, before any notebook runs.

A one-shot build validates in a short-lived child process, so the build never holds Great
Expectations (the largest import of the build) in memory while the kernels run; a
long-running process (`briefing preview`) validates in-process with the engine it keeps.
Each dataset is checked again only when what its checks read changed (see
`briefing.validation.dataset_key`), and a whole passed validation is not repeated at all.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import asdict
from pathlib import Path

from briefing import fingerprints
from briefing.config import Paths
from briefing.errors import DataValidationError, Failure
from briefing.logs import start_child_process


def validate_stage(paths: Paths, progress, force: bool = False, log_file: Path | None = None, verbose: bool = False, engine=None) -> bool:
    """Validate the data unless an identical validation passed (always with `force`).

    Returns True when validation ran. Raises DataValidationError naming every failure.
    """
    if fingerprints.validation_stamp(paths.cache, paths.data).exists() and not force:
        progress.done("validate", "data unchanged since it last passed validation")
        return False
    progress.stage("validate", "Validating data with Great Expectations")
    if engine is not None:
        outcome = validate_and_remember(paths, True, engine)
    else:
        child = multiprocessing.get_context("spawn").Pool(1, initializer=start_child_process, initargs=(log_file, verbose))
        try:
            outcome = child.apply_async(validate_and_remember, (paths, not force)).get()
        except BaseException:
            child.terminate()  # interrupted: do not wait for the validation to finish
            raise
        else:
            child.close()
        finally:
            child.join()
    if outcome["failures"]:
        raise DataValidationError([Failure(**failure) for failure in outcome["failures"]])
    progress.done("validate", validated_words(outcome))
    return True


def validated_words(outcome: dict) -> str:
    """What a passed validation checked, in words."""
    checked, total = len(outcome["checked"]), len(outcome["rows"])
    if checked == total:
        return f"{total} datasets valid"
    return (
        f"{total} datasets valid ({checked} checked: {', '.join(outcome['checked']) or 'none'}; the others are unchanged since they passed)"
    )


def validate_and_remember(paths: Paths, reuse: bool = True, engine=None) -> dict:
    """Validate the datasets (reusing each unchanged dataset's earlier pass when `reuse`)
    and remember a success; the outcome as plain data, to cross a process boundary."""
    # Great Expectations comes in with validation: only the process that validates imports it.
    from briefing.validation import remember, run_validation

    report = run_validation(paths, reuse=reuse, engine=engine)
    if report.ok:
        remember(paths, report)
    return {"rows": report.rows, "checked": report.checked, "failures": [asdict(failure) for failure in report.failures]}
