"""Errors the workbook raises. Each one's message is meant for the analyst who must fix it,
and each kind has its own exit code (listed in README.md, "When something is wrong").
`Failure` is one broken data rule, as validation and the trace check report it."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_VALUES_SHOWN = 8


@dataclass
class Failure:
    """One broken rule in one column of one file."""

    file: str
    column: str | None
    rule: str
    values: list = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        where = f"data/{self.file}"
        if self.column:
            where += f", column '{self.column}'"
        text = f"{where}: {self.rule}."
        if self.values:
            shown = ", ".join(repr(v) for v in self.values[:MAX_VALUES_SHOWN])
            more = len(self.values) - MAX_VALUES_SHOWN
            text += f" Offending value(s): {shown}" + (f" and {more} more" if more > 0 else "") + "."
        if self.lines:
            shown = ", ".join(str(n) for n in self.lines[:MAX_VALUES_SHOWN])
            more = len(self.lines) - MAX_VALUES_SHOWN
            text += f" Line(s) {shown}" + (f" and {more} more" if more > 0 else "") + "."
        return text


class BriefingError(Exception):
    """Base class: anything that stops a build for a reason the user can fix."""

    exit_code = 1


class ParamsError(BriefingError):
    """A meeting's params file is missing, unreadable or has a bad key or value."""

    exit_code = 2


class DataValidationError(BriefingError):
    """One or more datasets break the rules declared in data/dictionary.yaml."""

    exit_code = 3

    def __init__(self, failures):
        self.failures = list(failures)
        super().__init__(format_failures(self.failures))


class NotebookError(BriefingError):
    """A briefing notebook raised an error while it was executed."""

    exit_code = 4


class PaperError(BriefingError):
    """A paper cannot be added: its id is taken, or the file is not a readable PDF with text or UTF-8 text."""

    exit_code = 2


class BuildLockedError(BriefingError):
    """Another build holds the output folder and did not finish in time."""

    exit_code = 5


class NotebookFileError(BriefingError):
    """A briefing notebook file is not valid JSON or not a notebook, so it cannot be run."""

    exit_code = 6


class KernelDiedError(BriefingError):
    """The kernel running a briefing notebook stopped (killed, or out of memory) mid-run."""

    exit_code = 7


class OutputNotWritableError(BriefingError):
    """The output folder or build/ cannot be written (permissions or a read-only disk)."""

    exit_code = 8


class DiskFullError(BriefingError):
    """The disk filled up while pages were being written; no page was replaced."""

    exit_code = 9


class PortInUseError(BriefingError):
    """The preview's port on localhost is already taken (often by another preview)."""

    exit_code = 10


class InterruptedBuild(BriefingError):
    """The build was stopped with Ctrl-C (SIGINT) or SIGTERM."""

    exit_code = 130


def format_failures(failures) -> str:
    """All validation failures as one plain-text message, one paragraph each."""
    return "\n".join(str(failure) for failure in failures)


class PanelError(BriefingError):
    """panel.yaml (the Panel's identity) is missing, malformed or disagrees with the data."""

    exit_code = 2
