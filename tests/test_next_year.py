"""Next year's paper on the same topic, added the way CONTRIBUTING.md says (data files and
params only, no Python), builds a page that shows the trend from last year, the new
measure, no false disagreement and the right dates in every sentence."""

from __future__ import annotations

import re

import pytest
from workbook_edits import append_row, visible_text, writable_copy

from briefing.build import build
from briefing.papers import add_paper

pytestmark = pytest.mark.slow

MEETING = "2024-03-13"
PAPER_ID = "pcp-2024-03-13-comms"

# A made-up yearly report in the shipped report's layout: the same outputs for the next
# year, a later newsletter count and one output never counted before (podcast episodes).
PAPER = """CAMBRIDGESHIRE AND PETERBOROUGH POLICE AND CRIME PANEL

13 March 2024

THE COMMISSIONER'S APPROACH TO COMMUNICATIONS AND ENGAGEMENT

1. PURPOSE

1.1 This report sets out the communications and engagement work of the Commissioner's office.

2. OUTPUTS

2.1 Output between March 2023 and end of February 2024

• 61 press releases
• 538 social media posts
• 120 responses and statements (including media coverage)
• 55 public engagement events
• 12 podcast episodes

3. REACHING PEOPLE

3.1 Our newsletter now has 2,140 subscribers.
"""

OUTPUTS = [
    ("comms_press_releases_2023_24", "comms_press_releases", "Press releases issued by the Commissioner's office", "61"),
    ("comms_social_media_posts_2023_24", "comms_social_media_posts", "Social media posts by the Commissioner's office", "538"),
    ("comms_responses_statements_2023_24", "comms_responses_and_statements", "Responses and statements issued", "120"),
    ("comms_public_engagement_events_2023_24", "comms_public_engagement_events", "Public engagement events", "55"),
    ("comms_podcast_episodes_2023_24", "comms_podcast_episodes", "Podcast episodes published", "12"),
]


@pytest.fixture(scope="module")
def next_year_page(paths, tmp_path_factory):
    root = tmp_path_factory.mktemp("next-year")
    work = writable_copy(paths, root)
    data = work.data

    # What CONTRIBUTING.md's walkthrough "next year's report on the same topic" has an analyst do:
    # add the paper (its text, section index and register row), then its figures as data.
    supplied = root / "item05-communications-and-engagement.txt"
    supplied.write_text(PAPER, encoding="utf-8")
    add_paper(
        work,
        supplied,
        PAPER_ID,
        MEETING,
        "The Commissioner's approach to communications and engagement",
        "panel",
        agenda_item="5",
        contents="Outputs March 2023 to February 2024, newsletter.",
    )
    append_row(
        data / "measures.csv",
        {"measure_key": "comms_podcast_episodes", "briefing": "comms", "topic": "outputs", "name": "Podcast episodes", "unit": "count"},
    )
    for figure_id, measure_key, label, value in OUTPUTS:
        append_row(
            data / "figures.csv",
            {
                "figure_id": figure_id,
                "measure_key": measure_key,
                "label": label,
                "value": value,
                "qualifier": "exact",
                "as_printed": value,
                "reading": "period",
                "period_start": "2023-03-01",
                "period_end": "2024-02-29",
                "date_precision": "month",
                "source_id": PAPER_ID,
                "section": "para 2.1",
                "public_date": MEETING,
            },
        )
    append_row(
        data / "figures.csv",
        {
            "figure_id": "comms_newsletter_subscribers_2024",
            "measure_key": "comms_newsletter_subscribers",
            "label": "Subscribers to the monthly digital newsletter",
            "value": "2140",
            "qualifier": "exact",
            "as_printed": "2,140",
            "subject": "GovDelivery newsletter",
            "reading": "as_at",
            "source_id": PAPER_ID,
            "section": "para 3.1",
            "public_date": MEETING,
        },
    )
    (work.params / f"{MEETING}.yaml").write_text(
        f"meeting_date: '{MEETING}'\nbriefings:\n  comms:\n    agenda_item: '5'\n",
        encoding="utf-8",
    )
    build(work, dates=[MEETING], jobs=1)
    return visible_text((work.briefings / MEETING / "comms.html").read_text(encoding="utf-8"))


def test_each_output_shows_this_year_with_last_years_count_and_the_change(next_year_page):
    assert "61 press releases (up from 40 in March 2022 to February 2023)" in next_year_page
    assert "538 social media posts" in next_year_page and "up from 472 in March 2022 to February 2023" in next_year_page
    assert "in March 2023 to February 2024" in next_year_page
    assert "The papers give no earlier count to compare" not in next_year_page


def test_the_new_measure_appears_with_its_name_and_count(next_year_page):
    assert "Podcast episodes" in next_year_page and re.search(r"Podcast episodes\s+March 2023 to February 2024\s+12", next_year_page)


def test_outputs_last_year_only_are_not_mixed_into_this_years_chart(next_year_page):
    stale = re.search(r"The latest report does not count (.*?) in March 2023 to February 2024", next_year_page)
    assert stale and "District Days" in stale.group(1) and "precept information leaflets" in stale.group(1)
    assert not re.search(r"District Days\s+March 2023 to February 2024", next_year_page)


def test_newsletter_growth_is_shown(next_year_page):
    assert "2,140" in next_year_page and "up from 750" in next_year_page
    assert "One figure only" not in next_year_page


def test_no_false_claim_about_this_meetings_papers(next_year_page):
    assert "Two papers for this meeting" not in next_year_page
    assert "year to February 2023" not in next_year_page
