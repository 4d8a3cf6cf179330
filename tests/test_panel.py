"""The Panel's identity (panel.yaml): typed, checked with the file and key named, and the
pure functions the pages and the veto arithmetic read (membership on a date, bank holidays
of the Panel's nation, the Plan in force)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import yaml

from briefing import panel as panel_identity
from briefing import rules
from briefing.errors import PanelError

WALES = {
    "name": "Dyffryn Police and Crime Panel",
    "police_area": "Dyffryn",
    "force": "Heddlu Dyffryn",
    "commissioner_title": "Police and Crime Commissioner",
    "host_authority": "Cyngor Dyffryn",
    "nation": "Wales",
    "membership": [
        {"name": "Ann Able", "role": "chair", "councillor": True, "from_date": "2022-05-20"},
        {"name": "Ben Bold", "councillor": True, "from_date": "2022-05-20", "to_date": "2024-05-01"},
        {"name": "Cai Cole", "councillor": False},
        {"name": "Dai Dee", "councillor": True, "from_date": "2024-05-02"},
    ],
    "bodies": [{"id": "panel", "name": "Dyffryn Police and Crime Panel", "paper_label": "Panel paper"}],
    "plans": [
        {
            "name": "Plan 2021-25",
            "start_year": 2021,
            "end_year": 2025,
            "themes": ["Safer streets", "Victims first"],
            "communities_theme": "Safer streets",
        }
    ],
}


def write(tmp_path, data: dict):
    path = tmp_path / "panel.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_the_workbooks_own_panel_yaml_loads_and_agrees_with_the_dictionary(paths):
    panel = panel_identity.check_panel(paths)
    assert panel.nation == "England"
    assert panel.holiday_subdivision == "ENG"
    assert panel.publication_clear_working_days == 5
    assert panel.commissioner_pronoun is None
    assert panel.paper_label("panel") == "Panel paper"
    assert panel.plan_on(date(2023, 3, 15)) is not None


def test_the_declared_membership_on_the_precept_meeting_matches_its_attendance_list(paths):
    """Everyone minuted on 1 Feb 2023 (present or with apologies) is a declared member then."""
    import pandas as pd

    panel = panel_identity.current(paths)
    minuted = pd.read_csv(paths.data / "panel_members.csv")
    minuted = minuted[minuted["meeting_date"] == "2023-02-01"]
    assert sorted(m.name for m in panel.members_on(date(2023, 2, 1))) == sorted(minuted["name"])


def test_members_on_follows_the_declared_dates(tmp_path):
    panel = panel_identity.load_panel(write(tmp_path, WALES))
    assert [m.name for m in panel.members_on(date(2023, 1, 1))] == ["Ann Able", "Ben Bold", "Cai Cole"]
    assert [m.name for m in panel.members_on(date(2024, 5, 1))] == ["Ann Able", "Ben Bold", "Cai Cole"]
    assert [m.name for m in panel.members_on(date(2024, 5, 2))] == ["Ann Able", "Cai Cole", "Dai Dee"]
    assert [m.name for m in panel.members_on(date(2022, 5, 19))] == ["Cai Cole"]
    assert rules.veto_votes_needed(len(panel.members_on(date(2024, 6, 1)))) == 2


def test_unknown_key_is_refused_naming_the_file_and_key(tmp_path):
    data = {**WALES, "colour": "blue"}
    with pytest.raises(PanelError, match=r"panel\.yaml, key 'colour': unknown key; known keys here: name, police_area") as caught:
        panel_identity.load_panel(write(tmp_path, data))
    assert caught.value.exit_code == 2


def test_a_members_unknown_key_names_the_members_keys(tmp_path):
    data = {**WALES, "membership": [{"name": "Ann Able", "councillor": True, "party": "x"}]}
    with pytest.raises(PanelError, match=r"key 'membership\.0\.party': unknown key; known keys here: name, role, councillor"):
        panel_identity.load_panel(write(tmp_path, data))


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("nation", "Scotland", r"key 'nation'"),
        ("commissioner_title", "Sheriff", r"key 'commissioner_title'.*Mayor of"),
        ("commissioner_pronoun", "it", r"key 'commissioner_pronoun'"),
        ("publication_clear_working_days", -1, r"key 'publication_clear_working_days'"),
        ("bodies", [{"id": "board", "name": "A board", "paper_label": "Board paper"}], r"the Panel itself"),
    ],
)
def test_bad_values_are_refused(tmp_path, key, value, message):
    with pytest.raises(PanelError, match=message):
        panel_identity.load_panel(write(tmp_path, {**WALES, key: value}))


def test_a_mayor_holds_the_commissioners_functions(tmp_path):
    panel = panel_identity.load_panel(write(tmp_path, {**WALES, "commissioner_title": "Mayor of Anytown"}))
    assert panel.commissioner_title == "Mayor of Anytown"


def test_a_missing_panel_yaml_says_where_to_read_about_it(tmp_path):
    with pytest.raises(PanelError, match="no panel.yaml at the top of the workbook"):
        panel_identity.load_panel(tmp_path / "panel.yaml")


def test_bodies_must_match_the_dictionarys_body_vocabulary(paths, tmp_path):
    data = yaml.safe_load(paths.panel.read_text(encoding="utf-8"))
    data["bodies"] = data["bodies"][:1]
    write(tmp_path, data)
    with pytest.raises(PanelError, match="key 'bodies'.*'body' vocabulary"):
        panel_identity.check_panel(replace(paths, root=tmp_path))


def test_papers_due_uses_the_bank_holidays_of_the_panels_nation(tmp_path, monkeypatch):
    import holidays

    asked = []
    original = holidays.country_holidays

    def recording(country, subdiv=None, **kwargs):
        asked.append(subdiv)
        return original(country, subdiv=subdiv, **kwargs)

    monkeypatch.setattr(holidays, "country_holidays", recording)
    wales = panel_identity.load_panel(write(tmp_path, WALES))
    assert rules.papers_due(date(2023, 5, 10), wales) == date(2023, 4, 28)
    assert asked == ["WLS"]


def test_the_plan_in_force_and_its_themes(tmp_path):
    panel = panel_identity.load_panel(write(tmp_path, WALES))
    assert panel.plan_on(date(2023, 3, 15)).themes == ["Safer streets", "Victims first"]
    assert panel.plan_on(date(2026, 1, 1)) is None
    with pytest.raises(PanelError, match="communities_theme"):
        bad = {**WALES, "plans": [{**WALES["plans"][0], "communities_theme": "Elsewhere"}]}
        (tmp_path / "bad").mkdir()
        panel_identity.load_panel(write(tmp_path / "bad", bad))


def test_a_change_to_panel_yaml_changes_the_data_fingerprint(data_copy):
    """A new name or nation changes pages, so the build must not skip them as unchanged."""
    from briefing import fingerprints

    panel_file = data_copy.data.parent / "panel.yaml"
    panel_file.write_text(yaml.safe_dump(WALES, sort_keys=False), encoding="utf-8")
    before = fingerprints.data_fingerprint(data_copy.data)
    panel_file.write_text(yaml.safe_dump({**WALES, "name": "Another Police and Crime Panel"}, sort_keys=False), encoding="utf-8")
    assert fingerprints.data_fingerprint(data_copy.data) != before
