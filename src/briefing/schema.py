"""The data dictionary (data/dictionary.yaml) read into typed declarations.

The dictionary is the one place datasets are declared: validation builds its Great
Expectations suites from it and the documentation is generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from briefing import typed_yaml

PROVENANCE_COLUMNS = ("source_id", "section", "public_date")

PROVENANCE_DECLARATIONS = {
    "source_id": {
        "type": "string",
        "required": True,
        "references": "sources.source_id",
        "description": "The paper the row comes from (an id in sources.csv).",
    },
    "section": {
        "type": "string",
        "required": True,
        "description": "Where in that paper: paragraph, minute, slide or table, as a reader would cite it; it must name a unit of the paper's section index (e.g. para 5.4, item 7, para 6.2).",
    },
    "public_date": {
        "type": "date",
        "required": True,
        "description": "Date the row became public; builds as of a meeting keep rows public on or before it.",
    },
}


@dataclass(frozen=True)
class Column:
    """One declared column."""

    name: str
    type: str
    required: bool
    description: str
    allowed: tuple[str, ...] | None = None
    vocabulary: str | None = None
    min: float | None = None
    max: float | None = None
    references: str | None = None


@dataclass(frozen=True)
class Dataset:
    """One declared dataset: a CSV file under data/."""

    name: str
    file: str
    description: str
    key: tuple[str, ...]
    columns: dict[str, Column] = field(default_factory=dict)
    provenance: bool = True
    rules: tuple[dict, ...] = ()
    trace: dict | None = None
    unique: tuple[dict, ...] = ()
    lookup: dict | None = None
    may_be_empty: bool = False  # a dataset of the officer's own rows starts empty

    @property
    def column_names(self) -> list[str]:
        return list(self.columns)


@dataclass(frozen=True)
class Dictionary:
    """The whole data dictionary."""

    vocabularies: dict[str, tuple[str, ...]]
    datasets: dict[str, Dataset]


def parse_dictionary(raw: dict) -> Dictionary:
    """Build typed declarations from the dictionary's YAML content."""
    vocabularies = {name: tuple(str(v) for v in values) for name, values in raw["vocabularies"].items()}
    datasets = {}
    for name, spec in raw["datasets"].items():
        declared = dict(spec["columns"])
        provenance = spec.get("provenance", True)
        if provenance:
            declared.update(PROVENANCE_DECLARATIONS)
        columns = {}
        for column_name, column in declared.items():
            allowed = column.get("allowed")
            vocabulary = None
            if isinstance(allowed, str):
                vocabulary = allowed
                allowed = vocabularies[allowed]
            elif allowed is not None:
                allowed = tuple(str(v) for v in allowed)
            columns[column_name] = Column(
                name=column_name,
                type=column["type"],
                required=bool(column.get("required", False)),
                description=column["description"],
                allowed=allowed,
                vocabulary=vocabulary,
                min=column.get("min"),
                max=column.get("max"),
                references=column.get("references"),
            )
        datasets[name] = Dataset(
            name=name,
            file=spec["file"],
            description=" ".join(spec["description"].split()),
            key=tuple(spec["key"]),
            columns=columns,
            provenance=provenance,
            rules=tuple(spec.get("rules", ())),
            trace=spec.get("trace"),
            unique=tuple(spec.get("unique", ())),
            lookup=spec.get("lookup"),
            may_be_empty=bool(spec.get("may_be_empty", False)),
        )
    return Dictionary(vocabularies=vocabularies, datasets=datasets)


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int) -> Dictionary:
    with open(path, encoding="utf-8") as handle:
        return parse_dictionary(typed_yaml.safe_load(handle))


def load_dictionary(path: Path) -> Dictionary:
    """Read data/dictionary.yaml (cached while the file is unchanged)."""
    path = Path(path)
    return _load(str(path), path.stat().st_mtime_ns)
