"""Index pages: each meeting's agenda as public by its own date, and the list of meetings."""

from __future__ import annotations

from datetime import date

from briefing.datasets import load_data
from briefing.pages import meeting_facts, meeting_index, site_index
from briefing.params import load_all_params


def test_a_meeting_s_facts_use_only_what_was_public_by_its_date(paths):
    data = load_data(paths)
    early = meeting_facts(date(2023, 2, 1), data)
    assert early["provisional"] or not early["agenda"]
    later = meeting_facts(date(2023, 3, 15), data)
    assert later["agenda"] and later["has_own_papers"]


def test_index_pages_link_the_briefings_newest_meeting_first(paths):
    data = load_data(paths)
    all_params = load_all_params(paths.params)
    page = meeting_index(all_params["2023-03-15"], data)
    assert 'href="comms.html"' in page and "Meeting of 15 March 2023" in page
    site = site_index(all_params, data)
    assert site.index("2024-03-13/index.html") < site.index("2023-02-01/index.html")
