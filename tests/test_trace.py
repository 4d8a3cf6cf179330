"""The trace check's reading of printed figures and derivations."""

from __future__ import annotations

import pytest

from briefing.trace import evaluate, numbers_in, printed_in, value_matches


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("1,574", 1574),
        ("£634,285", 634285),
        ("95.8%", 95.8),
        ("37p", 37),
        ("£1.8m", 1_800_000),
        ("500k", 500_000),
        ("c.15,500", 15500),
        ("Five", 5),
        ("10-12%", 12),
        ("Twelve", 12),
    ],
)
def test_printed_figures_are_read_as_the_paper_means(printed, value):
    assert value_matches(value, printed)


def test_a_different_value_does_not_match():
    assert not value_matches(1575, "1,574")
    assert 1.8 in numbers_in("£1.8m")


def test_figures_are_found_across_broken_lines_and_spaced_slides():
    assert printed_in("9.62", "helpful and useful  – 9 . 6 2")
    assert printed_in("£634,285", "This includes £634,285 of improvements")
    assert not printed_in("£634,286", "This includes £634,285 of improvements")


def test_derivations_allow_only_arithmetic_over_figure_ids():
    assert evaluate("officer_target - officer_gap", {"officer_target": 1732, "officer_gap": 33}) == 1699
    assert evaluate("(a + b) / 2", {"a": 1, "b": 3}) == 2
    with pytest.raises(KeyError):
        evaluate("missing + 1", {})
    with pytest.raises(ValueError):
        evaluate("__import__('os')", {})
