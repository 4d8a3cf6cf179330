"""Citation numbers for a page, fixed before it renders.

`Briefing.plan` words the note and every evidence section once, in page order, with a
recording `Footnotes`: each paper and section gets the next number the first time the
page cites it. The numbers are then frozen, and the page's cells render with the frozen
copy, which only looks numbers up. So the order in which cells run cannot change a page,
the sources list holds exactly what the page cites, numbered in reading order, and a cell
that cites a row the plan did not see fails loudly instead of adding a footnote.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from briefing.errors import BriefingError
from briefing.note import Cite


class UnplannedCitationError(BriefingError, KeyError):
    """A template cited a row that the page was not planned with."""


class Footnotes:
    """The numbered citations of one page: recording while the page is planned, then frozen."""

    def __init__(self, cites: Iterable[Cite] = (), recording: bool = False):
        self._numbers: dict[Cite, int] = {}
        self.recording = recording
        for cite in cites:
            self._numbers.setdefault(cite, len(self._numbers) + 1)

    def number(self, row) -> int:
        """The footnote number of a row's paper and section (a mapping with `source_id`
        and `section`, or a Cite). While recording, a new one gets the next number."""
        cite = row if isinstance(row, Cite) else Cite.of(row)
        if cite not in self._numbers:
            if not self.recording:
                raise UnplannedCitationError(f"{cite.source_id}, {cite.section} is cited by a cell the page was not planned with")
            self._numbers[cite] = len(self._numbers) + 1
        return self._numbers[cite]

    def frozen(self) -> Footnotes:
        """A copy with the same numbers that adds none."""
        return Footnotes(self._numbers)

    def __iter__(self) -> Iterator[tuple[int, Cite]]:
        return ((number, cite) for cite, number in self._numbers.items())

    def __len__(self) -> int:
        return len(self._numbers)
