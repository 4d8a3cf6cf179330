"""The briefing a notebook assembles: its data as of the meeting, citations and questions."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from briefing.context import open_briefing


@pytest.fixture(scope="module")
def briefing(paths):
    return open_briefing("comms", "2023-03-15", paths=paths, agenda_item="6")


def test_a_briefing_sees_only_rows_public_by_its_meeting(paths):
    early = open_briefing("precept", "2023-02-01", paths=paths, precept_year="2023/24", agenda_item="", reserve_meeting=False)
    figures = early.data.table("figures")
    everything = early.everything.unfiltered("figures")
    assert (figures["public_date"] <= pd.Timestamp("2023-02-01")).all()
    assert (everything["public_date"] > pd.Timestamp("2023-02-01")).any(), "no later rows: the test would prove nothing"
    assert len(figures) < len(everything)


def test_citations_are_numbered_in_order_of_first_use(briefing):
    sources = briefing.everything.unfiltered("sources")
    first, second = sources["source_id"].iloc[0], sources["source_id"].iloc[1]
    start = len(briefing.citations)
    assert briefing.cite_number(first, "para 1") == start + 1
    assert briefing.cite_number(second, "para 2") == start + 2
    assert briefing.cite_number(first, "para 1") == start + 1


def test_a_question_is_asked_once(briefing):
    before = len(briefing.questions)
    briefing.ask("What is the plan for the next year?", "a test figure")
    briefing.ask("What is the plan for the next year?", "a test figure")
    assert len(briefing.questions) == before + 1


def test_the_header_states_the_meeting_and_when_papers_were_due(briefing):
    facts = briefing.header_facts()
    assert facts["meeting_date"] == date(2023, 3, 15)
    assert facts["papers_due"] < date(2023, 3, 15)
    assert facts["figures_as_at"] is not None and facts["figures_as_at"] <= date(2023, 3, 15)
