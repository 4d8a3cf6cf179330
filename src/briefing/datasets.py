"""Loading the datasets under data/: raw text for validation, typed frames for briefings.

Loaders only read; nothing here writes. A briefing "as of" a date sees only rows whose
`public_date` is on or before that date (the rule in docs/data-dictionary.md).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from briefing.config import Paths
from briefing.schema import Dataset, Dictionary, load_dictionary


@dataclass
class RawTable:
    """A CSV exactly as written: every cell a string (None when blank), with line numbers."""

    dataset: Dataset
    path: Path
    header: list[str]
    frame: pd.DataFrame
    lines: list[int]

    def line_of(self, index: int) -> int:
        """The line in the CSV file where row `index` starts (the header is line 1)."""
        return self.lines[index]


class EmptyFileError(ValueError):
    """The CSV file has no header row."""


def read_raw(dataset: Dataset, data_dir: Path) -> RawTable:
    """Read a dataset's CSV as strings, keeping each record's line number."""
    path = Path(data_dir) / dataset.file
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise EmptyFileError(f"{path.name} is empty: it has no header row") from None
        records, lines = [], []
        start = reader.line_num + 1
        for record in reader:
            if not any(cell.strip() for cell in record):
                start = reader.line_num + 1
                continue
            padded = (record + [""] * len(header))[: len(header)]
            records.append([cell if cell.strip() != "" else None for cell in padded])
            lines.append(start)
            start = reader.line_num + 1
    frame = pd.DataFrame(records, columns=header, dtype=object)
    return RawTable(dataset=dataset, path=path, header=header, frame=frame, lines=lines)


def coerce(frame: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Typed copy of a raw frame: numbers, integers, dates and booleans converted.

    Values that do not convert become missing; validation reports them first.
    """
    typed = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        column = dataset.columns.get(name)
        values = frame[name]
        kind = column.type if column else "string"
        if kind == "integer":
            typed[name] = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif kind == "number":
            typed[name] = pd.to_numeric(values, errors="coerce").astype("float64")
        elif kind == "date":
            typed[name] = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        elif kind == "boolean":
            typed[name] = values.map({"true": True, "false": False}).astype("boolean")
        else:
            typed[name] = values.astype("string")
    return typed


class Data:
    """All datasets as typed DataFrames, optionally cut to what was public on a date."""

    def __init__(self, tables: dict[str, pd.DataFrame], dictionary: Dictionary, as_of: date | None = None):
        self._tables = tables
        self.dictionary = dictionary
        self.as_of = as_of

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self.table(name)
        except KeyError:
            raise AttributeError(name) from None

    def table(self, name: str) -> pd.DataFrame:
        """One dataset, cut to rows public on or before `as_of` when it is set."""
        frame = self._tables[name]
        if self.as_of is None or "public_date" not in frame.columns:
            return frame
        return frame[frame["public_date"] <= pd.Timestamp(self.as_of)]

    def unfiltered(self, name: str) -> pd.DataFrame:
        """One dataset with every row, whatever `as_of` is."""
        return self._tables[name]

    def cut(self, as_of: date | None) -> Data:
        """The same data seen as of another date."""
        return Data(self._tables, self.dictionary, as_of)

    @property
    def names(self) -> list[str]:
        return list(self._tables)


def load_data(paths: Paths, as_of: date | None = None) -> Data:
    """Read every dataset as typed frames (no validation: see briefing.validation)."""
    dictionary = load_dictionary(paths.dictionary)
    tables = {}
    for name, dataset in dictionary.datasets.items():
        raw = read_raw(dataset, paths.data)
        tables[name] = coerce(raw.frame, dataset)
    if "figures" in tables and "measures" in tables:
        # A figure is a reading of a measure: briefings see each reading with its measure's
        # briefing, topic, name and unit, declared once in measures.csv.
        figures = tables["figures"]
        tables["figures"] = figures.merge(tables["measures"], on="measure_key", how="left", validate="many_to_one").set_axis(figures.index)
    return Data(tables, dictionary, as_of)
