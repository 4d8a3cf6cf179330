"""The generated data dictionary page is current, and the dictionary and the CSVs agree."""

from __future__ import annotations

import csv

import pytest

from briefing.docs import dictionary_markdown
from briefing.schema import load_dictionary, parse_dictionary

REGENERATE = "regenerate it with: .venv/bin/python -m briefing.docs"


@pytest.fixture(scope="module")
def dictionary(paths):
    return load_dictionary(paths.dictionary)


def test_committed_page_matches_the_dictionary(paths, dictionary):
    page = paths.root / "docs" / "data-dictionary.md"
    assert page.exists(), f"docs/data-dictionary.md is missing; {REGENERATE}"
    assert page.read_text(encoding="utf-8") == dictionary_markdown(dictionary), (
        f"docs/data-dictionary.md is out of date with data/dictionary.yaml; {REGENERATE}"
    )


def test_output_is_deterministic(dictionary):
    assert dictionary_markdown(dictionary) == dictionary_markdown(dictionary)


def test_page_documents_every_dataset_and_column(dictionary):
    page = dictionary_markdown(dictionary)
    for name, dataset in dictionary.datasets.items():
        assert f"## {name}\n" in page
        assert f"`data/{dataset.file}`" in page
        for column in dataset.columns:
            assert f"| `{column}` |" in page, f"{dataset.file}: column {column} missing from the page"
    for vocabulary in dictionary.vocabularies:
        assert f"| `{vocabulary}` |" in page
    assert "public_date" in page and "as-of" in page.lower()


def test_every_csv_is_declared_and_every_declaration_has_a_csv(paths, dictionary):
    on_disk = {path.name for path in paths.data.glob("*.csv")}
    declared = {dataset.file for dataset in dictionary.datasets.values()}
    assert on_disk - declared == set(), f"CSV files not declared in data/dictionary.yaml: {sorted(on_disk - declared)}"
    assert declared - on_disk == set(), f"datasets declared with no CSV under data/: {sorted(declared - on_disk)}"


def test_csv_columns_match_the_dictionary(paths, dictionary):
    problems = []
    for dataset in dictionary.datasets.values():
        path = paths.data / dataset.file
        with open(path, encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        undeclared = [c for c in header if c not in dataset.columns]
        absent = [c for c in dataset.columns if c not in header]
        if undeclared:
            problems.append(f"data/{dataset.file}: columns not in data/dictionary.yaml: {undeclared}")
        if absent:
            problems.append(f"data/{dataset.file}: declared columns missing from the CSV: {absent}")
    assert not problems, "\n".join(problems)


def test_a_declared_rule_and_range_are_rendered():
    raw = {
        "vocabularies": {"colour": ["red", "blue"]},
        "datasets": {
            "paint": {
                "file": "paint.csv",
                "description": "Tins | of paint.",
                "key": ["tin"],
                "provenance": False,
                "columns": {
                    "tin": {"type": "integer", "required": True, "min": 1, "description": "Tin number."},
                    "colour": {"type": "string", "allowed": "colour", "description": "Colour."},
                    "litres": {"type": "number", "min": 0, "max": 5, "description": "Volume."},
                },
                "rules": [{"column": "litres", "when": {"column": "colour", "equals": "red"}, "max": 2, "rule": "red comes in small tins"}],
            }
        },
    }
    page = dictionary_markdown(parse_dictionary(raw))
    assert "| `colour` | `red`, `blue` |" in page
    assert "| `litres` | number | no |  | 0 to 5 |  | Volume. |" in page
    assert "| `colour` | string | no | vocabulary `colour` |" in page
    assert "- Red comes in small tins (`litres` is ≤ 2 where `colour` is `red`)." in page
    assert "Tins \\| of paint." in page
