"""Page titles, labels and the footer come from templates, not from code."""

from __future__ import annotations

from briefing import labels
from briefing.config import TEMPLATES_DIR


def test_the_footer_is_the_template_s_words_and_states_the_as_of_rule_once():
    footer = labels.footer("2023-03-15")
    assert footer.startswith("Prepared for members of the Cambridgeshire Police and Crime Panel")
    assert footer.count("published on or before the meeting on 15 March 2023") == 1
    assert "\n" not in footer and (TEMPLATES_DIR / "pages" / "footer.txt.j2").exists()


def test_a_briefing_page_has_its_title_and_meeting_label():
    page = labels.briefing_page("2023-03-15", "comms")
    assert page["title"] == "Communications and engagement briefing: 15 March 2023 — Cambridgeshire Police and Crime Panel"
    assert page["meeting_label"] == "Meeting of 15 March 2023"
    assert page["footer"] == labels.footer("2023-03-15")


def test_a_draft_briefings_title_says_it_is_a_draft():
    page = labels.briefing_page("2024-01-31", "precept", draft=True)
    assert page["title"] == "Draft: Precept briefing: 31 January 2024 — Cambridgeshire Police and Crime Panel"


def test_index_titles_and_kinds_of_meeting():
    assert labels.meeting_title("2023-02-01") == "Meeting of 1 February 2023: briefings for the Cambridgeshire Police and Crime Panel"
    assert labels.site_title() == "Briefings for the Cambridgeshire Police and Crime Panel"
    assert labels.kind_label("reserve") == "reserve meeting, held only if the Panel vetoes the precept"
    assert labels.kind_label("ordinary") == ""
