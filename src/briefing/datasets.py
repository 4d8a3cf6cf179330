"""Loading the datasets under data/: raw text for validation, typed frames for briefings.

Loaders only read data. A briefing "as of" a date sees only rows whose `public_date` is on
or before that date (the rule in docs/data-dictionary.md).

Every read through `Data` is recorded in its `ReadLog` (see `briefing.readsets`): which
table, as of which date, and a fingerprint of exactly the rows and columns returned. A build
starts each kernel with BRIEFING_READ_SET naming a file, so the log of the data its notebook
loads is written there as it reads; the build keeps it as the briefing's read-set and later re-executes the
briefing only when one of those reads would now return something different
(`changed_reads`), so an edit to rows a briefing never sees does not rebuild it.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from briefing.config import Paths
from briefing.readsets import ReadLog
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


def frame_fingerprint(frame: pd.DataFrame) -> str:
    """SHA-256 over a frame's column names, types, index and every value, row by row."""
    digest = hashlib.sha256()
    digest.update(json.dumps([[str(c) for c in frame.columns], [str(t) for t in frame.dtypes], len(frame)]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def _read_name(kind: str, name: str = "", as_of: date | None = None, where: dict | None = None) -> str:
    read = [kind, name, as_of.isoformat() if as_of else None]
    return json.dumps(read + [where] if where else read, sort_keys=True)


def _parse_read(read: str) -> tuple[str, str, str | None, dict]:
    kind, name, as_of, *where = json.loads(read)
    return kind, name, as_of, (where[0] if where else {})


def _matching(frame: pd.DataFrame, where: dict) -> pd.DataFrame:
    """The rows of `frame` whose columns hold the values in `where` (a list: any of them)."""
    for column, value in where.items():
        frame = frame[frame[column].isin(value if isinstance(value, list) else [value])]
    return frame


class Data:
    """All datasets as typed DataFrames, optionally cut to what was public on a date.

    Each read is recorded in `log` (see the module docstring); cuts of one Data share it.
    """

    def __init__(self, tables: dict[str, pd.DataFrame], dictionary: Dictionary, as_of: date | None = None, log: ReadLog | None = None):
        self._tables = tables
        self._dictionary = dictionary
        self.as_of = as_of
        self.log = log if log is not None else ReadLog()

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self.table(name)
        except KeyError:
            raise AttributeError(name) from None

    def _cut_rows(self, name: str, as_of: date | None) -> pd.DataFrame:
        frame = self._tables[name]
        if as_of is None or "public_date" not in frame.columns:
            return frame
        return frame[frame["public_date"] <= pd.Timestamp(as_of)]

    def _latest_public_date(self, as_of: date | None) -> pd.Timestamp | None:
        latest = None
        for name in self._tables:
            frame = self._cut_rows(name, as_of)
            if "public_date" in frame.columns and len(frame):
                value = frame["public_date"].max()
                if pd.notna(value) and (latest is None or value > latest):
                    latest = value
        return latest

    def _answer(self, read: str):
        """What `read` returns from this data (without recording it)."""
        kind, name, as_of, where = _parse_read(read)
        day = date.fromisoformat(as_of) if as_of else None
        if kind == "table":
            return self._cut_rows(name, day)
        if kind == "rows":
            return _matching(self._cut_rows(name, day), where)
        if kind == "latest public_date":
            return self._latest_public_date(day)
        if kind == "names":
            return list(self._tables)
        if kind == "dictionary":
            return self._dictionary
        raise ValueError(f"unknown read {read}")

    def _record(self, read: str, answer) -> None:
        if read not in self.log:
            self.log.record(read, _answer_fingerprint(answer))

    def table(self, name: str) -> pd.DataFrame:
        """One dataset, cut to rows public on or before `as_of` when it is set."""
        frame = self._cut_rows(name, self.as_of)
        self._record(_read_name("table", name, self.as_of if "public_date" in frame.columns else None), frame)
        return frame

    def rows(self, name: str, **where) -> pd.DataFrame:
        """The rows of one dataset whose columns hold the given values, cut to `as_of` when
        it is set: `rows("figures", briefing="comms")`, `rows("figures", measure_key=[a, b])`.

        Recorded as a read of those rows alone, so a briefing that reads its own rows this
        way is not re-executed when another briefing's rows change.
        """
        frame = self._cut_rows(name, self.as_of)
        selected = _matching(frame, where)
        self._record(_read_name("rows", name, self.as_of if "public_date" in frame.columns else None, where), selected)
        return selected

    def unfiltered(self, name: str) -> pd.DataFrame:
        """One dataset with every row, whatever `as_of` is."""
        frame = self._tables[name]
        self._record(_read_name("table", name), frame)
        return frame

    def latest_public_date(self) -> pd.Timestamp | None:
        """The latest `public_date` of any row of any dataset (as of `as_of` when set).

        Recorded as that one date, not as every table, so a briefing that shows only this
        date is not rebuilt for edits that leave it alone.
        """
        latest = self._latest_public_date(self.as_of)
        self._record(_read_name("latest public_date", "", self.as_of), latest)
        return latest

    def cut(self, as_of: date | None) -> Data:
        """The same data seen as of another date."""
        return Data(self._tables, self._dictionary, as_of, self.log)

    @property
    def names(self) -> list[str]:
        """The datasets' names."""
        names = list(self._tables)
        self._record(_read_name("names"), names)
        return names

    @property
    def dictionary(self) -> Dictionary:
        """The data dictionary the frames were typed with."""
        self._record(_read_name("dictionary"), self._dictionary)
        return self._dictionary


def _answer_fingerprint(answer) -> str:
    if isinstance(answer, pd.DataFrame):
        return frame_fingerprint(answer)
    if isinstance(answer, pd.Timestamp):
        return hashlib.sha256(answer.isoformat().encode()).hexdigest()
    return hashlib.sha256(repr(answer).encode()).hexdigest()


def changed_reads(data: Data, reads: dict[str, str]) -> list[str]:
    """The recorded reads that would now return something different, in words."""
    changed = []
    for read, fingerprint in reads.items():
        try:
            now = _answer_fingerprint(data._answer(read))
        except (KeyError, ValueError, TypeError):  # a dataset or kind of read that no longer exists
            now = None
        if now != fingerprint:
            changed.append(describe_read(read))
    return changed


def describe_read(read: str) -> str:
    """A read in words: 'figures as of 2023-03-15', 'figures where briefing is comms as of 2023-03-15'."""
    kind, name, as_of, where = _parse_read(read)
    subject = name if kind in ("table", "rows") else kind
    if where:
        subject += " where " + " and ".join(f"{column} is {value}" for column, value in where.items())
    return f"{subject} as of {as_of}" if as_of else subject


def load_data(paths: Paths, as_of: date | None = None, log: ReadLog | None = None) -> Data:
    """Read every dataset as typed frames (no validation: see briefing.validation).

    Reads are recorded in `log`, by default one written where a build asked (`ReadLog.from_environment`).
    """
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
    return Data(tables, dictionary, as_of, log if log is not None else ReadLog.from_environment())
