"""The Panel's identity (panel.yaml at the top of the workbook), checked before anything runs.

Everything that belongs to one Police and Crime Panel rather than to every Panel lives in
panel.yaml: the Panel's name, its police area and force, the Commissioner's title, the host
authority, the nation (which picks the bank-holiday calendar), the publication rule, the
declared membership with its dates, the bodies whose papers the Panel uses and the Police
and Crime Plans with their themes. Code, notebooks and templates read it from here and
never name a Panel, an area, a force, a person or a district themselves.

Unknown keys and bad values are rejected with the file and key named (exit code 2, like
params). `check_panel` also checks that the bodies and the Plan's themes agree with the
vocabularies of data/dictionary.yaml, which the datasets are validated against.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from briefing.config import PANEL_FILE, Paths
from briefing.errors import PanelError
from briefing.typed_yaml import Strict, TextDatesLoader, safe_load

# The bank-holiday calendar of each nation: subdivisions of `holidays`' GB calendar.
HOLIDAY_SUBDIVISIONS: dict[str, str] = {"England": "ENG", "Wales": "WLS"}

# The Commissioner's office: a Police and Crime Commissioner, a Police, Fire and Crime
# Commissioner, or a mayor who holds those functions ("Mayor of ...").
COMMISSIONER_TITLES = ("Police and Crime Commissioner", "Police, Fire and Crime Commissioner")
MAYOR_PREFIX = "Mayor of "


class Member(Strict):
    """One member of the Panel, with the dates of membership the papers declare."""

    name: str = Field(min_length=1, description="Name as the papers print it")
    role: Literal["chair", "vice_chair", "member"] = Field("member", description="chair, vice_chair or member")
    councillor: bool = Field(description="true for a councillor of a constituent authority, false for an independent (co-opted) member")
    from_date: date | None = Field(
        None, description="First day of membership; blank where the papers do not say (a member since before the papers on record)"
    )
    to_date: date | None = Field(None, description="Last day of membership; blank while still a member")
    source: str = Field("", description="Where the papers list the member, e.g. 'pcp-2023-03-15-pack, minutes of 1 Feb 2023'")

    @model_validator(mode="after")
    def _dates_in_order(self) -> Member:
        if self.from_date and self.to_date and self.to_date < self.from_date:
            raise ValueError(f"to_date {self.to_date} is before from_date {self.from_date}")
        return self

    def member_on(self, day: date) -> bool:
        """True when the declared membership covers `day` (blank dates are open-ended)."""
        return (self.from_date is None or self.from_date <= day) and (self.to_date is None or day <= self.to_date)


class Body(Strict):
    """A body whose papers the Panel uses: the Panel itself or one of the Commissioner's boards."""

    id: str = Field(
        pattern=r"^[a-z][a-z0-9_]*$", description="The id used in data/sources.csv's and meetings.csv's `body` column, e.g. panel"
    )
    name: str = Field(min_length=1, description="The body's name as members know it")
    paper_label: str = Field(min_length=1, description="How a source list names its papers, e.g. 'Panel paper'")


class Plan(Strict):
    """A Police and Crime Plan and its themes, for the years it covers."""

    name: str = Field(min_length=1, description="The Plan's name as printed")
    start_year: int = Field(ge=2012, description="First year the Plan covers, as printed in its name")
    end_year: int = Field(ge=2012, description="Last year the Plan covers, as printed in its name")
    themes: list[str] = Field(min_length=1, description="The Plan's themes, in the Plan's order")
    communities_theme: str | None = Field(None, description="The theme the communities briefing reports on")

    @model_validator(mode="after")
    def _consistent(self) -> Plan:
        if self.end_year < self.start_year:
            raise ValueError(f"end_year {self.end_year} is before start_year {self.start_year}")
        if len(set(self.themes)) != len(self.themes):
            raise ValueError("a theme is listed twice")
        if self.communities_theme is not None and self.communities_theme not in self.themes:
            raise ValueError(f"communities_theme {self.communities_theme!r} is not one of the themes")
        return self

    def covers(self, day: date) -> bool:
        """True when `day` falls in the years the Plan's name gives."""
        return self.start_year <= day.year <= self.end_year


