"""Citation numbers for a page, fixed before it renders.

A page's footnotes are numbered from the facts it will show, in the order it shows them
(the note first, then each evidence section), before any template runs. Templates only
look numbers up, so the order in which cells run cannot change a page, and a template
that cites a row its facts do not hold fails loudly instead of adding a footnote.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping

import pandas as pd

from briefing.errors import BriefingError
from briefing.note import Cite


class UnplannedCitationError(BriefingError, KeyError):
    """A template cited a row that is not among the facts the page was planned with."""


def cites_in(value) -> Iterator[Cite]:
    """Every citation a value holds, in order: rows (mappings with `source_id` and
    `section`), frames' rows, lists, and the note's records, searched all the way down."""
    if isinstance(value, Cite):
        yield value
    elif isinstance(value, pd.DataFrame):
        for row in value.to_dict("records"):
            yield from cites_in(row)
    elif isinstance(value, pd.Series):
        yield from cites_in(value.to_dict())
    elif isinstance(value, Mapping):
        source, section = value.get("source_id"), value.get("section")
        if isinstance(source, str) and source and isinstance(section, str) and section:
            yield Cite(source, section)
        for item in value.values():
            if isinstance(item, Mapping | list | tuple | pd.DataFrame | pd.Series) or dataclasses.is_dataclass(item):
                yield from cites_in(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in (getattr(value, f.name) for f in dataclasses.fields(value)):
            yield from cites_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from cites_in(item)


class Footnotes:
    """The numbered citations of one page."""

    def __init__(self, cites: Iterable[Cite]):
        self._numbers: dict[Cite, int] = {}
        for cite in cites:
            self._numbers.setdefault(cite, len(self._numbers) + 1)

    @classmethod
    def of(cls, *facts) -> Footnotes:
        """Number every citation in `facts`, in order of first appearance."""
        return cls(cite for value in facts for cite in cites_in(value))

    def number(self, row) -> int:
        """The footnote number of a row's paper and section."""
        cite = row if isinstance(row, Cite) else Cite.of(row)
        try:
            return self._numbers[cite]
        except KeyError:
            raise UnplannedCitationError(
                f"{cite.source_id}, {cite.section} is cited by a template but is not in the facts the page was planned with"
            ) from None

    def __iter__(self) -> Iterator[tuple[int, Cite]]:
        return ((number, cite) for cite, number in self._numbers.items())

    def __len__(self) -> int:
        return len(self._numbers)
