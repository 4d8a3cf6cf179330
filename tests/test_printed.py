"""Where a figure is printed in a paper's text."""

from __future__ import annotations

from briefing.printed import printed_at, printed_in, squeeze


def test_white_space_inside_a_figure_is_optional_and_case_is_ignored():
    assert printed_in("9.62", "helpful – 9 . 6 2")
    assert printed_in("Three", "across three channels")
    assert squeeze(" 1 2\n3 ") == "123"


def test_a_figure_never_matches_part_of_a_longer_number_or_word():
    assert not printed_in("285", "£634,285 of improvements")
    assert not printed_in("two", "a network")
    assert printed_at("40", "40 press releases, 40 posts") == [0, 19]
    assert printed_at("", "anything") == []
