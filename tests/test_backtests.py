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
    # No paper public by the meeting holds the 2023/24 proposal: the page is a draft, and the
    # 2020 illustration is history, never in place of the proposal.
    assert "Draft" in page["top"] and "Draft" in page["key-issues"] and "Draft" in page["proposal"]
    assert "2% increase" not in page["proposal"] and "2% increase" not in page["key-issues"]
    history = page["history"]
    assert "2% increase" in history and "37p a month" in history and "History, not this year's proposal" in history
    assert "Dated" in history
    # The veto arithmetic counts the Panel's declared membership on the day (panel.yaml).
    assert "declared membership" in page["veto"] and "A veto needs 9 votes" in page["veto"]
    assert "not in the papers yet" in page["timetable"]
    assert "just over 1,000" in page["survey"]
    assert "just over 1,000" not in page["key-issues"], "the 2020 survey is history, not this year's"
    assert questions_in(page) >= 1
    assert "640" not in text, "the 640 responses were first printed on 15 March 2023"


def test_31_jan_2024_precept_says_what_is_not_yet_available(pack):
    page = read(pack, "2024-01-31", "precept")
    missing = page["not-yet"]
    assert "not yet in the papers" in missing
    assert "2024/25 precept and its Band D amount" in missing
    assert "Draft" in page["top"] and "Draft" in page["key-issues"]
    assert "640" in page["key-issues"] and "60%" in page["key-issues"]
    assert "9 votes" in page["key-issues"] and "9 votes" in page["veto"]
    assert "24 points" in page["members-questions"] and "Public survey" in page["members-questions"]
    assert "1 February 2023" in page["since-last"]
    assert "social care" in page["actions"]
    assert questions_in(page) >= 5


def test_a_draft_page_says_so_in_its_title_too(pack):
    # Browsers print the title at the top of each printed sheet and show it on the tab.
    def title(day, kind):
        html = (pack.briefings / day / f"{kind}.html").read_text(encoding="utf-8")
        return html[html.index("<title>") + 7 : html.index("</title>")]

    assert title("2024-01-31", "precept").startswith("Draft: Precept briefing: 31 January 2024")
    assert title("2023-02-01", "precept").startswith("Draft: ")
    assert not title("2024-02-14", "precept").startswith("Draft")
    assert not title("2023-03-15", "comms").startswith("Draft")


def test_14_feb_2024_reserve_meeting(pack):
    page = read(pack, "2024-02-14", "precept")
    assert "Reserve meeting" in page["reserve-timetable"]
    assert "15 February 2024" in page["reserve-timetable"]
    assert "cannot veto again" in page["key-issues"] and "regulation 5(3)" in page["key-issues"]


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
