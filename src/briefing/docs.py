"""The data dictionary as Markdown (docs/data-dictionary.md), generated from data/dictionary.yaml.

`dictionary_markdown()` is pure: it turns the parsed dictionary into text, the same text
for the same declaration. A test checks that the committed page matches it; regenerate
the page with

    .venv/bin/python -m briefing.docs

after editing data/dictionary.yaml.
"""

from __future__ import annotations

from briefing.schema import PROVENANCE_COLUMNS, Column, Dataset, Dictionary

TITLE = "# Data dictionary"

INTRO = """\
<!-- Generated from data/dictionary.yaml by briefing.docs; do not edit by hand.
     Regenerate with: .venv/bin/python -m briefing.docs -->

Every dataset under `data/` and every column in it, as declared in `data/dictionary.yaml`.
That file is the single declaration of the data: `briefing validate` (and every
`briefing build`) builds one Great Expectations suite per dataset from it, and this page is
generated from it. To change the data's shape, edit `data/dictionary.yaml` first, then the
CSV, then regenerate this page.

## How validation uses the dictionary

For each dataset, validation checks, and reports by file, column and CSV line:

- the CSV has exactly the declared columns, in the declared order, and at least one row;
- **type**: `string` (any text), `integer` (a whole number), `number` (digits with an
  optional decimal point; no commas, units or `%`), `date` (written `YYYY-MM-DD` and a real
  date), `boolean` (`true` or `false`);
- **required**: the cell may not be blank;
- **allowed**: the value is one of a vocabulary (below) or of a listed set;
- **range**: a number lies within `min` and `max`;
- **key**: the key column, or the combination of key columns, is unique;
- **references**: every value exists in the named column of another dataset;
- **row rules**: conditions across columns of one row (listed per dataset);
- **trace**: for datasets that carry figures, each figure as printed must appear in the
  paper its row cites, its number must be one the printed text states, and a derived figure
  must equal its derivation recomputed from the figures it names.

## The as-of rule and provenance columns

Every dataset except `sources` ends with three provenance columns:

| column | type | meaning |
|---|---|---|
| `source_id` | string, required | the paper the row comes from: an id in `sources.csv` |
| `section` | string, required | where in that paper: paragraph, minute, slide or table, as a reader would cite it |
| `public_date` | date, required | the date the row became public |

A row becomes public with the paper that prints it: a Panel paper on its meeting's date,
minutes when the next meeting's pack publishes them, the Panel's own report on its date.
A build for a meeting uses only rows whose `public_date` is on or before that meeting, so
building an old meeting today gives exactly what could be known then.
"""


def dictionary_markdown(dictionary: Dictionary) -> str:
    """The whole data dictionary as one Markdown page (deterministic)."""
    parts = [TITLE, "", INTRO, _contents(dictionary), _vocabularies(dictionary)]
    parts += [_dataset(dataset) for dataset in dictionary.datasets.values()]
    return "\n".join(parts).rstrip("\n") + "\n"


def _contents(dictionary: Dictionary) -> str:
    lines = ["## Datasets", ""]
    lines += [f"- [`{d.file}`](#{_anchor(d.name)}): {_first_sentence(d.description)}" for d in dictionary.datasets.values()]
    return "\n".join(lines) + "\n"


def _vocabularies(dictionary: Dictionary) -> str:
    lines = [
        "## Vocabularies",
        "",
        "Named lists of allowed values. A column declared `allowed: <name>` accepts exactly these values.",
        "",
        "| vocabulary | allowed values |",
        "|---|---|",
    ]
    lines += [f"| `{name}` | {', '.join(_code(v) for v in values)} |" for name, values in dictionary.vocabularies.items()]
    return "\n".join(lines) + "\n"


