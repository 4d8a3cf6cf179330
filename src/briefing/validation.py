"""Validation of every dataset, declared once in data/dictionary.yaml, run with Great Expectations.

`validate(paths)` builds each dataset's expectation suites from the dictionary (`briefing.suites`), runs them in
an ephemeral Great Expectations context (nothing written to disk, no progress bars) and
returns the failures in plain words: file, column, rule, offending values, CSV lines.
The trace check (every figure found in the paper it cites) runs after the suites.

A successful validation is remembered twice under build/cache/validated: once for the
whole data (so the notebooks a build starts, or an unchanged rebuild, need not import Great
Expectations again), and once per dataset, keyed on everything that dataset's checks read:
its CSV's bytes, its entry in the dictionary, the values of the columns it references in
other datasets, the rows its row rules look up in another dataset (a figure's unit from
measures.csv) and, for datasets that cite papers, the text and section index of each paper
its rows cite (see `dataset_key`). A later run checks only the datasets whose key has no record, so
an edit to one CSV revalidates that dataset and the datasets that reference it, and a check
whose inputs changed is never skipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from briefing import suites
from briefing.config import Paths
from briefing.datasets import EmptyFileError, RawTable, coerce, read_raw
from briefing.errors import DataValidationError, Failure
from briefing.fingerprints import validation_code_fingerprint, validation_stamp
from briefing.paper_index import index_path
from briefing.schema import PROVENANCE_COLUMNS, Dataset, Dictionary, load_dictionary
from briefing.trace import trace_failures

log = logging.getLogger(__name__)


@dataclass
class Report:
    """Outcome of validating every dataset.

    `checked` names the datasets whose checks ran in this run; the others passed the same
    checks on identical inputs before (their `keys` had a record).
    """

    failures: list[Failure]
    rows: dict[str, int]
    checked: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary_lines(self) -> list[str]:
        """One line per dataset, for a successful run."""
        return [f"ok  data/{name}.csv  {count} rows" for name, count in self.rows.items()]


class _Runner:
    """One data source, asset and batch definition reused for every frame.

    Registering a source per dataset makes Great Expectations re-serialise its project
    configuration each time; reusing one is the single largest saving. Suites run first
    with BOOLEAN_ONLY results; only a suite that fails is run again with COMPLETE results
    to collect offending values and rows.
    """

    def __init__(self, context):
        source = context.data_sources.add_pandas(name="datasets")
        asset = source.add_dataframe_asset(name="dataset")
        self.definition = asset.add_batch_definition_whole_dataframe("whole")

    def run(self, frame, suite):
        batch = self.definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(suite, result_format={"result_format": "BOOLEAN_ONLY"})
        if result.success:
            return result
        return batch.validate(suite, result_format={"result_format": "COMPLETE"})


def _failures_from(result, table: RawTable) -> list[Failure]:
    failures = []
    for outcome in result.results:
        if outcome.success:
            continue
        config = outcome.expectation_config
        info = config.meta or {}
        details = outcome.result or {}
        indexes = details.get("unexpected_index_list") or []
        values = details.get("unexpected_list") or []
        lines = sorted({table.line_of(i) for i in indexes if isinstance(i, int) and i < len(table.lines)})
        if outcome.exception_info and outcome.exception_info.get("raised_exception"):
            message = outcome.exception_info.get("exception_message") or "could not be checked"
            failures.append(Failure(table.dataset.file, info.get("column"), f"{info.get('rule')} (check failed: {message})"))
            continue
        if info.get("rule") == "the file has no rows":
            failures.append(Failure(table.dataset.file, None, "the file has a header but no rows"))
            continue
        unique_values = []
        for value in values:
            shown = value if not isinstance(value, dict) else ", ".join(f"{k}={v}" for k, v in value.items())
            if shown not in unique_values:
                unique_values.append(shown)
        failures.append(Failure(table.dataset.file, info.get("column"), info.get("rule", config.type), unique_values, lines))
    return failures


def _stacked_failures(result, owners: list[tuple[RawTable, int]], tables: list[RawTable]) -> list[Failure]:
    """Failures of a suite run on several datasets stacked together, told per dataset."""
    failures = []
    for outcome in result.results:
        if outcome.success:
            continue
        info = outcome.expectation_config.meta or {}
        if outcome.exception_info and outcome.exception_info.get("raised_exception"):
            message = outcome.exception_info.get("exception_message") or "could not be checked"
            failures += [Failure(t.dataset.file, info.get("column"), f"{info.get('rule')} (check failed: {message})") for t in tables]
            continue
        details = outcome.result or {}
        found: dict[str, tuple[RawTable, list, set]] = {}
        for index, value in zip(details.get("unexpected_index_list") or [], details.get("unexpected_list") or [], strict=False):
            if not isinstance(index, int) or index >= len(owners):
                continue
            table, row = owners[index]
            _, values, lines = found.setdefault(table.dataset.file, (table, [], set()))
            if value not in values:
                values.append(value)
            lines.add(table.line_of(row))
        for file, (_, values, lines) in found.items():
            failures.append(Failure(file, info.get("column"), info.get("rule", outcome.expectation_config.type), values, sorted(lines)))
    return failures


def _structure_failures(table: RawTable) -> list[Failure]:
    expected = table.dataset.column_names
    failures = []
    missing = [c for c in expected if c not in table.header]
    extra = [c for c in table.header if c not in expected]
    for column in missing:
        failures.append(
            Failure(
                table.dataset.file, column, "the column is missing from the header (line 1); add it as declared in data/dictionary.yaml"
            )
        )
    for column in extra:
        failures.append(
            Failure(table.dataset.file, column, "the column is not declared in data/dictionary.yaml; declare it there or remove it")
        )
    if not missing and not extra and table.header != expected:
        failures.append(Failure(table.dataset.file, None, f"the columns must be in the declared order: {', '.join(expected)}"))
    return failures


class Engine:
    """Great Expectations, imported and set up once: one ephemeral context, one data source.

    A one-shot build makes one per run; `briefing preview` keeps one for its whole life
    (`briefing.execute.Warm`), so a save pays neither the import nor the set-up again.
    """

    def __init__(self):
        self.runner = _Runner(suites.context())

    def check(
        self, table: RawTable, references: dict[str, list[str]], shared: tuple[str, ...] = (), tables: dict[str, RawTable] | None = None
    ) -> list[Failure]:
        """Every declared rule of one dataset (structure, raw suite, typed suite), but the
        column rules of `shared` columns. `tables` holds the datasets its row rules look up."""
        failures = _structure_failures(table)
        present = [c for c in table.header if c in table.dataset.columns]
        raw_suite, typed_suite = suites.build_suites(table.dataset, present, references, shared)
        frame = table.frame[present]
        failures += _failures_from(self.runner.run(frame, raw_suite), table)
        if typed_suite.expectations and len(frame):
            typed = _with_lookup(coerce(frame, table.dataset), table.dataset, tables or {})
            failures += _failures_from(self.runner.run(typed, typed_suite), table)
        return failures

    def check_all(
        self, tables: list[RawTable], references: dict[str, list[str]], every: dict[str, RawTable] | None = None
    ) -> list[Failure]:
        """Every declared rule of each dataset.

        The provenance columns (source_id, section, public_date) are declared alike in
        every dataset that has them, so their rules run once, on those columns of all
        such datasets stacked together: the same rules, with a fraction of Great
        Expectations' cost per expectation. Each failure still names its own file and lines.
        `every` holds all datasets read, for the row rules that look up another dataset.
        """
        batched = [t for t in tables if t.dataset.provenance and all(c in t.header for c in PROVENANCE_COLUMNS)]
        failures = []
        for table in tables:
            failures += self.check(table, references, PROVENANCE_COLUMNS if table in batched else (), every)
        if batched:
            failures += self._check_provenance(batched, references)
        return failures

    def _check_provenance(self, tables: list[RawTable], references: dict[str, list[str]]) -> list[Failure]:
        import pandas as pd

        columns = {name: tables[0].dataset.columns[name] for name in PROVENANCE_COLUMNS}
        stacked = Dataset(name="provenance", file="", description="", key=(), columns=columns, provenance=False)
        raw_suite, typed_suite = suites.build_suites(stacked, list(PROVENANCE_COLUMNS), references)
        frame = pd.concat([t.frame[list(PROVENANCE_COLUMNS)] for t in tables], ignore_index=True)
        owners = [(table, row) for table in tables for row in range(len(table.frame))]
        failures = _stacked_failures(self.runner.run(frame, raw_suite), owners, tables)
        if typed_suite.expectations and len(frame):
            failures += _stacked_failures(self.runner.run(coerce(frame, stacked), typed_suite), owners, tables)
        return failures


def dataset_key(
    dataset: Dataset,
    table: RawTable,
    references: dict[str, list[str]],
    papers: dict[str, str] | None,
    code: str,
    looked_up: str | None = None,
) -> str:
    """Fingerprint of everything one dataset's checks read.

    The CSV's bytes, its declaration (with the vocabularies it uses resolved), the values
    of each column it references (the whole input of a reference check), the rows its row
    rules look up in another dataset (`looked_up`: a figure's measure and unit from
    measures.csv), the package's validation code and library versions and, for a dataset
    that cites papers, which paper each cited source is, that paper's text and its section
    index (`papers`: source id -> fingerprints of the files), since every row's section is
    resolved in the index and a traced figure is looked for in the text.
    """
    digest = hashlib.sha256()
    digest.update(code.encode())
    digest.update(json.dumps(asdict(dataset), sort_keys=True, default=str).encode())
    digest.update(table.path.read_bytes())
    for column in dataset.columns.values():
        if column.references:
            digest.update(json.dumps([column.references, references.get(column.references)], default=str).encode())
    if looked_up is not None:
        digest.update(b"lookup:" + looked_up.encode())
    if papers:
        digest.update(json.dumps(sorted(papers.items())).encode())
    return digest.hexdigest()


def _looked_up(dataset: Dataset, tables: dict[str, RawTable]) -> str | None:
    """The rows a dataset's row rules look up in another dataset (see `_with_lookup`), as text."""
    lookup = dataset.lookup
    if not lookup:
        return None
    other = tables.get(lookup["dataset"])
    if other is None:
        return "<missing>"
    columns = [c for c in [lookup["key"], *lookup["columns"]] if c in other.frame.columns]
    return other.frame[columns].to_csv(index=False)


