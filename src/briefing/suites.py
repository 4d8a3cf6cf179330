"""The expectation suites of a dataset, declared once in data/dictionary.yaml.

Each column's declaration (required, type, allowed values, references, bounds), the
dataset's key and unique groups, and its row rules become Great Expectations expectations,
each carrying `meta.column` and `meta.rule` so that a failure can be told in plain words
(see `briefing.validation`, which runs them).
"""

from __future__ import annotations

import logging
import os

from briefing.schema import Dataset

TYPE_PATTERNS = {
    "integer": r"^-?\d+$",
    "number": r"^-?\d+(?:\.\d+)?$",
    "boolean": r"^(?:true|false)$",
}
TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number (digits, optional decimal point, no commas or units)",
    "boolean": "true or false",
    "date": "a date written YYYY-MM-DD",
}


def context():
    """An ephemeral Great Expectations context with progress bars off."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    # GX configures its own loggers on import; quieten them before the context logs.
    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    try:
        context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    except Exception:  # older layouts of the config object
        pass
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    return context


def build_suites(dataset: Dataset, present: list[str], references: dict[str, list[str]], shared: tuple[str, ...] = ()):
    """The two expectation suites for a dataset, from its declaration.

    `raw` runs on the CSV's text (presence, types, allowed values, keys, references);
    `typed` runs on converted values (ranges and row rules). Each expectation carries
    `meta.column` and `meta.rule` so failures can be told in plain words. The column
    rules of the `shared` columns are left out: they are checked once for many datasets
    (see `Engine.check_all`).
    """
    import great_expectations as gx
    import great_expectations.expectations as gxe

    def meta(column, rule):
        return {"column": column, "rule": rule}

    raw = gx.ExpectationSuite(name=f"{dataset.name}.raw")
    typed = gx.ExpectationSuite(name=f"{dataset.name}.typed")
    if dataset.file and not dataset.may_be_empty:
        raw.add_expectation(gxe.ExpectTableRowCountToBeBetween(min_value=1, meta=meta(None, "the file has no rows")))
    for column in dataset.columns.values():
        if column.name not in present or column.name in shared:
            continue
        name = column.name
        if column.required:
            raw.add_expectation(
                gxe.ExpectColumnValuesToNotBeNull(column=name, meta=meta(name, "a value is required but the cell is blank"))
            )
        if column.type in TYPE_PATTERNS:
            raw.add_expectation(
                gxe.ExpectColumnValuesToMatchRegex(
                    column=name, regex=TYPE_PATTERNS[column.type], meta=meta(name, f"each value must be {TYPE_WORDS[column.type]}")
                )
            )
        if column.type == "date":
            raw.add_expectation(
                gxe.ExpectColumnValuesToMatchStrftimeFormat(
                    column=name, strftime_format="%Y-%m-%d", meta=meta(name, f"each value must be {TYPE_WORDS['date']} and a real date")
                )
            )
        if column.allowed:
            source = f"the '{column.vocabulary}' list in data/dictionary.yaml" if column.vocabulary else "data/dictionary.yaml"
            raw.add_expectation(
                gxe.ExpectColumnValuesToBeInSet(
                    column=name,
                    value_set=list(column.allowed),
                    meta=meta(name, f"each value must be one of {', '.join(column.allowed)} (from {source})"),
                )
            )
        if column.references:
            target = column.references
            raw.add_expectation(
                gxe.ExpectColumnValuesToBeInSet(
                    column=name,
                    value_set=references.get(target, []),
                    meta=meta(name, f"each value must exist in {target.replace('.', '.csv column ')}"),
                )
            )
        if column.min is not None or column.max is not None:
            bounds = _bounds_words(column.min, column.max)
            typed.add_expectation(
                gxe.ExpectColumnValuesToBeBetween(
                    column=name, min_value=column.min, max_value=column.max, meta=meta(name, f"each value must be {bounds}")
                )
            )
    key = [k for k in dataset.key if k in present]
    if len(key) == 1:
        raw.add_expectation(gxe.ExpectColumnValuesToBeUnique(column=key[0], meta=meta(key[0], "each value must be unique (it is the key)")))
    elif len(key) > 1:
        raw.add_expectation(
            gxe.ExpectCompoundColumnsToBeUnique(
                column_list=key, meta=meta(" + ".join(key), "each combination must be unique (together they are the key)")
            )
        )
    for group in dataset.unique:
        columns = [c for c in group["columns"] if c in present]
        if len(columns) == len(group["columns"]):
            raw.add_expectation(
                gxe.ExpectCompoundColumnsToBeUnique(
                    column_list=columns, ignore_row_if="never", meta=meta(" + ".join(columns), group["rule"])
                )
            )
    for rule in dataset.rules:
        if "greater" in rule:
            if rule["greater"] in present and rule["lesser"] in present:
                typed.add_expectation(
                    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                        column_A=rule["greater"],
                        column_B=rule["lesser"],
                        or_equal=True,
                        ignore_row_if="either_value_is_missing",
                        meta=meta(f"{rule['lesser']}", rule["rule"]),
                    )
                )
            continue
        name = rule["column"]
        if name not in present:
            continue
        condition = {"row_condition": row_condition(rule["when"])} if "when" in rule else {}
        if rule.get("required"):
            typed.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=name, meta=meta(name, rule["rule"]), **condition))
        if rule.get("blank"):
            typed.add_expectation(gxe.ExpectColumnValuesToBeNull(column=name, meta=meta(name, rule["rule"]), **condition))
        if "min" in rule or "max" in rule:
            typed.add_expectation(
                gxe.ExpectColumnValuesToBeBetween(
                    column=name, min_value=rule.get("min"), max_value=rule.get("max"), meta=meta(name, rule["rule"]), **condition
                )
            )
    return raw, typed


def row_condition(when: dict):
    """A Great Expectations row condition from a rule's declared `when`."""
    from great_expectations.expectations.row_conditions import Column

    column = Column(when["column"])
    if "equals" in when:
        return column == when["equals"]
    if "not_equals" in when:
        return column != when["not_equals"]
    if when.get("is_blank"):
        return column.is_null()
    if when.get("is_present"):
        return column.is_not_null()
    raise ValueError(f"unknown condition in data/dictionary.yaml: {when}")


def _bounds_words(low, high) -> str:
    if low is not None and high is not None:
        return f"between {low:g} and {high:g}"
    if low is not None:
        return f"at least {low:g}"
    return f"at most {high:g}"
