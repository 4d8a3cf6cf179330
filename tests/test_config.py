"""Where everything lives: every path derives from the project root and the data folder."""

from __future__ import annotations

from briefing.config import Paths


def test_paths_derive_from_the_root(tmp_path, monkeypatch):
    monkeypatch.delenv("BRIEFING_DATA_DIR", raising=False)
    paths = Paths.default(tmp_path)
    assert paths.data == tmp_path / "data" and paths.params == tmp_path / "params"
    assert paths.briefing_html("2023-03-15", "comms") == tmp_path / "briefings" / "2023-03-15" / "comms.html"
    assert paths.notebook("comms") == tmp_path / "notebooks" / "comms.ipynb"
    assert paths.params_file("2023-03-15") == tmp_path / "params" / "2023-03-15.yaml"
    assert paths.executed == tmp_path / "build" / "executed" and paths.logs.parent == paths.build


def test_the_environment_chooses_the_root_and_the_data_when_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_ROOT", str(tmp_path))
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "elsewhere"))
    paths = Paths.default()
    assert paths.root == tmp_path.resolve()
    assert paths.data == (tmp_path / "elsewhere").resolve()