def _dataset_stamp(paths: Paths, key: str) -> Path:
    return paths.cache / "validated" / "datasets" / key


def _file_fingerprint(path: Path | None) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None and path.is_file() else "<missing>"


def _cited_papers(paths: Paths, table: RawTable, sources: RawTable | None) -> dict[str, str]:
    """For a dataset that cites papers: each source it cites -> its file name and the
    fingerprints of the paper's text and of its section index."""
    if sources is None or "source_id" not in table.frame.columns:
        return {}
    files = dict(zip(sources.frame["source_id"], sources.frame["file_name"], strict=True)) if "file_name" in sources.frame else {}
    cited = {}
    for source_id in sorted({s for s in table.frame["source_id"] if isinstance(s, str)}):
        name = files.get(source_id)
        path = Path(paths.raw_papers) / name if isinstance(name, str) and name else None
        index = index_path(path) if path is not None else None
        cited[source_id] = f"{name}:{_file_fingerprint(path)}:{_file_fingerprint(index)}"
    return cited


def run_validation(paths: Paths, reuse: bool = False, engine: Engine | None = None) -> Report:
    """Validate the datasets; return the report (does not raise).

    With `reuse`, a dataset whose key (see `dataset_key`) passed before is not checked
    again; every other dataset is. `engine` is a kept Great Expectations engine (one is
    made, once, only when some dataset needs checking).
    """
    dictionary = load_dictionary(paths.dictionary)
    failures: list[Failure] = []
    tables: dict[str, RawTable] = {}
    for name, dataset in dictionary.datasets.items():
        path = paths.data / dataset.file
        if not path.exists():
            failures.append(Failure(dataset.file, None, "the file is missing"))
            continue
        try:
            tables[name] = read_raw(dataset, paths.data)
        except EmptyFileError:
            failures.append(Failure(dataset.file, None, "the file is empty: it needs a header row and at least one row"))
        except (UnicodeDecodeError, ValueError) as error:
            failures.append(Failure(dataset.file, None, f"the file could not be read as UTF-8 CSV ({error})"))
    references = _reference_values(dictionary, tables)
    sources = tables.get("sources")
    code = validation_code_fingerprint()
    keys = {
        name: dataset_key(table.dataset, table, references, _cited_papers(paths, table, sources), code, _looked_up(table.dataset, tables))
        for name, table in tables.items()
    }
    checked = [name for name in tables if not (reuse and _dataset_stamp(paths, keys[name]).exists())]
    if checked:
        engine = engine or Engine()
        failures += engine.check_all([tables[name] for name in checked], references, tables)
    if not failures:
        traced = {name: tables[name] for name in checked}
        if sources is not None:
            traced.setdefault("sources", sources)
        failures += trace_failures(paths, dictionary, traced)
    rows = {name: len(table.frame) for name, table in tables.items()}
    return Report(failures=failures, rows=rows, checked=checked, keys=keys)


