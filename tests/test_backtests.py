"""Backtests: read the briefings rendered fresh in this test session (the `pack` fixture)
and find what a member must see, for the meetings whose papers we hold (1 Feb 2023, 15 Mar
2023) and a future one (31 Jan 2024)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest


class _Sections(HTMLParser):
    """Visible text of a page, split at each h2 (keyed by the heading's id)."""

    def __init__(self):
        super().__init__()
        self.sections = {"top": []}
        self.current = "top"
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1
        if tag == "h2":
            self.current = dict(attrs).get("id", "untitled")
            self.sections[self.current] = []

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.sections[self.current].append(data)


def read(pack, day, kind):
    parser = _Sections()
    parser.feed((pack.briefings / day / f"{kind}.html").read_text(encoding="utf-8"))
    return {key: re.sub(r"\s+", " ", " ".join(parts)) for key, parts in parser.sections.items()}


def questions_in(page) -> int:
    """Lines of enquiry in the note: each has a follow-up."""
    return page["lines-of-enquiry"].count("If the answer is vague:")


def test_1_feb_2023_precept(pack):
    page = read(pack, "2023-02-01", "precept")
    text = " ".join(page.values())
    assert "1 February 2023" in page["top"]
    assert "2% increase" in page["the-proposal-and-the-decision"] and "37p a month" in page["the-proposal-and-the-decision"]
    assert "Dated" in page["the-proposal-and-the-decision"]
    assert "Votes needed to veto" in page["veto-arithmetic"]  # membership not yet public: the table by size
    assert "not in the papers yet" in page["statutory-timetable"]
    assert "just over 1,000" in page["the-public-survey"]
    assert questions_in(page) >= 2
    assert "640" not in text, "the 640 responses were first printed on 15 March 2023"


def test_31_jan_2024_precept_says_what_is_not_yet_available(pack):
    page = read(pack, "2024-01-31", "precept")
    missing = page["figures-not-yet-available"]
    assert "not yet in the papers" in missing
    assert "2024/25 precept and its Band D amount" in missing
    assert "640" in page["key-points"] and "60%" in page["key-points"]
    assert "9 votes" in page["key-points"] or "9 votes" in page["veto-arithmetic"]
    assert (
        "Members' questions" not in page["members-questions-at-the-last-precept-meeting"]
        or "24 points" in page["members-questions-at-the-last-precept-meeting"]
    )
    assert "Public survey" in page["members-questions-at-the-last-precept-meeting"]
    assert "1 February 2023" in page["since-the-last-meeting"]
    assert "social care" in page["open-actions-and-recommendations"]
    assert questions_in(page) >= 4


def test_14_feb_2024_reserve_meeting(pack):
    page = read(pack, "2024-02-14", "precept")
    assert "Reserve meeting" in page["statutory-timetable"]
    assert "15 February 2024" in page["statutory-timetable"]


@pytest.mark.parametrize("kind", ["comms", "communities", "culture"])
def test_15_mar_2023_briefings_have_every_part(pack, kind):
    page = read(pack, "2023-03-15", kind)
    for section in ("the-item", "last-time", "key-issues", "lines-of-enquiry", "options", "evidence", "sources"):
        assert section in page, f"{kind} briefing has no '{section}' section"
    assert "note" in page["the-item"].lower()  # the Panel is asked to note the report
    assert 5 <= questions_in(page) <= 6
    assert re.search(r"Panel paper, 15 (Mar|March) 2023", page["sources"])


def test_15_mar_2023_comms_figures_and_disagreement(pack):
    text = " ".join(read(pack, "2023-03-15", "comms").values())
    for figure in ("640", "472", "750", "1,574", "1.9"):
        assert figure in text
    assert "Papers disagree" in text and "April 2023" in text and "May 2023" in text


def test_15_mar_2023_communities_figures_and_flags(pack):
    text = " ".join(read(pack, "2023-03-15", "communities").values())
    for figure in ("£730,000", "£5,000", "£634,285", "95.8%", "131"):
        assert figure in text
    assert "Dated" in text
    assert "not started" in text.lower()


def test_15_mar_2023_culture_figures_and_flags(pack):
    text = " ".join(read(pack, "2023-03-15", "culture").values())
    for figure in ("400", "9.77", "2.6%", "9.7%"):
        assert figure in text
    assert "baseline" in text.lower()
    assert "Dated" in text


# The workbook does not talk about itself on a page (issue 17, item 3).
MACHINERY = (
    "this briefing has seen",
    "this briefing has not seen",
    "has not checked",
    "first briefing",
    "this series",
    "our subtraction",
    "(our sum)",
    "Papers used:",
    "Briefing due:",
)


@pytest.mark.parametrize("kind", ["comms", "communities", "culture"])
def test_15_mar_2023_pages_do_not_talk_about_the_workbook(paths, kind):
    text = " ".join(read(paths, "2023-03-15", kind).values())
    for words in MACHINERY:
        assert words not in text, f"{kind} page says {words!r}"
