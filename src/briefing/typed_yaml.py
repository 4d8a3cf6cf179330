"""What params files and panel.yaml share: a YAML loader that leaves dates as text, so the
typed model checks them and names the key, and a strict model base that refuses unknown keys."""

from __future__ import annotations

import yaml
from pydantic import BaseModel, ConfigDict


class TextDatesLoader(yaml.SafeLoader):
    """YAML loader that leaves dates as text, so pydantic checks them and names the key."""


TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class Strict(BaseModel):
    """A frozen model that refuses keys it does not declare."""

    model_config = ConfigDict(extra="forbid", frozen=True)
