"""Every circulated briefing opens with the note a member reads in five minutes, then the
evidence behind it, and never talks about the workbook itself."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from briefing.render import WORDS_PER_MINUTE

NOTE_MINUTES = 5
# Wording about the workbook's own machinery, which members should never read.
MACHINERY = (
    "this briefing has seen",
    "papers used:",
    "our subtraction",
    "first briefing in this series",
    "first briefing on this topic",
    "questions members may wish to ask",
)


class _Text(HTMLParser):
    """Visible text of a page, before and after the element with id="evidence"."""

    def __init__(self):
        super().__init__()
        self.parts = {"note": [], "evidence": []}
        self.current = "note"
        self.skip = 0
        self.in_main = False

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "svg", "details"):
            self.skip += 1
        if tag == "main":
            self.in_main = True
        if dict(attrs).get("id") == "evidence":
            self.current = "evidence"

    def handle_endtag(self, tag):
        if tag in ("style", "script", "svg", "details"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and self.in_main:
            self.parts[self.current].append(data)


def split(html: str) -> dict[str, str]:
    parser = _Text()
    parser.feed(html)
    return {key: re.sub(r"\s+", " ", " ".join(parts)) for key, parts in parser.parts.items()}


def briefing_pages(pack):
    return [page for page in sorted(pack.briefings.glob("*/*.html")) if page.name != "index.html"]


def test_every_briefing_page_has_a_note_then_the_evidence(pack):
    pages = briefing_pages(pack)
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert html.count('id="evidence"') == 1, f"{page}: no single element with id=evidence"
        assert html.index('id="note"') < html.index('id="evidence"'), f"{page}: the note does not come first"
        # The contents list belongs to the evidence, after the note.
        if "Contents of the evidence" in html:
            assert html.index("Contents of the evidence") > html.index('id="evidence"')


@pytest.mark.parametrize("minutes", [NOTE_MINUTES])
def test_every_note_reads_in_five_minutes_and_says_so(pack, minutes):
    for page in briefing_pages(pack):
        html = page.read_text(encoding="utf-8")
        words = len(split(html)["note"].split())
        assert words <= minutes * WORDS_PER_MINUTE, f"{page}: the note has {words} words, more than {minutes} minutes"
        stated = re.search(r"Reading time: note (\d+) min, whole page (\d+) min\.", html)
        assert stated, f"{page}: no reading times"
        assert int(stated.group(1)) <= minutes and int(stated.group(1)) <= int(stated.group(2))
        # Stated just under the title, before the note.
        assert html.index("<h1") < stated.start() < html.index('id="note"')


def test_no_page_talks_about_the_workbook_itself(pack):
    for page in sorted(pack.briefings.rglob("*.html")):
        text = " ".join(split(page.read_text(encoding="utf-8")).values()).lower()
        for phrase in MACHINERY:
            assert phrase not in text, f"{page}: says {phrase!r}"


def test_the_note_links_only_to_evidence_on_its_own_page(pack):
    for page in briefing_pages(pack):
        html = page.read_text(encoding="utf-8")
        note = html[html.index('id="note"') : html.index('id="evidence"')]
        for target in re.findall(r'href="#([^"]+)"', note):
            assert f'id="{target}"' in html, f"{page}: the note links to #{target}, which is not on the page"