class Panel(Strict):
    """One Police and Crime Panel's identity: everything a page names that is not data."""

    name: str = Field(min_length=1, description="The Panel's name, e.g. 'Anyshire Police and Crime Panel'")
    police_area: str = Field(min_length=1, description="The police area, as the Commissioner's title names it")
    force: str = Field(min_length=1, description="The police force's name")
    commissioner_title: str = Field(description="Police and Crime Commissioner, Police, Fire and Crime Commissioner, or 'Mayor of ...'")
    commissioner_pronoun: Literal["he", "she", "they"] | None = Field(
        None, description="Leave blank to write about the Commissioner without a pronoun"
    )
    host_authority: str = Field(min_length=1, description="The council that hosts the Panel")
    support_contact: str | None = Field(None, description="The Panel's support officer, as the papers give them")
    nation: Literal["England", "Wales"] = Field(description="England or Wales: picks the bank-holiday calendar")
    publication_clear_working_days: int = Field(5, ge=0, le=30, description="Clear working days papers are published before a meeting")
    membership: list[Member] = Field(default_factory=list, description="The declared membership, dated")
    bodies: list[Body] = Field(min_length=1, description="The Panel and the boards whose papers it uses")
    plans: list[Plan] = Field(default_factory=list, description="The Police and Crime Plans, oldest first")

    @field_validator("commissioner_title")
    @classmethod
    def _known_title(cls, value: str) -> str:
        if value in COMMISSIONER_TITLES or (value.startswith(MAYOR_PREFIX) and len(value) > len(MAYOR_PREFIX)):
            return value
        raise ValueError(f"must be one of {', '.join(COMMISSIONER_TITLES)}, or a mayor's title starting '{MAYOR_PREFIX}'")

    @model_validator(mode="after")
    def _consistent(self) -> Panel:
        ids = [body.id for body in self.bodies]
        if len(set(ids)) != len(ids):
            raise ValueError("bodies: an id is listed twice")
        if "panel" not in ids:
            raise ValueError("bodies: the Panel itself (id 'panel') must be listed")
        for earlier, later in zip(self.plans, self.plans[1:], strict=False):
            if later.start_year < earlier.start_year:
                raise ValueError("plans: list the Plans oldest first")
        return self

    @property
    def holiday_subdivision(self) -> str:
        """The `holidays` GB subdivision whose bank holidays count for this Panel."""
        return HOLIDAY_SUBDIVISIONS[self.nation]

    @property
    def body_ids(self) -> list[str]:
        """The ids of the bodies whose papers the Panel uses, as data/sources.csv spells them."""
        return [body.id for body in self.bodies]

    def paper_label(self, body_id: str) -> str:
        """How a source list names a paper received by `body_id`, e.g. 'Panel paper'."""
        for body in self.bodies:
            if body.id == body_id:
                return body.paper_label
        raise KeyError(f"no body {body_id!r} in {PANEL_FILE}")

    def members_on(self, day: date) -> list[Member]:
        """The declared membership on `day`, in panel.yaml's order.

        A blank from_date counts as a member since before the papers on record; a blank
        to_date as still a member. The veto arithmetic takes its count from here.
        """
        return [member for member in self.membership if member.member_on(day)]

    def plan_on(self, day: date) -> Plan | None:
        """The Police and Crime Plan covering `day` (the latest one, where two overlap), or None."""
        covering = [plan for plan in self.plans if plan.covers(day)]
        return covering[-1] if covering else None

    def all_themes(self) -> list[str]:
        """Every theme of every Plan, in order, each once."""
        return list(dict.fromkeys(theme for plan in self.plans for theme in plan.themes))


def load_panel(path: Path) -> Panel:
    """Read and check a panel.yaml; raise PanelError naming the file and key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PanelError(
            f"{path}: no {PANEL_FILE} at the top of the workbook; it names the Panel, its area, force and "
            "members (see CONTRIBUTING.md, 'Set up the workbook for another Panel')"
        ) from None
    return _parse(path.name, text)


@lru_cache(maxsize=8)
def _parse(path: str, text: str) -> Panel:
    """The checked Panel of a panel.yaml's text (cached: pages read it many times)."""
    try:
        raw = yaml.load(text, Loader=TextDatesLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise PanelError(f"{_shown(path)}{where}: not valid YAML ({' '.join(str(getattr(error, 'problem', error)).split())})") from None
    if not isinstance(raw, dict):
        raise PanelError(f"{_shown(path)}: expected a mapping of keys to values")
    try:
        return Panel.model_validate(raw)
    except ValidationError as error:
        raise PanelError(_describe(path, error)) from None


def current(paths: Paths | None = None) -> Panel:
    """The Panel of the workbook at `paths` (by default the workbook being built)."""
    return load_panel((paths or Paths.default()).panel)


def check_panel(paths: Paths) -> Panel:
    """Load panel.yaml and check it against data/dictionary.yaml's vocabularies.

    The `body` vocabulary must be the bodies' ids, and every Plan theme must be in the
    `plan_theme` vocabulary, so that papers and figures name only what panel.yaml declares.
    """
    panel = current(paths)
    try:
        dictionary = safe_load(paths.dictionary.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return panel
    vocabularies = dictionary.get("vocabularies") or {}
    shown = paths.panel.name
    if "body" in vocabularies and sorted(vocabularies["body"]) != sorted(panel.body_ids):
        raise PanelError(
            f"{shown}, key 'bodies': ids {', '.join(panel.body_ids)} do not match the 'body' vocabulary of "
            f"{_shown(paths.dictionary)} ({', '.join(vocabularies['body'])}); make them the same"
        )
    if "plan_theme" in vocabularies:
        unknown = [theme for theme in panel.all_themes() if theme not in vocabularies["plan_theme"]]
        if unknown:
            raise PanelError(
                f"{shown}, key 'plans': themes {', '.join(unknown)} are not in the 'plan_theme' vocabulary of {_shown(paths.dictionary)}"
            )
    return panel


def _shown(path: Path | str) -> str:
    parts = Path(path).parts
    return "/".join(parts[-2:]) if len(parts) >= 2 else str(path)


def _describe(path: Path, error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"])
        kind = item["type"]
        if kind == "extra_forbidden":
            message = "unknown key; known keys here: " + ", ".join(_known_keys(item["loc"][:-1]))
        elif kind == "missing":
            message = "required key is missing"
        else:
            message = f"{item['msg']} (got {item.get('input')!r})"
        lines.append(f"{_shown(path)}, key '{key}': {message}" if key else f"{_shown(path)}: {message}")
    return "\n".join(lines)


def _known_keys(location: tuple) -> list[str]:
    model: type[BaseModel] = Panel
    for part in location:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[part].annotation
        inner = getattr(annotation, "__args__", (annotation,))
        model = next((c for c in inner if isinstance(c, type) and issubclass(c, BaseModel)), model)
    return list(model.model_fields)


class _CurrentPanel:
    """The Panel of the workbook being built, read afresh on each use (templates' `panel`)."""

    def __getattr__(self, name: str):
        return getattr(current(), name)


CURRENT = _CurrentPanel()
