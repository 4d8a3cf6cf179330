"""The YAML loader keeps dates as text for the typed models, which refuse unknown keys."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from briefing.typed_yaml import Strict, TextDatesLoader


def test_dates_stay_text_so_the_model_checks_them():
    assert yaml.load("meeting_date: 2023-02-01", Loader=TextDatesLoader) == {"meeting_date": "2023-02-01"}  # noqa: S506


def test_a_strict_model_refuses_an_unknown_key():
    class Example(Strict):
        name: str

    with pytest.raises(ValidationError, match="extra"):
        Example(name="x", other=1)
