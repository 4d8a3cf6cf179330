"""The build's validation stage: once per data version, in a child process, stopping the build."""

from __future__ import annotations

import pytest

from briefing.datacheck import validate_stage, validated_words
from briefing.errors import DataValidationError
from briefing.progress import Progress


class Said(Progress):
    def __init__(self):
        self.done_messages = {}

    def done(self, name, message):
        self.done_messages[name] = message


def test_invalid_data_raises_with_every_failure_and_records_nothing(data_copy):
    path = data_copy.data / "deliverables.csv"
    path.write_text(path.read_text().replace(",ongoing,", ",nearly done,", 1))
    with pytest.raises(DataValidationError, match="data/deliverables.csv, column 'status'"):
        validate_stage(data_copy, Said())
    assert not (data_copy.cache / "validated").exists() or not any((data_copy.cache / "validated").glob("*[!s]"))


def test_valid_data_is_validated_once(data_copy):
    said = Said()
    assert validate_stage(data_copy, said) is True
    assert said.done_messages["validate"].endswith("datasets valid")
    assert validate_stage(data_copy, said) is False
    assert said.done_messages["validate"] == "data unchanged since it last passed validation"


def test_the_words_say_which_datasets_were_checked():
    assert validated_words({"checked": ["a", "b"], "rows": {"a": 1, "b": 2}}) == "2 datasets valid"
    partial = validated_words({"checked": ["a"], "rows": {"a": 1, "b": 2}})
    assert partial == "2 datasets valid (1 checked: a; the others are unchanged since they passed)"
