"""The staleness plan: which briefings and index pages must be rebuilt, and why.

A briefing page is up to date when its notebook, params, the meetings sharing its topic,
the package code, templates and library versions are as they were when it was built, its
page is as the build wrote it, and every read its notebook made of the data would return
the same rows (its read-set, see `briefing.datasets`). Each build leaves a record per
page under build/cache/pages/ and one for the whole build (build/cache/last-build.json),
so a rebuild with nothing changed returns at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from briefing import fingerprints
from briefing.config import Paths
from briefing.errors import NotebookFileError


@dataclass(frozen=True, eq=False)
class Job:
    """One briefing to execute and render."""

    meeting_date: str
    kind: str
    parameters: dict
    key: str
    reason: str = "forced"
    parts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Inputs:
    """Fingerprints of a build's inputs, computed once per build."""

    data: str
    code: str
    params: str
    notebooks: str

    @classmethod
    def of(cls, paths: Paths, versions: dict[str, str] | None = None) -> Inputs:
        """The inputs as they are now (`versions`: the rendering libraries', default installed)."""
        return cls(
            data=fingerprints.data_fingerprint(paths.data),
            code=fingerprints.code_fingerprint(versions),
            params=fingerprints.fingerprint(sorted(paths.params.glob("*.yaml"))),
            notebooks=fingerprints.fingerprint(sorted(paths.notebooks.glob("*.ipynb"))),
        )


# ----- per page records ------------------------------------------------------------------------


def record_path(paths: Paths, name: str) -> Path:
    """Where the build record of page `name` ('2023-03-15/comms', 'index') is kept."""
    return paths.cache / "pages" / f"{name}.json"


def read_record(paths: Paths, name: str) -> dict | None:
    """The build record of a page, or None when there is none or it cannot be read."""
    try:
        saved = json.loads(record_path(paths, name).read_text())
    except (OSError, ValueError):
        return None
    return saved if isinstance(saved, dict) else None


def remember(paths: Paths, name: str, output: Path, key: str, data_key: str | None = None, reads=None, parts=None) -> None:
    """Record that `output` was built from inputs with fingerprint `key` (and, for a
    briefing, the data fingerprint, its read-set and the parts of its key)."""
    record = record_path(paths, name)
    record.parent.mkdir(parents=True, exist_ok=True)
    saved = {"key": key, "sha256": fingerprints.fingerprint([output])}
    if data_key is not None:
        saved.update(data=data_key, reads=reads, parts=parts)
    record.write_text(json.dumps(saved))


