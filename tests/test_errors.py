"""Errors: one base class, one exit code per kind, and validation failures in plain words."""

from __future__ import annotations

import inspect

from briefing import errors
from briefing.errors import BriefingError, DataValidationError, Failure


def test_every_error_has_a_docstring_and_its_own_exit_code():
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, BriefingError) and c is not BriefingError]
    for error in classes:
        assert error.__doc__ and error.__doc__.strip(), error
    # A bad paper and a bad panel.yaml are input errors like a bad params file: exit code 2.
    shared_with_params = {errors.PaperError, errors.PanelError}
    assert all(error.exit_code == errors.ParamsError.exit_code for error in shared_with_params)
    codes = {error.exit_code for error in classes if error not in shared_with_params}
    assert len(codes) == len(classes) - len(shared_with_params), "two kinds of error share an exit code"


def test_a_failure_names_file_column_rule_values_and_lines():
    failure = Failure("figures.csv", "unit", "each value must be one of count, percent", ["kg"] * 1 + [f"v{n}" for n in range(9)], [3, 4])
    text = str(failure)
    assert text.startswith("data/figures.csv, column 'unit': each value must be one of count, percent.")
    assert "Offending value(s): 'kg'" in text and "and 2 more" in text
    assert text.endswith("Line(s) 3, 4.")


def test_a_validation_error_lists_every_failure():
    error = DataValidationError([Failure("a.csv", None, "the file is missing"), Failure("b.csv", "x", "bad")])
    assert str(error).splitlines() == ["data/a.csv: the file is missing.", "data/b.csv, column 'x': bad."]
    assert error.exit_code == 3
