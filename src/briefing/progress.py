"""How a build tells its watcher what it is doing: one interface, three displays.

`Progress` is the interface a build calls, stage by stage (params, validate, execute,
render, index); each method does nothing unless a display overrides it. `LogProgress`
writes plain log lines (what a scheduled run or CI sees), `RichProgress` draws live bars on
a terminal, and preview keeps its own timings (see `briefing.preview`).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

log = logging.getLogger("briefing")


class Progress:
    """What a build reports as it runs. Subclasses override what they show."""

    def stage(self, name: str, message: str, total: int | None = None) -> None:
        """A stage starts (`total`: how many steps it has, when known)."""

    def advance(self, name: str, message: str) -> None:
        """One step of a stage is done (a notebook executed, a page rendered)."""

    def done(self, name: str, message: str) -> None:
        """A stage ends, with what it did."""

    def note(self, message: str) -> None:
        """Something the watcher should know (another build holds the lock)."""

    def fail(self, message: str) -> None:
        """Something failed."""

    def written(self, pages: list[Path]) -> None:
        """The pages a build has just put into place (preview reloads them)."""

    def close(self) -> None:
        """The build is over: release the display."""


class LogProgress(Progress):
    """Plain log lines: one line when each stage ends, and one per briefing executed,
    each with how long it took."""

    def __init__(self):
        self.started: dict[str, float] = {}

    def stage(self, name, message, total=None):
        self.started[name] = time.perf_counter()

    def advance(self, name, message):
        # Executed briefings get a line each; finer steps (each page rendered) only with --verbose.
        log.log(logging.INFO if name == "execute" else logging.DEBUG, "[%s] %s", name, message)

    def done(self, name, message):
        began = self.started.pop(name, None)
        took = f" ({time.perf_counter() - began:.1f} s)" if began is not None else ""
        log.info("[%s] %s%s", name, message, took)

    def note(self, message):
        log.info("%s", message)

    def fail(self, message):
        log.error("%s", message)


class RichProgress(Progress):
    """Stage-by-stage progress for an analyst watching a build on a terminal."""

    def __init__(self):
        # rich is imported only when a terminal is watching: a scheduled run never pays for it.
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bars

        self.console = Console(stderr=True)
        self.progress = Bars(
            SpinnerColumn(),
            TextColumn("[bold]{task.fields[stage]:<9}"),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self.tasks = {}
        self.progress.start()

    def stage(self, name, message, total=None):
        self.tasks[name] = self.progress.add_task(message, total=total or 1, stage=name)

    def advance(self, name, message):
        if name in self.tasks:
            self.progress.advance(self.tasks[name])
        self.console.log(f"{name}: {message}")

    def done(self, name, message):
        if name not in self.tasks:
            self.tasks[name] = self.progress.add_task(message, total=1, stage=name)
        task = self.tasks[name]
        self.progress.update(task, description=message, completed=self.progress.tasks[task].total)

    def note(self, message):
        self.console.log(message)

    def fail(self, message):
        self.console.log(f"[red]failed:[/red] {message}")

    def close(self):
        self.progress.stop()