def _dataset(dataset: Dataset) -> str:
    lines = [f"## {dataset.name}", ""]
    lines.append(f"- **File:** `data/{dataset.file}`")
    lines.append(f"- **Key:** {' + '.join(_code(k) for k in dataset.key)} ({'unique' if len(dataset.key) == 1 else 'unique together'})")
    provenance = "yes (`source_id`, `section`, `public_date`)" if dataset.provenance else "no (this is the register the others cite)"
    lines.append(f"- **Provenance columns:** {provenance}")
    lines += ["", _cell(dataset.description), ""]
    if dataset.rules:
        lines += ["**Row rules:**", ""]
        lines += [f"- {_rule(rule)}" for rule in dataset.rules]
        lines.append("")
    if dataset.trace:
        lines += ["**Trace check:**", "", _trace(dataset.trace), ""]
    lines += [
        "| column | type | required | allowed values | range | references | description |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [_column_row(column, column.name in PROVENANCE_COLUMNS and dataset.provenance) for column in dataset.columns.values()]
    return "\n".join(lines) + "\n"


def _column_row(column: Column, provenance: bool) -> str:
    if column.vocabulary:
        allowed = f"vocabulary `{column.vocabulary}`"
    elif column.allowed:
        allowed = ", ".join(_code(v) for v in column.allowed)
    else:
        allowed = ""
    references = f"`{column.references}`" if column.references else ""
    description = _cell(column.description) + (" *(provenance)*" if provenance else "")
    cells = [
        f"`{column.name}`",
        column.type,
        "yes" if column.required else "no",
        allowed,
        _range(column.min, column.max),
        references,
        description,
    ]
    return "| " + " | ".join(cells) + " |"


def _range(low, high) -> str:
    if low is not None and high is not None:
        return f"{_number(low)} to {_number(high)}"
    if low is not None:
        return f"≥ {_number(low)}"
    if high is not None:
        return f"≤ {_number(high)}"
    return ""


def _rule(rule: dict) -> str:
    """One row rule in words, with its mechanics in code."""
    if "greater" in rule:
        mechanics = f"`{rule['lesser']}` ≤ `{rule['greater']}` where both are given"
    else:
        checks = []
        if rule.get("required"):
            checks.append(f"`{rule['column']}` is not blank")
        if "min" in rule or "max" in rule:
            checks.append(f"`{rule['column']}` is {_range(rule.get('min'), rule.get('max'))}")
        mechanics = " and ".join(checks)
        if "when" in rule:
            mechanics += f" where {_condition(rule['when'])}"
    return f"{_sentence(rule['rule'])} ({mechanics})."


def _condition(when) -> str:
    """A rule's `when` in words: `unit` is `percent`, `derived_from` is blank."""
    if isinstance(when, str):  # an expression written out
        return f"`{when}`"
    column = f"`{when['column']}`"
    if "equals" in when:
        return f"{column} is `{when['equals']}`"
    if "not_equals" in when:
        return f"{column} is not `{when['not_equals']}`"
    if when.get("is_blank"):
        return f"{column} is blank"
    return f"`{when}`"


def _trace(spec: dict) -> str:
    text = f"the figure exactly as printed in `{spec['printed']}` must appear in the cited paper, and `{spec['value']}` must be a number it states"
    if spec.get("derived"):
        text += (
            f"; a row with a `{spec['derived']}` expression is a figure we computed: its `{spec['value']}` must equal "
            f"that expression evaluated over the `{spec.get('id', 'id')}`s it names"
        )
    return _sentence(text) + "."


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _code(value: str) -> str:
    return f"`{value}`"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].upper() + text[1:]


def _first_sentence(text: str) -> str:
    head = text.split(". ")[0].rstrip(".")
    return head + "."


def _anchor(heading: str) -> str:
    return heading.lower().replace(" ", "-")


def main() -> None:
    """Write docs/data-dictionary.md from data/dictionary.yaml."""
    from briefing.config import Paths
    from briefing.schema import load_dictionary

    paths = Paths.default()
    target = paths.root / "docs" / "data-dictionary.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dictionary_markdown(load_dictionary(paths.dictionary)), encoding="utf-8")
    print(f"Wrote {target.relative_to(paths.root)}")


if __name__ == "__main__":
    main()
