"""Params files: loaded into a typed model that names the file and key of any problem."""

from __future__ import annotations

import pytest

from briefing.errors import ParamsError
from briefing.params import load_all_params, load_params


def write(tmp_path, name, text):
    path = tmp_path / "params" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


def test_every_shipped_params_file_loads(paths):
    params = load_all_params(paths.params)
    assert "2023-03-15" in params
    assert set(params["2023-03-15"].briefings.needed()) == {"comms", "communities", "culture"}
    assert params["2024-02-14"].briefings.precept.reserve_meeting is True


def test_unknown_key_is_rejected_naming_file_and_key(tmp_path):
    path = write(tmp_path, "2023-03-15.yaml", "meeting_date: 2023-03-15\nbriefings:\n  comms:\n    agenda_item: '6'\n    colour: blue\n")
    with pytest.raises(ParamsError) as error:
        load_params(path)
    assert "params/2023-03-15.yaml" in str(error.value)
    assert "briefings.comms.colour" in str(error.value)
    assert "unknown key" in str(error.value)


def test_bad_date_is_rejected(tmp_path):
    path = write(tmp_path, "2023-02-30.yaml", "meeting_date: 2023-02-30\nbriefings: {}\n")
    with pytest.raises(ParamsError) as error:
        load_params(path)
    assert "key 'meeting_date'" in str(error.value)


def test_unknown_briefing_is_rejected(tmp_path):
    path = write(tmp_path, "2023-03-15.yaml", "meeting_date: 2023-03-15\nbriefings:\n  finance:\n    agenda_item: '3'\n")
    with pytest.raises(ParamsError) as error:
        load_params(path)
    message = str(error.value)
    assert "briefings.finance" in message and "known keys here: precept, comms, communities, culture" in message


def test_bad_precept_year_is_rejected(tmp_path):
    path = write(
        tmp_path, "2024-01-31.yaml", "meeting_date: 2024-01-31\nbriefings:\n  precept:\n    agenda_item: ''\n    precept_year: '2024-25'\n"
    )
    with pytest.raises(ParamsError) as error:
        load_params(path)
    assert "briefings.precept.precept_year" in str(error.value)


def test_file_name_must_match_meeting_date(tmp_path):
    path = write(tmp_path, "2023-03-16.yaml", "meeting_date: 2023-03-15\nbriefings: {}\n")
    with pytest.raises(ParamsError, match="does not match the file name"):
        load_params(path)


def test_missing_file_says_how_to_create_it(tmp_path):
    with pytest.raises(ParamsError, match="briefing new-meeting 2030-01-01"):
        load_params(tmp_path / "params" / "2030-01-01.yaml")


def test_notebook_parameters_hold_only_declared_keys(paths):
    params = load_all_params(paths.params)["2024-02-14"]
    assert params.notebook_parameters("precept") == {
        "meeting_date": "2024-02-14",
        "agenda_item": "",
        "precept_year": "2024/25",
        "reserve_meeting": True,
    }


def test_an_old_files_body_key_is_ignored_with_a_warning(tmp_path, caplog):
    """The Panel's name lives in panel.yaml; params written before that still load."""
    path = write(tmp_path, "2023-03-15.yaml", "meeting_date: 2023-03-15\nbody: Any Police and Crime Panel\nbriefings: {}\n")
    with caplog.at_level("WARNING"):
        params = load_params(path)
    assert not hasattr(params, "body")
    assert "key 'body' is no longer used" in caplog.text


def test_shipped_params_files_do_not_carry_the_panels_name(paths):
    for path in paths.params.glob("*.yaml"):
        assert "body:" not in path.read_text(encoding="utf-8"), path.name
