"""Live progress on a terminal (rich): one line per stage, a bar while notebooks run."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


class RichProgress:
    """Stage-by-stage progress for an analyst watching a build."""

    def __init__(self):
        self.console = Console(stderr=True)
        self.progress = Progress(
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
