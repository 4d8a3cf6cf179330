"""Footnotes are numbered when the page is planned, in the order the page cites them, and
rendering never adds one: the order in which cells run cannot change a page."""

from __future__ import annotations

import pytest

from briefing import comms
from briefing.context import open_briefing
from briefing.footnotes import Footnotes, UnplannedCitationError
from briefing.note import Cite

A, B = Cite("paper-a", "para 1"), Cite("paper-b", "para 2")


def test_recording_numbers_each_paper_and_section_once_in_order_of_first_citation():
    footnotes = Footnotes(recording=True)
    assert [footnotes.number(c) for c in (B, A, B)] == [1, 2, 1]
    assert footnotes.number({"source_id": "paper-a", "section": "para 1"}) == 2


def test_frozen_footnotes_look_numbers_up_and_refuse_a_new_one():
    footnotes = Footnotes(recording=True)
    footnotes.number(A)
    frozen = footnotes.frozen()
    assert frozen.number(A) == 1
    with pytest.raises(UnplannedCitationError, match="paper-b, para 2"):
        frozen.number(B)
    assert len(frozen) == 1


@pytest.fixture
def planned():
    briefing = open_briefing("comms", "2023-03-15", agenda_item="6")
    sections = comms.sections(briefing)
    briefing.plan(briefing.assemble_note(*comms.drafted(briefing, sections)), sections)
    return briefing


def test_rendering_in_any_order_gives_the_same_sections_and_adds_no_footnote(planned):
    names = list(planned.sections)
    forward = {name: str(planned.section(name)) for name in names}
    numbered = list(planned.footnotes)
    backward = {name: str(planned.section(name)) for name in reversed(names)}
    note_after = str(planned.note_section())
    assert forward == backward
    assert list(planned.footnotes) == numbered
    assert 'href="#source-1"' in note_after


def test_the_words_planning_gave_each_section_are_those_the_frozen_numbers_give(planned):
    # The cells show the planned words rather than word the page twice: that is only right
    # if planning already numbered every citation as the finished page does.
    for name, facts in planned.sections.items():
        assert str(planned.section(name)) == str(planned.render(name, **facts)), name
    assert str(planned.note_section()) == str(planned.render("shared/note", note=planned.note))


def test_the_note_cites_first_so_its_footnotes_come_first(planned):
    import re

    numbers = [int(n) for n in re.findall(r'href="#source-(\d+)"', str(planned.note_section()))]
    assert numbers and numbers[0] == 1
    assert sorted(set(numbers)) == list(range(1, max(numbers) + 1))


def test_every_numbered_source_is_cited_somewhere_on_the_page(planned):
    import re

    page = str(planned.note_section()) + "".join(str(planned.section(name)) for name in planned.sections)
    cited = {int(n) for n in re.findall(r'href="#source-(\d+)"', page)}
    assert cited == {number for number, _ in planned.footnotes}


def test_rendering_before_the_page_is_planned_is_refused():
    briefing = open_briefing("comms", "2023-03-15", agenda_item="6")
    with pytest.raises(RuntimeError, match="not been planned"):
        briefing.note_section()
