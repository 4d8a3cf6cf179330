"""Read-sets pass from a kernel to the build as a file of JSON lines."""

from __future__ import annotations

from briefing.readsets import READ_SET_VARIABLE, ReadLog, read_log_file


def test_a_log_writes_each_new_read_once_and_the_file_reads_back(tmp_path):
    log = ReadLog(tmp_path / "reads.jsonl")
    log.record('["table", "figures", null]', "abc")
    log.record('["table", "figures", null]', "changed later: the first answer counts")
    log.record('["names", "", null]', "def")
    assert "['table'" not in log and '["names", "", null]' in log
    assert read_log_file(tmp_path / "reads.jsonl") == {'["names", "", null]': "def", '["table", "figures", null]': "abc"}


def test_a_log_takes_its_file_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(READ_SET_VARIABLE, raising=False)
    assert ReadLog.from_environment().path is None
    monkeypatch.setenv(READ_SET_VARIABLE, str(tmp_path / "r.jsonl"))
    assert ReadLog.from_environment().path == tmp_path / "r.jsonl"


def test_the_build_side_reads_set_files_without_pandas():
    import subprocess
    import sys

    code = "import sys, briefing.readsets, briefing.execute, briefing.kernels; print('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
