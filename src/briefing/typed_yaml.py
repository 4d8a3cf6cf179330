"""How the workbook reads YAML: a fast safe loader for the data dictionary, and what params
files and panel.yaml share: a YAML loader that leaves dates as text, so the typed model
checks them and names the key, and a strict model base that refuses unknown keys."""

from __future__ import annotations

import yaml
from pydantic import BaseModel, ConfigDict

# libyaml's loader reads the data dictionary about ten times faster than the pure-Python
# one; every notebook reads the dictionary, so it counts in the edit loop.
FAST_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(stream):
    """YAML text or an open file as plain Python values (safe tags only)."""
    return yaml.load(stream, Loader=FAST_SAFE_LOADER)  # noqa: S506 - a safe loader


class TextDatesLoader(yaml.SafeLoader):
    """YAML loader that leaves dates as text, so pydantic checks them and names the key."""


TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class Strict(BaseModel):
    """A frozen model that refuses keys it does not declare."""

    model_config = ConfigDict(extra="forbid", frozen=True)
