"""Apply data/migrations/citations.csv to the datasets: re-runnable, touching only the cells it names.

Each row of the migration names a dataset, the row's key (the dataset's key columns from
data/dictionary.yaml, joined with '|'), a column, the old value and the new one. A cell is
changed only while it still holds the old value, so running this twice, or after other
columns were added to a dataset, changes nothing more. Only the records that change are
rewritten; every other line of the file keeps its bytes.

    .venv/bin/python tools/migrate_citations.py            # apply
    .venv/bin/python tools/migrate_citations.py --check    # list what would change; exit 1 if anything would
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def records_with_lines(text: str) -> list[tuple[list[str], int, int]]:
    """Every CSV record with the first and last physical line (0-based) it occupies."""
    reader = csv.reader(io.StringIO(text, newline=""))
    found, start = [], 0
    for record in reader:
        end = reader.line_num - 1
        found.append((record, start, end))
        start = end + 1
    return found


def migrate(data_dir: Path, check: bool = False) -> list[str]:
    """Apply (or, with `check`, only list) the migration; returns one line per changed cell."""
    dictionary = yaml.safe_load((data_dir / "dictionary.yaml").read_text(encoding="utf-8"))["datasets"]
    with open(data_dir / "migrations" / "citations.csv", encoding="utf-8", newline="") as handle:
        changes = list(csv.DictReader(handle))
    done = []
    for dataset in dict.fromkeys(change["dataset"] for change in changes):
        spec = dictionary[dataset]
        path = data_dir / spec["file"]
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
        ending = "\r\n" if "\r\n" in text else "\n"
        lines = text.split(ending)
        records = records_with_lines(text)
        header = records[0][0]
        key_columns = [header.index(k) for k in spec["key"]]
        replaced: dict[int, tuple[int, str]] = {}
        for record, start, end in records[1:]:
            key = "|".join(record[i] for i in key_columns)
            edited = list(record)
            for change in changes:
                if change["dataset"] != dataset or change["key"] != key or change["column"] not in header:
                    continue
                column = header.index(change["column"])
                if edited[column] == change["old"]:
                    edited[column] = change["new"]
                    done.append(f"data/{spec['file']} {key} {change['column']}: {change['old']!r} -> {change['new']!r}")
            if edited != record:
                buffer = io.StringIO()
                csv.writer(buffer, lineterminator=ending).writerow(edited)
                replaced[start] = (end, buffer.getvalue()[: -len(ending)])
        if replaced and not check:
            output, position = [], 0
            while position < len(lines):
                if position in replaced:
                    end, new_text = replaced[position]
                    output.append(new_text)
                    position = end + 1
                else:
                    output.append(lines[position])
                    position += 1
            with open(path, "w", encoding="utf-8", newline="") as handle:
                handle.write(ending.join(output))
    return done


def main() -> int:
    check = "--check" in sys.argv[1:]
    done = migrate(ROOT / "data", check=check)
    for line in done:
        print(("would change " if check else "changed ") + line)
    if not done:
        print("nothing to migrate: every cell already holds its new value")
    return 1 if check and done else 0


if __name__ == "__main__":
    sys.exit(main())