def read_set(path: str | None) -> dict | None:
    """The read-set an executed notebook left at `path` (read -> fingerprint), or None when unknown."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8")) if path else None
    except (OSError, ValueError):
        return None


def up_to_date(paths: Paths, name: str, output: Path, key: str) -> bool:
    """True when page `name` was built from inputs with fingerprint `key` and is unchanged since."""
    saved = read_record(paths, name)
    return saved is not None and output.exists() and saved.get("key") == key and saved.get("sha256") == fingerprints.fingerprint([output])


def briefing_parts(notebook: Path, parameters: dict, topic_dates: list[str], code_key: str) -> dict[str, str]:
    """Fingerprints of what one briefing page depends on besides the data it reads (its
    read-set), named as a changed one is reported."""
    return {
        "its notebook": fingerprints.fingerprint([notebook]),
        "its params": json.dumps(parameters, sort_keys=True),
        # "since the last meeting" depends on the other meetings on this topic
        "the meetings with this briefing": ",".join(topic_dates),
        "the package code, templates or libraries": code_key,
    }


class CurrentData:
    """The data as it is now, loaded once and only if a read-set must be checked."""

    def __init__(self, paths: Paths):
        self.paths = paths
        self.data = None

    def changed_reads(self, reads: dict) -> list[str]:
        """The reads in `reads` that would now return something different, in words."""
        # pandas is imported only when a read-set must be checked: a no-op plan stays quick.
        from briefing.datasets import changed_reads, load_data

        if self.data is None:
            try:
                self.data = load_data(self.paths)
            except Exception:  # unreadable data: validation will say why; rebuild meanwhile
                return ["the data (it cannot be read)"]
        return changed_reads(self.data, reads)


def stale_reason(paths: Paths, name: str, output: Path, parts: dict, data_key: str, current: CurrentData) -> str | None:
    """Why a briefing page must be rebuilt, or None when it is up to date: its notebook,
    params, code and templates are unchanged and each read it made returns the same rows."""
    if not (record_path(paths, name).exists() and output.exists()):
        return "not built yet"
    saved = read_record(paths, name)
    if saved is None:
        return "its build record is unreadable"
    if saved.get("key") != fingerprints.combine(*parts.values()):
        earlier = saved.get("parts") or {}
        return ", ".join(part for part, value in parts.items() if earlier.get(part) != value) + " changed"
    if saved.get("sha256") != fingerprints.fingerprint([output]):
        return "its page was changed outside the build"
    if saved.get("data") == data_key:
        return None
    if not isinstance(saved.get("reads"), dict):
        return "the data changed and its read-set is unknown"
    changed = current.changed_reads(saved["reads"])
    return f"data it reads changed: {', '.join(changed)}" if changed else None


def plan(
    paths: Paths, all_params: dict, selected: dict, force: bool, data_key: str, code_key: str
) -> tuple[list[Job], list[tuple[str, str]]]:
    """The briefings to execute (each with the reason), and those already up to date."""
    planned: list[Job] = []
    unchanged: list[tuple[str, str]] = []
    current = CurrentData(paths)
    for day, params in selected.items():
        for kind in params.briefings.needed():
            parameters = params.notebook_parameters(kind)
            topic_dates = sorted(d for d, p in all_params.items() if getattr(p.briefings, kind) is not None)
            parts = briefing_parts(paths.notebook(kind), parameters, topic_dates, code_key)
            reason = "forced" if force else stale_reason(paths, f"{day}/{kind}", paths.briefing_html(day, kind), parts, data_key, current)
            if reason is None:
                unchanged.append((day, kind))
            else:
                planned.append(Job(day, kind, parameters, fingerprints.combine(*parts.values()), reason, parts))
    return planned, unchanged


def stale_indexes(paths: Paths, selected: dict, inputs: Inputs, force: bool) -> tuple[dict[str, Path], str]:
    """The index pages to write (name -> path) and the key to record them with."""
    key = fingerprints.combine(inputs.params, inputs.data, inputs.code)
    targets = {f"{day}/index": paths.meeting_dir(day) / "index.html" for day in selected}
    targets["index"] = paths.briefings / "index.html"
    return {name: path for name, path in targets.items() if force or not up_to_date(paths, name, path, key)}, key


# ----- the whole build -------------------------------------------------------------------------


def whole_build_key(paths: Paths, dates: list[str] | None, inputs: Inputs) -> str:
    """Fingerprint of every input of a build of `dates` into `paths.briefings`."""
    return fingerprints.combine(
        inputs.params, inputs.notebooks, inputs.data, inputs.code, json.dumps(dates), str(paths.briefings.resolve())
    )


def _outputs(paths: Paths) -> dict[str, str]:
    return {str(p.relative_to(paths.briefings)): fingerprints.fingerprint([p]) for p in sorted(paths.briefings.rglob("*.html"))}


def previous_build(paths: Paths, key: str | None) -> list[tuple[str, str]] | None:
    """The briefings of the last successful build if it had exactly these inputs and its
    outputs are untouched since; None otherwise."""
    record = paths.cache / "last-build.json"
    if key is None or not record.exists():
        return None
    try:
        saved = json.loads(record.read_text())
    except ValueError:
        return None
    if saved.get("key") != key or saved.get("outputs") != _outputs(paths):
        return None
    return [tuple(item) for item in saved["unchanged"]]


def remember_build(paths: Paths, key: str, briefings: list[tuple[str, str]]) -> None:
    """Record a successful build of every input with fingerprint `key`."""
    record = paths.cache / "last-build.json"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"key": key, "outputs": _outputs(paths), "unchanged": sorted(set(briefings))}))


def check_notebooks(paths: Paths, kinds: list[str]) -> None:
    """Raise NotebookFileError, naming the file and line, for a notebook that cannot be read."""
    for kind in kinds:
        notebook = paths.notebook(kind)
        shown = f"notebooks/{notebook.name}"
        try:
            text = notebook.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise NotebookFileError(f"{shown} does not exist; restore it from git (git checkout -- {shown})") from None
        except (OSError, UnicodeDecodeError) as error:
            raise NotebookFileError(f"{shown} could not be read: {error}") from None
        try:
            content = json.loads(text)
        except json.JSONDecodeError as error:
            raise NotebookFileError(
                f"{shown} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
                f"undo the last edit (git diff {shown}) or save it again from JupyterLab"
            ) from None
        if not isinstance(content, dict) or not isinstance(content.get("cells"), list):
            raise NotebookFileError(f"{shown} is JSON but not a notebook (no list of cells); restore it from git")
