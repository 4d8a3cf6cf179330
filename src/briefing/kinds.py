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
        Kind("precept", "Precept briefing"),
        Kind("comms", "Communications and engagement briefing"),
        Kind("communities", "Communities briefing"),
        Kind("culture", "Culture Statement briefing"),
    )
}

NAMES: tuple[str, ...] = tuple(KINDS)


def title(kind: str) -> str:
    """The members' title of a kind of briefing."""
    return KINDS[kind].title
