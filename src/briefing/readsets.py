"""Read-sets: what a notebook read of the data, as it is passed from a kernel to the build.

A build starts each kernel with BRIEFING_READ_SET naming a file; the `ReadLog` of the data
the notebook loads appends each new read to it, one line of JSON: the read (which table,
as of which date, which rows) and a fingerprint of what it returned. The build keeps the
file's reads as the briefing's read-set (see `briefing.datasets` and `briefing.plan`).
No pandas here: the build's workers read these files without loading it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

# The environment variable a build sets in each kernel: the file its notebook's reads go to.
READ_SET_VARIABLE = "BRIEFING_READ_SET"


class ReadLog:
    """The reads made through the `Data` of one `load_data`: read -> fingerprint of its answer.

    With a `path`, each new read is also appended to that file as one line of JSON, so
    the build can collect a kernel's read-set once its notebook has run.
    """

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else None
        self.reads: dict[str, str] = {}

    @classmethod
    def from_environment(cls) -> ReadLog:
        """A log written to the file named by BRIEFING_READ_SET, when a build set it."""
        return cls(os.environ.get(READ_SET_VARIABLE) or None)

    def __contains__(self, read: str) -> bool:
        return read in self.reads

    def record(self, read: str, fingerprint: str) -> None:
        """Note that `read` returned an answer with this fingerprint (the first answer counts)."""
        if read in self.reads:
            return
        self.reads[read] = fingerprint
        if self.path is not None:
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps([read, fingerprint]) + "\n")


def read_log_file(path: str | Path) -> dict[str, str]:
    """The read-set written to `path` by a `ReadLog` (read -> fingerprint), sorted."""
    reads: dict[str, str] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        read, fingerprint = json.loads(line)
        reads.setdefault(read, fingerprint)
    return dict(sorted(reads.items()))