def _with_lookup(typed, dataset: Dataset, tables: dict[str, RawTable]):
    """The typed rows with the columns their row rules look up in another dataset (a
    figure's unit is its measure's), so a rule such as "a percentage is at most 100" can
    be declared once."""
    lookup = dataset.lookup
    if not lookup or lookup["dataset"] not in tables or lookup["key"] not in typed.columns:
        return typed
    other = tables[lookup["dataset"]]
    columns = [lookup["key"], *lookup["columns"]]
    if any(c not in other.frame.columns for c in columns):
        return typed
    looked_up = coerce(other.frame[columns], other.dataset).drop_duplicates(lookup["key"])
    merged = typed.merge(looked_up, on=lookup["key"], how="left")
    merged.index = typed.index
    return merged


def _reference_values(dictionary: Dictionary, tables: dict[str, RawTable]) -> dict[str, list[str]]:
    wanted = {c.references for d in dictionary.datasets.values() for c in d.columns.values() if c.references}
    values = {}
    for target in wanted:
        dataset, column = target.split(".")
        table = tables.get(dataset)
        if table is not None and column in table.frame.columns:
            values[target] = sorted({v for v in table.frame[column] if v is not None})
    return values


def remember(paths: Paths, report: Report) -> None:
    """Record a successful validation (of the whole data and of each dataset), so builds,
    notebooks and later runs need not repeat it."""
    stamp = validation_stamp(paths.cache, paths.data)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    for name, key in report.keys.items():
        record = _dataset_stamp(paths, key)
        if not record.exists():
            record.parent.mkdir(parents=True, exist_ok=True)
            record.write_text(json.dumps({"dataset": name, "rows": report.rows.get(name)}))
    stamp.write_text(json.dumps(report.rows, indent=1, sort_keys=True))


def validate(paths: Paths, use_cache: bool = True) -> Report | None:
    """Validate the data, or confirm a previous success for identical inputs.

    Returns the report of a fresh run, or None when an identical validation already
    passed. Raises DataValidationError when any rule is broken.
    """
    stamp = validation_stamp(paths.cache, paths.data)
    if use_cache and stamp.exists():
        return None
    report = run_validation(paths, reuse=use_cache)
    if not report.ok:
        raise DataValidationError(report.failures)
    remember(paths, report)
    return report


def ensure_valid(paths: Paths) -> None:
    """Stop with the validation message unless the data is valid (used by notebooks)."""
    validate(paths, use_cache=True)
