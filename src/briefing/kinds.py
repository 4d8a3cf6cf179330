"""The registry of briefing kinds: the one place a kind of briefing is declared.

Params, the build, the index pages and the kernels' warm-up imports all read it. Adding a
briefing means a topic module, a template folder under templates/briefings/, a notebook
under notebooks/ and one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """One kind of briefing."""

    name: str  # params key, notebook name, template folder and module name
    title: str  # as members see it, e.g. "Precept briefing"
    # The briefings whose figures this one reads (its own, and any it borrows), so that an
    # edit to another briefing's figure does not re-execute it.
    borrows: tuple[str, ...] = ()
    # A function of the topic module, (paths, meeting_date, parameters) -> list of lines,
    # that the build prints to the analyst (never to members) for each briefing it builds.
    analyst_warnings: str | None = None

    @property
    def reads(self) -> tuple[str, ...]:
        """The briefings whose measures' figures this briefing reads."""
        return (self.name, *self.borrows)

    @property
    def module(self) -> str:
        """The topic module that computes this briefing's facts."""
        return f"briefing.{self.name}"

    @property
    def notebook(self) -> str:
        """The notebook's file name under notebooks/."""
        return f"{self.name}.ipynb"

    @property
    def templates(self) -> str:
        """The template folder under templates/briefings/."""
        return self.name


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("precept", "Precept briefing", analyst_warnings="analyst_warnings"),
        Kind("comms", "Communications and engagement briefing", borrows=("precept",)),  # the precept survey
        Kind("communities", "Communities briefing"),
        Kind("culture", "Culture Statement briefing"),
    )
}

NAMES: tuple[str, ...] = tuple(KINDS)


def analyst_warnings(paths, meeting_date: str, kind: str, parameters: dict) -> list[str]:
    """The lines a kind's topic module has for the analyst about one briefing (none for a
    kind that registers no check)."""
    import importlib

    name = KINDS[kind].analyst_warnings
    if name is None:
        return []
    return list(getattr(importlib.import_module(KINDS[kind].module), name)(paths, meeting_date, parameters))


def title(kind: str) -> str:
    """The members' title of a kind of briefing."""
    return KINDS[kind].title
