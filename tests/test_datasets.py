"""Reading the datasets: the read-set `Data` records, which decides what a build re-executes."""

from __future__ import annotations

from datetime import date

import pandas as pd

from briefing import datasets
from briefing.datasets import Data, changed_reads, frame_fingerprint, load_data
from briefing.readsets import READ_SET_VARIABLE, ReadLog, read_log_file


def test_reads_are_recorded_with_the_date_they_were_cut_to(paths):
    log = ReadLog()
    data = load_data(paths, log=log).cut(date(2023, 3, 15))
    data.table("figures")
    data.unfiltered("meetings")
    data.latest_public_date()
    reads = [datasets.describe_read(read) for read in log.reads]
    assert sorted(reads) == ["figures as of 2023-03-15", "latest public_date as of 2023-03-15", "meetings"]


def test_a_change_to_rows_read_is_seen_and_a_change_to_later_rows_is_not(paths):
    everything = load_data(paths, log=ReadLog())
    as_of = date(2023, 2, 1)
    everything.cut(as_of).table("figures")
    reads = everything.log.reads
    tables = dict(everything._tables)
    figures = tables["figures"].copy()
    later = figures.index[figures["public_date"] > pd.Timestamp(as_of)][0]
    earlier = figures.index[figures["public_date"] <= pd.Timestamp(as_of)][0]

    figures.loc[later, "label"] = "A label first printed after the meeting, reworded"
    assert changed_reads(Data({**tables, "figures": figures}, everything._dictionary), reads) == []

    figures.loc[earlier, "value"] = figures.loc[earlier, "value"] + 1
    assert changed_reads(Data({**tables, "figures": figures}, everything._dictionary), reads) == ["figures as of 2023-02-01"]


def test_a_dataset_that_is_gone_counts_as_changed(paths):
    everything = load_data(paths, log=ReadLog())
    everything.table("surveys")
    reads = everything.log.reads
    tables = {name: frame for name, frame in everything._tables.items() if name != "surveys"}
    assert changed_reads(Data(tables, everything._dictionary), reads) == ["surveys"]


def test_frame_fingerprint_sees_values_order_and_types():
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    same = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    assert frame_fingerprint(frame) == frame_fingerprint(same)
    assert frame_fingerprint(frame) != frame_fingerprint(frame.iloc[::-1])
    assert frame_fingerprint(frame) != frame_fingerprint(frame.assign(a=[1.0, 2.0]))
    assert frame_fingerprint(frame) != frame_fingerprint(frame.assign(b=["x", "z"]))


def test_a_build_collects_the_reads_from_the_file_the_environment_names(paths, tmp_path, monkeypatch):
    """A kernel started by a build has BRIEFING_READ_SET set: its notebook's reads go there."""
    target = tmp_path / "reads.jsonl"
    monkeypatch.setenv(READ_SET_VARIABLE, str(target))
    data = load_data(paths)
    data.cut(date(2023, 3, 15)).table("figures")
    data.table("figures")
    assert read_log_file(target) == dict(sorted(data.log.reads.items()))
    assert sorted(datasets.describe_read(read) for read in read_log_file(target)) == ["figures", "figures as of 2023-03-15"]


def test_separate_loads_keep_separate_logs(paths):
    first, second = load_data(paths, log=ReadLog()), load_data(paths, log=ReadLog())
    first.table("surveys")
    assert second.log.reads == {}


def test_a_read_of_some_rows_changes_only_when_those_rows_change(paths):
    """Read-sets per row: a briefing that reads its own figures is not re-executed for an
    edit to another briefing's figure, and is for an edit to its own."""
    everything = load_data(paths, log=ReadLog())
    as_of = date(2023, 3, 15)
    comms = everything.cut(as_of).rows("figures", briefing="comms")
    culture = everything.cut(as_of).rows("figures", briefing="culture")
    assert len(comms) and len(culture) and set(comms["briefing"]) == {"comms"}
    reads = everything.log.reads
    tables = dict(everything._tables)
    figures = tables["figures"].copy()
    one_comms_row = comms.index[0]
    figures.loc[one_comms_row, "note"] = "reworded"
    changed = changed_reads(Data({**tables, "figures": figures}, everything._dictionary), reads)
    assert changed == ["figures where briefing is comms as of 2023-03-15"]


def test_rows_may_be_chosen_by_several_values(paths):
    data = load_data(paths, log=ReadLog())
    keys = list(data.unfiltered("figures")["measure_key"].drop_duplicates()[:2])
    chosen = data.rows("figures", measure_key=keys)
    assert set(chosen["measure_key"]) == set(keys)
    assert [datasets.describe_read(read) for read in data.log.reads][-1] == f"figures where measure_key is {keys}"
