"""The note's records: the officer's rows reword, drop, add and rank the drafted lines by a
documented rule, and every line says whose claim or whose question it is."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from briefing import note as notes
from briefing.note import Cite, Line


def drafted() -> list[Line]:
    cite = Cite("paper-a", "para 1.1")
    return [
        Line("key_issue", "outputs", 1, Markup("Outputs"), (cite,), whose="report"),
        Line("key_issue", "survey", 2, Markup("Survey"), (cite,), whose="member"),
        Line(
            "enquiry",
            "outcomes",
            1,
            Markup("How does the Commissioner know?"),
            (cite,),
            follow_up=Markup("Which measure?"),
            role="engagement",
        ),
        Line("enquiry", "survey", 2, Markup("What has been learned?"), (cite,), follow_up=Markup("What next?"), role="finance"),
        Line("request", "earlier", 1, Markup("Last year's counts."), (cite,)),
    ]


def officer(**row) -> dict:
    base = {
        "part": "enquiry",
        "line_id": "new",
        "rank": 1,
        "drop": None,
        "whose": None,
        "role": None,
        "text": "Q?",
        "follow_up": None,
        "source_id": None,
        "section": None,
    }
    return {**base, **row}


def test_without_officer_rows_the_drafted_lines_keep_their_order_and_ranks():
    lines = notes.assemble(drafted(), [])
    assert [(line.part, line.line_id, line.rank) for line in lines] == [
        ("key_issue", "outputs", 1),
        ("key_issue", "survey", 2),
        ("enquiry", "outcomes", 1),
        ("enquiry", "survey", 2),
        ("request", "earlier", 1),
    ]
    assert all(line.origin == "drafted" for line in lines)


def test_an_officer_row_with_a_drafted_id_rewords_it_and_its_rank_wins():
    lines = notes.of_part(notes.assemble(drafted(), [officer(line_id="survey", rank=1, text="What will change <now>?")]), "enquiry")
    assert [line.line_id for line in lines] == ["survey", "outcomes"]
    assert lines[0].origin == "officer" and lines[0].rank == 1
    # The officer's words are text, never markup; a blank follow-up keeps the drafted one.
    assert str(lines[0].text) == "What will change &lt;now&gt;?"
    assert str(lines[0].follow_up) == "What next?" and lines[0].cites == drafted()[3].cites


def test_an_officer_row_can_drop_a_drafted_line():
    lines = notes.assemble(drafted(), [officer(line_id="outcomes", drop=True, text=None)])
    assert [line.line_id for line in notes.of_part(lines, "enquiry")] == ["survey"]
    assert notes.of_part(lines, "enquiry")[0].rank == 1


def test_an_officer_row_with_a_new_id_adds_a_line_that_wins_ties():
    row = officer(
        line_id="deputy", rank=2, text="How is the Deputy's role assessed?", follow_up="By whom?", source_id="paper-b", section="minute 45"
    )
    lines = notes.of_part(notes.assemble(drafted(), [row]), "enquiry")
    assert [line.line_id for line in lines] == ["outcomes", "deputy", "survey"]
    assert lines[1].cites == (Cite("paper-b", "minute 45"),) and lines[1].origin == "officer"
    assert [line.rank for line in lines] == [1, 2, 3]


def test_an_officer_key_issue_says_whose_claim_it_is():
    row = officer(part="key_issue", line_id="mine", rank=1, text="Our reading.", whose="reading")
    lines = notes.of_part(notes.assemble(drafted(), [row]), "key_issue")
    assert lines[0].line_id == "mine" and lines[0].whose == "reading"


def test_a_key_issue_without_whose_claim_it_is_is_refused():
    with pytest.raises(ValueError, match="whose claim"):
        Line("key_issue", "x", 1, Markup("Claim"), whose="")


def test_an_unknown_role_is_refused():
    with pytest.raises(ValueError, match="unknown role"):
        Line("enquiry", "x", 1, Markup("Q?"), role="chief constable")


def test_the_analysts_frame_shows_words_without_markup():
    frame = notes.frame(drafted())
    assert list(frame["part"]) == ["key_issue", "key_issue", "enquiry", "enquiry", "request"]
    assert frame.loc[0, "cites"] == "paper-a, para 1.1"


def _officer_rows(paths, *lines: str) -> None:
    with open(paths.data / "note_lines.csv", "a", encoding="utf-8") as rows:
        rows.writelines(line + "\n" for line in lines)


def _failures(paths) -> list[str]:
    from briefing.validation import run_validation

    return [str(f) for f in run_validation(paths).failures]


def test_the_officers_rows_are_validated_like_any_dataset(data_copy):
    _officer_rows(
        data_copy,
        "2023-03-15,comms,key_issue,mine,1,,,,A key issue without whose claim it is.,,,",
        "2023-03-15,comms,enquiry,blank,2,,,,,,,",
        "2023-03-15,comms,enquiry,cited,3,,,chief constable,Q?,,pcp-2023-03-15-pack,",
    )
    found = _failures(data_copy)
    assert any("data/note_lines.csv" in f and "column 'whose'" in f and "Line(s) 2" in f for f in found), found
    assert any("data/note_lines.csv" in f and "column 'text'" in f and "Line(s) 3" in f for f in found), found
    assert any("data/note_lines.csv" in f and "column 'role'" in f for f in found), found
    assert any("data/note_lines.csv" in f and "column 'section'" in f and "Line(s) 4" in f for f in found), found


def test_an_empty_set_of_officers_rows_is_valid(paths):
    assert not [f for f in _failures(paths) if "note_lines" in f]


@pytest.mark.parametrize(
    ("answered", "unanswered", "share"),
    [
        ((), (), ""),
        (({"action_id": "a"},), (), "all"),
        ((), ({"action_id": "b"},), "none"),
        (({"action_id": "a"},), ({"action_id": "b"},), "some"),
    ],
)
def test_last_time_says_how_many_of_the_panels_requests_a_paper_answers(answered, unanswered, share):
    last = notes.LastTime("2023-02-01", answered, unanswered)
    assert last.answered_share == share
    assert last.requests == answered + unanswered
