"""Errors the workbook raises. Each one's message is meant for the analyst who must fix it."""


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


def format_failures(failures) -> str:
    """All validation failures as one plain-text message, one paragraph each."""
    return "\n".join(str(failure) for failure in failures)
