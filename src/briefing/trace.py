"""The trace check: every figure is found, as printed, in the paper its row cites.

Datasets that carry figures declare `trace` in data/dictionary.yaml: which column holds
the number, which holds the figure exactly as printed and, for figures we computed,
which holds the expression it is derived from. A printed figure must appear in the cited
paper's text (compared with white space removed, since the PDF extraction spaced out
some slides) and its number must be one the printed text states. A derived figure is
recomputed from the figures it names.
"""

from __future__ import annotations

import ast
import math
import operator
import re

from briefing.citations import load_papers, resolve, section_failures, where_printed, within
from briefing.config import Paths
from briefing.errors import Failure
from briefing.printed import printed_in, squeeze

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
}
MULTIPLIERS = {"k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}
NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)(bn|k|m)?", re.IGNORECASE)
OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def numbers_in(printed: str) -> list[float]:
    """Every number a printed figure can be read as: '£1.8m' -> [1.8, 1800000]."""
    text = squeeze(printed)
    found: list[float] = []
    for match in NUMBER.finditer(text):
        number = float(match.group(1).replace(",", ""))
        found.append(number)
        if match.group(2):
            found.append(number * MULTIPLIERS[match.group(2).lower()])
    for word in re.findall(r"[A-Za-z]+", printed):
        if word.lower() in NUMBER_WORDS:
            found.append(float(NUMBER_WORDS[word.lower()]))
    return found


def value_matches(value: float, printed: str) -> bool:
    """True when `value` is one of the numbers `printed` states."""
    return any(math.isclose(value, n, rel_tol=1e-9, abs_tol=1e-9) for n in numbers_in(printed))


def evaluate(expression: str, values: dict[str, float]) -> float:
    """Evaluate an arithmetic expression over figure ids (+ - * / and brackets only)."""

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            return OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise KeyError(node.id)
            return values[node.id]
        raise ValueError(f"'{ast.unparse(node)}' is not allowed in a derivation")

    return walk(ast.parse(expression, mode="eval"))


def _text(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def trace_failures(paths: Paths, dictionary, tables) -> list[Failure]:
    """Failures of the trace check over every dataset.

    Every row's `section` must resolve to a unit of its paper's section index; a printed
    figure must be printed in the paper and inside the unit its row cites.
    """
    papers, failures = load_papers(paths.data, tables.get("sources"))
    for table in tables.values():
        failures += section_failures(table, papers)

    def paper(source_id: str) -> str | None:
        found = papers.get(source_id)
        return found.text if found else None

    for table in tables.values():
        spec = table.dataset.trace
        if not spec:
            continue
        frame = table.frame
        value_column, printed_column = spec["value"], spec["printed"]
        derived_column, id_column = spec.get("derived"), spec.get("id")
        known = {}
        if id_column:
            for figure_id, value in zip(frame[id_column], frame[value_column], strict=True):
                try:
                    known[figure_id] = float(value)
                except (TypeError, ValueError):
                    pass
        for index, row in frame.iterrows():
            line = [table.line_of(index)]
            printed = _text(row.get(printed_column))
            derived = _text(row.get(derived_column)) if derived_column else None
            try:
                value = float(row[value_column])
            except (TypeError, ValueError):
                continue
            if derived:
                try:
                    result = evaluate(derived, known)
                except KeyError as missing:
                    failures.append(
                        Failure(
                            table.dataset.file, derived_column, f"the derivation names {missing}, which is not a figure_id", [derived], line
                        )
                    )
                    continue
                except (ValueError, SyntaxError, ZeroDivisionError) as error:
                    failures.append(
                        Failure(table.dataset.file, derived_column, f"the derivation cannot be computed ({error})", [derived], line)
                    )
                    continue
                if not math.isclose(result, value, rel_tol=1e-6, abs_tol=0.005):
                    failures.append(
                        Failure(
                            table.dataset.file,
                            value_column,
                            f"the derived figure does not match its derivation {derived} = {result:g}",
                            [row[value_column]],
                            line,
                        )
                    )
                continue
            if not printed:
                continue
            text = paper(row.get("source_id"))
            if text is None:
                continue  # a dangling source_id is reported by the suites
            if not printed_in(printed, text):
                failures.append(
                    Failure(
                        table.dataset.file,
                        printed_column,
                        f"the figure is not printed in the paper it cites ({row.get('source_id')}, {row.get('section')}); check the figure and its source",
                        [printed],
                        line,
                    )
                )
            elif not _printed_in_section(printed, row.get("section"), papers.get(row.get("source_id")), resolve, within):
                places = where_printed(printed, papers[row.get("source_id")])
                failures.append(
                    Failure(
                        table.dataset.file,
                        printed_column,
                        f"the figure is printed in {' and '.join(places)}, not {row.get('section')} ({row.get('source_id')}); "
                        "correct the section or the figure",
                        [printed],
                        line,
                    )
                )
            elif not value_matches(value, printed):
                failures.append(
                    Failure(
                        table.dataset.file,
                        value_column,
                        f"the value does not match the figure as printed ('{printed}')",
                        [row[value_column]],
                        line,
                    )
                )
    return failures


def _printed_in_section(printed: str, section, paper, resolve, within) -> bool:
    """True when the figure lies inside the cited section (or the section is reported elsewhere)."""
    if paper is None or not section:
        return True
    resolution = resolve(section, paper.index)
    if resolution.error:
        return True  # the section itself is reported by the citation check
    return within(printed, resolution, paper)
