"""The briefing a notebook assembles: its data as of the meeting, the item, last time, and
the readings of its own measures."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from briefing.context import open_briefing
from briefing.note import Cite


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


def test_the_item_says_who_presents_it_what_the_panel_is_asked_and_its_remit(briefing):
    item = briefing.item_facts()
    assert item.number == "6" and item.asked_to == "note" and item.power == "scrutiny"
    assert item.ask_cites == (Cite("pcp-2023-03-15-pack", "item 6, para 2.1"),)
    assert item.remit_cites == (Cite("pcp-2023-03-15-pack", "item 6, para 3.1"),)


def test_last_time_is_the_last_earlier_meeting_on_the_topic_split_by_whether_answered(paths):
    culture = open_briefing("culture", "2023-03-15", paths=paths, agenda_item="8")
    last = culture.last_time()
    assert last.meeting_date == date(2023, 2, 1)
    assert [row["action_id"] for row in last.answered] and not last.unanswered
    assert all(row["status"] == "closed" and isinstance(row["closed_note"], str) for row in last.answered)


def test_a_topic_the_panel_has_not_decided_on_before_has_no_last_time(briefing):
    assert briefing.last_time().meeting_date is None


def test_readings_are_this_briefings_measures_and_those_it_borrows(briefing):
    kinds = set(briefing.readings["briefing"])
    assert kinds == {"comms", "precept"}  # comms borrows the precept survey


def test_the_header_states_the_meeting_and_item(briefing):
    facts = briefing.header_facts()
    assert facts["meeting_date"] == date(2023, 3, 15)
    assert facts["item"]["item_number"] == 6 and not facts["draft"]


def test_the_dated_rule_and_its_words_come_from_one_place(briefing, monkeypatch):
    from briefing import rules

    monkeypatch.setattr(rules, "DATED_AFTER_MONTHS", 6)
    words = str(briefing.render("shared/dated", dated=briefing.dated_readings()))
    assert "more than 6 months older than the meeting" in words and "12 months" not in words
