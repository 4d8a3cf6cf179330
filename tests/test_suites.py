"""Each dataset's expectation suites come from its declaration in data/dictionary.yaml,
every expectation carrying the column and the rule it checks, in words."""

from __future__ import annotations

import pytest

from briefing.schema import load_dictionary
from briefing.suites import build_suites, context, row_condition


@pytest.fixture(scope="module")
def dictionary(paths):
    context()  # suites are made in an active (ephemeral) Great Expectations context
    return load_dictionary(paths.dictionary)


def expectations(suite) -> list[tuple[str, str, str]]:
    return [(e.expectation_type, e.meta["column"], e.meta["rule"]) for e in suite.expectations]


def test_each_declared_column_rule_becomes_an_expectation_that_names_it(dictionary):
    note_lines = dictionary.datasets["note_lines"]
    raw, typed = build_suites(note_lines, list(note_lines.columns), {"sources.source_id": ["paper-a"]})
    found = expectations(raw)
    assert ("expect_column_values_to_be_in_set", "part", next(r for t, c, r in found if c == "part" and "one of" in r)) in found
    assert any(c == "source_id" and "must exist in sources.csv column source_id" in r for _, c, r in found)
    assert any(c == "rank" and "whole number" in r for _, c, r in found)
    # A dataset that may be empty has no row-count expectation.
    assert not any(t == "expect_table_row_count_to_be_between" for t, _, _ in found)
    # Row rules run on typed values, with their condition.
    conditional = [e for e in typed.expectations if e.meta["column"] == "whose"]
    assert conditional and conditional[0].row_condition is not None


def test_columns_checked_once_for_many_datasets_are_left_out(dictionary):
    figures = dictionary.datasets["figures"]
    present = list(figures.columns)
    alone, _ = build_suites(figures, present, {})
    shared, _ = build_suites(figures, present, {}, shared=("source_id", "section", "public_date"))
    assert {c for _, c, _ in expectations(alone)} >= {"source_id", "public_date"}
    assert not {c for _, c, _ in expectations(shared)} & {"source_id", "section", "public_date"}


def test_a_column_the_file_lacks_gets_no_expectation(dictionary):
    actions = dictionary.datasets["actions"]
    present = [c for c in actions.columns if c != "closed_note"]
    raw, typed = build_suites(actions, present, {})
    assert "closed_note" not in {c for _, c, _ in expectations(raw) + expectations(typed)}


def test_a_rule_condition_the_suites_do_not_know_is_refused():
    with pytest.raises(ValueError, match="unknown condition"):
        row_condition({"column": "status", "above": 3})
