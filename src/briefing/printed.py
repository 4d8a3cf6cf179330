"""Where a figure is printed in a paper's text: the matching rules the trace check and
the citation check share (white space inside a figure is optional, case is ignored, and a
figure never matches part of a longer number or word)."""

from __future__ import annotations

import re


def squeeze(text: str) -> str:
    """Text with all white space removed, for matching across broken PDF lines."""
    return re.sub(r"\s+", "", text)


def _figure_pattern(printed: str) -> str | None:
    characters = squeeze(printed)
    if not characters:
        return None
    body = r"\s*".join(re.escape(c) for c in characters)
    return rf"(?<![0-9A-Za-z])(?<![0-9][,.]){body}(?![0-9A-Za-z])(?![,.][0-9])"


def printed_in(printed: str, paper_text: str) -> bool:
    """True when the printed figure appears in the paper as a whole token.

    White space inside the figure is optional (the PDF extraction broke lines and spaced
    out slide text) and case is ignored, but the figure must not be part of a longer
    number or word: '285' is not found in '634,285', nor 'two' in 'network'.
    """
    pattern = _figure_pattern(printed)
    return pattern is not None and re.search(pattern, paper_text, flags=re.IGNORECASE) is not None


def printed_at(printed: str, paper_text: str) -> list[int]:
    """Every offset in the paper where the printed figure appears (the rules of `printed_in`)."""
    pattern = _figure_pattern(printed)
    if pattern is None:
        return []
    return [match.start() for match in re.finditer(pattern, paper_text, flags=re.IGNORECASE)]
