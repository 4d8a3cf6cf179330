"""A meeting's parameters (params/<YYYY-MM-DD>.yaml), checked before anything runs.

Each file names the meeting and the briefings its agenda needs, with any per-briefing
parameters. Unknown keys and bad values are rejected with the file and key named.
"""

from __future__ import annotations

import logging
import typing
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError, create_model

from briefing.errors import ParamsError
from briefing.kinds import NAMES as KIND_NAMES
from briefing.typed_yaml import Strict, TextDatesLoader

log = logging.getLogger(__name__)


class BriefingParams(Strict):
    """Parameters every briefing takes."""

    agenda_item: str = Field(description="Agenda item as printed (number, or minute number), e.g. '6'")


class PreceptParams(BriefingParams):
    """Parameters of the precept briefing."""

    precept_year: str = Field(pattern=r"^\d{4}/\d{2}$", description="Financial year of the precept, e.g. 2023/24")
    reserve_meeting: bool = Field(False, description="True for the reserve meeting held only if the Panel vetoes")


# Kinds whose notebooks take more than the common parameters; every other kind in the
# registry (briefing.kinds) takes BriefingParams.
EXTRA_PARAMS: dict[str, type[BriefingParams]] = {"precept": PreceptParams}


class _BriefingsBase(Strict):
    """What every meeting's set of briefings can say: which of them it needs."""

    def needed(self) -> dict[str, BriefingParams]:
        """The briefings this meeting needs, in the registry's order."""
        return {kind: value for kind in KIND_NAMES if (value := getattr(self, kind)) is not None}


# One optional field per kind in the registry (briefing.kinds), so a new kind needs no edit here.
Briefings = create_model(
    "Briefings",
    __base__=_BriefingsBase,
    __doc__="The briefings a meeting needs; omit those it does not.",
    **{kind: (EXTRA_PARAMS.get(kind, BriefingParams) | None, None) for kind in KIND_NAMES},
)


class MeetingParams(Strict):
    """One meeting's params file."""

    meeting_date: date = Field(description="Date of the meeting")
    briefings: Briefings = Field(default_factory=Briefings)

    def notebook_parameters(self, kind: str) -> dict:
        """The parameters papermill passes to the `kind` notebook: declared ones only."""
        briefing = getattr(self.briefings, kind)
        return {"meeting_date": self.meeting_date.isoformat(), **briefing.model_dump()}


def load_params(path: Path) -> MeetingParams:
    """Read and check one params file; raise ParamsError naming the file and key."""
    path = Path(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=TextDatesLoader)  # noqa: S506 - a SafeLoader subclass
    except FileNotFoundError:
        raise ParamsError(f"{_shown(path)}: no params file for this meeting; create it with 'briefing new-meeting {path.stem}'") from None
    except yaml.YAMLError as error:
        raise ParamsError(_describe_yaml_error(path, error)) from None
    if not isinstance(raw, dict):
        raise ParamsError(f"{_shown(path)}: expected a mapping of keys to values")
    if "body" in raw:
        # DEPRECATED: the Panel's name now lives in panel.yaml; an old file's `body` is ignored.
        raw.pop("body")
        log.warning("%s: key 'body' is no longer used (the Panel's name is in panel.yaml); delete it", _shown(path))
    try:
        params = MeetingParams.model_validate(raw)
    except ValidationError as error:
        raise ParamsError(_describe(path, error)) from None
    if params.meeting_date.isoformat() != path.stem:
        raise ParamsError(
            f"{_shown(path)}, key 'meeting_date': {params.meeting_date.isoformat()} does not match the file name; "
            f"name the file {params.meeting_date.isoformat()}.yaml"
        )
    return params


def _describe_yaml_error(path: Path, error: yaml.YAMLError) -> str:
    """One line naming the file and the line where the YAML stops making sense."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    where = f", line {mark.line + 1}" if mark is not None else ""
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    detail = f"{context}, {problem}" if context else problem
    return f"{_shown(path)}{where}: not valid YAML ({' '.join(detail.split())}); check the indentation and the ':' after each key"


def _shown(path: Path) -> str:
    parts = path.parts
    return "/".join(parts[-2:]) if len(parts) >= 2 else str(path)


def _describe(path: Path, error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"])
        kind = item["type"]
        if kind == "extra_forbidden":
            parent = ".".join(str(p) for p in item["loc"][:-1])
            known = _known_keys(parent)
            message = "unknown key" + (f"; known keys here: {', '.join(known)}" if known else "")
        elif kind == "missing":
            message = "required key is missing"
        else:
            message = f"{item['msg']} (got {item.get('input')!r})"
        lines.append(f"{_shown(path)}, key '{key}': {message}")
    return "\n".join(lines)


def _known_keys(parent: str) -> list[str]:
    """The keys allowed at a dotted position in a params file, read from the models."""
    model: type[BaseModel] | None = MeetingParams
    for part in filter(None, parent.split(".")):
        field = model.model_fields.get(part)
        if field is None:
            return []
        candidates = [field.annotation, *typing.get_args(field.annotation)]
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if model is None:
            return []
    return list(model.model_fields)


def load_all_params(params_dir: Path) -> dict[str, MeetingParams]:
    """Every meeting's params, keyed by ISO date, oldest first."""
    return {path.stem: load_params(path) for path in sorted(Path(params_dir).glob("*.yaml"))}


def dump_params(params: MeetingParams) -> str:
    """The YAML text of a params file, in the house layout."""
    data = params.model_dump(mode="json", exclude_defaults=False)
    data["briefings"] = {k: v for k, v in data["briefings"].items() if v is not None}
    header = "# Parameters for one meeting's briefings. Checked by `briefing build` before anything runs.\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
